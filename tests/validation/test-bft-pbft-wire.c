/* test-bft-pbft-wire.c: validation of PBFT through the whole simulator (scenario, world, network,
 * probe): on a network with one uniform one-way delay d, no jitter and no bandwidth limit, with
 * isolated requests (1 per second, batch 10ms, no checkpoints), every decision costs exactly
 * n-1 pre-prepares + n(n-1) prepares + n(n-1) commits, plus one FORWARD per request submitted at
 * a backup; and a request commits at the primary batch + 3d after it reaches the primary
 * (pre-prepare, prepare, commit), one more d when it was forwarded: with more than half of the
 * requests submitted at backups, the median is batch + 4d exactly. */
#include "engine/cs-rng.h"
#include "scenario/cs-config.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The value of @name in DIR/metrics.csv (NAN when absent or empty). */
static double
metric (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *comma = strchr (lines[i], ',');
      if (comma && (gsize) (comma - lines[i]) == strlen (name)
          && strncmp (lines[i], name, strlen (name)) == 0)
        return comma[1] ? g_ascii_strtod (comma + 1, NULL) : NAN;
    }
  return NAN;
}

static void
run_n (guint n)
{
  g_autofree char *yaml = g_strdup_printf (
    "name: pbft-wire\n"
    "seed: 3\n"
    "duration: 60s\n"
    "protocol: pbft\n"
    "network:\n"
    "  nodes: %u\n"
    "  regions: [{name: ONE, share: 1}]\n"
    "  latency: [[50ms]]\n"
    "  jitter: none\n"
    "  bandwidth_model: none\n"
    "  peers: {outbound: %u, max_inbound: 1000}\n"
    "pbft:\n"
    "  batch: 10ms\n"
    "  view_timeout: 5s\n"
    "  checkpoint_interval: 1000000\n"
    "  tx_rate: 1\n", n, n - 1);
  CsScenario scenario = { 0 };
  g_autoptr (GError) error = NULL;
  cs_gsl_init ();
  g_assert_true (cs_config_load_data (&cs_scenario_schema, &scenario, "pbft-wire.yaml", yaml,
                                      strlen (yaml), NULL, &error));
  g_autofree char *dir = g_dir_make_tmp ("cs-pbft-wire-XXXXXX", &error);
  g_assert_no_error (error);
  CsRunOptions opts = { .out_dir = dir, .quiet = TRUE };
  g_assert_true (cs_run (&scenario, &opts, &error));
  g_assert_no_error (error);
  cs_scenario_clear (&scenario);

  double blocks = metric (dir, "consensus.committed_blocks");
  double txs = metric (dir, "consensus.committed_tx");
  double msgs = metric (dir, "consensus.messages_total");
  double p50 = metric (dir, "consensus.commit_latency_s.p50");
  double theory = (n - 1) + 2.0 * n * (n - 1);
  g_test_message ("pbft n=%u: %.0f decisions, %.0f messages = %.0f x %.0f (theory) + %.0f "
                  "forwards (<= %.0f requests); median commit latency %.3f s (batch + 4d = 0.210)",
                  n, blocks, msgs, blocks, theory, msgs - blocks * theory, txs, p50);
  g_assert_cmpfloat (blocks, >=, 40);
  g_assert_cmpfloat (metric (dir, "consensus.view_changes"), ==, 0);
  g_assert_cmpfloat (metric (dir, "consensus.safety_violations"), ==, 0);
  g_assert_cmpfloat (msgs - blocks * theory, >=, 0);
  g_assert_cmpfloat (msgs - blocks * theory, <=, txs);
  g_assert_cmpfloat_with_epsilon (p50, 0.010 + 4 * 0.050, 1e-9);
  /* tidy up */
  const char *files[] = { "summary.json", "metrics.csv", NULL };
  for (guint i = 0; files[i]; i++)
    {
      g_autofree char *f = g_build_filename (dir, files[i], NULL);
      g_remove (f);
    }
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *f = g_build_filename (dir, name, NULL);
      g_remove (f);
    }
  g_rmdir (dir);
}

static void
test_wire (void)
{
  for (guint n = 4; n <= 16; n += 6)
    run_n (n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validation/pbft/messages-latency", test_wire);
  return g_test_run ();
}
