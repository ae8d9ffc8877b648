/* test-world-threads.c: tests of sim/world/cs-world-threads.c, running a world's nodes on several
 * threads. The reference is the same world on one thread: every measurement the probe gets (in
 * order, hashed), the event count and the traffic must be identical with 2, 3 and 4 threads; and
 * a whole Nakamoto run (scenarios/bitcoin.yaml, shortened) must give byte-identical output files.
 * Gossip with heavy-tailed jitter and several messages in flight, and Nakamoto with its pinned
 * miners, are the two protocols that run on threads. Also: when threads are refused. */
#include <string.h>

#include "engine/cs-rng.h"
#include "gossip/cs-gossip.h"
#include "net/cs-net.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"
#include "world/cs-world.h"

typedef struct
{
  GChecksum *trace;   /* every measurement, in the order the probe got them */
  guint64 count;
  CsTime last;        /* the probe must get them in time order */
} Recorder;

static void
record (guint32 node, CsTime now, guint metric, guint64 key, double value, gpointer user_data)
{
  Recorder *r = user_data;
  g_assert_cmpint (now, >=, r->last);
  r->last = now;
  gint64 rec[5] = { node, now, metric, (gint64) key, (gint64) (value * 1e6) };
  g_checksum_update (r->trace, (const guchar *) rec, sizeof rec);
  r->count++;
}

/* Two regions 30 ms and 80 ms apart, Pareto jitter (floor: 4/5 of the mean), bandwidth with
 * small messages interleaved: the full transfer model. */
static CsNet *
make_net (guint n)
{
  CsNetConfig c = { .nodes = n, .jitter = CS_JITTER_PARETO, .pareto_shape = 5,
                    .bandwidth_model = CS_BANDWIDTH_SERIALIZED, .interleave_max = 600,
                    .tcp_initial_window = 14600 };
  c.regions = g_array_new (FALSE, TRUE, sizeof (CsNetRegion));
  CsNetRegion a = { .name = g_strdup ("A"), .share = 0.6, .upload = 20e6, .download = 50e6 };
  CsNetRegion b = { .name = g_strdup ("B"), .share = 0.4, .upload = 5e6, .download = 10e6 };
  g_array_append_val (c.regions, a);
  g_array_append_val (c.regions, b);
  c.latency = g_array_new (FALSE, FALSE, sizeof (GArray *));
  gint64 rows[2][2] = { { 30 * CS_MSEC, 80 * CS_MSEC }, { 80 * CS_MSEC, 30 * CS_MSEC } };
  for (guint r = 0; r < 2; r++)
    {
      GArray *row = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_array_append_vals (row, rows[r], 2);
      g_array_append_val (c.latency, row);
    }
  c.peers.outbound = 6;
  c.peers.max_inbound = 125;
  g_autoptr (GError) error = NULL;
  CsNet *net = cs_net_new (&c, 11, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < 2; r++)
    {
      g_free (g_array_index (c.regions, CsNetRegion, r).name);
      g_array_unref (g_array_index (c.latency, GArray *, r));
    }
  g_array_unref (c.regions);
  g_array_unref (c.latency);
  return net;
}

typedef struct
{
  gchar *trace;
  guint64 emits, events;
  CsWorldTraffic traffic;
  CsTime now;
  CsStopReason reason;
} GossipResult;

/* 40 messages of 2 KB (queued) and 500 B (interleaved) from random nodes over 20 s. */
static void
run_gossip (guint threads, CsTime until, GossipResult *out)
{
  g_autoptr (CsNet) net = make_net (400);
  CsGossipConfig gossip = { .messages = 40, .size = 2000, .processing_delay = 2 * CS_MSEC };
  Recorder r = { .trace = g_checksum_new (G_CHECKSUM_SHA256) };
  g_autoptr (CsWorld) world = cs_world_new (net, &cs_gossip_class, &gossip, 5, record, &r);
  gboolean threaded = cs_world_set_threads (world, threads, cs_net_min_latency (net), NULL);
  g_assert_true (threaded == (threads > 1));
  g_assert_cmpuint (cs_world_threads (world), ==, threads);
  cs_world_start (world);
  g_autoptr (gsl_rng) rng = cs_rng_new (5, 99);
  for (guint m = 0; m < 40; m++)
    {
      guint32 origin = (guint32) gsl_rng_uniform_int (rng, 400);
      CsTime at = (CsTime) (gsl_rng_uniform (rng) * 20 * CS_SEC);
      cs_world_inject_timer (world, origin, at, CS_GOSSIP_TIMER_ORIGINATE, GSIZE_TO_POINTER (m));
    }
  out->reason = cs_world_run (world, until, 0);
  out->now = cs_engine_now (cs_world_engine (world));
  out->events = cs_world_events_processed (world);
  cs_world_traffic (world, &out->traffic);
  out->emits = r.count;
  out->trace = g_strdup (g_checksum_get_string (r.trace));
  g_checksum_free (r.trace);
}

