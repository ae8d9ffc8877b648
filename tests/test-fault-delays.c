/* test-fault-delays.c: tests of the latency faults and of the heal time: the network's extra
 * delays (network-wide, a region's, a sending node's) measured on transfers; delay spikes and
 * slow nodes played by a runner (spikes in force add up; a slow_leader episode slows the node
 * the leader callback names when it starts, and that node until it ends); the configuration
 * errors of the new keys; and cs_fault_schedule_last_heal for every kind of fault, healed and
 * not. */
#include <math.h>
#include <string.h>

#include "engine/cs-rng.h"
#include "fault/cs-fault-runner.h"
#include "fault/cs-fault-schedule.h"
#include "scenario/cs-config.h"
#include "world/cs-scenario.h"

/* 90 nodes in three regions, fixed latencies, no bandwidth: a transfer takes its latency. */
static const char *scenario_head =
  "name: x\nseed: 1\nduration: 1d\n"
  "network:\n"
  "  nodes: 90\n"
  "  regions: [{name: A, share: 0.2}, {name: B, share: 0.3}, {name: C, share: 0.5}]\n"
  "  latency: [[10ms, 50ms, 90ms], [50ms, 10ms, 40ms], [90ms, 40ms, 10ms]]\n"
  "  jitter: none\n"
  "  bandwidth_model: none\n"
  "  peers: {outbound: 4}\n";

typedef struct
{
  CsScenario scenario;
  CsNet *net;
  guint32 in_region[3];  /* a node of each region */
  gsl_rng *rng;          /* for transfers (no draw is made: no jitter, no loss) */
} Setup;

static void
setup (Setup *s, const char *rest)
{
  g_autofree char *yaml = g_strconcat (scenario_head, rest, NULL);
  g_autoptr (GError) error = NULL;
  cs_gsl_init ();
  cs_config_load_data (&cs_scenario_schema, &s->scenario, "f.yaml", yaml, strlen (yaml), NULL,
                       &error);
  g_assert_no_error (error);
  s->net = cs_net_new (&s->scenario.network, 1, &error);
  g_assert_no_error (error);
  for (guint32 v = 0; v < 90; v++)
    s->in_region[cs_net_node_region (s->net, v)] = v;
  s->rng = cs_rng_new (1, 1);
}

static void
teardown (Setup *s)
{
  gsl_rng_free (s->rng);
  cs_net_free (s->net);
  cs_scenario_clear (&s->scenario);
}

/* How long a transfer from @a to @b sent at @now takes. */
static CsTime
transfer (Setup *s, CsTime now, guint32 a, guint32 b)
{
  return cs_net_transfer (s->net, now, a, b, 100, s->rng) - now;
}

static void
test_net_delays (void)
{
  Setup s;
  setup (&s, "");
  guint32 a = s.in_region[0], b = s.in_region[1], c = s.in_region[2];
  g_assert_cmpint (transfer (&s, 0, a, b), ==, 50 * CS_MSEC);
  cs_net_set_delay (s.net, 200 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, a, b), ==, 250 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, c, a), ==, 290 * CS_MSEC);
  cs_net_set_delay (s.net, 0);
  /* a region's: links from or to it, once (the larger of the two ends) */
  cs_net_set_region_delay (s.net, 1, 30 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, a, b), ==, 80 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, b, c), ==, 70 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, a, c), ==, 90 * CS_MSEC);
  cs_net_set_region_delay (s.net, 2, 100 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, b, c), ==, 140 * CS_MSEC);
  cs_net_set_region_delay (s.net, 1, 0);
  cs_net_set_region_delay (s.net, 2, 0);
  /* a node's: what it sends, not what it receives */
  cs_net_set_node_delay (s.net, a, 2 * CS_SEC);
  g_assert_cmpint (transfer (&s, 0, a, b), ==, 2 * CS_SEC + 50 * CS_MSEC);
  g_assert_cmpint (transfer (&s, 0, b, a), ==, 50 * CS_MSEC);
  cs_net_set_node_delay (s.net, a, 0);
  g_assert_cmpint (cs_net_extra_delay (s.net, a, b), ==, 0);
  g_assert_cmpint (transfer (&s, 0, a, b), ==, 50 * CS_MSEC);
  teardown (&s);
}

static guint32
fixed_leader (gpointer user_data)
{
  return GPOINTER_TO_UINT (user_data);
}

