/* consensus-faults-long.c: `make check-long`: Raft, PBFT and HotStuff through hundreds of random
 * fault mixes each (tests/cs-fault-mix.h: crashes, a partition, a loss burst, a delay spike, a
 * slow leader, Byzantine replicas, all within the tolerated bound), every run checked by the
 * simulator's own safety and liveness checkers. For PBFT and HotStuff, one seed in four instead has
 * f+1 equivocating replicas, beyond the bound: the checker must catch a safety violation in some of
 * them (a checker that never fires proves nothing). Prints one line per protocol and the failing
 * seeds with their faults; exits 1 on a violation within the bound, or when no f+1 run was caught.
 *
 *   consensus-faults-long [--seeds N] [--jobs J] [--first S] [--protocol P]
 *   consensus-faults-long --yaml --protocol P --first S [--beyond]  # print that run's scenario
 *
 * Runs are independent (cs_run in a thread pool); the figures do not depend on --jobs. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "consensus/cs-consensus-probe.h"
#include "../cs-fault-mix.h"

typedef struct
{
  const char *protocol;
  guint64 seed;
  gboolean beyond;   /* PBFT or HotStuff with f+1 equivocating replicas */
  char *what;        /* the faults, for the report */
  CsFaultRun run;
} Job;

static void
work (gpointer data, gpointer user_data)
{
  Job *job = data;
  g_autofree char *yaml = cs_fault_mix (job->protocol, job->seed, job->beyond, &job->what);
  cs_fault_run (yaml, NULL, &job->run);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  gint seeds = 200, jobs = 2, first = 1;
  gboolean yaml = FALSE, beyond_only = FALSE;
  g_autofree char *only = NULL;
  GOptionEntry entries[] = {
    { "protocol", 'p', 0, G_OPTION_ARG_STRING, &only, "Only this protocol", "P" },
    { "yaml", 0, 0, G_OPTION_ARG_NONE, &yaml, "Print the scenario of seed S and stop", NULL },
    { "beyond", 0, 0, G_OPTION_ARG_NONE, &beyond_only, "With --yaml: the f+1 variant (PBFT, HotStuff)",
      NULL },
    { "seeds", 0, 0, G_OPTION_ARG_INT, &seeds, "Seeds per protocol (200)", "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Threads (2)", "J" },
    { "first", 0, 0, G_OPTION_ARG_INT, &first, "First seed (1)", "S" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- random fault runs of Raft, "
                                                             "PBFT and HotStuff");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error) || seeds < 1 || jobs < 1
      || first < 0)
    {
      fprintf (stderr, "consensus-faults-long: %s\n", error ? error->message : "bad arguments");
      return 2;
    }

  if (yaml)
    {
      g_autofree char *text = cs_fault_mix (only ? only : "raft", (guint64) first, beyond_only,
                                            NULL);
      fputs (text, stdout);
      return 0;
    }
  static const char *const protocols[] = { "raft", "pbft", "hotstuff" };
  int status = 0;
  for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
    {
      if (only && strcmp (only, protocols[p]) != 0)
        continue;
      gint64 start = g_get_monotonic_time ();
      Job *all = g_new0 (Job, seeds);
      GThreadPool *pool = g_thread_pool_new (work, NULL, jobs, TRUE, NULL);
      for (gint i = 0; i < seeds; i++)
        {
          all[i].protocol = protocols[p];
          all[i].seed = (guint64) (first + i);
          all[i].beyond = strcmp (protocols[p], "raft") != 0 && i % 4 == 3;
          g_thread_pool_push (pool, &all[i], NULL);
        }
      g_thread_pool_free (pool, FALSE, TRUE);

      guint within = 0, beyond = 0, safety = 0, caught = 0, liveness = 0, ok = 0;
      guint too_soon = 0, unhealed = 0, too_many = 0, no_requests = 0;
      g_autoptr (GArray) recovery = g_array_new (FALSE, FALSE, sizeof (double));
      for (gint i = 0; i < seeds; i++)
        {
          Job *job = &all[i];
          CsFaultRun *r = &job->run;
          gboolean bad_safety = r->failed && r->error_code == CS_CONSENSUS_ERROR_SAFETY;
          gboolean bad_liveness = r->failed && r->error_code == CS_CONSENSUS_ERROR_LIVENESS;
          if (job->beyond)
            {
              beyond++;
              caught += bad_safety;
              continue;
            }
          within++;
          safety += bad_safety;
          liveness += bad_liveness;
          if (r->liveness)
            {
              ok += strcmp (r->liveness, "ok") == 0;
              too_soon += strcmp (r->liveness, "too-soon") == 0;
              unhealed += strcmp (r->liveness, "unhealed") == 0;
              too_many += strcmp (r->liveness, "too-many-faulty") == 0;
              no_requests += strcmp (r->liveness, "no-requests") == 0;
            }
          if (isfinite (r->liveness_recovery_s) && isfinite (r->last_fault_healed_s)
              && r->last_fault_healed_s > 0)
            g_array_append_val (recovery, r->liveness_recovery_s);
          if (bad_safety || bad_liveness)
            printf ("  FAIL seed %" G_GUINT64_FORMAT ": %s\n    %s\n", job->seed, job->what,
                    r->error);
        }
      g_array_sort (recovery, compare_double);
      double p50 = recovery->len ? g_array_index (recovery, double, recovery->len / 2) : NAN;
      double p99 = recovery->len ? g_array_index (recovery, double, (recovery->len * 99) / 100)
                                 : NAN;
      double max = recovery->len ? g_array_index (recovery, double, recovery->len - 1) : NAN;
      printf ("%s: %u seeds within the bound: safety violations %u, liveness violations %u "
              "(ok %u, too-soon %u, unhealed %u, too-many-faulty %u, no-requests %u); "
              "recovery after the last fault p50 %.2f s, p99 %.2f s, max %.2f s",
              protocols[p], within, safety, liveness, ok, too_soon, unhealed, too_many,
              no_requests, p50, p99, max);
      if (beyond)
        printf ("; %u seeds with f+1 equivocating: violation caught in %u", beyond, caught);
      printf ("; %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
      /* the slowest recovery, to reproduce */
      Job *slowest = NULL;
      for (gint i = 0; i < seeds; i++)
        if (!all[i].beyond && isfinite (all[i].run.liveness_recovery_s)
            && all[i].run.last_fault_healed_s > 0
            && (!slowest || all[i].run.liveness_recovery_s > slowest->run.liveness_recovery_s))
          slowest = &all[i];
      if (slowest)
        printf ("  slowest recovery: seed %" G_GUINT64_FORMAT ", %.2f s after the last fault "
                "(%.2f s; bound %.0f s): %s\n", slowest->seed, slowest->run.liveness_recovery_s,
                slowest->run.last_fault_healed_s, slowest->run.liveness_bound_s, slowest->what);
      fflush (stdout);
      if (safety || liveness || (beyond && !caught))
        status = 1;
      for (gint i = 0; i < seeds; i++)
        {
          cs_fault_run_clear (&all[i].run);
          g_free (all[i].what);
        }
      g_free (all);
    }
  return status;
}
