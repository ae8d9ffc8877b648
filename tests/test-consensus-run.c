/* test-consensus-run.c: end-to-end runs of Nakamoto consensus over the real world (engine,
 * network, every node running the chain code): byte-identical outputs for identical seeds, every
 * relay mode delivering every block, real proof of work, difficulty retargeting pulling the block
 * interval back to target, and invalid blocks rejected by all and kept off the main chain. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "consensus/cs-nakamoto-world.h"
#include "engine/cs-rng.h"
#include "scenario/cs-config.h"
#include "world/cs-protocols.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"
#include "world/cs-world.h"

/* A small network for these runs: 60 nodes, 2015 latencies and bandwidths. */
#define SMALL_NET \
  "network:\n" \
  "  preset: bitcoin-2015\n" \
  "  nodes: 60\n" \
  "  pareto_shape: 20\n" \
  "  peers: {outbound_cdf: [], outbound: 6}\n"

/* A finished run kept for inspection. */
typedef struct
{
  CsScenario scenario;
  CsNet *net;
  CsNakamotoShared *shared;
  CsChainProbe *probe;
  CsChainFigures fig;
} Run;

static void
probe_emit (guint32 node, CsTime now, guint metric, guint64 key, double value, gpointer probe)
{
  cs_chain_probe_emit (probe, node, now, metric, key, value);
}

static void
run_yaml (Run *r, const char *yaml, const char *const *overrides)
{
  g_autoptr (GError) error = NULL;
  cs_gsl_init ();
  cs_config_load_data (&cs_scenario_schema, &r->scenario, "t.yaml", yaml, strlen (yaml),
                       overrides, &error);
  g_assert_no_error (error);
  guint64 seed = (guint64) r->scenario.seed;
  r->net = cs_net_new (&r->scenario.network, seed, &error);
  g_assert_no_error (error);
  r->shared = cs_nakamoto_shared_from_net (&r->scenario.nakamoto, r->net, seed, &error);
  g_assert_no_error (error);
  r->probe = cs_nakamoto_probe_new (r->shared);
  g_autoptr (CsWorld) world = cs_world_new (r->net, &cs_nakamoto_class.base, r->shared, seed,
                                            probe_emit, r->probe);
  cs_world_start (world);
  cs_engine_run (cs_world_engine (world), r->scenario.duration, 0);
  cs_chain_probe_figures (r->probe, &r->fig);
}

static void
run_clear (Run *r)
{
  cs_chain_probe_free (r->probe);
  cs_nakamoto_shared_free (r->shared);
  cs_net_free (r->net);
  cs_scenario_clear (&r->scenario);
}

static const char *base_yaml =
  "name: small\n"
  "seed: 3\n"
  "duration: 3000s\n"
  "protocol: nakamoto\n"
  SMALL_NET
  "nakamoto:\n"
  "  interval: 30s\n"
  "  block_size: 50KB\n"
  "  validation_per_kb: 0.38ms\n"
  "  hash_power: pools\n"
  "  pool_mesh: true\n"
  "  pools: [{share: 0.5, region: EU}, {share: 0.3}, {share: 0.2, region: NA}]\n";

/* What a run measured and counted, as a digest. */
typedef struct
{
  CsChainProbe *probe;
  GChecksum *sum;
} Recorder;

static void
record_emit (guint32 node, CsTime now, guint metric, guint64 key, double value, gpointer data)
{
  Recorder *rec = data;
  struct { guint32 node, metric; CsTime now; guint64 key; double value; } e = {
    node, metric, now, key, value };
  g_checksum_update (rec->sum, (const guchar *) &e, sizeof e);
  cs_chain_probe_emit (rec->probe, node, now, metric, key, value);
}

/* Runs @yaml with @overrides, deliveries taken in early or not; returns the digest of the
 * measurements, the counts and the end time (and how many deliveries were taken in early). */