static void
test_runner_delays (void)
{
  Setup s;
  setup (&s, "protocol: raft\n"
             "faults:\n"
             "  delay_spikes: [{at: 1h, duration: 2h, extra: 200ms},\n"
             "                 {at: 2h, duration: 2h, extra: 300ms},\n"
             "                 {at: 5h, duration: 1h, extra: 1s, region: B}]\n"
             "  slow_nodes: [{at: 7h, duration: 1h, delay: 2s, node: 5}]\n"
             "  slow_leader: [{at: 9h, duration: 1h, delay: 3s}]\n");
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&s.scenario.faults, s.net, 3,
                                                             CS_DAY);
  CsFaultStats stats;
  cs_fault_schedule_stats (sched, &stats);
  g_assert_cmpuint (stats.delay_spikes, ==, 3);
  g_assert_cmpuint (stats.slow_episodes, ==, 2);
  g_assert_cmpuint (cs_fault_schedule_slow_node (sched, 0), ==, 5);
  g_assert_cmpuint (cs_fault_schedule_slow_node (sched, 1), ==, CS_FAULT_LEADER);
  g_autoptr (CsEngine) engine = cs_engine_new ();
  guint32 leader = 7;
  g_autoptr (CsFaultRunner) runner = cs_fault_runner_new_full (sched, engine, s.net, NULL,
                                                               fixed_leader,
                                                               GUINT_TO_POINTER (leader));
  guint32 a = s.in_region[0], b = s.in_region[1], c = s.in_region[2];
  static const struct { double at_h; CsTime a_c, a_b, from5, from7; } want[] = {
    { 0.5, 0, 0, 0, 0 },
    { 1.5, 200 * CS_MSEC, 200 * CS_MSEC, 0, 0 },
    { 2.5, 500 * CS_MSEC, 500 * CS_MSEC, 0, 0 },       /* two spikes in force add up */
    { 3.5, 300 * CS_MSEC, 300 * CS_MSEC, 0, 0 },
    { 4.5, 0, 0, 0, 0 },
    { 5.5, 0, CS_SEC, 0, 0 },                          /* region B's links only */
    { 7.5, 0, 0, 2 * CS_SEC, 0 },                      /* node 5 sends late */
    { 9.5, 0, 0, 0, 3 * CS_SEC },                      /* the leader then: node 7 */
    { 10.5, 0, 0, 0, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      CsTime t = (CsTime) (want[i].at_h * CS_HOUR);
      if (want[i].at_h > 9.6)
        leader = 8; /* the leader changes: the episode still ends on node 7 */
      cs_engine_run (engine, t, 0);
      g_assert_cmpint (cs_net_extra_delay (s.net, a, c), ==, want[i].a_c);
      g_assert_cmpint (cs_net_extra_delay (s.net, a, b), ==, want[i].a_b);
      guint32 other5 = 5 == a ? c : a, other7 = 7 == a ? c : a;
      CsTime base5 = cs_net_extra_delay (s.net, other5, 5);
      CsTime base7 = cs_net_extra_delay (s.net, other7, 7);
      g_assert_cmpint (cs_net_extra_delay (s.net, 5, other5) - base5, ==, want[i].from5);
      g_assert_cmpint (cs_net_extra_delay (s.net, 7, other7) - base7, ==, want[i].from7);
    }
  g_assert_cmpuint (cs_fault_runner_slowed (runner, 0), ==, 5);
  g_assert_cmpuint (cs_fault_runner_slowed (runner, 1), ==, 7);
  teardown (&s);
}

static char *
load_error (const char *rest)
{
  g_autofree char *yaml = g_strconcat (scenario_head, rest, NULL);
  CsScenario s;
  g_autoptr (GError) error = NULL;
  if (cs_config_load_data (&cs_scenario_schema, &s, "f.yaml", yaml, strlen (yaml), NULL, &error))
    {
      cs_scenario_clear (&s);
      return NULL;
    }
  return g_strdup (error->message);
}

