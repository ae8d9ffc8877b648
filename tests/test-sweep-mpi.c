/* test-sweep-mpi.c: `chainsim sweep` over MPI ranks, as a user starts it with mpirun (built and
 * run by `make check` only when configure found MPI and mpirun). A sweep over 2 ranks, whose
 * rank 1 sees neither the scenario nor the sweep directory (no shared filesystem), writes the
 * same bytes as one process; resuming works; and a failure (a run that cannot be written, a bad
 * value) makes every rank exit with the same status while the error is printed once.
 *
 * mpirun gets its options from the environment, which works as root and in containers:
 * OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM) is --allow-run-as-root, rmaps_base_oversubscribe is
 * --oversubscribe (2 ranks on fewer cores), plm=isolated starts local ranks without ssh,
 * pml=ob1 and single_copy_mechanism=none keep to plain shared memory (no ptrace-based copies,
 * often forbidden in containers), PMIX_MCA_gds=hash avoids PMIx's shared-memory store. An MPI
 * other than Open MPI ignores them. Under AddressSanitizer, LeakSanitizer is pointed at
 * tests/lsan-mpi.supp, which ignores what the MPI library itself never frees (chainsim's own
 * leaks are still reported). Every mpirun runs under `timeout`, so a hang fails the test. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "config.h"
#include "cs-test-util.h"

/* 2 x 2 points, 6 replicates: 24 runs of some milliseconds each. */
static const char *scenario_text =
  "name: mpi-sweep\n"
  "seed: 11\n"
  "duration: 30s\n"
  "protocol: gossip\n"
  "network:\n"
  "  preset: bitcoin-2019\n"
  "  nodes: 40\n"
  "gossip:\n"
  "  messages: 10\n"
  "  interval: 1s\n"
  "  size: 500B\n"
  "sweep:\n"
  "  replicates: 6\n"
  "  parameters:\n"
  "    - key: network.nodes\n"
  "      values: [30, 60]\n"
  "    - key: gossip.size\n"
  "      values: [500B, 20KB]\n";

static char *tmp;          /* the test's directory: the scenario, the single-process sweep */
static char *single;       /* tmp/single: the sweep run by one process */

static const char *
mpirun (void)
{
  const char *env = g_getenv ("MPIRUN");
  return env && *env ? env : CS_MPIRUN;
}

typedef struct
{
  int status;   /* mpirun's exit status */
  char *err;    /* its standard error (chainsim's, and mpirun's own) */
} Launch;

static void
launch_clear (Launch *l)
{
  g_clear_pointer (&l->err, g_free);
}

/* Runs `timeout 120 mpirun ARGS...` in tmp. */
static Launch
launch_argv (GPtrArray *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, "timeout");
  g_ptr_array_add (argv, "120");
  g_ptr_array_add (argv, (char *) mpirun ());
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, args->pdata[i]);
  g_ptr_array_add (argv, NULL);
  Launch l = { 0 };
  int wait_status = 0;
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (tmp, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &l.err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  l.status = WEXITSTATUS (wait_status);
  if (l.status != 0)
    g_test_message ("mpirun exited with %d; stderr:\n%s", l.status, l.err);
  g_assert_cmpint (l.status, !=, 124); /* timed out: something hung */
  return l;
}

/* The same with the arguments up to a NULL. */
static Launch
launch (const char *first, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  return launch_argv (args);
}

static guint
count_lines (const char *text)
{
  guint n = 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

/* The number in "(N runs on rank 1)" of the sweep's closing line. */
static guint
runs_on_rank_1 (const char *err)
{
  const char *p = strstr (err, " over 2 MPI ranks (");
  g_assert_nonnull (p);
  return (guint) g_ascii_strtoull (p + strlen (" over 2 MPI ranks ("), NULL, 10);
}

static void
test_identical (void)
{
  /* Rank 1 works in an empty directory where neither mpi.yaml nor the sweep directory exists,
   * as on a cluster without a shared filesystem: it gets the scenario from rank 0 and sends its
   * runs back. Rank 0 keeps to one thread, so that rank 1 certainly gets runs. */
  g_autofree char *away = g_build_filename (tmp, "away", NULL);
  g_assert_cmpint (g_mkdir (away, 0755), ==, 0);
  Launch l = launch ("-np", "1", cs_test_chainsim (), "sweep", "mpi.yaml", "--out", "multi",
                     "--jobs", "1", ":",
                     "-np", "1", "-wdir", away, cs_test_chainsim (), "sweep", "mpi.yaml",
                     "--out", "multi", "--jobs", "1", NULL);
  g_assert_cmpint (l.status, ==, 0);
  g_test_message ("%s", l.err);
  g_assert_cmpuint (count_lines (l.err), ==, 1);
  g_assert_nonnull (strstr (l.err, "24 runs (24 run now, 0 kept from before)"));
  g_assert_cmpuint (runs_on_rank_1 (l.err), >, 0);
  g_autofree char *multi = g_build_filename (tmp, "multi", NULL);
  cs_test_assert_same_tree (single, multi);
  g_autoptr (GDir) d = g_dir_open (away, 0, NULL);
  g_assert_null (g_dir_read_name (d)); /* rank 1 wrote nothing */
  launch_clear (&l);

  /* Resume, started as a user would: a run lost and the aggregate removed are redone, the rest
   * kept. */
  g_autofree char *run = g_build_filename (multi, "runs", "p1-r3", NULL);
  g_autofree char *sweep_csv = g_build_filename (multi, "sweep.csv", NULL);
  cs_test_rm_rf (run);
  g_assert_cmpint (g_remove (sweep_csv), ==, 0);
  l = launch ("-np", "2", cs_test_chainsim (), "sweep", "mpi.yaml", "--out", "multi", NULL);
  g_assert_cmpint (l.status, ==, 0);
  g_assert_nonnull (strstr (l.err, "24 runs (1 run now, 23 kept from before)"));
  cs_test_assert_same_tree (single, multi);
  launch_clear (&l);
}

/* Runs `mpirun -np 2 chainsim sweep mpi.yaml ARGS...`, each rank writing its exit status to
 * tmp/status/RANK; asserts that both ranks exit with @expected and that stderr is one line,
 * which it returns. */
static char *
launch_failing (int expected, const char *const *args)
{
  g_autofree char *status_dir = g_build_filename (tmp, "status", NULL);
  cs_test_rm_rf (status_dir);
  g_assert_cmpint (g_mkdir (status_dir, 0755), ==, 0);
  const char *script = "\"$@\"; echo $? > status/\"${OMPI_COMM_WORLD_RANK:-$PMI_RANK}\"";
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *fixed[] = { "-np", "2", "sh", "-c", script, "sh", cs_test_chainsim (), "sweep",
                          "mpi.yaml", "--jobs", "1" };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (char *) fixed[i]);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  Launch l = launch_argv (argv);
  g_assert_cmpint (l.status, ==, 0); /* sh's */
  for (guint r = 0; r < 2; r++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%u", status_dir, r);
      g_autofree char *text = cs_test_read_file (path);
      g_assert_cmpint (atoi (text), ==, expected);
    }
  g_test_message ("%s", l.err);
  g_assert_cmpuint (count_lines (l.err), ==, 1);
  return g_steal_pointer (&l.err);
}

