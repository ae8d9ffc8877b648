/* test-fault.c: tests of sim/fault and of crash / recovery in the world. Distributions against
 * their means and their equilibrium (residual-life) means; the schedule's causes (regional
 * outages, bursts, churn, crash-stop) against what they must produce, merged into valid
 * alternating transitions; partitions and loss bursts played into a network; and the world's
 * crash semantics driven by hand: messages to and from a crashed node dropped, its timers
 * dropped, its memory cleared, injected work reaching it only while up. */
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

#include "engine/cs-rng.h"
#include "fault/cs-fault-runner.h"
#include "fault/cs-fault-schedule.h"
#include "scenario/cs-config.h"
#include "world/cs-protocols.h"
#include "world/cs-scenario.h"
#include "world/cs-world.h"

/* ---- distributions ---- */

/* Sample mean of @n draws within 4.5 standard errors of @want. */
static void
check_mean (const CsDist *d, gboolean residual, double want, guint n)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (42, d->dist * 2 + residual);
  double sum = 0, sum2 = 0;
  for (guint i = 0; i < n; i++)
    {
      double x = cs_time_to_s (residual ? cs_dist_sample_residual (d, rng)
                                        : cs_dist_sample (d, rng));
      g_assert_cmpfloat (x, >=, 0);
      sum += x;
      sum2 += x * x;
    }
  double mean = sum / n, se = sqrt ((sum2 / n - mean * mean) / n);
  g_autofree char *what = cs_dist_describe (d);
  g_test_message ("%s%s: mean %.1f s, expected %.1f s (se %.2f)", residual ? "residual of " : "",
                  what, mean, want, se);
  g_assert_cmpfloat (fabs (mean - want), <=, 4.5 * se + 1e-9 * want);
}

static void
test_dist_means (void)
{
  cs_gsl_init ();
  const double m = 7200; /* 2 h */
  CsDist e = { .dist = CS_DIST_EXPONENTIAL, .mean = 2 * CS_HOUR };
  CsDist w = { .dist = CS_DIST_WEIBULL, .mean = 2 * CS_HOUR, .shape = 0.7 };
  CsDist l = { .dist = CS_DIST_LOGNORMAL, .mean = 2 * CS_HOUR, .sigma = 1.0 };
  CsDist f = { .dist = CS_DIST_FIXED, .mean = 2 * CS_HOUR };
  check_mean (&e, FALSE, m, 200000);
  check_mean (&w, FALSE, m, 200000);
  check_mean (&l, FALSE, m, 200000);
  g_assert_cmpint (cs_dist_sample (&f, NULL), ==, 2 * CS_HOUR);
  /* Equilibrium means E[X^2] / (2 E[X]). */
  check_mean (&e, TRUE, m, 200000);
  double scale = m / gsl_sf_gamma (1 + 1 / 0.7);
  check_mean (&w, TRUE, scale * scale * gsl_sf_gamma (1 + 2 / 0.7) / (2 * m), 400000);
  check_mean (&l, TRUE, m * exp (1.0) / 2, 400000); /* E[X^2] = mean^2 e^(sigma^2) */
  check_mean (&f, TRUE, m / 2, 100000);
}

/* ---- configuration errors ---- */

static const char *scenario_head =
  "name: x\nseed: 1\nduration: 1d\n"
  "network:\n"
  "  nodes: 90\n"
  "  regions: [{name: A, share: 0.2}, {name: B, share: 0.3}, {name: C, share: 0.5}]\n"
  "  latency: [[10ms, 50ms, 90ms], [50ms, 10ms, 40ms], [90ms, 40ms, 10ms]]\n"
  "  jitter: none\n"
  "  bandwidth_model: none\n"
  "  peers: {outbound: 4}\n";

static char *
load_error (const char *faults)
{
  g_autofree char *yaml = g_strconcat (scenario_head, faults, NULL);
  CsScenario s;
  g_autoptr (GError) error = NULL;
  gboolean ok = cs_config_load_data (&cs_scenario_schema, &s, "f.yaml", yaml, strlen (yaml), NULL,
                                     &error);
  if (ok)
    {
      cs_scenario_clear (&s);
      return NULL;
    }
  return g_strdup (error->message);
}

