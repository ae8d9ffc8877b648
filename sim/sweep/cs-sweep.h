/* cs-sweep.h: parameter sweeps. A scenario's `sweep:` section lists parameters (dotted scenario
 * paths) with their values; the grid is the Cartesian product of the value lists (the first
 * parameter outermost, the last varying fastest), and every grid point is run `replicates` times.
 *
 * - Run i (0-based: point * replicates + replicate) is the base scenario (the file plus the
 *   command line's --set overrides) with the point's values applied as further --set overrides,
 *   so every value goes through the loader's checks; and with the seed
 *       seed_i = SplitMix64 output i + 1 from state `seed`
 *              = cs_mix64 (seed + (i + 1) * 0x9e3779b97f4a7c15) mod 2^53
 *   (53 bits: exact in every tool that reads summary.json, like the seed key's own bound). Every
 *   point is loaded and checked before anything runs; an error in a value is located at that
 *   value in the scenario file.
 * - Runs are independent and deterministic; they go on a GThreadPool of `jobs` threads, and
 *   nothing a run writes depends on the thread count or on the order runs finish in. Started
 *   by mpirun as several processes (cs-mpi.h), the runs are spread over the MPI ranks as well
 *   (cs-sweep-ranks.c): rank 0 alone reads the scenario and writes DIR, the same bytes.
 * - Layout of the sweep directory DIR:
 *     DIR/sweep-definition.txt  what defines the sweep: the scenario's content (as parsed: comments
 *                               and layout do not count), the --set overrides; with its SHA-256
 *     DIR/runs.csv              the plan: run id, point, replicate, seed, parameter values
 *     DIR/runs/ID/              each run's outputs (summary.json, metrics.csv, CSV files)
 *     DIR/sweep.csv             one row per grid point: parameters, then for each numeric metric
 *                               of the runs' metrics.csv: mean, sd, n, ci95_lo, ci95_hi
 * - Resume: a run is finished when DIR/runs/ID/summary.json exists (a run writes it last, by
 *   rename). Running the same sweep into the same DIR again keeps finished runs and redoes the
 *   others from scratch. A DIR holding another sweep (a different definition) is refused. */
#pragma once

#include <glib.h>

#define CS_SWEEP_ERROR (cs_sweep_error_quark ())
GQuark cs_sweep_error_quark (void);

typedef enum
{
  CS_SWEEP_ERROR_MISMATCH,  /* DIR holds another sweep, or is not a sweep directory (bad input) */
  CS_SWEEP_ERROR_IO,        /* DIR or a run's files cannot be read or written */
  CS_SWEEP_ERROR_RUN,       /* a run failed */
  CS_SWEEP_ERROR_MPI,       /* the MPI job cannot run the sweep (see cs-mpi.h) */
} CsSweepError;

typedef struct _CsSweep CsSweep;

/* Loads the scenario at @path with @overrides (NULL-terminated "key=value", may be NULL) and
 * every point of its grid. Errors (domain CS_CONFIG_ERROR) are one located line. A scenario
 * without `sweep:` is a sweep of one point. */
CsSweep *cs_sweep_new (const char *path, const char *const *overrides, GError **error);
void cs_sweep_free (CsSweep *sweep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsSweep, cs_sweep_free)

guint cs_sweep_n_points (const CsSweep *sweep);
guint cs_sweep_n_runs (const CsSweep *sweep);
/* The scenario's name. */
const char *cs_sweep_name (const CsSweep *sweep);

/* The seed of run @run of a sweep whose scenario has seed @seed (see above). */
guint64 cs_sweep_run_seed (guint64 seed, guint64 run);

typedef struct
{
  const char *out_dir;  /* DIR */
  guint jobs;           /* threads (>= 1) */
  gboolean progress;    /* a progress bar with ETA on stderr (wall-clock figures go there only) */
  gboolean quiet;       /* nothing on stderr but errors */
} CsSweepOptions;

typedef struct
{
  guint runs;       /* runs in the sweep */
  guint executed;   /* run by this call */
  guint kept;       /* finished before, kept */
} CsSweepReport;

/* Runs (or resumes) @sweep into @options->out_dir and writes DIR/sweep.csv. On failure returns
 * FALSE with @error set (CS_SWEEP_ERROR); runs that finished are kept for the next attempt. */
gboolean cs_sweep_run (CsSweep *sweep, const CsSweepOptions *options, CsSweepReport *report,
                       GError **error);

/* --- aggregation (cs-sweep-aggregate.c) --- */

/* Summary statistics of one metric at one grid point. */
typedef struct
{
  guint n;         /* finite values */
  double mean;     /* NAN when n = 0 */
  double sd;       /* sample standard deviation (n - 1 in the denominator); NAN when n < 2 */
  double ci_lo;    /* 95% confidence interval of the mean, Student t with n - 1 degrees of */
  double ci_hi;    /*   freedom: mean -/+ t(0.975, n-1) sd / sqrt(n); NAN when n < 2 */
} CsSweepStat;

/* The statistics of the finite values among @values[0..@n). */
void cs_sweep_stat (const double *values, guint n, CsSweepStat *stat);

/* Reads DIR/runs/ID/metrics.csv of every run and writes DIR/sweep.csv. @run_dirs lists the run
 * directories in run order (point-major), @replicates per point; @point_cells[p] the parameter
 * cells of point p (as many as @params). */
gboolean cs_sweep_aggregate (const char *out_dir, const GPtrArray *params, guint n_points,
                             guint replicates, const GPtrArray *run_dirs,
                             const GPtrArray *point_cells, GError **error);
