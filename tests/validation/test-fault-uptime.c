/* test-fault-uptime.c: validation of the crash-recover process. For an alternating renewal
 * process the long-run fraction of time up is E[up] / (E[up] + E[down]) whatever the
 * distributions (FIGURES.md s.3). Checked for exponential periods and for non-exponential ones
 * (Weibull, lognormal, fixed), each over N nodes drawn independently (streams per node).
 *
 * Confidence interval: the nodes are independent replications, so the per-node uptime fractions
 * u_1..u_N are i.i.d. and the interval is mean +- z * sd(u) / sqrt(N) with z = 3.29 (99.9%); no
 * time-series correction is needed. The processes start in their steady state (cs-dist.h: the
 * equilibrium residual law), so there is no start-up bias to wait out.
 * Built with CS_VALIDATION_LONG (bench/), it runs 4x the nodes and 5x the horizon. */
#include <math.h>

#include "engine/cs-rng.h"
#include "fault/cs-fault-schedule.h"

#ifdef CS_VALIDATION_LONG
#define NODES 8000
#define CYCLES 1000
#else
#define NODES 2000
#define CYCLES 200
#endif

static CsNet *
one_region_net (guint n)
{
  CsNetConfig c = { .nodes = n, .jitter = CS_JITTER_NONE, .bandwidth_model = CS_BANDWIDTH_NONE,
                    .peers = { .outbound = 2, .max_inbound = 100 } };
  c.regions = g_array_new (FALSE, TRUE, sizeof (CsNetRegion));
  CsNetRegion region = { .name = (char *) "ONE", .share = 1.0 };
  g_array_append_val (c.regions, region);
  c.latency = g_array_new (FALSE, FALSE, sizeof (GArray *));
  GArray *row = g_array_new (FALSE, FALSE, sizeof (gint64));
  CsTime l = CS_MSEC;
  g_array_append_val (row, l);
  g_array_append_val (c.latency, row);
  g_autoptr (GError) error = NULL;
  CsNet *net = cs_net_new (&c, 1, &error);
  g_assert_no_error (error);
  g_array_unref (row);
  g_array_unref (c.latency);
  g_array_unref (c.regions);
  return net;
}

typedef struct
{
  const char *name;  /* for the log */
  CsDist up, down;   /* the periods */
} Case;

static void
check_case (gconstpointer data)
{
  const Case *k = data;
  cs_gsl_init ();
  g_autoptr (CsNet) net = one_region_net (NODES);
  CsFaultConfig config = {
    .crash_recover = { .nodes = 1.0, .up = k->up, .down = k->down,
                       .start = CS_FAULT_START_STATIONARY },
  };
  double eu = cs_dist_mean_s (&k->up), ed = cs_dist_mean_s (&k->down);
  double want = eu / (eu + ed);
  CsTime horizon = cs_time_from_s (CYCLES * (eu + ed));
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&config, net, 2024, horizon);
  double sum = 0, sum2 = 0;
  for (guint32 v = 0; v < NODES; v++)
    {
      double u = cs_fault_schedule_node_uptime (sched, v, horizon);
      sum += u;
      sum2 += u * u;
    }
  double mean = sum / NODES;
  double sd = sqrt ((sum2 - NODES * mean * mean) / (NODES - 1));
  double half = 3.29 * sd / sqrt (NODES);
  g_test_message ("%s: uptime %.5f, E[up]/(E[up]+E[down]) = %.5f, 99.9%% CI +- %.5f "
                  "(%d nodes x %d mean cycles)", k->name, mean, want, half, NODES, CYCLES);
  g_assert_cmpfloat (fabs (mean - want), <=, half);
  g_assert_cmpfloat (half, <, 0.005); /* the test has power */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const Case cases[] = {
    { "exponential up 9h, exponential down 1h",
      { .dist = CS_DIST_EXPONENTIAL, .mean = 9 * CS_HOUR },
      { .dist = CS_DIST_EXPONENTIAL, .mean = CS_HOUR } },
    { "weibull up 9h k=0.6, lognormal down 1h sigma=1.2",
      { .dist = CS_DIST_WEIBULL, .mean = 9 * CS_HOUR, .shape = 0.6 },
      { .dist = CS_DIST_LOGNORMAL, .mean = CS_HOUR, .sigma = 1.2 } },
    { "weibull up 9h k=2 (wear-out), fixed down 3h",
      { .dist = CS_DIST_WEIBULL, .mean = 9 * CS_HOUR, .shape = 2 },
      { .dist = CS_DIST_FIXED, .mean = 3 * CS_HOUR } },
    { "lognormal up 20h sigma=1.5, weibull down 5h k=0.5",
      { .dist = CS_DIST_LOGNORMAL, .mean = 20 * CS_HOUR, .sigma = 1.5 },
      { .dist = CS_DIST_WEIBULL, .mean = 5 * CS_HOUR, .shape = 0.5 } },
  };
  g_test_add_data_func ("/validation/uptime/exponential", &cases[0], check_case);
  g_test_add_data_func ("/validation/uptime/weibull-lognormal", &cases[1], check_case);
  g_test_add_data_func ("/validation/uptime/weibull-fixed", &cases[2], check_case);
  g_test_add_data_func ("/validation/uptime/lognormal-weibull", &cases[3], check_case);
  return g_test_run ();
}
