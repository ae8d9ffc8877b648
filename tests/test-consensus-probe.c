/* test-consensus-probe.c: tests of sim/consensus/cs-chain-probe.c fed by hand: per-block
 * threshold times, the main chain as the tip most nodes hold, stale versus unsettled blocks,
 * invalid blocks, medians with blocks that never arrive, the Decker-Wattenhofer mean delay, and
 * the CSV outputs. */
#include "chain/cs-validate.h"
#include "consensus/cs-chain-probe.h"

#include <math.h>
#include <string.h>

typedef struct
{
  CsChainLog log;
} Run;

static CsBlock *
add_block (CsChainLog *log, CsBlock *parent, guint32 miner, CsTime t)
{
  CsBlockTemplate tmpl = {
    .version = 1, .bits = 0x1d00ffff, .timestamp = t, .miner = miner, .n_tx = 1,
    .simulated_pow = TRUE,
  };
  CsBlock *b = cs_block_new (parent, &tmpl, &log->next_serial);
  if (parent)
    cs_chain_log_add (log, b);
  return b;
}

static void
test_probe_figures (void)
{
  CsChainLog log = { 0 };
  g_autoptr (CsBlock) genesis = add_block (&log, NULL, G_MAXUINT32, 0);
  cs_chain_log_init (&log, genesis, 4);
  g_autoptr (CsBlock) b1 = add_block (&log, genesis, 0, 10 * CS_SEC);
  g_autoptr (CsBlock) b2 = add_block (&log, genesis, 1, 11 * CS_SEC);
  g_autoptr (CsBlock) b3 = add_block (&log, b1, 0, 20 * CS_SEC);
  g_autoptr (CsBlock) b5 = add_block (&log, b3, 1, 500 * CS_SEC);
  g_autoptr (CsBlock) b4 = add_block (&log, b3, 2, 1000 * CS_SEC);
  g_autoptr (CsChainProbe) p = cs_chain_probe_new (&log, 4, 100 * CS_SEC, 6);
  guint64 s1 = cs_block_serial (b1), s2 = cs_block_serial (b2), s3 = cs_block_serial (b3);
  guint64 s4 = cs_block_serial (b4), s5 = cs_block_serial (b5);

  /* b1 reaches nodes 0..3 at 10, 11, 12, 14 s; b2 only nodes 1 and 3. */
  cs_chain_probe_emit (p, 0, 10 * CS_SEC, CS_CHAIN_BLOCK_CREATED, s1, 1);
  cs_chain_probe_emit (p, 0, 10 * CS_SEC, CS_CHAIN_NEW_TIP, s1, 1);
  cs_chain_probe_emit (p, 1, 11 * CS_SEC, CS_CHAIN_BLOCK_ACCEPTED, s1, 1);
  cs_chain_probe_emit (p, 1, 11 * CS_SEC, CS_CHAIN_NEW_TIP, s1, 1);
  cs_chain_probe_emit (p, 1, 11 * CS_SEC, CS_CHAIN_BLOCK_CREATED, s2, 1);
  cs_chain_probe_emit (p, 2, 12 * CS_SEC, CS_CHAIN_BLOCK_ACCEPTED, s1, 1);
  cs_chain_probe_emit (p, 2, 12 * CS_SEC, CS_CHAIN_NEW_TIP, s1, 1);
  cs_chain_probe_emit (p, 3, 12 * CS_SEC, CS_CHAIN_BLOCK_ACCEPTED, s2, 1);
  cs_chain_probe_emit (p, 3, 12 * CS_SEC, CS_CHAIN_NEW_TIP, s2, 1);
  cs_chain_probe_emit (p, 3, 14 * CS_SEC, CS_CHAIN_BLOCK_ACCEPTED, s1, 1);
  /* b3 on b1 reaches everyone in 0..3 s; node 3 reorganizes (depth 1). */
  cs_chain_probe_emit (p, 0, 20 * CS_SEC, CS_CHAIN_BLOCK_CREATED, s3, 2);
  for (guint n = 0; n < 4; n++)
    {
      if (n > 0)
        cs_chain_probe_emit (p, n, (20 + n) * CS_SEC, CS_CHAIN_BLOCK_ACCEPTED, s3, 2);
      cs_chain_probe_emit (p, n, (20 + n) * CS_SEC, CS_CHAIN_NEW_TIP, s3, 2);
    }
  cs_chain_probe_emit (p, 3, 23 * CS_SEC, CS_CHAIN_REORG, s3, 1);
  cs_chain_probe_emit (p, 0, 23 * CS_SEC, CS_CHAIN_COMMIT, s1, 1);
  cs_chain_probe_emit (p, 1, 25 * CS_SEC, CS_CHAIN_COMMIT, s1, 1);
  /* b5 is invalid: two nodes reject it. b4, mined at the very end, is only at node 2. */
  cs_chain_probe_emit (p, 1, 500 * CS_SEC, CS_CHAIN_BLOCK_CREATED, s5, 3);
  cs_chain_probe_emit (p, 0, 501 * CS_SEC, CS_CHAIN_INVALID, s5, CS_BLOCK_BAD_MERKLE);
  cs_chain_probe_emit (p, 2, 501 * CS_SEC, CS_CHAIN_INVALID, s5, CS_BLOCK_BAD_MERKLE);
  cs_chain_probe_emit (p, 2, 1000 * CS_SEC, CS_CHAIN_BLOCK_CREATED, s4, 3);
  cs_chain_probe_emit (p, 2, 1000 * CS_SEC, CS_CHAIN_NEW_TIP, s4, 3);

  CsChainFigures f;
  cs_chain_probe_figures (p, &f);
  g_assert_cmpuint (f.blocks_total, ==, 5);
  g_assert_cmpuint (f.blocks_main, ==, 2);       /* b1, b3: the tip of nodes 0, 1, 3 */
  g_assert_cmpuint (f.main_chain_height, ==, 2);
  g_assert_cmpuint (f.blocks_stale, ==, 1);      /* b2 */
  g_assert_cmpuint (f.blocks_unsettled, ==, 1);  /* b4: mined within 100 s of the end */
  g_assert_cmpuint (f.blocks_settled, ==, 3);
  g_assert_cmpfloat_with_epsilon (f.stale_rate, 1.0 / 3, 1e-12);
  g_assert_cmpfloat (f.stale_ci_low, <, 1.0 / 3);
  g_assert_cmpfloat (f.stale_ci_high, >, 1.0 / 3);
  g_assert_cmpuint (f.invalid_blocks, ==, 1);
  g_assert_cmpuint (f.invalid_rejections, ==, 2);
  g_assert_cmpuint (f.reorgs, ==, 1);
  g_assert_cmpuint (f.max_reorg_depth, ==, 1);
  /* t50 of b1, b2, b3 is 1 s, of b4 never: median 1. t100: b1 4, b3 3, b2 and b4 never: the
   * median falls on "never". */
  g_assert_cmpfloat_with_epsilon (f.p50, 1.0, 1e-9);
  g_assert_true (isinf (f.p100));
  /* Settled main blocks b1 (0, 1, 2, 4 s) and b3 (0, 1, 2, 3 s): mean 13 / 8. */
  g_assert_cmpuint (f.main_settled, ==, 2);
  g_assert_cmpfloat_with_epsilon (f.mean_delay_main_s, 13.0 / 8, 1e-6);
  /* b1 committed by 2 of 4 nodes after 15 s. */
  g_assert_cmpfloat_with_epsilon (f.commit_p50_s, 15.0, 1e-9);

  g_autoptr (GString) summary = g_string_new (NULL);
  g_autoptr (CsJson) j = cs_json_new (summary);
  g_autoptr (CsOutput) out = cs_output_new ("/nonexistent");
  cs_json_begin_object (j);
  cs_chain_probe_report (p, j, out);
  cs_json_end_object (j);
  g_assert_nonnull (strstr (summary->str, "\"blocks_stale\": 1,"));
  g_assert_nonnull (strstr (summary->str, "\"p100\": null"));
  const char *csv = cs_output_file (out, "blocks.csv")->str;
  g_assert_true (g_str_has_prefix (csv, "id,height,miner,parent,mined_at_s,stale,t50_s,t90_s,"
                                        "t100_s,reached,main,settled,invalid\n"));
  g_assert_nonnull (strstr (csv, "\n1,1,0,0,10,0,1,4,4,4,1,1,0\n"));
  g_assert_nonnull (strstr (csv, "\n2,1,1,0,11,1,1,,,2,0,1,0\n"));
  g_assert_nonnull (strstr (csv, "\n5,3,2,3,1000,0,,,,1,0,0,0\n"));
  g_assert_nonnull (strstr (csv, "\n4,3,1,3,500,0,,,,1,0,1,1\n"));
  /* The CDF over the 8 main arrivals: half by 1 s, all by 4 s. */
  const char *cdf = cs_output_file (out, "propagation.csv")->str;
  g_assert_nonnull (strstr (cdf, "\n0.5,1\n"));
  g_assert_nonnull (strstr (cdf, "\n1,4\n"));
  cs_chain_log_clear (&log);
}

