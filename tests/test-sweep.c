/* test-sweep.c: tests of sweeps. Aggregation against hand-computed values (mean, standard
 * deviation, Student t interval), the run seeds, sweep.csv from hand-written metrics.csv files;
 * the messages between MPI ranks (encoded and decoded back, damaged ones refused); and
 * `chainsim sweep` as a user runs it: the same bytes for --jobs 1 and --jobs 2, resume
 * (finished runs untouched, a partial one redone), a bad sweep value reported at its place in
 * the file before anything runs, a directory holding another sweep refused, and (built without
 * MPI) a start by mpirun refused. The sweep over MPI ranks itself is test-sweep-mpi.c. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config.h"
#include "cs-test-util.h"
#include "engine/cs-rng.h"
#include "metrics/cs-json.h"
#include "sweep/cs-sweep.h"
#include "sweep/cs-sweep-wire.h"
#include "sweep/cs-table.h"

/* --- helpers --- */

typedef CsTestResult Result;
#define result_clear cs_test_result_clear
#define rm_rf cs_test_rm_rf

static Result
run (const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  Result r = cs_test_run_valist (NULL, NULL, first, ap);
  va_end (ap);
  return r;
}

static char *
tmp_dir (void)
{
  return cs_test_tmp_dir ("chainsim-sweep");
}

