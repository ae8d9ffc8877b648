/* validate-chains.c: validation (c), long version (`make bench`): the Bitcoin, Litecoin and
 * Dogecoin scenarios over enough blocks for their stale rates to be compared with Gervais et al.,
 * CCS 2016, Table 1, and their median propagation too. Prints measured beside published figures
 * with PASS/FAIL, and the wall time and events/s of each run.
 *
 * Each chain runs as independent replicates (seeds 1, 2, ...; each a deterministic run of its
 * own), spread over one thread per processor; a chain's stale blocks and settled blocks are
 * pooled over its replicates and its median propagation is the mean of the replicates' medians.
 * About 6,000 Bitcoin blocks (6,000 nodes each: ~45 ms of wall time per block), 20,000 Litecoin
 * and 20,000 Dogecoin blocks: expected stale counts of ~15-25, ~55 and ~125, i.e. 95% intervals
 * of about +-50%, +-27% and +-18% around the measured rates.
 *
 * PASS: the median propagation within a factor of 2 of the published one, and the pooled stale
 * rate itself within a factor of 2 (its 95% Clopper-Pearson interval is printed beside it; stale
 * blocks are not independent events, forks cluster in time, but with rare forks the binomial
 * interval is a fair approximation).
 *
 * Usage: bench/validate-chains [CHAIN...]  (bitcoin, litecoin, dogecoin; default: all three).
 * Exit status 1 if any comparison fails. */
#include <stdio.h>
#include <string.h>

#include "../tests/validation/chain-run.h"

/* One chain's long run, as replicates. */
typedef struct
{
  const char *path;      /* scenario file */
  const char *duration;  /* override: the length of each replicate */
  guint replicates;      /* independent runs, seeds 1..replicates */
} LongRun;

static const LongRun long_runs[3] = {
  { "scenarios/bitcoin.yaml", "duration=1800000s", 2 },   /* 2 x 3,000 blocks */
  { "scenarios/litecoin.yaml", "duration=1500000s", 2 },  /* 2 x 10,000 blocks */
  { "scenarios/dogecoin.yaml", "duration=600000s", 2 },   /* 2 x 10,000 blocks */
};

/* One replicate: its inputs and, once run, its result. */
typedef struct
{
  guint chain;        /* index into long_runs */
  guint seed;         /* 1.. */
  ChainRun run;       /* the result */
  char *error;        /* NULL, or why the run failed */
} Job;

static void
run_job (gpointer data, gpointer user_data)
{
  Job *job = data;
  g_autofree char *seed = g_strdup_printf ("seed=%u", job->seed);
  const char *overrides[] = { long_runs[job->chain].duration, seed, NULL };
  g_autoptr (GError) error = NULL;
  if (!chain_run (long_runs[job->chain].path, NULL, overrides, &job->run, &error))
    job->error = g_strdup (error->message);
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (long_runs); i++)
    {
      gboolean wanted = argc <= 1;
      for (int a = 1; a < argc; a++)
        wanted |= strcmp (argv[a], table1_rows[i].name) == 0;
      for (guint r = 0; wanted && r < long_runs[i].replicates; r++)
        {
          Job *job = g_new0 (Job, 1);
          job->chain = i;
          job->seed = r + 1;
          g_ptr_array_add (jobs, job);
        }
    }
  printf ("Validation against Gervais et al., CCS 2016, Table 1 (within a factor of 2); "
          "%u runs on %u threads\n", jobs->len, g_get_num_processors ());
  fflush (stdout);
  gint64 start = g_get_monotonic_time ();
  GThreadPool *pool = g_thread_pool_new (run_job, NULL, (gint) g_get_num_processors (), TRUE,
                                         NULL);
  for (guint j = 0; j < jobs->len; j++)
    g_thread_pool_push (pool, jobs->pdata[j], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  double wall = (g_get_monotonic_time () - start) / 1e6;

  gboolean all_ok = TRUE;
  g_autoptr (GString) report = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (long_runs); i++)
    {
      ChainRun pooled = { 0 };
      guint n = 0;
      for (guint j = 0; j < jobs->len; j++)
        {
          Job *job = jobs->pdata[j];
          if (job->chain != i)
            continue;
          if (job->error)
            {
              fprintf (stderr, "validate-chains: %s: %s\n", long_runs[i].path, job->error);
              return 2;
            }
          const CsChainFigures *f = &job->run.fig;
          printf ("  %s seed %u: %" G_GUINT64_FORMAT " blocks, stale %" G_GUINT64_FORMAT "/%"
                  G_GUINT64_FORMAT ", propagation p50 %.2f s p90 %.2f s p100 %.2f s, reorgs %"
                  G_GUINT64_FORMAT " (deepest %u); %" G_GUINT64_FORMAT " events in %.1f s "
                  "(%.2f M events/s)\n", table1_rows[i].name, job->seed, f->blocks_total,
                  f->blocks_stale, f->blocks_settled, f->p50, f->p90, f->p100, f->reorgs,
                  f->max_reorg_depth, job->run.events, job->run.wall_s,
                  job->run.events / MAX (job->run.wall_s, 1e-9) / 1e6);
          pooled.nodes = job->run.nodes;
          pooled.fig.blocks_total += f->blocks_total;
          pooled.fig.blocks_stale += f->blocks_stale;
          pooled.fig.blocks_settled += f->blocks_settled;
          pooled.fig.p50 += f->p50;
          n++;
        }
      if (n == 0)
        continue;
      pooled.fig.p50 /= n;
      pooled.fig.stale_rate = (double) pooled.fig.blocks_stale / MAX (pooled.fig.blocks_settled, 1);
      gboolean prop_ok, stale_ok;
      g_string_truncate (report, 0);
      table1_compare (&table1_rows[i], &pooled, TRUE, 0.95, report, &prop_ok, &stale_ok);
      printf ("%s", report->str);
      fflush (stdout);
      all_ok &= prop_ok && stale_ok;
    }
  printf ("%s (%.0f s of wall time)\n", all_ok ? "PASS" : "FAIL", wall);
  for (guint j = 0; j < jobs->len; j++)
    g_free (((Job *) jobs->pdata[j])->error);
  return all_ok ? 0 : 1;
}
