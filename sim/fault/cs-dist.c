/* cs-dist.c: the duration distributions of cs-dist.h: schema, checks and sampling (GSL). */
#include "fault/cs-dist.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stddef.h>

#include "scenario/cs-units.h"

const char *const cs_dist_names[] = {
  "none", "exponential", "weibull", "lognormal", "fixed", NULL
};

static gboolean dist_check (const void *config, CsCheck *check);

static const CsField dist_fields[] = {
  { .key = "dist", .type = CS_T_ENUM, .offset = offsetof (CsDist, dist),
    .choices = cs_dist_names, .min = NAN, .max = NAN,
    .help = "exponential, weibull (needs shape), lognormal (needs sigma) or fixed" },
  { .key = "mean", .type = CS_T_DURATION, .offset = offsetof (CsDist, mean),
    .min = 1, .max = 1e18, .help = "the mean duration, e.g. 2h" },
  { .key = "shape", .type = CS_T_DOUBLE, .offset = offsetof (CsDist, shape),
    .min = 0.05, .max = 100,
    .help = "weibull only: shape k (below 1: decreasing hazard; 1: exponential)" },
  { .key = "sigma", .type = CS_T_DOUBLE, .offset = offsetof (CsDist, sigma),
    .min = 0, .max = 5, .help = "lognormal only: standard deviation of the log" },
  { NULL }
};

const CsSchema cs_dist_schema = {
  .name = "distribution",
  .struct_size = sizeof (CsDist),
  .fields = dist_fields,
  .check = dist_check,
};

/* Written keys must make one complete distribution: the kind, its mean, its own parameter and
 * no other's. Nothing written at all is an absent distribution. */
static gboolean
dist_check (const void *config, CsCheck *check)
{
  const CsDist *d = config;
  gboolean has_dist = cs_check_has_key (check, "dist");
  gboolean has_mean = cs_check_has_key (check, "mean");
  gboolean has_shape = cs_check_has_key (check, "shape");
  gboolean has_sigma = cs_check_has_key (check, "sigma");

  if (!has_dist)
    {
      if (has_mean || has_shape || has_sigma)
        return cs_check_fail (check, NULL, "missing 'dist' (exponential, weibull, lognormal or "
                              "fixed)");
      return TRUE;
    }
  if (d->dist == CS_DIST_NONE)
    {
      if (has_mean || has_shape || has_sigma)
        return cs_check_fail (check, "dist", "dist: none takes no parameters");
      return TRUE;
    }
  if (!has_mean)
    return cs_check_fail (check, NULL, "a %s distribution needs 'mean' (e.g. mean: 2h)",
                          cs_dist_names[d->dist]);
  if (d->dist == CS_DIST_WEIBULL && !has_shape)
    return cs_check_fail (check, NULL, "a weibull distribution needs 'shape' (e.g. shape: 0.7; "
                          "shape 1 is the exponential)");
  if (d->dist == CS_DIST_LOGNORMAL && !has_sigma)
    return cs_check_fail (check, NULL, "a lognormal distribution needs 'sigma', the standard "
                          "deviation of the log (e.g. sigma: 1)");
  if (d->dist != CS_DIST_WEIBULL && has_shape)
    return cs_check_fail (check, "shape", "'shape' is a weibull parameter, not used by %s",
                          cs_dist_names[d->dist]);
  if (d->dist != CS_DIST_LOGNORMAL && has_sigma)
    return cs_check_fail (check, "sigma", "'sigma' is a lognormal parameter, not used by %s",
                          cs_dist_names[d->dist]);
  return TRUE;
}

double
cs_dist_mean_s (const CsDist *d)
{
  return d->dist == CS_DIST_NONE ? 0.0 : cs_time_to_s (d->mean);
}

/* The Weibull scale that gives the configured mean: mean / Gamma(1 + 1/k). */
static double
weibull_scale (const CsDist *d)
{
  return cs_time_to_s (d->mean) / gsl_sf_gamma (1.0 + 1.0 / d->shape);
}

/* The lognormal mu that gives the configured mean. */
static double
lognormal_mu (const CsDist *d)
{
  return log (cs_time_to_s (d->mean)) - 0.5 * d->sigma * d->sigma;
}

CsTime
cs_dist_sample (const CsDist *d, gsl_rng *rng)
{
  double mean = cs_time_to_s (d->mean);

  switch (d->dist)
    {
    case CS_DIST_EXPONENTIAL:
      return cs_time_from_s (gsl_ran_exponential (rng, mean)); /* GSL takes the mean */
    case CS_DIST_WEIBULL:
      return cs_time_from_s (gsl_ran_weibull (rng, weibull_scale (d), d->shape));
    case CS_DIST_LOGNORMAL:
      return cs_time_from_s (gsl_ran_lognormal (rng, lognormal_mu (d), d->sigma));
    case CS_DIST_FIXED:
      return d->mean;
    case CS_DIST_NONE:
    default:
      g_return_val_if_reached (0);
    }
}

CsTime
cs_dist_sample_residual (const CsDist *d, gsl_rng *rng)
{
  double mean = cs_time_to_s (d->mean);
  double biased;

  switch (d->dist)
    {
    case CS_DIST_EXPONENTIAL:
      biased = gsl_ran_gamma (rng, 2.0, mean);
      break;
    case CS_DIST_WEIBULL:
      biased = weibull_scale (d) * pow (gsl_ran_gamma (rng, 1.0 + 1.0 / d->shape, 1.0),
                                        1.0 / d->shape);
      break;
    case CS_DIST_LOGNORMAL:
      biased = gsl_ran_lognormal (rng, lognormal_mu (d) + d->sigma * d->sigma, d->sigma);
      break;
    case CS_DIST_FIXED:
      biased = mean;
      break;
    case CS_DIST_NONE:
    default:
      g_return_val_if_reached (0);
    }
  return cs_time_from_s (gsl_rng_uniform (rng) * biased);
}

char *
cs_dist_describe (const CsDist *d)
{
  g_autofree char *mean = cs_units_format_duration (d->mean);

  switch (d->dist)
    {
    case CS_DIST_WEIBULL:
      return g_strdup_printf ("weibull(mean %s, shape %g)", mean, d->shape);
    case CS_DIST_LOGNORMAL:
      return g_strdup_printf ("lognormal(mean %s, sigma %g)", mean, d->sigma);
    case CS_DIST_NONE:
      return g_strdup ("none");
    default:
      return g_strdup_printf ("%s(mean %s)", cs_dist_names[d->dist], mean);
    }
}
