/* test-storage-availability.c: validation of the storage model against closed forms
 * (FIGURES.md s.3), through whole runs of the storage protocol (the registry entry, the worlds,
 * the fault runner, the directory's exact accounting).
 *
 * 1. Independent crash-recover failures, steady-state unavailability p = E[down] / (E[up] +
 *    E[down]), no repair: the time-averaged fraction of readable objects must be 1 - p^r for r
 *    copies and sum_{i=k}^{n} C(n,i) (1-p)^i p^(n-i) for Reed-Solomon k + m = n (every object's
 *    fragments on distinct nodes, the nodes independent). Exponential and non-exponential
 *    periods: the form depends on p only.
 *    Confidence interval: the availability time series is autocorrelated (a node's down period
 *    spans many instants) and objects sharing nodes are correlated, so neither instants nor
 *    objects are independent samples. Batch means: the run is cut into B = 25 consecutive
 *    batches (the availability.csv bins), each many times longer than a down period (the
 *    process's memory), whose averages are then close to independent; the interval is
 *    mean +- t(1 - a/2, B-1) * sd(batch averages) / sqrt(B), at least 1e-5 (a code so strong
 *    that no batch saw an object unreadable gives sd 0). 28 intervals are checked (4 processes x
 *    7 strategies), so a = 0.01 / 28 (Bonferroni): all 28 hold together with probability 99%.
 *    The processes start in their steady state, so no batch is discarded.
 * 2. A single region outage (with its disks lost): region-aware placement loses nothing, while
 *    random placement loses each object independently with the hypergeometric probability that
 *    its fragments fall in the region: P = C(F, r) / C(N, r) for r copies, P(X > m) with
 *    X ~ Hypergeometric(N, F, k + m) for Reed-Solomon. The lost count is Binomial(M, P): the
 *    interval is M P +- 3.29 sqrt(M P (1 - P)) (99.9%).
 * Built with CS_VALIDATION_LONG (bench/), every run is longer and larger. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "cs-storage-harness.h"

#ifdef CS_VALIDATION_LONG
#define NODES "300"
#define OBJECTS "3000"
#define BATCH_HOURS 1000
#define BATCHES 40
#define OUTAGE_OBJECTS "100000"
#else
#define NODES "100"
#define OBJECTS "1000"
#define BATCH_HOURS 300
#define BATCHES 25
#define OUTAGE_OBJECTS "20000"
#endif

/* Intervals checked by check_process over all processes (Bonferroni). */
#define N_INTERVALS 28

/* P(at least @k of @n independent nodes up), each up with probability @q. */
static double
at_least (guint k, guint n, double q)
{
  return k == 0 ? 1.0 : gsl_cdf_binomial_Q (k - 1, q, n);
}

typedef struct
{
  const char *name;      /* for the log */
  const char *up, *down; /* the periods, as YAML */
  double p;              /* steady-state unavailability */
} Process;

static void
check_process (gconstpointer data)
{
  const Process *proc = data;
  g_autofree char *yaml = g_strdup_printf (
    "name: availability\nseed: 99\nduration: %dh\nprotocol: storage\n"
    "network:\n"
    "  nodes: " NODES "\n"
    "  regions: [{name: ONE, share: 1}]\n"
    "  latency: [[5ms]]\n"
    "  jitter: none\n"
    "  bandwidth_model: none\n"
    "  peers: {outbound: 4}\n"
    "faults:\n"
    "  crash_recover: {up: %s, down: %s}\n"
    "storage:\n"
    "  collections: [{name: d, objects: " OBJECTS ", size: 1MB}]\n"
    "  strategies:\n"
    "    - {policy: replicate, r: 1}\n"
    "    - {policy: replicate, r: 2}\n"
    "    - {policy: replicate, r: 3}\n"
    "    - {policy: erasure, k: 2, m: 1}\n"
    "    - {policy: erasure, k: 4, m: 2}\n"
    "    - {policy: erasure, k: 6, m: 3}\n"
    "    - {policy: erasure, k: 4, m: 8}\n"
    "  repair: {enabled: false}\n"
    "  sample_interval: %dh\n",
    BATCH_HOURS * BATCHES, proc->up, proc->down, BATCH_HOURS);
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  double t = gsl_cdf_tdist_Pinv (1 - 0.005 / N_INTERVALS, BATCHES - 1);
  CsFaultStats st;
  cs_fault_schedule_stats (cs_storage_service_faults (run.service), &st);
  double node_uptime = st.uptime;
  g_test_message ("%s: p = %.4f, node uptime measured %.5f", proc->name, proc->p, node_uptime);
  for (guint i = 0; i < cs_storage_service_n_strategies (run.service); i++)
    {
      CsStorageStrategy *s = cs_storage_service_strategy (run.service, i);
      CsStorageResults res;
      cs_storage_run_results (&run, i, &res);
      guint n_bins;
      const double *bins = cs_storage_strategy_bins (s, cs_storage_run_now (&run), &n_bins);
      g_assert_cmpuint (n_bins, ==, BATCHES);
      double mean = 0, var = 0;
      for (guint b = 0; b < n_bins; b++)
        mean += bins[b] / n_bins;
      for (guint b = 0; b < n_bins; b++)
        var += (bins[b] - mean) * (bins[b] - mean) / (n_bins - 1);
      /* A floor for codes so strong that no batch ever saw an object unreadable (the interval
       * then has width 0 but the closed form is 1 - 1e-7 or so). */
      double half = MAX (t * sqrt (var / n_bins), 1e-5);
      guint n = res.fragments, k = res.needed;
      double want = at_least (k, n, 1 - proc->p);
      g_test_message ("  %-14s object availability %.5f, closed form %.5f, CI +- %.5f",
                      res.name, mean, want, half);
      g_assert_cmpfloat (fabs (res.object_availability - mean), <, 1e-9);
      g_assert_cmpfloat (fabs (mean - want), <=, half);
      g_assert_cmpfloat (half, <, 0.015); /* the test has power */
      /* The world's view of the nodes is the schedule's. */
      g_assert_cmpfloat (fabs (res.node_uptime - node_uptime), <, 1e-9);
      g_assert_cmpuint (res.objects_lost, ==, 0);
    }
  cs_storage_run_clear (&run);
}