static void
test_gossip_same_as_one_thread (void)
{
  cs_gsl_init ();
  /* Run to the end (no event left), and stopped at 5 s in the middle of the traffic. */
  const CsTime untils[2] = { 200 * CS_SEC, 5 * CS_SEC };
  for (guint u = 0; u < 2; u++)
    {
      GossipResult one = { 0 };
      run_gossip (1, untils[u], &one);
      g_assert_cmpuint (one.emits, >, 1000);
      g_assert_cmpint (one.reason, ==, u == 0 ? CS_STOP_EMPTY : CS_STOP_TIME);
      for (guint t = 2; t <= 4; t++)
        {
          GossipResult many = { 0 };
          run_gossip (t, untils[u], &many);
          g_test_message ("until %.0f s, %u threads: %" G_GUINT64_FORMAT " events, %"
                          G_GUINT64_FORMAT " measurements, trace %.16s",
                          cs_time_to_s (untils[u]), t, many.events, many.emits, many.trace);
          g_assert_cmpstr (many.trace, ==, one.trace);
          g_assert_cmpuint (many.emits, ==, one.emits);
          g_assert_cmpuint (many.events, ==, one.events);
          g_assert_cmpint (many.now, ==, one.now);
          g_assert_cmpint (many.reason, ==, one.reason);
          g_assert_true (memcmp (&many.traffic, &one.traffic, sizeof one.traffic) == 0);
          g_free (many.trace);
        }
      g_free (one.trace);
    }
}

/* A whole run, outputs captured in memory: the Bitcoin scenario at 800 nodes, ~20 blocks. */
static CsOutput *
run_bitcoin (guint threads)
{
  g_autofree char *path = g_build_filename (CS_SRCDIR, "scenarios", "bitcoin.yaml", NULL);
  const char *overrides[] = { "network.nodes=800", "duration=12000s",
                              "network.preset=bitcoin-2019", NULL };
  CsScenario scenario = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (cs_scenario_load (&scenario, path, overrides, &error));
  g_assert_no_error (error);
  CsOutput *out = NULL;
  CsRunOptions options = { .out_dir = "unused", .quiet = TRUE, .capture = &out,
                           .threads = threads };
  g_assert_true (cs_run (&scenario, &options, &error));
  g_assert_no_error (error);
  cs_scenario_clear (&scenario);
  return out;
}

static void
test_nakamoto_files_identical (void)
{
  g_autoptr (CsOutput) one = run_bitcoin (1);
  g_assert_cmpuint (cs_output_n_files (one), >=, 4);
  for (guint t = 2; t <= 3; t++)
    {
      g_autoptr (CsOutput) many = run_bitcoin (t);
      g_assert_cmpuint (cs_output_n_files (many), ==, cs_output_n_files (one));
      for (guint i = 0; i < cs_output_n_files (one); i++)
        {
          g_assert_cmpstr (cs_output_nth_name (many, i), ==, cs_output_nth_name (one, i));
          const GString *a = cs_output_nth_contents (one, i);
          const GString *b = cs_output_nth_contents (many, i);
          if (!g_string_equal (a, b))
            g_error ("%s differs with %u threads", cs_output_nth_name (one, i), t);
        }
    }
  /* The run did something: blocks were mined and relayed. */
  const GString *summary = NULL;
  for (guint i = 0; i < cs_output_n_files (one); i++)
    if (g_str_equal (cs_output_nth_name (one, i), "summary.json"))
      summary = cs_output_nth_contents (one, i);
  g_assert_nonnull (summary);
  g_assert_nonnull (strstr (summary->str, "\"blocks_total\""));
  g_assert_null (strstr (summary->str, "\"blocks_total\": 0,"));
}

/* Threads are refused without a positive lookahead (exponential jitter has no floor), and the
 * world then runs on one thread. */
static void
test_refused (void)
{
  g_autoptr (CsNet) net = make_net (50);
  CsGossipConfig gossip = { .messages = 1, .size = 100 };
  g_autoptr (CsWorld) world = cs_world_new (net, &cs_gossip_class, &gossip, 1, NULL, NULL);
  g_assert_false (cs_world_set_threads (world, 2, 0, NULL));
  g_assert_false (cs_world_set_threads (world, 1, CS_MSEC, NULL));
  g_assert_cmpuint (cs_world_threads (world), ==, 1);
  g_assert_true (cs_world_set_threads (world, 2, CS_MSEC, NULL));
  g_assert_cmpuint (cs_world_threads (world), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/world-threads/gossip", test_gossip_same_as_one_thread);
  g_test_add_func ("/world-threads/nakamoto", test_nakamoto_files_identical);
  g_test_add_func ("/world-threads/refused", test_refused);
  return g_test_run ();
}
