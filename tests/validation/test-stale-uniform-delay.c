/* test-stale-uniform-delay.c: validation (a). Every miner hears every block exactly d after it
 * is found, and the stale fraction must match the closed form lambda*d / (1 + lambda*d)
 * (shared/data/FIGURES.md section 3).
 *
 * Why the closed form holds: with many small miners, all of them see the same tree, the blocks
 * found up to d ago. After the first block at a new height (a "record") is found, every block
 * found in the next d goes to that same height and loses (first seen wins, and the record is
 * seen first everywhere); the first block found after those d seconds is the next record. Records
 * are therefore spaced d + Exp(lambda) apart, the main chain grows at lambda / (1 + lambda*d),
 * and the stale fraction is 1 - 1 / (1 + lambda*d). Finite miners (here 40, 2.5% each) change
 * which block of a pair wins, not how many lose, to first order; the second-order effect is
 * below 10^-3 of the fraction.
 *
 * The network: 40 nodes, every one a miner with equal share, a complete graph with latency
 * exactly d (jitter none), no bandwidth limit, zero validation time, blocks pushed whole
 * (unsolicited): a block's first copy reaches every node straight from its miner after d;
 * relayed copies come later and are dropped as duplicates. d = 2 s, interval 20 s: lambda*d = 0.1,
 * expected stale fraction 0.0909.
 *
 * Tolerance: the expected fraction must lie in the 99.9% Clopper-Pearson interval of the measured
 * one. Stale counts are not strictly binomial (losers cluster after a record), but records form a
 * renewal process: the numbers of losers per record are independent, and over ~4,000 blocks the
 * binomial interval is a fair approximation (its width, about +-16% of the fraction at 99.9%,
 * dominates the finite-miner bias by two orders of magnitude). A fixed seed makes the test
 * deterministic; the 99.9% level means a correct simulator fails for one seed in a thousand. */
#include "chain-run.h"

#include <math.h>

static const char *scenario =
  "name: uniform-delay\n"
  "seed: 11\n"
  "duration: 80000s\n"
  "protocol: nakamoto\n"
  "network:\n"
  "  nodes: 40\n"
  "  regions: [{name: ONE, share: 1}]\n"
  "  latency: [[2s]]\n"
  "  jitter: none\n"
  "  bandwidth_model: none\n"
  "  peers: {outbound: 39, max_inbound: 100}\n"
  "nakamoto:\n"
  "  interval: 20s\n"
  "  block_size: 1KB\n"
  "  tx_sample: 1\n"
  "  relay: unsolicited\n"
  "  hash_power: uniform\n"
  "  confirmations: 0\n"
  "  settle: 100s\n";

static void
test_uniform_delay (void)
{
  ChainRun run = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (chain_run (NULL, scenario, NULL, &run, &error));
  g_assert_no_error (error);
  /* A complete graph: the direct copy is the first. */
  g_assert_cmpuint (run.degree_min, ==, 39);

  const double lambda = 1.0 / 20, d = 2.0;
  double expected = lambda * d / (1 + lambda * d);
  const CsChainFigures *f = &run.fig;
  double lo, hi;
  binomial_interval (f->blocks_stale, f->blocks_settled, 0.999, &lo, &hi);
  g_test_message ("uniform delay d = %g s, lambda = 1/%g s: stale %" G_GUINT64_FORMAT " of %"
                  G_GUINT64_FORMAT " = %.4f, 99.9%% CI [%.4f, %.4f], closed form %.4f",
                  d, 1 / lambda, f->blocks_stale, f->blocks_settled, f->stale_rate, lo, hi,
                  expected);
  g_assert_cmpuint (f->blocks_settled, >=, 3500);
  g_assert_cmpfloat (expected, >=, lo);
  g_assert_cmpfloat (expected, <=, hi);
  /* Every block reaches everyone after exactly d (the miner at 0): t50 = t100 = d. */
  g_assert_cmpfloat_with_epsilon (f->p50, d, 1e-9);
  g_assert_cmpfloat_with_epsilon (f->p100, d, 1e-9);
  /* Forks are one block deep: only depth-1 reorganizations. */
  g_assert_cmpuint (f->max_reorg_depth, <=, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validation/stale/uniform-delay", test_uniform_delay);
  return g_test_run ();
}