static gchar *
run_digest (const char *yaml, const char *const *overrides, gboolean elision, guint threads,
            guint64 *absorbed)
{
  Run r = { 0 };
  g_autoptr (GError) error = NULL;
  cs_gsl_init ();
  cs_config_load_data (&cs_scenario_schema, &r.scenario, "t.yaml", yaml, strlen (yaml),
                       overrides, &error);
  g_assert_no_error (error);
  guint64 seed = (guint64) r.scenario.seed;
  r.net = cs_net_new (&r.scenario.network, seed, &error);
  g_assert_no_error (error);
  r.shared = cs_nakamoto_shared_from_net (&r.scenario.nakamoto, r.net, seed, &error);
  g_assert_no_error (error);
  r.probe = cs_nakamoto_probe_new (r.shared);
  Recorder rec = { r.probe, g_checksum_new (G_CHECKSUM_SHA256) };
  g_autoptr (CsWorld) world = cs_world_new (r.net, &cs_nakamoto_class.base, r.shared, seed,
                                            record_emit, &rec);
  if (threads > 1)
    g_assert_true (cs_world_set_threads (world, threads, cs_net_min_latency (r.net),
                                         cs_protocol_entry (CS_PROTOCOL_NAKAMOTO)->pinned));
  if (elision)
    g_assert_true (cs_world_set_elision (world, r.scenario.duration));
  cs_world_start (world);
  CsStopReason reason = cs_world_run (world, r.scenario.duration, 0);
  CsWorldTraffic t;
  cs_world_traffic (world, &t);
  *absorbed = cs_world_deliveries_absorbed (world);
  gchar *digest = g_strdup_printf ("%s reason %d now %" G_GINT64_FORMAT " events %"
                                   G_GUINT64_FORMAT " delivered %" G_GUINT64_FORMAT " sent %"
                                   G_GUINT64_FORMAT, g_checksum_get_string (rec.sum), reason,
                                   cs_engine_now (cs_world_engine (world)),
                                   cs_world_events_processed (world), t.messages_delivered,
                                   t.messages_sent);
  g_checksum_free (rec.sum);
  g_clear_pointer (&world, cs_world_free);
  run_clear (&r);
  return digest;
}

static void
test_elision (void)
{
  /* Deliveries taken in early change nothing a run measures or counts, in every relay mode,
   * on one thread and on three; and they are most of the announcements. */
  static const char *modes[][2] = {
    { "nakamoto.relay=inv-getdata", "nakamoto.known_filter=true" },
    { "nakamoto.relay=inv-getdata", "nakamoto.known_filter=false" },
    { "nakamoto.relay=compact", "nakamoto.compact_miss_rate=0.05" },
    { "nakamoto.relay=unsolicited", "nakamoto.known_filter=true" },
    /* requests that time out, and are made again when a later inv arrives */
    { "nakamoto.request_timeout=400ms", "network.loss=0.05" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      const char *overrides[] = { modes[i][0], modes[i][1], "duration=1500s", NULL };
      guint64 none = 0, absorbed = 0, absorbed3 = 0;
      g_autofree gchar *plain = run_digest (base_yaml, overrides, FALSE, 1, &none);
      g_autofree gchar *early = run_digest (base_yaml, overrides, TRUE, 1, &absorbed);
      g_autofree gchar *early3 = run_digest (base_yaml, overrides, TRUE, 3, &absorbed3);
      g_test_message ("%s %s: %s; %" G_GUINT64_FORMAT " taken in early (%" G_GUINT64_FORMAT
                      " on 3 threads)", modes[i][0], modes[i][1], plain, absorbed, absorbed3);
      g_assert_cmpuint (none, ==, 0);
      g_assert_cmpstr (early, ==, plain);
      g_assert_cmpstr (early3, ==, plain);
      if (i != 3) /* unsolicited relay sends whole blocks: nothing to take in */
        {
          g_assert_cmpuint (absorbed, >, 0);
          g_assert_cmpuint (absorbed3, >, 0);
        }
    }
}

static void
test_relay_modes (void)
{
  /* Every relay mode gets every main-chain block to every node. */
  static const char *modes[][2] = {
    { "nakamoto.relay=inv-getdata", "nakamoto.compact_miss_rate=0" },
    { "nakamoto.relay=unsolicited", "nakamoto.compact_miss_rate=0" },
    { "nakamoto.relay=compact", "nakamoto.compact_miss_rate=0.05" },
    { "nakamoto.relay=compact", "nakamoto.compact_high_bandwidth=false" },
  };
  double p50[G_N_ELEMENTS (modes)];
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      const char *overrides[] = { modes[i][0], modes[i][1], NULL };
      Run r = { 0 };
      run_yaml (&r, base_yaml, overrides);
      g_test_message ("%s %s: %" G_GUINT64_FORMAT " blocks, p50 %.3f s, p100 %.3f s, stale %"
                      G_GUINT64_FORMAT ", duplicates %" G_GUINT64_FORMAT, modes[i][0],
                      modes[i][1], r.fig.blocks_total, r.fig.p50, r.fig.p100, r.fig.blocks_stale,
                      r.fig.duplicates);
      g_assert_cmpuint (r.fig.blocks_total, >=, 60);
      g_assert_cmpuint (r.fig.main_settled, >, 0);
      g_assert_true (isfinite (r.fig.mean_delay_main_s)); /* every node got every main block */
      g_assert_true (isfinite (r.fig.p100));
      g_assert_cmpuint (r.fig.main_chain_height, ==, r.fig.blocks_main);
      g_assert_cmpuint (r.fig.invalid_blocks, ==, 0);
      p50[i] = r.fig.p50;
      if (i == 1)
        g_assert_cmpuint (r.fig.duplicates, >, 0); /* pushing whole blocks wastes copies */
      run_clear (&r);
    }
  /* Pushing blocks saves the inv/getdata round trip; compact blocks are smaller still. */
  g_assert_cmpfloat (p50[1], <, p50[0]);
  g_assert_cmpfloat (p50[2], <, p50[0]);
}