static void
test_config_errors (void)
{
  static const struct { const char *faults, *error; } cases[] = {
    { "faults:\n  crash_recover:\n    up: {dist: weibull, mean: 2h}\n"
      "    down: {dist: exponential, mean: 1h}\n",
      "f.yaml:13:9: error: in faults.crash_recover.up: a weibull distribution needs 'shape' "
      "(e.g. shape: 0.7; shape 1 is the exponential)" },
    { "faults:\n  crash_recover: {up: {dist: exponential, mean: 2h}}\n",
      "f.yaml:12:18: error: in faults.crash_recover: missing 'down', the distribution of the "
      "time a crashed node stays down (e.g. down: {dist: exponential, mean: 1h})" },
    { "faults:\n  crash_recover:\n    up: {dist: exponential, mean: 2h, shape: 2}\n"
      "    down: {dist: exponential, mean: 1h}\n",
      "f.yaml:13:46: error: 'shape' is a weibull parameter, not used by exponential" },
    { "faults:\n  regional_outages: [{region: D, at: 1h, duration: 1h}]\n",
      "f.yaml:12:22: error: no region 'D' in the network (regions: A, B, C)" },
    { "faults:\n  regional_outages: [{region: A, at: 1h, every: 2h, duration: 1h}]\n",
      "f.yaml:12:49: error: give either 'at' (one scheduled event) or 'every' (random events, "
      "exponential gaps of this mean), not both" },
    { "faults:\n  partitions: [{at: 1h, duration: 1h, groups: [[A], [A, B]]}]\n",
      "f.yaml:12:16: error: region 'A' is named twice: a region belongs to one group" },
    { "faults:\n  partitions: [{at: 1h, duration: 2h, groups: [[A]]},\n"
      "               {at: 2h, duration: 1h, groups: [[B]]}]\n",
      "f.yaml:13:16: error: this partition starts while partition 0 is still in force; "
      "partitions may not overlap" },
    { "faults:\n  bursts: [{at: 1h, nodes: 91, down: {dist: fixed, mean: 1h}}]\n",
      "f.yaml:12:12: error: a burst of 91 nodes, but the network has only 90" },
    { "faults:\n  churn: {joiners: 10%}\n",
      "f.yaml:12:20: error: joiners need 'join', the distribution of their join times (e.g. "
      "join: {dist: exponential, mean: 1d})" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = load_error (cases[i].faults);
      g_assert_cmpstr (got, ==, cases[i].error);
    }
}

/* ---- schedules ---- */

typedef struct
{
  CsScenario scenario;  /* loaded */
  CsNet *net;           /* built from it */
} Setup;

static void
setup (Setup *s, const char *faults)
{
  g_autofree char *yaml = g_strconcat (scenario_head, faults, NULL);
  g_autoptr (GError) error = NULL;
  cs_gsl_init ();
  g_assert_true (cs_config_load_data (&cs_scenario_schema, &s->scenario, "f.yaml", yaml,
                                      strlen (yaml), NULL, &error));
  s->net = cs_net_new (&s->scenario.network, 1, &error);
  g_assert_no_error (error);
}

static void
teardown (Setup *s)
{
  cs_net_free (s->net);
  cs_scenario_clear (&s->scenario);
}

/* Every node's events alternate down, up, down... starting up, in time order. */
static void
check_alternating (const CsFaultSchedule *sched)
{
  guint n;
  const CsFaultEvent *ev = cs_fault_schedule_events (sched, &n);
  guint32 nodes = cs_fault_schedule_n_nodes (sched);
  g_autofree guint8 *down = g_new0 (guint8, nodes);
  g_autofree gboolean *dead = g_new0 (gboolean, nodes);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_assert_cmpint (ev[i].time, >=, ev[i - 1].time);
      if (ev[i].kind == CS_FAULT_NODE_DOWN)
        {
          g_assert_false (down[ev[i].index]);
          down[ev[i].index] = 1;
          dead[ev[i].index] = (ev[i].flags & CS_FAULT_PERMANENT) != 0;
        }
      else if (ev[i].kind == CS_FAULT_NODE_UP)
        {
          g_assert_true (down[ev[i].index]);
          g_assert_false (dead[ev[i].index]);
          down[ev[i].index] = 0;
        }
    }
}

