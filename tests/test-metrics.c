/* test-metrics.c: tests of sim/metrics: the JSON and CSV writers' exact output, quantiles against
 * hand-computed values, and atomic writing of an output directory. */
#include "metrics/cs-csv.h"
#include "metrics/cs-json.h"
#include "metrics/cs-output.h"
#include "metrics/cs-stats.h"

#include <glib/gstdio.h>
#include <math.h>

static void
test_json_nested (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (CsJson) j = cs_json_new (out);
  cs_json_begin_object (j);
  cs_json_kv_string (j, "name", "a \"quoted\"\nline");
  cs_json_kv_int (j, "seed", -42);
  cs_json_kv_double (j, "x", 0.1);
  cs_json_kv_double (j, "nan", NAN);
  cs_json_kv_double (j, "negzero", -0.0);
  cs_json_key (j, "list");
  cs_json_begin_array (j);
  cs_json_int (j, 1);
  cs_json_bool (j, TRUE);
  cs_json_null (j);
  cs_json_end_array (j);
  cs_json_key (j, "empty");
  cs_json_begin_object (j);
  cs_json_end_object (j);
  cs_json_end_object (j);
  g_assert_cmpstr (out->str, ==,
                   "{\n"
                   "  \"name\": \"a \\\"quoted\\\"\\nline\",\n"
                   "  \"seed\": -42,\n"
                   "  \"x\": 0.1,\n"
                   "  \"nan\": null,\n"
                   "  \"negzero\": 0,\n"
                   "  \"list\": [\n"
                   "    1,\n"
                   "    true,\n"
                   "    null\n"
                   "  ],\n"
                   "  \"empty\": {}\n"
                   "}\n");
}

static void
test_json_precision (void)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_assert_cmpstr (cs_format_double (buf, 1.0 / 3.0), ==, "0.333333333");
  g_assert_cmpstr (cs_format_double (buf, 1e-12), ==, "1e-12");
  g_assert_cmpstr (cs_format_double (buf, 123456789012.0), ==, "1.23456789e+11");
  g_assert_cmpstr (cs_format_double (buf, 8.7), ==, "8.7");
}

static void
test_csv_quoting (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *cols[] = { "id", "name", "value", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  cs_csv_int (csv, 7);
  cs_csv_string (csv, "a,b \"c\"");
  cs_csv_double (csv, 2.5);
  cs_csv_end_row (csv);
  cs_csv_int (csv, 8);
  cs_csv_string (csv, "plain");
  cs_csv_double (csv, INFINITY);
  cs_csv_end_row (csv);
  g_assert_cmpstr (out->str, ==, "id,name,value\n7,\"a,b \"\"c\"\"\",2.5\n8,plain,\n");
}

static GArray *
make_array (const double *v, guint n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_vals (a, v, n);
  return a;
}

static void
test_quantiles (void)
{
  /* R type 7: for 1..5, q(0.5) = 3, q(0.9) = 4.6, q(0.25) = 2. */
  const double v[] = { 5, 1, 4, NAN, 2, 3 };
  g_autoptr (GArray) a = make_array (v, G_N_ELEMENTS (v));
  g_assert_cmpfloat_with_epsilon (cs_quantile (a, 0.5), 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_quantile (a, 0.9), 4.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_quantile (a, 0.25), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_quantile (a, 1.0), 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cs_mean (a), 3.0, 1e-12);
  g_assert_cmpuint (cs_count_finite (a), ==, 5);
  /* The input is left as it was. */
  g_assert_cmpfloat (g_array_index (a, double, 0), ==, 5);
  g_autoptr (GArray) empty = g_array_new (FALSE, FALSE, sizeof (double));
  g_assert_true (isnan (cs_quantile (empty, 0.5)));
  g_assert_true (isnan (cs_mean (empty)));
}

static void
test_output_atomic (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("cs-output-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *dir = g_build_filename (tmp, "sub", "out", NULL);
  g_autoptr (CsOutput) out = cs_output_new (dir);
  g_string_append (cs_output_file (out, "summary.json"), "{}\n");
  g_string_append (cs_output_file (out, "a.csv"), "x\n1\n");
  g_string_append (cs_output_file (out, "a.csv"), "2\n");
  /* Nothing is on disk before commit. */
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_true (cs_output_commit (out, &error));
  g_assert_no_error (error);

  g_autofree char *path = g_build_filename (dir, "a.csv", NULL);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "x\n1\n2\n");

  /* No temporary file is left behind. */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  for (const char *name; (name = g_dir_read_name (d)) != NULL; n++)
    g_assert_true (g_str_equal (name, "a.csv") || g_str_equal (name, "summary.json"));
  g_assert_cmpuint (n, ==, 2);

  g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);
  g_assert_cmpint (g_remove (summary), ==, 0);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_autofree char *sub = g_build_filename (tmp, "sub", NULL);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

static void
test_output_unwritable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsOutput) out = cs_output_new ("/proc/chainsim-cannot-be-here");
  g_string_append (cs_output_file (out, "summary.json"), "{}\n");
  g_assert_false (cs_output_commit (out, &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metrics/json/nested", test_json_nested);
  g_test_add_func ("/metrics/json/precision", test_json_precision);
  g_test_add_func ("/metrics/csv/quoting", test_csv_quoting);
  g_test_add_func ("/metrics/stats/quantiles", test_quantiles);
  g_test_add_func ("/metrics/output/atomic", test_output_atomic);
  g_test_add_func ("/metrics/output/unwritable", test_output_unwritable);
  return g_test_run ();
}