static void
test_probe_majority_tie (void)
{
  /* Two tips held by two nodes each: more work wins; equal work, the block created first. */
  CsChainLog log = { 0 };
  g_autoptr (CsBlock) genesis = add_block (&log, NULL, G_MAXUINT32, 0);
  cs_chain_log_init (&log, genesis, 4);
  g_autoptr (CsBlock) a = add_block (&log, genesis, 0, CS_SEC);
  g_autoptr (CsBlock) b = add_block (&log, genesis, 1, 2 * CS_SEC);
  g_autoptr (CsChainProbe) p = cs_chain_probe_new (&log, 4, 0, 0);
  cs_chain_probe_emit (p, 0, CS_SEC, CS_CHAIN_BLOCK_CREATED, cs_block_serial (a), 1);
  cs_chain_probe_emit (p, 1, 2 * CS_SEC, CS_CHAIN_BLOCK_CREATED, cs_block_serial (b), 1);
  cs_chain_probe_emit (p, 2, 3 * CS_SEC, CS_CHAIN_NEW_TIP, cs_block_serial (b), 1);
  cs_chain_probe_emit (p, 3, 3 * CS_SEC, CS_CHAIN_NEW_TIP, cs_block_serial (b), 1);
  cs_chain_probe_emit (p, 0, 3 * CS_SEC, CS_CHAIN_NEW_TIP, cs_block_serial (a), 1);
  cs_chain_probe_emit (p, 1, 3 * CS_SEC, CS_CHAIN_NEW_TIP, cs_block_serial (a), 1);
  CsChainFigures f;
  cs_chain_probe_figures (p, &f);
  g_assert_cmpuint (f.blocks_main, ==, 1);
  g_assert_cmpuint (f.blocks_stale, ==, 1);
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (CsJson) j = cs_json_new (s);
  g_autoptr (CsOutput) out = cs_output_new ("/nonexistent");
  cs_json_begin_object (j);
  cs_chain_probe_report (p, j, out);
  cs_json_end_object (j);
  /* a (serial 1) is main, b stale. */
  g_assert_nonnull (strstr (cs_output_file (out, "blocks.csv")->str, "\n1,1,0,0,1,0,"));
  g_assert_nonnull (strstr (cs_output_file (out, "blocks.csv")->str, "\n2,1,1,0,2,1,"));
  cs_chain_log_clear (&log);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/consensus/probe/figures", test_probe_figures);
  g_test_add_func ("/consensus/probe/majority-tie", test_probe_majority_tie);
  return g_test_run ();
}