static void
test_schedule_regional_outage (void)
{
  Setup s;
  setup (&s, "faults:\n  regional_outages: [{region: B, at: 1h, duration: 30min}]\n");
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&s.scenario.faults, s.net, 1,
                                                             CS_DAY);
  guint n;
  const CsFaultEvent *ev = cs_fault_schedule_events (sched, &n);
  guint b_nodes = cs_net_region_n_nodes (s.net, 1);
  g_assert_cmpuint (b_nodes, ==, 27);
  g_assert_cmpuint (n, ==, 2 * b_nodes);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (cs_net_node_region (s.net, ev[i].index), ==, 1);
      g_assert_cmpint (ev[i].time, ==, ev[i].kind == CS_FAULT_NODE_DOWN ? CS_HOUR
                                                                        : 90 * CS_MIN);
    }
  CsFaultStats st;
  cs_fault_schedule_stats (sched, &st);
  g_assert_cmpuint (st.crashes, ==, b_nodes);
  g_assert_cmpuint (st.regional_outages, ==, 1);
  g_assert_cmpfloat_with_epsilon (st.uptime, 1 - 0.3 * 0.5 / 24, 1e-12);
  teardown (&s);
}

static void
test_schedule_burst (void)
{
  Setup s;
  setup (&s, "faults:\n  bursts: [{at: 2h, nodes: 10, window: 2min, "
             "down: {dist: fixed, mean: 1h}}]\n");
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&s.scenario.faults, s.net, 5,
                                                             CS_DAY);
  guint n;
  const CsFaultEvent *ev = cs_fault_schedule_events (sched, &n);
  g_assert_cmpuint (n, ==, 20);
  g_autoptr (GHashTable) nodes = g_hash_table_new (NULL, NULL);
  g_autofree CsTime *down_at = g_new0 (CsTime, 90);
  for (guint i = 0; i < n; i++)
    if (ev[i].kind == CS_FAULT_NODE_DOWN)
      {
        g_assert_cmpint (ev[i].time, >=, 2 * CS_HOUR);
        g_assert_cmpint (ev[i].time, <, 2 * CS_HOUR + 2 * CS_MIN);
        g_hash_table_add (nodes, GUINT_TO_POINTER (ev[i].index + 1));
        down_at[ev[i].index] = ev[i].time;
      }
    else
      g_assert_cmpint (ev[i].time, ==, down_at[ev[i].index] + CS_HOUR);
  g_assert_cmpuint (g_hash_table_size (nodes), ==, 10);
  check_alternating (sched);
  teardown (&s);
}

static void
test_schedule_churn_and_stop (void)
{
  Setup s;
  setup (&s, "faults:\n"
             "  churn: {session: {dist: exponential, mean: 2d}, joiners: 10%,\n"
             "          join: {dist: exponential, mean: 6h}}\n"
             "  crash_stop: {nodes: 20%, at: {dist: exponential, mean: 1d}}\n"
             "  crash_recover: {up: {dist: weibull, mean: 4h, shape: 0.6},\n"
             "                  down: {dist: lognormal, mean: 1h, sigma: 1}, disk_loss: 10%}\n"
             "  regional_outages: [{every: 8h, duration: 1h}]\n");
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&s.scenario.faults, s.net, 9,
                                                             4 * CS_DAY);
  guint members = 0;
  for (guint32 v = 0; v < 90; v++)
    members += cs_fault_schedule_is_member (sched, v);
  g_assert_cmpuint (members, ==, 81);
  guint n;
  const CsFaultEvent *ev = cs_fault_schedule_events (sched, &n);
  /* Joiners are down (absent) at time 0 and join with no data. */
  for (guint32 v = 0; v < 90; v++)
    if (!cs_fault_schedule_is_member (sched, v))
      {
        gboolean seen = FALSE;
        for (guint i = 0; i < n && !seen; i++)
          if (ev[i].index == v && ev[i].kind == CS_FAULT_NODE_DOWN)
            {
              g_assert_cmpint (ev[i].time, ==, 0);
              g_assert_true (ev[i].flags & CS_FAULT_ABSENT);
              seen = TRUE;
            }
        g_assert_true (seen);
      }
  check_alternating (sched);
  CsFaultStats st;
  cs_fault_schedule_stats (sched, &st);
  g_test_message ("%" G_GUINT64_FORMAT " crashes, %" G_GUINT64_FORMAT " permanent, %"
                  G_GUINT64_FORMAT " disk losses, %" G_GUINT64_FORMAT " joins, %"
                  G_GUINT64_FORMAT " outages, uptime %.3f", st.crashes, st.permanent,
                  st.disk_losses, st.joins, st.regional_outages, st.uptime);
  g_assert_cmpuint (st.permanent, >, 18);
  g_assert_cmpuint (st.disk_losses, >=, st.permanent);
  g_assert_cmpuint (st.joins, >, 0);
  g_assert_cmpuint (st.regional_outages, >, 4);

  /* The same seed draws the same trace; another seed another. */
  g_autoptr (CsFaultSchedule) again = cs_fault_schedule_new (&s.scenario.faults, s.net, 9,
                                                             4 * CS_DAY);
  g_autoptr (CsFaultSchedule) other = cs_fault_schedule_new (&s.scenario.faults, s.net, 10,
                                                             4 * CS_DAY);
  guint n2, n3;
  const CsFaultEvent *ev2 = cs_fault_schedule_events (again, &n2);
  const CsFaultEvent *ev3 = cs_fault_schedule_events (other, &n3);
  g_assert_cmpuint (n, ==, n2);
  g_assert_cmpmem (ev, n * sizeof *ev, ev2, n2 * sizeof *ev2);
  g_assert_true (n != n3 || memcmp (ev, ev3, n * sizeof *ev) != 0);
  teardown (&s);
}