static char *
write_file (const char *dir, const char *name, const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

#define read_file cs_test_read_file

#define assert_same_tree cs_test_assert_same_tree

/* A small gossip sweep: 2 x 2 points, 3 replicates (12 runs of well under a second). */
static const char *small_sweep =
  "name: small-sweep\n"
  "seed: 5\n"
  "duration: 30s\n"
  "protocol: gossip\n"
  "network:\n"
  "  preset: bitcoin-2019\n"
  "  nodes: 40\n"
  "gossip:\n"
  "  messages: 8\n"
  "  interval: 1s\n"
  "  size: 500B\n"
  "sweep:\n"
  "  replicates: 3\n"
  "  parameters:\n"
  "    - key: network.nodes\n"
  "      values: [30, 50]\n"
  "    - key: gossip.size\n"
  "      values: [500B, 20KB]\n";

/* --- statistics --- */

static void
test_stat_known (void)
{
  /* 1..5: mean 3, sample variance 10/4 = 2.5, sd 1.58113883; t(0.975, 4) = 2.77644511 (tables),
   * half-width 2.77644511 x 1.58113883 / sqrt(5) = 1.96324316. */
  const double v[] = { 1, 2, 3, 4, 5 };
  CsSweepStat st;
  cs_sweep_stat (v, 5, &st);
  g_assert_cmpuint (st.n, ==, 5);
  g_assert_cmpfloat_with_epsilon (st.mean, 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.sd, 1.5811388300841898, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.ci_lo, 3.0 - 1.9632431613, 1e-8);
  g_assert_cmpfloat_with_epsilon (st.ci_hi, 3.0 + 1.9632431613, 1e-8);

  /* Non-finite values do not count; the same five remain. */
  const double w[] = { NAN, 5, 4, INFINITY, 3, 2, -INFINITY, 1 };
  CsSweepStat st2;
  cs_sweep_stat (w, G_N_ELEMENTS (w), &st2);
  g_assert_cmpuint (st2.n, ==, 5);
  g_assert_cmpfloat_with_epsilon (st2.mean, st.mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (st2.ci_lo, st.ci_lo, 1e-12);

  /* 0.1, 0.2, 0.4, 0.4: mean 0.275, sd sqrt(0.0675 / 3) = 0.15; t(0.975, 3) = 3.18244631,
   * half-width 3.18244631 x 0.15 / 2 = 0.238683473. */
  const double x[] = { 0.1, 0.2, 0.4, 0.4 };
  cs_sweep_stat (x, 4, &st);
  g_assert_cmpfloat_with_epsilon (st.mean, 0.275, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.sd, 0.15, 1e-12);
  g_assert_cmpfloat_with_epsilon (st.ci_hi - st.mean, 0.2386834731, 1e-8);
}

static void
test_stat_small (void)
{
  CsSweepStat st;
  const double one[] = { 7.5 };
  cs_sweep_stat (one, 1, &st);
  g_assert_cmpuint (st.n, ==, 1);
  g_assert_cmpfloat (st.mean, ==, 7.5);
  g_assert_true (isnan (st.sd) && isnan (st.ci_lo) && isnan (st.ci_hi));
  const double none[] = { NAN, NAN };
  cs_sweep_stat (none, 2, &st);
  g_assert_cmpuint (st.n, ==, 0);
  g_assert_true (isnan (st.mean));
  /* Equal values: sd 0, a zero-width interval. */
  const double same[] = { 2, 2, 2 };
  cs_sweep_stat (same, 3, &st);
  g_assert_cmpfloat (st.sd, ==, 0);
  g_assert_cmpfloat (st.ci_lo, ==, 2);
  g_assert_cmpfloat (st.ci_hi, ==, 2);
}

static void
test_seed (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  static gint64 seeds[1000];
  for (guint i = 0; i < 1000; i++)
    {
      guint64 s = cs_sweep_run_seed (42, i);
      /* The documented formula: SplitMix64 output i + 1 from state 42, 53 bits. */
      g_assert_cmpuint (s, ==, cs_mix64 (42 + (i + 1) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15))
                                 & ((G_GUINT64_CONSTANT (1) << 53) - 1));
      g_assert_cmpuint (s, <, G_GUINT64_CONSTANT (1) << 53);
      seeds[i] = (gint64) s;
      g_assert_false (g_hash_table_contains (seen, &seeds[i]));
      g_hash_table_add (seen, &seeds[i]);
    }
  g_assert_cmpuint (cs_sweep_run_seed (42, 7), !=, cs_sweep_run_seed (43, 7));
}

/* --- aggregation from metrics.csv files --- */

static void
test_aggregate (void)
{
  g_autofree char *dir = tmp_dir ();
  /* Point 0: five runs of metrics a (1..5) and b (only in three runs, one of them null);
   * point 1: five runs with a = 10 and a metric c that point 0 lacks. */
  const char *a0[] = { "1", "2", "3", "4", "5" };
  g_autoptr (GPtrArray) run_dirs = g_ptr_array_new_with_free_func (g_free);
  for (guint p = 0; p < 2; p++)
    for (guint r = 0; r < 5; r++)
      {
        g_autofree char *id = g_strdup_printf ("p%u-r%u", p, r);
        char *run_dir = g_build_filename (dir, "runs", id, NULL);
        g_assert_cmpint (g_mkdir_with_parents (run_dir, 0755), ==, 0);
        g_autoptr (GString) m = g_string_new ("name,value\nseed,123\n");
        if (p == 0)
          {
            g_string_append_printf (m, "a,%s\n", a0[r]);
            if (r == 1)
              g_string_append (m, "b,0.5\n");
            if (r == 3)
              g_string_append (m, "b,1.5\n");
            if (r == 4)
              g_string_append (m, "b,\n");
          }
        else
          g_string_append (m, "a,10\n\"c,quoted\",7\n");
        g_free (write_file (run_dir, "metrics.csv", m->str));
        g_ptr_array_add (run_dirs, run_dir);
      }
  g_autoptr (GPtrArray) params = g_ptr_array_new ();
  g_ptr_array_add (params, (gpointer) "x.y");
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint p = 0; p < 2; p++)
    {
      GPtrArray *c = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (c, g_strdup (p == 0 ? "0.5" : "2"));
      g_ptr_array_add (cells, c);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (cs_sweep_aggregate (dir, params, 2, 5, run_dirs, cells, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "sweep.csv", NULL);
  g_autofree char *csv = read_file (path);
  g_assert_cmpstr (csv, ==,
    "point,x.y,runs,"
    "a.mean,a.sd,a.n,a.ci95_lo,a.ci95_hi,"
    "b.mean,b.sd,b.n,b.ci95_lo,b.ci95_hi,"
    "\"c,quoted.mean\",\"c,quoted.sd\",\"c,quoted.n\",\"c,quoted.ci95_lo\",\"c,quoted.ci95_hi\"\n"
    /* a: 1..5 as in test_stat_known; b: 0.5 and 1.5: mean 1, sd 0.707106781, t(0.975, 1) =
     * 12.7062047, half-width 12.7062047 x 0.707106781 / sqrt(2) = 6.35310237. */
    "0,0.5,5,3,1.58113883,5,1.03675684,4.96324316,1,0.707106781,2,-5.35310237,7.35310237,,,0,,\n"
    "1,2,5,10,0,5,10,10,,,0,,,7,0,5,7,7\n");
  rm_rf (dir);
}

static void
test_table (void)
{
  const char *text = "a,b,c\r\n1,\"x,\"\"y\"\"\",\n\"multi\nline\",2\n";
  g_autoptr (CsTable) t = cs_table_parse (text, strlen (text));
  g_assert_cmpuint (t->header->len, ==, 3);
  g_assert_cmpuint (t->rows->len, ==, 2);
  g_assert_cmpstr (cs_table_cell (t, 0, 1), ==, "x,\"y\"");
  g_assert_cmpstr (cs_table_cell (t, 0, 2), ==, "");
  g_assert_cmpstr (cs_table_cell (t, 1, 0), ==, "multi\nline");
  g_assert_cmpstr (cs_table_cell (t, 1, 2), ==, ""); /* short row */
  g_assert_cmpint (cs_table_column (t, "c"), ==, 2);
  g_assert_cmpint (cs_table_column (t, "d"), ==, -1);
  g_assert_true (isnan (cs_table_number ("")));
  g_assert_true (isnan (cs_table_number ("1x")));
  g_assert_cmpfloat (cs_table_number ("2.5e3"), ==, 2500);
}

/* metrics.csv's source: every number a CsJson writes, under its dotted path. */
static void
test_json_flat (void)
{
  g_autoptr (GString) json = g_string_new (NULL);
  g_autoptr (GString) flat = g_string_new (NULL);
  g_autoptr (CsJson) j = cs_json_new (json);
  cs_json_record_numbers (j, flat);
  cs_json_begin_object (j);
  cs_json_kv_string (j, "name", "x");
  cs_json_kv_int (j, "seed", 7);
  cs_json_key (j, "chain");
  cs_json_begin_object (j);
  cs_json_kv_double (j, "stale_rate", 0.25);
  cs_json_key (j, "ci");
  cs_json_begin_array (j);
  cs_json_double (j, 0.1);
  cs_json_null (j);
  cs_json_double (j, 0.4);
  cs_json_end_array (j);
  cs_json_kv_bool (j, "ok", TRUE);
  cs_json_kv_double (j, "never", NAN);
  cs_json_key (j, "a,b");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "n", -3);
  cs_json_end_object (j);
  cs_json_end_object (j);
  cs_json_key (j, "list");
  cs_json_begin_array (j);
  cs_json_begin_object (j);
  cs_json_kv_int (j, "k", 1);
  cs_json_end_object (j);
  cs_json_end_array (j);
  cs_json_kv_double (j, "last", 1e-12);
  cs_json_end_object (j);
  g_assert_cmpstr (flat->str, ==,
                   "seed,7\n"
                   "chain.stale_rate,0.25\n"
                   "chain.ci.0,0.1\n"
                   "chain.ci.2,0.4\n"
                   "chain.never,\n"
                   "\"chain.a,b.n\",-3\n"
                   "list.0.k,1\n"
                   "last,1e-12\n");
  /* The JSON itself is unchanged by recording. */
  g_assert_nonnull (strstr (json->str, "\"never\": null"));
}

/* --- the command --- */

static void
test_jobs_identical (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *scenario = write_file (tmp, "small.yaml", small_sweep);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  Result r = run ("sweep", scenario, "--out", a, "--jobs", "1", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  result_clear (&r);
  r = run ("sweep", scenario, "--out", b, "--jobs", "2", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  assert_same_tree (a, b);

  /* The layout: 12 runs, each complete; one row per point; the plan. */
  for (guint p = 0; p < 4; p++)
    for (guint k = 0; k < 3; k++)
      {
        g_autofree char *id = g_strdup_printf ("p%u-r%u", p, k);
        g_autofree char *summary = g_build_filename (a, "runs", id, "summary.json", NULL);
        g_autofree char *metrics = g_build_filename (a, "runs", id, "metrics.csv", NULL);
        g_assert_true (g_file_test (summary, G_FILE_TEST_IS_REGULAR));
        g_assert_true (g_file_test (metrics, G_FILE_TEST_IS_REGULAR));
      }
  g_autofree char *sweep_csv = g_build_filename (a, "sweep.csv", NULL);
  g_autoptr (CsTable) t = cs_table_read (sweep_csv, NULL);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->rows->len, ==, 4);
  g_assert_cmpstr (t->header->pdata[1], ==, "network.nodes");
  g_assert_cmpstr (t->header->pdata[2], ==, "gossip.size");
  g_assert_cmpstr (t->header->pdata[3], ==, "runs");
  /* Parameters in base units: sizes in bytes. */
  g_assert_cmpstr (cs_table_cell (t, 1, 1), ==, "30");
  g_assert_cmpstr (cs_table_cell (t, 1, 2), ==, "20000");
  g_assert_cmpstr (cs_table_cell (t, 3, 1), ==, "50");
  int nodes = cs_table_column (t, "network.nodes.mean"), n = cs_table_column (t, "network.nodes.n");
  g_assert_cmpint (nodes, >, 0);
  g_assert_cmpstr (cs_table_cell (t, 3, (guint) nodes), ==, "50");
  g_assert_cmpstr (cs_table_cell (t, 3, (guint) n), ==, "3");
  g_assert_cmpint (cs_table_column (t, "seed.mean"), ==, -1);
  g_assert_cmpint (cs_table_column (t, "gossip.propagation_s.p50.ci95_hi"), >, 0);
  /* Each run's seed is in its summary and in the plan. */
  g_autofree char *plan_path = g_build_filename (a, "runs.csv", NULL);
  g_autofree char *plan = read_file (plan_path);
  g_autofree char *seed_line = g_strdup_printf ("p1-r2,1,2,%" G_GUINT64_FORMAT ",30,20KB\n",
                                                cs_sweep_run_seed (5, 5));
  g_assert_nonnull (strstr (plan, seed_line));
  g_autofree char *summary_path = g_build_filename (a, "runs", "p1-r2", "summary.json", NULL);
  g_autofree char *summary = read_file (summary_path);
  g_autofree char *seed_json = g_strdup_printf ("\"seed\": %" G_GUINT64_FORMAT ",",
                                                cs_sweep_run_seed (5, 5));
  g_assert_nonnull (strstr (summary, seed_json));
  rm_rf (tmp);
}

typedef struct
{
  dev_t dev;
  ino_t ino;
  gint64 mtime_ns;
} FileId;

static FileId
file_id (const char *path)
{
  struct stat st;
  g_assert_cmpint (stat (path, &st), ==, 0);
  return (FileId) { st.st_dev, st.st_ino, (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec };
}

static void
test_resume (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *scenario = write_file (tmp, "small.yaml", small_sweep);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *fresh = g_build_filename (tmp, "fresh", NULL);
  Result r = run ("sweep", scenario, "--out", a, "--jobs", "2", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "12 runs (12 run now, 0 kept from before)"));
  result_clear (&r);

  /* Interrupt one run after the fact: its summary.json gone, a temporary file left. */
  g_autofree char *kept = g_build_filename (a, "runs", "p0-r0", "summary.json", NULL);
  g_autofree char *kept_csv = g_build_filename (a, "runs", "p0-r0", "messages.csv", NULL);
  FileId before = file_id (kept), before_csv = file_id (kept_csv);
  g_autofree char *partial_dir = g_build_filename (a, "runs", "p2-r1", NULL);
  g_autofree char *partial = g_build_filename (partial_dir, "summary.json", NULL);
  g_assert_cmpint (g_remove (partial), ==, 0);
  g_autofree char *junk = write_file (partial_dir, "messages.csv.5XQ2M1", "half a file");
  g_autofree char *sweep_csv = g_build_filename (a, "sweep.csv", NULL);
  g_assert_cmpint (g_remove (sweep_csv), ==, 0);

  g_usleep (20000); /* so that a rewrite would show in the mtime */
  r = run ("sweep", scenario, "--out", a, "--jobs", "2", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "12 runs (1 run now, 11 kept from before)"));
  result_clear (&r);
  FileId after = file_id (kept), after_csv = file_id (kept_csv);
  g_assert_true (before.ino == after.ino && before.dev == after.dev);
  g_assert_cmpint (before.mtime_ns, ==, after.mtime_ns);
  g_assert_cmpint (before_csv.mtime_ns, ==, after_csv.mtime_ns);
  g_assert_true (g_file_test (partial, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (junk, G_FILE_TEST_EXISTS));

  /* Nothing left to do the third time; and the result is what a sweep in one go gives. */
  r = run ("sweep", scenario, "--out", a, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "12 runs (0 run now, 12 kept from before)"));
  result_clear (&r);
  r = run ("sweep", scenario, "--out", fresh, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  assert_same_tree (a, fresh);
  rm_rf (tmp);
}

static void
test_bad_value (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autoptr (GString) text = g_string_new (small_sweep);
  /* The second value of gossip.size, on line 18: "      values: [500B, 20XB]" (column 22). */
  g_string_replace (text, "20KB", "20XB", 1);
  g_autofree char *scenario = write_file (tmp, "bad.yaml", text->str);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  Result r = run ("sweep", scenario, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *want = g_strdup_printf (
    "%s:18:22: error: expected a size with a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) for "
    "'size', got '20XB'\n", scenario);
  g_assert_cmpstr (r.err, ==, want);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS)); /* nothing ran */
  result_clear (&r);

  /* A mistyped key, at its column in the file. */
  g_string_assign (text, small_sweep);
  g_string_replace (text, "key: gossip.size", "key: gossip.sise", 1);
  g_free (write_file (tmp, "bad.yaml", text->str));
  r = run ("sweep", scenario, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *want_key = g_strdup_printf (
    "%s:17:19: error: unknown key 'sise' in gossip; did you mean 'size'?\n", scenario);
  g_assert_cmpstr (r.err, ==, want_key);
  result_clear (&r);

  /* A value valid alone but not with the rest: the point is named. */
  g_string_assign (text, small_sweep);
  g_string_replace (text, "[30, 50]", "[30, 5]", 1);
  g_free (write_file (tmp, "bad.yaml", text->str));
  r = run ("sweep", scenario, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "(at the sweep point network.nodes=5, gossip.size=500B)\n"));
  g_assert_true (g_str_has_prefix (r.err, scenario));
  result_clear (&r);

  /* The grid's shape, checked by the loader. */
  g_string_assign (text, small_sweep);
  g_string_replace (text, "key: network.nodes", "key: seed", 1);
  g_free (write_file (tmp, "bad.yaml", text->str));
  r = run ("sweep", scenario, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *want_seed = g_strdup_printf (
    "%s:15:7: error: seed cannot be swept: each run's seed derives from seed and the run's "
    "index; set replicates instead\n", scenario);
  g_assert_cmpstr (r.err, ==, want_seed);
  result_clear (&r);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  rm_rf (tmp);
}

static void
test_other_sweep_refused (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *scenario = write_file (tmp, "small.yaml", small_sweep);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  Result r = run ("sweep", scenario, "--out", out, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_autofree char *def_path = g_build_filename (out, "sweep-definition.txt", NULL);
  g_autofree char *def = read_file (def_path);

  /* Comments and layout do not make another sweep. */
  g_autoptr (GString) text = g_string_new ("# a comment\n");
  g_string_append (text, small_sweep);
  g_string_replace (text, "[30, 50]", "[ 30,   50 ]", 1);
  g_free (write_file (tmp, "small.yaml", text->str));
  r = run ("sweep", scenario, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "(0 run now, 12 kept from before)"));
  result_clear (&r);

  /* Another grid, another --set: refused, and the directory left as it was. */
  g_string_replace (text, "[500B, 20KB]", "[500B, 30KB]", 1);
  g_free (write_file (tmp, "small.yaml", text->str));
  r = run ("sweep", scenario, "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (g_str_has_prefix (r.err, out));
  g_assert_nonnull (strstr (r.err, "holds a different sweep"));
  g_assert_nonnull (strstr (r.err, "30KB"));
  g_assert_true (strchr (r.err, '\n') == r.err + strlen (r.err) - 1);
  result_clear (&r);
  g_free (write_file (tmp, "small.yaml", small_sweep));
  r = run ("sweep", scenario, "--out", out, "--set", "gossip.messages=4", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "holds a different sweep"));
  result_clear (&r);
  g_autofree char *def_after = read_file (def_path);
  g_assert_cmpstr (def, ==, def_after);

  /* A directory that is not a sweep's. */
  g_autofree char *other = g_build_filename (tmp, "other", NULL);
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  g_free (write_file (other, "notes.txt", "mine"));
  r = run ("sweep", scenario, "--out", other, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "is not a sweep directory"));
  result_clear (&r);
  rm_rf (tmp);
}

static void
test_run_ignores_sweep (void)
{
  /* `chainsim run` runs the scenario as written: the base point, its own seed. */
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *scenario = write_file (tmp, "small.yaml", small_sweep);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  Result r = run ("run", scenario, "--out", out, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_autofree char *summary_path = g_build_filename (out, "summary.json", NULL);
  g_autofree char *summary = read_file (summary_path);
  g_assert_nonnull (strstr (summary, "\"seed\": 5,"));
  g_assert_nonnull (strstr (summary, "\"nodes\": 40,"));
  /* metrics.csv: every number of summary.json under its dotted name. */
  g_autofree char *metrics_path = g_build_filename (out, "metrics.csv", NULL);
  g_autofree char *metrics = read_file (metrics_path);
  g_assert_true (g_str_has_prefix (metrics, "name,value\nseed,5\n"));
  g_assert_nonnull (strstr (metrics, "\nnetwork.nodes,40\n"));
  g_assert_nonnull (strstr (metrics, "\ngossip.propagation_s.p50,"));
  rm_rf (tmp);
}

/* --- the messages between MPI ranks --- */

/* Encodes @m, decodes it back, and checks that every shorter prefix is refused. */
static void
roundtrip (const CsWireMessage *m, CsWireMessage *back)
{
  g_autoptr (GBytes) bytes = cs_wire_encode (m);
  gsize n = 0;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  for (gsize k = 0; k < n; k++)
    {
      g_autoptr (GBytes) part = g_bytes_new (data, k);
      g_autoptr (GError) error = NULL;
      g_assert_false (cs_wire_decode (part, back, &error));
      g_assert_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (cs_wire_decode (bytes, back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back->kind, ==, m->kind);
}

static void
test_wire (void)
{
  CsWireMessage back = { 0 };

  CsWireMessage request = { .kind = CS_WIRE_REQUEST, .count = 8, .message = "0.1.0" };
  roundtrip (&request, &back);
  g_assert_cmpuint (back.count, ==, 8);
  g_assert_cmpstr (back.message, ==, "0.1.0");

  CsWireMessage assign = { .kind = CS_WIRE_ASSIGN };
  assign.runs = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 runs[] = { 3, 0, 4000000000u };
  g_array_append_vals (assign.runs, runs, 3);
  roundtrip (&assign, &back);
  g_assert_cmpuint (back.runs->len, ==, 3);
  g_assert_cmpuint (g_array_index (back.runs, guint32, 2), ==, 4000000000u);
  g_array_unref (assign.runs);
  CsWireMessage none = { .kind = CS_WIRE_ASSIGN };
  roundtrip (&none, &back);
  g_assert_cmpuint (back.runs->len, ==, 0);

  /* A run's files: names, order and bytes (a NUL included) survive; summary.json stays last
   * when committed. */
  g_autoptr (CsOutput) out = cs_output_new ("unused");
  g_string_append (cs_output_file (out, "metrics.csv"), "name,value\nx,1\n");
  g_string_append_len (cs_output_file (out, "summary.json"), "{\0}", 3);
  cs_output_file (out, "empty.csv");
  CsWireMessage result = { .kind = CS_WIRE_RESULT, .run = 7, .ok = TRUE, .count = 1 };
  result.files = cs_wire_pack_files (out);
  roundtrip (&result, &back);
  g_assert_cmpuint (back.run, ==, 7);
  g_assert_true (back.ok);
  g_assert_cmpuint (back.count, ==, 1);
  g_assert_true (g_bytes_equal (back.files, result.files));
  g_autoptr (GError) error = NULL;
  g_autoptr (CsOutput) unpacked = cs_wire_unpack_files (back.files, "there", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_output_dir (unpacked), ==, "there");
  g_assert_cmpuint (cs_output_n_files (unpacked), ==, 3);
  g_assert_cmpstr (cs_output_nth_name (unpacked, 1), ==, "summary.json");
  g_assert_cmpuint (cs_output_nth_contents (unpacked, 1)->len, ==, 3);
  g_assert_cmpmem (cs_output_nth_contents (unpacked, 1)->str, 3, "{\0}", 3);
  g_assert_cmpuint (cs_output_nth_contents (unpacked, 2)->len, ==, 0);
  g_bytes_unref (result.files);

  /* A failed run, a rank's failure and the outcome carry the error whole. */
  g_autoptr (GError) failure = g_error_new_literal (CS_SWEEP_ERROR, CS_SWEEP_ERROR_MISMATCH,
                                                    "d: error: holds a different sweep");
  CsWireKind kinds[] = { CS_WIRE_RESULT, CS_WIRE_FAILED, CS_WIRE_STATUS };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      CsWireMessage m = { .kind = kinds[i], .run = 2 };
      cs_wire_set_error (&m, failure);
      roundtrip (&m, &back);
      g_assert_false (back.ok);
      g_autoptr (GError) e = cs_wire_get_error (&back);
      g_assert_error (e, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MISMATCH);
      g_assert_cmpstr (e->message, ==, failure->message);
      g_free (m.domain);
      g_free (m.message);
    }
  CsWireMessage status = { .kind = CS_WIRE_STATUS, .ok = TRUE };
  roundtrip (&status, &back);
  g_assert_true (back.ok);
  cs_wire_message_clear (&back);

  /* Foreign bytes, trailing bytes, and a file name that would leave the run's directory. */
  g_autoptr (GBytes) junk = g_bytes_new_static ("GET / HTTP/1.1\r\n", 16);
  g_clear_error (&error);
  g_assert_false (cs_wire_decode (junk, &back, &error));
  g_autoptr (GBytes) bytes = cs_wire_encode (&status);
  g_autoptr (GByteArray) longer = g_byte_array_new ();
  g_byte_array_append (longer, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  g_byte_array_append (longer, (const guint8 *) "x", 1);
  g_autoptr (GBytes) trailing = g_bytes_new (longer->data, longer->len);
  g_clear_error (&error);
  g_assert_false (cs_wire_decode (trailing, &back, &error));
  g_autoptr (CsOutput) evil = cs_output_new ("unused");
  g_string_append (cs_output_file (evil, "../escape"), "x");
  g_autoptr (GBytes) evil_files = cs_wire_pack_files (evil);
  g_clear_error (&error);
  g_assert_null (cs_wire_unpack_files (evil_files, "there", &error));
  g_assert_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI);
}

#ifndef HAVE_MPI
/* Built without MPI and started by mpirun as one of several processes, chainsim refuses rather
 * than run the whole sweep in every process; only rank 0 says so. */
static void
test_mpi_launcher_refused (void)
{
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *scenario = write_file (tmp, "small.yaml", small_sweep);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  for (guint rank = 0; rank < 2; rank++)
    {
      g_auto (GStrv) env = g_get_environ ();
      env = g_environ_setenv (env, "OMPI_COMM_WORLD_SIZE", "2", TRUE);
      env = g_environ_setenv (env, "OMPI_COMM_WORLD_RANK", rank ? "1" : "0", TRUE);
      Result r = cs_test_run (NULL, env, "sweep", scenario, "--out", out, NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.err, ==, rank ? "" : "chainsim: error: started by an MPI launcher as "
                       "one of 2 processes, but this chainsim was built without MPI (install "
                       "Open MPI and configure --with-mpi)\n");
      result_clear (&r);
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  /* One process (mpirun -np 1) is a plain sweep. */
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "OMPI_COMM_WORLD_SIZE", "1", TRUE);
  env = g_environ_setenv (env, "OMPI_COMM_WORLD_RANK", "0", TRUE);
  Result r = cs_test_run (NULL, env, "sweep", scenario, "--out", out, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  rm_rf (tmp);
}
#endif

static void
test_usage (void)
{
  Result r = run ("sweep", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (g_str_has_prefix (r.err, "chainsim: error: sweep: which scenario?"));
  result_clear (&r);
  r = run ("sweep", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "--jobs"));
  result_clear (&r);
  r = run ("sweep", "no/such.yaml", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, "no/such.yaml: error: cannot read: No such file or directory\n");
  result_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sweep/stat/known", test_stat_known);
  g_test_add_func ("/sweep/stat/small", test_stat_small);
  g_test_add_func ("/sweep/seed", test_seed);
  g_test_add_func ("/sweep/table", test_table);
  g_test_add_func ("/sweep/json-flat", test_json_flat);
  g_test_add_func ("/sweep/aggregate", test_aggregate);
  g_test_add_func ("/sweep/wire", test_wire);
  g_test_add_func ("/sweep/cli/usage", test_usage);
  g_test_add_func ("/sweep/cli/jobs-identical", test_jobs_identical);
  g_test_add_func ("/sweep/cli/resume", test_resume);
  g_test_add_func ("/sweep/cli/bad-value", test_bad_value);
  g_test_add_func ("/sweep/cli/other-sweep-refused", test_other_sweep_refused);
  g_test_add_func ("/sweep/cli/run-ignores-sweep", test_run_ignores_sweep);
#ifndef HAVE_MPI
  g_test_add_func ("/sweep/cli/mpi-launcher-refused", test_mpi_launcher_refused);
#endif
  return g_test_run ();
}
