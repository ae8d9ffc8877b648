/* test-cli.c: tests of the chainsim command line, run as a user would run it (a child process):
 * version and help, exit statuses, one-line located errors for bad scenarios (each file under
 * tests/data/bad/ says on its first line, after "# expect: ", the exact error it must produce),
 * --set and --seed, byte-identical outputs for the same seed, no output directory after a failed
 * run. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "config.h"
#include "cs-test-util.h"

typedef CsTestResult Result;
#define result_clear cs_test_result_clear
#define rm_rf cs_test_rm_rf

/* Runs chainsim with the NULL-terminated arguments, in the source directory. */
static Result
run (const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  Result r = cs_test_run_valist (g_test_get_dir (G_TEST_DIST), NULL, first, ap);
  va_end (ap);
  return r;
}

static char *
tmp_dir (void)
{
  return cs_test_tmp_dir ("chainsim-cli");
}

static void
test_version (void)
{
  Result r = run ("--version", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "chainsim " PACKAGE_VERSION "\n");
  result_clear (&r);
}

static void
test_help (void)
{
  Result r = run ("--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "validate SCENARIO..."));
  result_clear (&r);
  r = run ("run", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--set"));
  result_clear (&r);
}

static void
test_usage_errors (void)
{
  Result r = run ("frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==,
                   "chainsim: error: unknown command 'frobnicate' (expected run, validate, schema, "
                   "sweep or plot)\n");
  result_clear (&r);
  r = run ("run", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (g_str_has_prefix (r.err, "chainsim: error: run: which scenario?"));
  result_clear (&r);
  r = run ("run", "--bogus", "x.yaml", NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);
}

static void
test_validate_examples (void)
{
  /* Every example scenario shipped is valid. */
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "scenarios", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  guint n = 0;
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      if (!g_str_has_suffix (name, ".yaml"))
        continue;
      g_autofree char *path = g_build_filename ("scenarios", name, NULL);
      Result r = run ("validate", path, NULL);
      if (r.status != 0)
        g_test_message ("%s: %s", path, r.err);
      g_assert_cmpint (r.status, ==, 0);
      result_clear (&r);
      n++;
    }
  g_assert_cmpuint (n, >=, 1);
}

/* The error line a file under tests/data/bad must produce: its entry in tests/data/bad/expected
 * ("NAME<TAB>MESSAGE" lines), or else its own first line "# expect: MESSAGE". */
static char *
expected_error (const char *name, const char *path)
{
  g_autofree char *table_path = g_test_build_filename (G_TEST_DIST, "tests", "data", "bad",
                                                       "expected", NULL);
  g_autofree char *table = NULL;
  g_assert_true (g_file_get_contents (table_path, &table, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *tab = strchr (lines[i], '\t');
      if (tab && (gsize) (tab - lines[i]) == strlen (name) && strncmp (lines[i], name, tab - lines[i]) == 0)
        return g_strdup (tab + 1);
    }
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "# expect: "));
  char *eol = strchr (contents, '\n');
  g_assert_nonnull (eol);
  return g_strndup (contents + 10, eol - contents - 10);
}

/* One file under tests/data/bad: validate and run must both print exactly its expected line. */
static void
test_bad_scenario (gconstpointer data)
{
  const char *name = data;
  g_autofree char *rel = g_build_filename ("tests", "data", "bad", name, NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data", "bad", name, NULL);
  g_autofree char *expect = expected_error (name, path);

  Result r = run ("validate", rel, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *want = g_strdup_printf ("%s\n", expect);
  g_assert_cmpstr (r.err, ==, want);
  result_clear (&r);

  /* `run` reports the same line and writes nothing. */
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  r = run ("run", rel, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, want);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  result_clear (&r);
  rm_rf (tmp);
}

static const char *small[] = {
  "--set", "network.nodes=60", "--set", "gossip.messages=15", "--quiet",
};

static Result
run_small (const char *out, const char *seed)
{
  if (seed)
    return run ("run", "scenarios/gossip.yaml", "--out", out, small[0], small[1], small[2],
                small[3], small[4], "--seed", seed, NULL);
  return run ("run", "scenarios/gossip.yaml", "--out", out, small[0], small[1], small[2],
              small[3], small[4], NULL);
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
test_run_deterministic (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  g_autofree char *c = g_build_filename (tmp, "c", NULL);
  Result r = run_small (a, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, ""); /* --quiet */
  result_clear (&r);
  r = run_small (b, NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  r = run_small (c, "2");
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);

  const char *files[] = { "summary.json", "messages.csv", "propagation.csv" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *fa = read_file (a, files[i]);
      g_autofree char *fb = read_file (b, files[i]);
      g_assert_cmpstr (fa, ==, fb);
    }
  g_autofree char *sa = read_file (a, "summary.json");
  g_autofree char *sc = read_file (c, "summary.json");
  g_assert_cmpstr (sa, !=, sc);
  g_assert_nonnull (strstr (sa, "\"seed\": 1,"));
  g_assert_nonnull (strstr (sc, "\"seed\": 2,"));
  g_assert_nonnull (strstr (sa, "\"nodes\": 60,"));
  g_assert_nonnull (strstr (sa, "\"messages\": 15,"));
  g_assert_nonnull (strstr (sa, "\"chainsim_version\": \"" PACKAGE_VERSION "\""));
  g_autofree char *csv = read_file (a, "messages.csv");
  g_assert_true (g_str_has_prefix (csv, "id,origin,created_s,reached,t50_s,t90_s,t100_s\n"));
  rm_rf (tmp);
}

/* --threads changes nothing in the files; out of range is a usage error. */
static void
test_run_threads (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *one = g_build_filename (tmp, "one", NULL);
  g_autofree char *three = g_build_filename (tmp, "three", NULL);
  Result r = run ("run", "scenarios/gossip.yaml", "--out", one, small[0], small[1], small[2],
                  small[3], small[4], "--threads", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  r = run ("run", "scenarios/gossip.yaml", "--out", three, small[0], small[1], small[2],
           small[3], small[4], "--threads", "3", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  const char *files[] = { "summary.json", "messages.csv", "propagation.csv", "metrics.csv" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *fa = read_file (one, files[i]);
      g_autofree char *fb = read_file (three, files[i]);
      g_assert_cmpstr (fa, ==, fb);
    }
  const char *bad[] = { "0", "65" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      r = run ("run", "scenarios/gossip.yaml", "--threads", bad[i], NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--threads takes 1 to 64"));
      result_clear (&r);
    }
  rm_rf (tmp);
}

static void
test_run_bad_set (void)
{
  Result r = run ("run", "scenarios/gossip.yaml", "--set", "network.nodez=5", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (g_str_has_prefix (r.err, "--set:1:9: error: "));
  g_assert_nonnull (strstr (r.err, "did you mean 'nodes'?"));
  g_assert_true (strchr (r.err, '\n') == r.err + strlen (r.err) - 1); /* one line */
  result_clear (&r);
  r = run ("run", "scenarios/gossip.yaml", "--seed", "-4", NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);
}

static void
test_run_unwritable (void)
{
  Result r = run ("run", "scenarios/gossip.yaml", "--out", "/proc/chainsim/out", small[0],
                  small[1], small[2], small[3], NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "/proc/chainsim/out"));
  result_clear (&r);
}

static void
test_missing_file (void)
{
  Result r = run ("validate", "no/such/file.yaml", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, "no/such/file.yaml: error: cannot read: No such file or directory\n");
  result_clear (&r);
}

static gint
sort_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/validate/examples", test_validate_examples);
  g_test_add_func ("/cli/validate/missing-file", test_missing_file);

  g_autofree char *bad = g_test_build_filename (G_TEST_DIST, "tests", "data", "bad", NULL);
  g_autoptr (GDir) d = g_dir_open (bad, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; d && (name = g_dir_read_name (d)) != NULL;)
    if (g_str_has_suffix (name, ".yaml"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, sort_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/bad-scenario/%s", (char *) names->pdata[i]);
      g_test_add_data_func (path, names->pdata[i], test_bad_scenario);
    }

  g_test_add_func ("/cli/run/deterministic", test_run_deterministic);
  g_test_add_func ("/cli/run/threads", test_run_threads);
  g_test_add_func ("/cli/run/bad-set", test_run_bad_set);
  g_test_add_func ("/cli/run/unwritable", test_run_unwritable);
  return g_test_run ();
}