/* Partitions and loss bursts played into the network by a runner. */
static void
test_runner_network (void)
{
  Setup s;
  setup (&s, "faults:\n"
             "  partitions: [{at: 1h, duration: 1h, groups: [[B]]}]\n"
             "  loss_bursts: [{at: 3h, duration: 1h, loss: 40%}]\n");
  g_autoptr (CsFaultSchedule) sched = cs_fault_schedule_new (&s.scenario.faults, s.net, 3,
                                                             CS_DAY);
  g_autoptr (CsEngine) engine = cs_engine_new ();
  g_autoptr (CsFaultRunner) runner = cs_fault_runner_new (sched, engine, s.net, NULL, NULL);
  guint32 a = 0, b = 0, c = 0;
  for (guint32 v = 0; v < 90; v++)
    {
      guint r = cs_net_node_region (s.net, v);
      if (r == 0)
        a = v;
      else if (r == 1)
        b = v;
      else
        c = v;
    }
  cs_engine_run (engine, 30 * CS_MIN, 0);
  g_assert_true (cs_net_can_reach (s.net, 30 * CS_MIN, a, b));
  cs_engine_run (engine, 90 * CS_MIN, 0);
  g_assert_false (cs_net_can_reach (s.net, 90 * CS_MIN, a, b));
  g_assert_false (cs_net_can_reach (s.net, 90 * CS_MIN, b, c));
  g_assert_true (cs_net_can_reach (s.net, 90 * CS_MIN, a, c)); /* unlisted regions together */
  cs_engine_run (engine, 150 * CS_MIN, 0);
  g_assert_true (cs_net_can_reach (s.net, 150 * CS_MIN, a, b));
  cs_engine_run (engine, 210 * CS_MIN, 0);
  g_assert_cmpfloat (cs_fault_runner_loss (runner), ==, 0.4);
  guint lost = 0, total = 20000;
  for (guint i = 0; i < total; i++)
    lost += !cs_net_can_reach (s.net, 210 * CS_MIN + i, i % 90, (i + 1 + i / 90) % 90);
  g_test_message ("loss burst 40%%: %u of %u transfers lost", lost, total);
  g_assert_cmpfloat (fabs ((double) lost / total - 0.4), <, 4 * sqrt (0.24 / total));
  cs_engine_run (engine, 5 * CS_HOUR, 0);
  g_assert_cmpfloat (cs_fault_runner_loss (runner), ==, 0);
  g_assert_true (cs_net_can_reach (s.net, 5 * CS_HOUR, a, b));
  teardown (&s);
}

/* ---- crash and recovery in the world ---- */

/* What the test protocol saw. */
typedef struct
{
  guint starts;       /* start calls */
  guint clears;       /* clear calls with a live state (crashes and the final free) */
  guint recovers;     /* recover calls */
  guint disk_lost;    /* recover calls with disk_lost */
  guint received;     /* messages received */
  guint timers;       /* own timers fired */
} Seen;

typedef struct
{
  gint alive;         /* 1 once started; 0 in a zeroed (crashed) state */
} TinyNode;

enum { T_SEND = 1, T_OWN = 2 };

static void
tiny_start (CsNodeCtx *ctx, gpointer state)
{
  Seen *seen = ctx->shared;
  ((TinyNode *) state)->alive = 1;
  seen->starts++;
  if (ctx->id == 2)
    cs_timer_start (ctx, 3 * CS_SEC, T_OWN, NULL);
}