static void
test_real_pow (void)
{
  /* Miners search nonces for real at regtest difficulty; every node validates the hashes. */
  const char *overrides[] = { "nakamoto.real_pow=true", "nakamoto.genesis_bits=0x207fffff",
                              "duration=600s", NULL };
  Run r = { 0 };
  run_yaml (&r, base_yaml, overrides);
  g_assert_cmpuint (r.fig.blocks_total, >=, 10);
  g_assert_cmpuint (r.fig.invalid_blocks, ==, 0);
  for (guint64 s = 1; s < cs_chain_log_len (&r.shared->log); s++)
    {
      CsBlock *b = cs_chain_log_get (&r.shared->log, s);
      g_assert_false (cs_block_simulated_pow (b));
      g_assert_true (cs_hash_meets_target (cs_block_hash (b), cs_block_target (b)));
    }
  g_assert_true (isfinite (r.fig.p100));
  run_clear (&r);
}

static void
test_retarget (void)
{
  /* Hash power 4x what the genesis target expects: blocks every 2.5 s instead of 10 s until the
   * first retarget (every 20 blocks). The window's timespan T (19 gaps, Bitcoin's off-by-one:
   * from the genesis to block 19) is clamped to [50 s, 800 s] and the target scaled by T / 200 s,
   * so the next blocks come every 2.5 s x 200 / T, close to 10 s. */
  const char *yaml =
    "name: retarget\n"
    "seed: 9\n"
    "duration: 1500s\n"
    "protocol: nakamoto\n"
    SMALL_NET
    "nakamoto:\n"
    "  interval: 10s\n"
    "  block_size: 5KB\n"
    "  hash_power: pools\n"
    "  pools: [{share: 1}]\n"   /* one miner: no forks, clean intervals */
    "  retarget_interval: 20\n"
    "  hashrate_scale: 4\n";
  Run r = { 0 };
  run_yaml (&r, yaml, NULL);
  const CsChainLog *log = &r.shared->log;
  g_assert_cmpuint (cs_chain_log_len (log), >=, 120);
  CsBlock *b20 = cs_chain_log_get (log, 20), *b19 = cs_chain_log_get (log, 19);
  g_assert_cmpuint (cs_block_bits (b19), ==, 0x1d00ffff);
  CsTime span = cs_block_timestamp (b19);
  CsTime clamped = CLAMP (span, 50 * CS_SEC, 800 * CS_SEC);
  g_assert_cmpuint (cs_block_bits (b20), ==,
                    cs_retarget_bits (0x1d00ffff, span, 200 * CS_SEC, &r.shared->retarget.pow_limit));
  g_assert_cmpuint (cs_block_bits (b20), !=, 0x1d00ffff);
  /* Mean intervals: blocks 1..19 at ~2.5 s; blocks 21..120 at ~2.5 x 200 / T. With 19 and 100
   * exponential gaps the relative standard errors are 23% and 10%: 4 of them is the tolerance
   * (the compact encoding's rounding of the target is below 10^-4). */
  double before = cs_time_to_s (span) / 19;
  double after = cs_time_to_s (cs_block_timestamp (cs_chain_log_get (log, 120))
                               - cs_block_timestamp (b20)) / 100;
  double expect_after = 2.5 * 200 / cs_time_to_s (clamped);
  g_test_message ("mean interval before the retarget %.2f s, after %.2f s (expected %.2f s)",
                  before, after, expect_after);
  g_assert_cmpfloat (fabs (before - 2.5), <, 4 * 0.23 * 2.5);
  g_assert_cmpfloat (fabs (after - expect_after), <, 4 * 0.10 * expect_after);
  g_assert_cmpfloat (expect_after, >, 6);
  /* Every node validated the new targets (a wrong one would be rejected as bad-target). */
  g_assert_cmpuint (r.fig.invalid_blocks, ==, 0);
  g_assert_cmpuint (r.fig.blocks_main, ==, r.fig.blocks_total);
  run_clear (&r);
}

