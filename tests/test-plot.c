/* test-plot.c: tests of `chainsim plot`: on small synthetic results in the formats the runs and
 * sweeps write (a chain run, a gossip run, a storage run with inference, a Nakamoto sweep, a
 * storage sweep), and on a real sweep, it writes valid PNG files (signature, IHDR, a size that
 * means something was drawn) and SVG files; with gnuplot missing from PATH it fails with one line
 * naming the Debian package; a directory without results is bad input. Skipped when gnuplot is
 * not installed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "config.h"
#include "cs-test-util.h"

typedef CsTestResult Result;
#define result_clear cs_test_result_clear

/* Runs chainsim with @envp (NULL: inherit) and the NULL-terminated arguments. */
static Result
run_env (char **envp, const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  Result r = cs_test_run_valist (NULL, envp, first, ap);
  va_end (ap);
  return r;
}

static gboolean
need_gnuplot (void)
{
  g_autofree char *gnuplot = g_find_program_in_path ("gnuplot");
  if (gnuplot)
    return TRUE;
  g_test_skip ("gnuplot is not installed (apt-get install gnuplot-nox)");
  return FALSE;
}

static char *
tmp_dir (void)
{
  return cs_test_tmp_dir ("chainsim-plot");
}

#define rm_rf cs_test_rm_rf

static void
put (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* Asserts that DIR/NAME.png is a PNG of at least @min_bytes, @width x @height or larger, and
 * DIR/NAME.svg an SVG document. */
static void
assert_plot (const char *dir, const char *name, gsize min_bytes)
{
  g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, name);
  g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, name);
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (png, &data, &length, &error);
  g_assert_no_error (error);
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_assert_cmpuint (length, >=, min_bytes);
  g_assert_cmpmem (data, 8, signature, 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  guint32 width = GUINT32_FROM_BE (*(guint32 *) (data + 16));
  guint32 height = GUINT32_FROM_BE (*(guint32 *) (data + 20));
  g_assert_cmpuint (width, >=, 800);
  g_assert_cmpuint (height, >=, 500);
  g_assert_cmpmem (data + length - 8, 4, "IEND", 4);
  g_autofree char *text = NULL;
  g_file_get_contents (svg, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "</svg>"));
}

/* The plot command on @dir: success, and it lists @n_files files. */
static void
plot_ok (const char *dir, guint n_files)
{
  Result r = run_env (NULL, "plot", dir, NULL);
  if (r.status != 0 || *r.err)
    g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, ""); /* no gnuplot warnings either */
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n_files + 1);
  result_clear (&r);
}

static const char *summary = "{\n  \"chainsim_version\": \"" PACKAGE_VERSION "\"\n}\n";

static void
test_chain_run (void)
{
  if (!need_gnuplot ())
    return;
  g_autofree char *dir = tmp_dir ();
  put (dir, "summary.json", summary);
  GString *blocks = g_string_new ("id,height,miner,parent,mined_at_s,stale,t50_s,t90_s,t100_s,"
                                  "reached,main,settled,invalid\n");
  for (guint i = 1; i <= 40; i++)
    {
      /* Every tenth block never reached every node: an empty t100_s. */
      char t100[32] = "";
      if (i % 10 != 0)
        g_snprintf (t100, sizeof t100, "%g", 20 + (i % 9) * 1.5);
      /* ...and block 17 went stale. */
      g_string_append_printf (blocks, "%u,%u,%u,%u,%u,%d,%g,%g,%s,100,%d,1,0\n", i, i, i % 7,
                              i - 1, i * 600, i == 17, 4 + (i % 5) * 0.3, 9 + (i % 7) * 0.4, t100,
                              i != 17);
    }
  put (dir, "blocks.csv", blocks->str);
  g_string_free (blocks, TRUE);
  GString *prop = g_string_new ("fraction,delay_s\n");
  for (guint i = 1; i <= 100; i++)
    g_string_append_printf (prop, "%g,%g\n", i / 100.0, 1 + 12.0 * i / 100.0 + (i > 95) * 10);
  put (dir, "propagation.csv", prop->str);
  g_string_free (prop, TRUE);
  put (dir, "metrics.csv", "name,value\nchain.stale_rate,0\n");
  plot_ok (dir, 4);
  assert_plot (dir, "block-propagation", 15000);
  assert_plot (dir, "chain", 10000);
  rm_rf (dir);
}