static void
tiny_recover (CsNodeCtx *ctx, gpointer state, gboolean disk_lost)
{
  Seen *seen = ctx->shared;
  g_assert_cmpint (((TinyNode *) state)->alive, ==, 0); /* memory was lost */
  ((TinyNode *) state)->alive = 1;
  seen->recovers++;
  seen->disk_lost += disk_lost;
}

static void
tiny_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  g_assert_cmpint (((TinyNode *) state)->alive, ==, 1);
  ((Seen *) ctx->shared)->received++;
}

static void
tiny_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  g_assert_cmpint (((TinyNode *) state)->alive, ==, 1);
  if (kind == T_SEND)
    {
      g_autoptr (CsMsg) msg = cs_msg_new (1, 100, NULL, NULL);
      cs_send (ctx, GPOINTER_TO_UINT (arg), msg);
    }
  else
    ((Seen *) ctx->shared)->timers++;
}

static Seen *clear_seen; /* clear has no context */

static void
tiny_clear (gpointer state)
{
  if (((TinyNode *) state)->alive)
    clear_seen->clears++;
}

static const CsProtocolClass tiny_class = {
  .name = "tiny",
  .state_size = sizeof (TinyNode),
  .start = tiny_start,
  .on_message = tiny_message,
  .on_timer = tiny_timer,
  .clear = tiny_clear,
  .recover = tiny_recover,
};

/* A test event: crash (data odd) or recover node data / 2 (disk lost when data & 2...). */
typedef struct
{
  CsWorld *world;
} Driver;

static void
on_drive (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  Driver *d = user_data;
  if (ev->aux == 0)
    cs_world_crash (d->world, ev->dst, GPOINTER_TO_UINT (ev->data) != 0);
  else
    cs_world_recover (d->world, ev->dst);
}

static void
test_world_crash (void)
{
  cs_gsl_init ();
  CsNetConfig c = { .nodes = 3, .jitter = CS_JITTER_NONE, .bandwidth_model = CS_BANDWIDTH_NONE,
                    .peers = { .outbound = 2, .max_inbound = 10 } };
  c.regions = g_array_new (FALSE, TRUE, sizeof (CsNetRegion));
  CsNetRegion region = { .name = (char *) "ONE", .share = 1.0 };
  g_array_append_val (c.regions, region);
  c.latency = g_array_new (FALSE, FALSE, sizeof (GArray *));
  GArray *row = g_array_new (FALSE, FALSE, sizeof (gint64));
  CsTime one = CS_SEC;
  g_array_append_val (row, one);
  g_array_append_val (c.latency, row);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsNet) net = cs_net_new (&c, 1, &error);
  g_assert_no_error (error);

  Seen seen = { 0 };
  clear_seen = &seen;
  CsWorld *world = cs_world_new (net, &tiny_class, &seen, 1, NULL, NULL);
  CsEngine *engine = cs_world_engine (world);
  Driver d = { world };
  guint16 drive = cs_engine_register (engine, on_drive, NULL, &d);
  /* 0 -> 1 at 0 s (arrives 1 s), but 1 crashes at 0.5 s (disk lost) and returns at 2 s. */
  cs_world_inject_timer (world, 0, 0, T_SEND, GUINT_TO_POINTER (1));
  cs_engine_schedule (engine, CS_SEC / 2, CS_SRC_SYSTEM, 1, drive, 0, GUINT_TO_POINTER (1));
  cs_engine_schedule (engine, 2 * CS_SEC, CS_SRC_SYSTEM, 1, drive, 1, NULL);
  /* 2's own timer (3 s) dies with its crash at 1 s; it returns at 1.5 s. */
  cs_engine_schedule (engine, CS_SEC, CS_SRC_SYSTEM, 2, drive, 0, NULL);
  cs_engine_schedule (engine, 3 * CS_SEC / 2, CS_SRC_SYSTEM, 2, drive, 1, NULL);
  /* 0 -> 2 at 2.2 s (arrives 3.2 s), but the sender crashes at 2.5 s: the transfer is cut. */
  cs_world_inject_timer (world, 0, 2200 * CS_MSEC, T_SEND, GUINT_TO_POINTER (2));
  cs_engine_schedule (engine, 5 * CS_SEC / 2, CS_SRC_SYSTEM, 0, drive, 0, NULL);
  /* Work for 0 while it is down is lost; after its recovery at 4 s it works. */
  cs_world_inject_timer (world, 0, 3 * CS_SEC, T_SEND, GUINT_TO_POINTER (1));
  cs_engine_schedule (engine, 4 * CS_SEC, CS_SRC_SYSTEM, 0, drive, 1, NULL);
  cs_world_inject_timer (world, 0, 5 * CS_SEC, T_SEND, GUINT_TO_POINTER (1));
  g_assert_true (cs_world_node_is_up (world, 1));

  cs_world_start (world);
  g_assert_cmpuint (seen.starts, ==, 3);
  cs_engine_run (engine, 10 * CS_SEC, 0);

  CsWorldTraffic t;
  cs_world_traffic (world, &t);
  g_assert_cmpuint (seen.received, ==, 1);        /* only the last message */
  g_assert_cmpuint (seen.timers, ==, 0);          /* 2's timer died with its memory */
  g_assert_cmpuint (t.messages_dropped, ==, 2);   /* to a crashed receiver, from a crashed sender */
  g_assert_cmpuint (t.timers_dropped, ==, 2);     /* 2's own timer, 0's work while down */
  g_assert_cmpuint (t.crashes, ==, 3);
  g_assert_cmpuint (t.recoveries, ==, 3);
  g_assert_cmpuint (seen.recovers, ==, 3);
  g_assert_cmpuint (seen.disk_lost, ==, 1);
  g_assert_cmpuint (seen.clears, ==, 3);
  g_assert_cmpuint (seen.starts, ==, 3);          /* recover, not start, on the way back */
  g_assert_true (cs_net_node_is_up (net, 0) && cs_net_node_is_up (net, 1));
  cs_world_free (world);
  g_assert_cmpuint (seen.clears, ==, 6);          /* and the three live states at the end */

  g_array_unref (c.regions);
  g_array_unref (row);
  g_array_unref (c.latency);
}

