/* chain-run.h: shared by the chain validation tests and the long validation benchmark: run a
 * Nakamoto scenario (a file of the source tree or YAML text, with --set style overrides) and
 * return the chain probe's figures; the published figures of Gervais et al. (CCS 2016, Table 1)
 * and the factor-of-two comparison against them. */
#pragma once

#include <glib.h>

#include "consensus/cs-chain-probe.h"

typedef struct
{
  CsChainFigures fig;     /* the chain probe's headline figures */
  guint64 events;         /* events processed */
  double wall_s;          /* wall-clock time of the run (stderr material only) */
  guint32 nodes;          /* network size */
  double degree_mean;     /* mean peers per node */
  guint32 degree_min;     /* fewest peers of a node */
} ChainRun;

/* Runs the scenario in file @path (relative to the source tree; NULL: @yaml is the text) with
 * @overrides ("key.path=value", NULL-terminated, may be NULL). FALSE with @error on a bad
 * scenario. */
gboolean chain_run (const char *path, const char *yaml, const char *const *overrides,
                    ChainRun *out, GError **error);

/* Published figures of one chain (Gervais et al., CCS 2016, Table 1; FIGURES.md section 2). */
typedef struct
{
  const char *name;          /* "bitcoin", ... (the scenario file's base name) */
  double median_propagation; /* seconds */
  double stale_rate;         /* fraction */
} Table1Row;

extern const Table1Row table1_rows[3];

/* Compares a run with @row, appending a human-readable report to @report. Propagation passes when
 * the measured median (p50) is within a factor of 2 of the published one. Stale rate: with
 * @strict, the measured rate itself must be within a factor of 2; otherwise (too few blocks for
 * that to mean something) the measured rate's two-sided @confidence Clopper-Pearson interval
 * must overlap [published / 2, published x 2]. Sets *@prop_ok and *@stale_ok. */
void table1_compare (const Table1Row *row, const ChainRun *run, gboolean strict,
                     double confidence, GString *report, gboolean *prop_ok, gboolean *stale_ok);

/* The two-sided Clopper-Pearson interval of @k successes in @n trials at @confidence. */
void binomial_interval (guint64 k, guint64 n, double confidence, double *low, double *high);