static void
test_gossip_run (void)
{
  if (!need_gnuplot ())
    return;
  /* A real run, small. */
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "gossip", NULL);
  g_autofree char *scenario = g_test_build_filename (G_TEST_DIST, "scenarios", "gossip.yaml", NULL);
  Result r = run_env (NULL, "run", scenario, "--out", dir, "--set", "network.nodes=60", "--set",
                      "gossip.messages=15", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  plot_ok (dir, 2);
  assert_plot (dir, "propagation", 15000);
  rm_rf (tmp);
}

static void
test_storage_run (void)
{
  if (!need_gnuplot ())
    return;
  g_autofree char *dir = tmp_dir ();
  put (dir, "summary.json", summary);
  const char *names[] = { "rep3", "rs4+8" };
  GString *avail = g_string_new ("time_s,strategy,object_availability,nodes_up,objects_lost,"
                                 "repair_bytes\n");
  GString *metrics = g_string_new ("name,value\nseed,1\nstorage.faults.node_uptime,0.9\n");
  for (guint s = 0; s < 2; s++)
    {
      for (guint h = 1; h <= 48; h++)
        g_string_append_printf (avail, "%u,%s,%g,%g,0,0\n", h * 3600, names[s],
                                h >= 20 && h < 23 ? 0.9 + 0.05 * s : 1.0,
                                h >= 20 && h < 23 ? 0.65 : 0.95);
      g_string_append_printf (metrics,
        "storage.strategies.%s.fragments,%d\n"
        "storage.strategies.%s.inference_success_rate,%g\n"
        "storage.strategies.%s.inference.done,%d\n"
        "storage.strategies.%s.inference.failed,%d\n"
        "storage.strategies.%s.inference.failovers,%d\n"
        "storage.strategies.%s.inference_latency_s.p50,%g\n"
        "storage.strategies.%s.inference_latency_s.p99,%g\n",
        names[s], s ? 12 : 3, names[s], s ? 0.998 : 0.96, names[s], s ? 9980 : 9600,
        names[s], s ? 20 : 400, names[s], 100, names[s], 5.0 + s, names[s], 20.0 + 10 * s);
    }
  put (dir, "availability.csv", avail->str);
  put (dir, "metrics.csv", metrics->str);
  g_string_free (avail, TRUE);
  g_string_free (metrics, TRUE);
  plot_ok (dir, 4);
  assert_plot (dir, "availability-time", 15000);
  assert_plot (dir, "inference", 15000);
  rm_rf (dir);
}

/* A synthetic sweep.csv of the Nakamoto sweep's format: intervals x block sizes, 3 runs each. */
static void
test_stale_sweep (void)
{
  if (!need_gnuplot ())
    return;
  g_autofree char *dir = tmp_dir ();
  const char *metrics[] = { "simulated_duration_s", "chain.blocks_total", "chain.stale_rate",
                            "chain.propagation_s.p50" };
  GString *csv = g_string_new ("point,nakamoto.interval,nakamoto.block_size,runs");
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    g_string_append_printf (csv, ",%s.mean,%s.sd,%s.n,%s.ci95_lo,%s.ci95_hi", metrics[m],
                            metrics[m], metrics[m], metrics[m], metrics[m]);
  g_string_append_c (csv, '\n');
  GString *runs = g_string_new ("run,point,replicate,seed,nakamoto.interval,nakamoto.block_size\n");
  const double intervals[] = { 2, 10, 50 }, sizes[] = { 1e5, 1e6 };
  guint point = 0;
  for (guint i = 0; i < 3; i++)
    for (guint s = 0; s < 2; s++, point++)
      {
        double d = 0.4 + sizes[s] / 2.5e5, lambda = 1 / intervals[i];
        double stale = lambda * d / (1 + lambda * d) * 1.05;
        double v[] = { 300 * intervals[i], 300, stale, d };
        g_string_append_printf (csv, "%u,%g,%g,3", point, intervals[i], sizes[s]);
        for (guint m = 0; m < G_N_ELEMENTS (v); m++)
          g_string_append_printf (csv, ",%g,%g,3,%g,%g", v[m], v[m] * 0.1, v[m] * 0.85,
                                  v[m] * 1.15);
        g_string_append_c (csv, '\n');
        for (guint r = 0; r < 3; r++)
          g_string_append_printf (runs, "p%u-r%u,%u,%u,1,%gs,%gKB\n", point, r, point, r,
                                  intervals[i], sizes[s] / 1000);
      }
  put (dir, "sweep.csv", csv->str);
  put (dir, "runs.csv", runs->str);
  g_string_free (csv, TRUE);
  g_string_free (runs, TRUE);
  plot_ok (dir, 4);
  assert_plot (dir, "stale-vs-interval", 20000);
  assert_plot (dir, "stale-vs-block-size", 20000);
  rm_rf (dir);
}