/* Faults reach any protocol through its registry entry: gossip through crashes. */
static void
test_gossip_with_faults (void)
{
  const char *yaml =
    "name: g\nseed: 4\nduration: 10min\nprotocol: gossip\n"
    "network: {preset: bitcoin-2019, nodes: 200}\n"
    "gossip: {messages: 100, interval: 3s}\n"
    "faults:\n"
    "  crash_recover: {up: {dist: exponential, mean: 5min}, down: {dist: exponential, "
    "mean: 1min}, start: up}\n"
    "  regional_outages: [{region: NA, at: 2min, duration: 1min}]\n";
  CsScenario s;
  g_autoptr (GError) error = NULL;
  cs_gsl_init ();
  g_assert_true (cs_config_load_data (&cs_scenario_schema, &s, "g.yaml", yaml, strlen (yaml),
                                      NULL, &error));
  g_autoptr (CsNet) net = cs_net_new (&s.network, 4, &error);
  const CsProtocolEntry *entry = cs_protocol_entry (s.protocol);
  gpointer shared = entry->shared_new (&s, net);
  gpointer probe = entry->probe_new (&s, net, shared);
  CsWorld *world = cs_world_new (net, entry->klass, shared, 4, entry->probe_emit, probe);
  g_autoptr (gsl_rng) rng = cs_rng_new (4, cs_stream_id (CS_STREAM_WORKLOAD, 0));
  entry->plan (&s, shared, world, rng);
  cs_world_start (world);
  cs_engine_run (cs_world_engine (world), s.duration, 0);
  CsWorldTraffic t;
  cs_world_traffic (world, &t);
  g_test_message ("gossip through faults: %" G_GUINT64_FORMAT " crashes, %" G_GUINT64_FORMAT
                  " deliveries dropped, %" G_GUINT64_FORMAT " blocked", t.crashes,
                  t.messages_dropped, t.messages_lost);
  g_assert_cmpuint (t.crashes, >, 200);
  g_assert_cmpuint (t.messages_lost, >, 0);      /* sent to nodes that are down */
  g_assert_cmpuint (t.messages_delivered, >, 10000);
  cs_world_free (world);
  entry->probe_free (probe);
  cs_scenario_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fault/dist/means", test_dist_means);
  g_test_add_func ("/fault/config/errors", test_config_errors);
  g_test_add_func ("/fault/schedule/regional-outage", test_schedule_regional_outage);
  g_test_add_func ("/fault/schedule/burst", test_schedule_burst);
  g_test_add_func ("/fault/schedule/churn-and-stop", test_schedule_churn_and_stop);
  g_test_add_func ("/fault/runner/partition-and-loss", test_runner_network);
  g_test_add_func ("/fault/world/crash-recover", test_world_crash);
  g_test_add_func ("/fault/world/gossip", test_gossip_with_faults);
  return g_test_run ();
}