static void
test_config_errors (void)
{
  static const struct { const char *rest, *error; } cases[] = {
    { "faults:\n  delay_spikes: [{at: 1h, duration: 1h, extra: 1s, region: D}]\n",
      "f.yaml:12:18: error: no region 'D' in the network (regions: A, B, C)" },
    { "faults:\n  slow_nodes: [{at: 1h, duration: 1h, delay: 1s, node: 90}]\n",
      "f.yaml:12:16: error: no node 90: the network has 90 nodes (ids 0 to 89)" },
    { "faults:\n  slow_nodes: [{at: 1h, duration: 1h, delay: 1s}]\n",
      "f.yaml:12:16: error: missing required key 'node' in faults.slow_nodes[0]" },
    { "faults:\n  delay_spikes: [{at: 1h, duration: 1h, extra: 10}]\n",
      "f.yaml:12:48: error: missing unit for 'extra': expected a duration with a unit (ns, us, "
      "ms, s, min, h, d), got '10'" },
    { "faults:\n  slow_leader: [{at: 1h, duration: 1h, delay: 1s}]\n",
      "f.yaml:12:16: error: protocol 'gossip' has no leader to slow (slow_leader is for raft, "
      "pbft and hotstuff; slow_nodes names a node)" },
    { "protocol: raft\nfaults:\n  slow_leader: [{at: 1h, duration: 1h, delay: 1s, node: 3}]\n",
      "f.yaml:13:51: error: unknown key 'node' in faults.slow_leader[0] (valid keys: at, "
      "duration, delay)" },
    { "protocol: raft\nconsensus: {liveness_bound: -1s}\n",
      "f.yaml:12:29: error: 'liveness_bound' must be at least 0s, got -1s" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = load_error (cases[i].rest);
      g_assert_cmpstr (got, ==, cases[i].error);
    }
  /* and the valid forms load */
  g_assert_null (load_error ("protocol: pbft\nconsensus: {liveness_bound: 30s}\nfaults:\n"
                             "  slow_leader: [{at: 1h, duration: 1h, delay: 1s}]\n"
                             "  slow_nodes: [{at: 1h, duration: 1h, delay: 1s, node: 89}]\n"
                             "  delay_spikes: [{at: 1h, duration: 1h, extra: 1s, region: C}]\n"));
}

/* cs_fault_schedule_last_heal of @faults over a day. */
static CsTime
last_heal (const char *faults)
{
  Setup s;
  setup (&s, faults);
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&s.scenario.faults, s.net, 3,
                                                             CS_DAY);
  CsTime t = cs_fault_schedule_last_heal (sched);
  teardown (&s);
  return t;
}

static void
test_last_heal (void)
{
  g_assert_cmpint (last_heal (""), ==, 0);
  g_assert_cmpint (last_heal ("faults:\n  partitions: [{at: 1h, duration: 2h, groups: [[A]]}]\n"),
                   ==, 3 * CS_HOUR);
  /* the latest end of all, whatever the order in the file */
  g_assert_cmpint (last_heal ("protocol: pbft\nfaults:\n"
                              "  loss_bursts: [{at: 5h, duration: 1h, loss: 10%}]\n"
                              "  delay_spikes: [{at: 1h, duration: 1h, extra: 1s}]\n"
                              "  slow_leader: [{at: 2h, duration: 30min, delay: 1s}]\n"
                              "  bursts: [{at: 1h, nodes: 3, window: 0s,\n"
                              "            down: {dist: fixed, mean: 4h}}]\n"),
                   ==, 6 * CS_HOUR);
  /* a crashed node's recovery is a heal */
  g_assert_cmpint (last_heal ("faults:\n  bursts: [{at: 1h, nodes: 3, window: 0s,\n"
                              "            down: {dist: fixed, mean: 9h}}]\n"), ==, 10 * CS_HOUR);
  /* a node that never returns: the faults stop changing when it crashes */
  g_assert_cmpint (last_heal ("faults:\n  bursts: [{at: 1h, nodes: 3, window: 0s,\n"
                              "            down: {dist: fixed, mean: 30d}}]\n"), ==, CS_HOUR);
  /* a network fault in force at the end never heals within the run */
  g_assert_cmpint (last_heal ("faults:\n  partitions: [{at: 20h, duration: 5h, groups: [[A]]}]\n"),
                   ==, CS_TIME_NEVER);
  g_assert_cmpint (last_heal ("faults:\n  slow_nodes: [{at: 1h, duration: 30d, delay: 1s, "
                              "node: 1}]\n"), ==, CS_TIME_NEVER);
  g_assert_cmpint (last_heal ("faults:\n  delay_spikes: [{at: 23h, duration: 2h, extra: 1s}]\n"),
                   ==, CS_TIME_NEVER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fault/delays/net", test_net_delays);
  g_test_add_func ("/fault/delays/runner", test_runner_delays);
  g_test_add_func ("/fault/delays/config-errors", test_config_errors);
  g_test_add_func ("/fault/last-heal", test_last_heal);
  return g_test_run ();
}