/* A real storage sweep, small, plotted. */
static void
test_availability_sweep (void)
{
  if (!need_gnuplot ())
    return;
  g_autofree char *tmp = tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "sweep", NULL);
  g_autofree char *scenario = g_test_build_filename (G_TEST_DIST, "scenarios",
                                                     "availability-vs-failure.yaml", NULL);
  Result r = run_env (NULL, "sweep", scenario, "--out", dir, "--quiet", "--set",
                      "sweep.replicates=2", "--set", "duration=3d", "--set", "network.nodes=60",
                      NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  plot_ok (dir, 2);
  assert_plot (dir, "availability-vs-unavailability", 30000);
  rm_rf (tmp);
}

static void
test_no_gnuplot (void)
{
  g_autofree char *dir = tmp_dir ();
  put (dir, "summary.json", summary);
  put (dir, "blocks.csv", "id,t50_s\n");
  g_auto (GStrv) envp = g_get_environ ();
  envp = g_environ_setenv (envp, "PATH", "/nonexistent", TRUE);
  Result r = run_env (envp, "plot", dir, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "chainsim: error: gnuplot not found on PATH; install it (Debian: "
                              "apt-get install gnuplot-nox)\n");
  result_clear (&r);
  rm_rf (dir);
}

static void
test_no_results (void)
{
  g_autofree char *dir = tmp_dir ();
  Result r = run_env (NULL, "plot", dir, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "no results to plot"));
  result_clear (&r);
  r = run_env (NULL, "plot", NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);
  rm_rf (dir);
}

static void
test_scripts_dir (void)
{
  if (!need_gnuplot ())
    return;
  g_autofree char *dir = tmp_dir ();
  put (dir, "summary.json", summary);
  put (dir, "blocks.csv", "id,height,miner,parent,mined_at_s,stale,t50_s,t90_s,t100_s,reached,"
                          "main,settled,invalid\n"
                          "1,1,0,0,600,0,4,9,20,10,1,1,0\n2,2,0,1,1200,0,5,10,22,10,1,1,0\n");
  /* CHAINSIM_ANALYSIS_DIR overrides where the scripts come from. */
  g_auto (GStrv) envp = g_get_environ ();
  envp = g_environ_setenv (envp, "CHAINSIM_ANALYSIS_DIR", dir, TRUE);
  Result r = run_env (envp, "plot", dir, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "holds no chainsim plot scripts"));
  result_clear (&r);
  g_autofree char *scripts = g_test_build_filename (G_TEST_DIST, "analysis", NULL);
  envp = g_environ_setenv (envp, "CHAINSIM_ANALYSIS_DIR", scripts, TRUE);
  r = run_env (envp, "plot", "--quiet", dir, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  result_clear (&r);
  assert_plot (dir, "block-propagation", 10000);
  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/run/chain", test_chain_run);
  g_test_add_func ("/plot/run/gossip", test_gossip_run);
  g_test_add_func ("/plot/run/storage", test_storage_run);
  g_test_add_func ("/plot/sweep/stale-rate", test_stale_sweep);
  g_test_add_func ("/plot/sweep/availability", test_availability_sweep);
  g_test_add_func ("/plot/no-gnuplot", test_no_gnuplot);
  g_test_add_func ("/plot/no-results", test_no_results);
  g_test_add_func ("/plot/scripts-dir", test_scripts_dir);
  return g_test_run ();
}
