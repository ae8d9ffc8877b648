/* test-table1.c: validation (c), short version for `make check`. The Bitcoin, Litecoin and
 * Dogecoin scenarios (scenarios/{bitcoin,litecoin,dogecoin}.yaml, at their Table 1 sizes: 6,000, 800 and 600 nodes) must
 * give a median block propagation within a factor of 2 of Gervais et al., CCS 2016, Table 1
 * (8.7 s, 1.02 s, 0.85 s).
 *
 * What the short runs can and cannot say. The median propagation is a network-wide median per
 * block, then a median over blocks: a few dozen blocks pin it down to a few percent, so it is
 * checked at face value. Stale rates of 0.27-0.62% need thousands of blocks for a factor of 2 to
 * be decidable (with n blocks the count is roughly binomial, and 10 expected stale blocks still
 * leave +-60% at 95%); these runs have 50 to 1,500 blocks, so the stale check here is only that
 * the measured rate's 99.9% Clopper-Pearson interval overlaps [published / 2, published x 2]: a
 * gross-error check (a stale rate 5x too high fails it). The real comparison, over enough blocks,
 * is the benchmark bench/validate-chains (`make bench`). */
#include "chain-run.h"

typedef struct
{
  const char *path;             /* scenario file */
  const char *duration;         /* shortened run */
  guint min_blocks;             /* blocks the run must produce */
} ShortRun;

static const ShortRun short_runs[3] = {
  { "scenarios/bitcoin.yaml", "duration=30000s", 30 },     /* ~50 blocks */
  { "scenarios/litecoin.yaml", "duration=120000s", 600 },  /* ~800 blocks */
  { "scenarios/dogecoin.yaml", "duration=60000s", 700 },   /* ~1,000 blocks */
};

static void
test_chain (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  const ShortRun *s = &short_runs[i];
  const char *overrides[] = { s->duration, NULL };
  ChainRun run = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (chain_run (s->path, NULL, overrides, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.fig.blocks_total, >=, s->min_blocks);
  g_autoptr (GString) report = g_string_new (NULL);
  gboolean prop_ok, stale_ok;
  table1_compare (&table1_rows[i], &run, FALSE, 0.999, report, &prop_ok, &stale_ok);
  g_test_message ("%s", report->str);
  g_assert_true (prop_ok);
  g_assert_true (stale_ok);
  /* Nothing invalid is mined in these scenarios; forks stay shallow. */
  g_assert_cmpuint (run.fig.invalid_blocks, ==, 0);
  g_assert_cmpuint (run.fig.max_reorg_depth, <=, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (short_runs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/validation/table1/%s", table1_rows[i].name);
      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_chain);
    }
  return g_test_run ();
}