static void
test_invalid_blocks (void)
{
  /* One block in five is invalid: every other node rejects it, none is ever on the main chain. */
  const char *overrides[] = { "nakamoto.invalid_fraction=0.2", NULL };
  Run r = { 0 };
  run_yaml (&r, base_yaml, overrides);
  g_assert_cmpuint (r.fig.invalid_blocks, >=, 10);
  g_assert_cmpuint (r.fig.invalid_rejections, >=, r.fig.invalid_blocks);
  g_assert_cmpuint (r.fig.blocks_main + r.fig.blocks_stale + r.fig.blocks_unsettled
                      + r.fig.invalid_blocks, ==, r.fig.blocks_total);
  /* No invalid block on the main chain: every main-chain height counted as a valid block. */
  g_assert_cmpuint (r.fig.blocks_main, ==, r.fig.main_chain_height);
  run_clear (&r);
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
test_deterministic (void)
{
  /* The same scenario and seed: byte-identical outputs; another seed: different ones. */
  g_autofree char *tmp = g_dir_make_tmp ("chainsim-consensus-XXXXXX", NULL);
  g_assert_nonnull (tmp);
  const char *names[] = { "summary.json", "blocks.csv", "propagation.csv" };
  char *contents[3][3];
  for (guint k = 0; k < 3; k++)
    {
      CsScenario s = { 0 };
      const char *overrides[] = { k < 2 ? "seed=3" : "seed=4", NULL };
      g_assert_true (cs_config_load_data (&cs_scenario_schema, &s, "t.yaml", base_yaml,
                                          strlen (base_yaml), overrides, NULL));
      g_autofree char *out = g_strdup_printf ("%s/run%u", tmp, k);
      CsRunOptions options = { .out_dir = out, .quiet = TRUE };
      g_assert_true (cs_run (&s, &options, NULL));
      cs_scenario_clear (&s);
      for (guint f = 0; f < 3; f++)
        contents[k][f] = read_file (out, names[f]);
    }
  for (guint f = 0; f < 3; f++)
    {
      g_assert_cmpstr (contents[0][f], ==, contents[1][f]);
      g_assert_cmpstr (contents[0][f], !=, contents[2][f]);
    }
  g_assert_nonnull (strstr (contents[0][0], "\"chain\": {"));
  g_assert_nonnull (strstr (contents[0][0], "\"stale_rate\": "));
  for (guint k = 0; k < 3; k++)
    for (guint f = 0; f < 3; f++)
      {
        g_autofree char *path = g_strdup_printf ("%s/run%u/%s", tmp, k, names[f]);
        g_remove (path);
        g_free (contents[k][f]);
      }
  for (guint k = 0; k < 3; k++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/run%u", tmp, k);
      g_rmdir (dir);
    }
  g_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/consensus/run/deterministic", test_deterministic);
  g_test_add_func ("/consensus/run/relay-modes", test_relay_modes);
  g_test_add_func ("/consensus/run/elision", test_elision);
  g_test_add_func ("/consensus/run/real-pow", test_real_pow);
  g_test_add_func ("/consensus/run/retarget", test_retarget);
  g_test_add_func ("/consensus/run/invalid-blocks", test_invalid_blocks);
  return g_test_run ();
}
