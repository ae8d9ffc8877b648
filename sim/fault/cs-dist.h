/* cs-dist.h: a random duration as a scenario writes it, e.g. `{dist: weibull, mean: 2h,
 * shape: 0.7}`: the schema of that small section (any module may embed it), sampling through GSL,
 * its mean, and sampling from its equilibrium (residual-life) distribution, which is what a
 * process observed at a random instant has left to run: the way to start an alternating up/down
 * process in its steady state rather than all nodes fresh at time 0.
 *
 * Every distribution is given by its mean; the second parameter is the Weibull shape k or the
 * lognormal log-standard deviation sigma. A section that is absent (nothing written) has
 * dist == CS_DIST_NONE; one that is written must name its distribution and all its parameters,
 * and unused parameters are errors, so a typo never silently changes the model. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "engine/cs-time.h"
#include "scenario/cs-schema.h"

typedef enum
{
  CS_DIST_NONE,         /* not given (the section was not written) */
  CS_DIST_EXPONENTIAL,  /* memoryless, mean only */
  CS_DIST_WEIBULL,      /* shape k: k < 1 heavy early failures, k = 1 exponential, k > 1 wear-out */
  CS_DIST_LOGNORMAL,    /* log-sd sigma; mu = ln(mean) - sigma^2/2 */
  CS_DIST_FIXED,        /* always the mean */
} CsDistKind;

/* The section. */
typedef struct
{
  int dist;      /* CsDistKind */
  CsTime mean;   /* the mean duration (> 0) */
  double shape;  /* CS_DIST_WEIBULL: shape k > 0 */
  double sigma;  /* CS_DIST_LOGNORMAL: standard deviation of the log (>= 0) */
} CsDist;

/* Distribution names, indexed by CsDistKind (NULL-terminated). */
extern const char *const cs_dist_names[];

/* The schema of the section, with its check (parameters present and used). */
extern const CsSchema cs_dist_schema;

/* Whether the section was written. */
static inline gboolean
cs_dist_given (const CsDist *d)
{
  return d->dist != CS_DIST_NONE;
}

/* The mean, in seconds. */
double cs_dist_mean_s (const CsDist *d);

/* One draw (>= 0, rounded to the nanosecond). Draws exactly one or two numbers from @rng
 * depending on the kind (none for fixed), so streams stay aligned run to run. */
CsTime cs_dist_sample (const CsDist *d, gsl_rng *rng);

/* One draw from the equilibrium distribution, density (1 - F(x)) / mean: the time left in a
 * period observed at a random instant. Drawn as U * X* where X* is length-biased (density
 * x f(x) / mean): a Gamma(2) for the exponential (so U X* is again exponential), for the Weibull
 * scale * G^(1/k) with G ~ Gamma(1 + 1/k), for the lognormal a lognormal with mu + sigma^2, and
 * the mean itself for the fixed distribution. */
CsTime cs_dist_sample_residual (const CsDist *d, gsl_rng *rng);

/* "weibull(mean 2h, shape 0.7)", for messages and summaries. */
char *cs_dist_describe (const CsDist *d);