static void
test_failures (void)
{
  /* A run that cannot be written (runs/ is a file), wherever it ran. */
  g_autofree char *broken = g_build_filename (tmp, "broken", NULL);
  g_assert_cmpint (g_mkdir (broken, 0755), ==, 0);
  g_autofree char *def_from = g_build_filename (single, "sweep-definition.txt", NULL);
  g_autofree char *def_to = g_build_filename (broken, "sweep-definition.txt", NULL);
  g_autofree char *def = cs_test_read_file (def_from);
  g_assert_true (g_file_set_contents (def_to, def, -1, NULL));
  g_autofree char *runs = g_build_filename (broken, "runs", NULL);
  g_assert_true (g_file_set_contents (runs, "", -1, NULL));
  const char *broken_args[] = { "--out", "broken", NULL };
  g_autofree char *err = launch_failing (1, broken_args);
  g_assert_true (g_str_has_prefix (err, "broken/runs/p0-r0: error: "));
  g_assert_nonnull (strstr (err, "runs finished; run the sweep again to resume)\n"));

  /* A bad value: every rank refuses it before anything runs (the ranks agree on rank 0's error,
   * as they do on a directory rank 0 refuses). */
  const char *bad_args[] = { "--out", "bad", "--set", "gossip.size=banana", NULL };
  g_autofree char *err2 = launch_failing (2, bad_args);
  g_assert_true (g_str_has_prefix (err2, "--set:1:"));
  g_autofree char *bad = g_build_filename (tmp, "bad", NULL);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("OMPI_ALLOW_RUN_AS_ROOT", "1", TRUE);
  g_setenv ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", TRUE);
  g_setenv ("OMPI_MCA_rmaps_base_oversubscribe", "1", TRUE);
  g_setenv ("OMPI_MCA_hwloc_base_binding_policy", "none", TRUE);
  g_setenv ("OMPI_MCA_plm", "isolated", TRUE);
  g_setenv ("OMPI_MCA_pml", "ob1", TRUE);
  g_setenv ("OMPI_MCA_btl_vader_single_copy_mechanism", "none", TRUE);
  g_setenv ("PMIX_MCA_gds", "hash", TRUE);
  /* Where /sys is not mounted (a chroot with only /proc, as in the README's fresh-machine check),
   * hwloc prints one topology warning per process; MPI works without the topology, and the
   * tests count stderr lines. */
  g_setenv ("HWLOC_HIDE_ERRORS", "2", TRUE);
  g_autofree char *lsan = g_strdup_printf ("suppressions=%s/tests/lsan-mpi.supp:"
                                           "print_suppressions=0:fast_unwind_on_malloc=0",
                                           g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR")
                                                                      : CS_SRCDIR);
  g_setenv ("LSAN_OPTIONS", lsan, TRUE);

  /* The reference: the same sweep in one process. */
  tmp = cs_test_tmp_dir ("chainsim-sweep-mpi");
  single = g_build_filename (tmp, "single", NULL);
  g_autofree char *scenario = g_build_filename (tmp, "mpi.yaml", NULL);
  g_assert_true (g_file_set_contents (scenario, scenario_text, -1, NULL));
  CsTestResult r = cs_test_run (tmp, NULL, "sweep", "mpi.yaml", "--out", "single", "--jobs", "2",
                                "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  cs_test_result_clear (&r);

  g_test_add_func ("/sweep-mpi/identical", test_identical);
  g_test_add_func ("/sweep-mpi/failures", test_failures);
  int status = g_test_run ();
  cs_test_rm_rf (tmp);
  g_free (single);
  g_free (tmp);
  return status;
}