/* A region of 30 of 100 nodes goes down for good: the objects placed entirely there are lost. */
static void
test_region_outage (void)
{
  const char *yaml =
    "name: outage\nseed: 5\nduration: 3h\nprotocol: storage\n"
    "network:\n"
    "  nodes: 100\n"
    "  regions: [{name: X, share: 0.3}, {name: Y, share: 0.3}, {name: Z, share: 0.4}]\n"
    "  latency: [[5ms, 50ms, 50ms], [50ms, 5ms, 50ms], [50ms, 50ms, 5ms]]\n"
    "  jitter: none\n"
    "  bandwidth_model: none\n"
    "  peers: {outbound: 4}\n"
    "faults:\n"
    "  regional_outages: [{region: X, at: 1h, duration: 1h, disk_loss: 100%}]\n"
    "storage:\n"
    "  collections: [{name: d, objects: " OUTAGE_OBJECTS ", size: 1MB}]\n"
    "  strategies:\n"
    "    - {policy: replicate, r: 2}\n"
    "    - {policy: replicate, r: 3}\n"
    "    - {policy: erasure, k: 3, m: 2}\n"
    "    - {policy: erasure, k: 2, m: 3}\n"
    "    - {policy: region-aware, r: 2}\n"
    "    - {policy: region-aware, r: 3}\n"
    "  repair: {enabled: false}\n";
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  const guint N = 100, F = 30;
  double M = 0;
  for (guint i = 0; i < cs_storage_service_n_strategies (run.service); i++)
    {
      CsStorageResults res;
      cs_storage_run_results (&run, i, &res);
      guint n = res.fragments, m = n - res.needed;
      M = res.objects;
      double p = 0;
      if (res.policy != CS_PLACEMENT_REGION_AWARE)
        p = gsl_cdf_hypergeometric_Q (m, F, N - F, n); /* P(more than m fragments in X) */
      double want = M * p, half = 3.29 * sqrt (M * p * (1 - p));
      g_test_message ("%-16s lost %" G_GUINT64_FORMAT " of %.0f objects, hypergeometric "
                      "%.1f +- %.1f (P = %.5f)", res.name, res.objects_lost, M, want, half, p);
      g_assert_cmpfloat (fabs ((double) res.objects_lost - want), <=, half);
      g_assert_cmpuint (res.max_unreadable, >=, res.objects_lost);
      if (res.policy == CS_PLACEMENT_REGION_AWARE)
        {
          g_assert_cmpuint (res.objects_lost, ==, 0);
          g_assert_cmpuint (res.max_unreadable, ==, 0);
        }
    }
  /* r copies: C(F, r) / C(N, r), the same number by the other route. */
  g_assert_cmpfloat_with_epsilon (gsl_cdf_hypergeometric_Q (1, F, N - F, 2),
                                  gsl_sf_choose (F, 2) / gsl_sf_choose (N, 2), 1e-12);
  cs_storage_run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const Process processes[] = {
    { "exponential up 9h / down 1h",
      "{dist: exponential, mean: 9h}", "{dist: exponential, mean: 1h}", 0.1 },
    { "exponential up 3h / down 1h",
      "{dist: exponential, mean: 3h}", "{dist: exponential, mean: 1h}", 0.25 },
    { "weibull up 6h k=0.6 / lognormal down 2h s=1",
      "{dist: weibull, mean: 6h, shape: 0.6}", "{dist: lognormal, mean: 2h, sigma: 1}", 0.25 },
    { "lognormal up 3h s=0.8 / fixed down 2h",
      "{dist: lognormal, mean: 3h, sigma: 0.8}", "{dist: fixed, mean: 2h}", 0.4 },
  };
  g_test_add_data_func ("/validation/availability/exponential-p0.1", &processes[0],
                        check_process);
  g_test_add_data_func ("/validation/availability/exponential-p0.25", &processes[1],
                        check_process);
  g_test_add_data_func ("/validation/availability/weibull-lognormal-p0.25", &processes[2],
                        check_process);
  g_test_add_data_func ("/validation/availability/lognormal-fixed-p0.4", &processes[3],
                        check_process);
  g_test_add_func ("/validation/region-outage/hypergeometric", test_region_outage);
  return g_test_run ();
}
