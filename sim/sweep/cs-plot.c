/* cs-plot.c: `chainsim plot DIR` (cs-plot.h). Detection reads only CSV headers and a few cells;
 * the drawing is gnuplot's, one child process per plot. */
#include "sweep/cs-plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "metrics/cs-json.h"
#include "sweep/cs-table.h"

G_DEFINE_QUARK (cs-plot-error-quark, cs_plot_error)

typedef struct
{
  const char *dir;     /* the results directory */
  char *gnuplot;       /* gnuplot's path */
  char *scripts;       /* the scripts' directory */
  GPtrArray *written;  /* files written, or NULL */
  guint plots;         /* plots drawn */
} Ctx;

/* --- gnuplot variables --- */

/* @s as a gnuplot single-quoted string (a quote inside is doubled). */
static void
append_quoted (GString *out, const char *s)
{
  g_string_append_c (out, '\'');
  for (const char *p = s; *p; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

static void
var_str (GString *vars, const char *name, const char *value)
{
  g_string_append_printf (vars, "%s=", name);
  append_quoted (vars, value);
  g_string_append (vars, "; ");
}

static void
var_num (GString *vars, const char *name, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf (vars, "%s=%s; ", name,
                          isfinite (value) ? cs_format_double (buf, value) : "NaN");
}

/* A word for a gnuplot word list: double-quoted (word() keeps quoted words whole). */
static void
append_word (GString *list, const char *word)
{
  if (list->len > 0)
    g_string_append_c (list, ' ');
  g_string_append_c (list, '"');
  for (const char *p = word; *p; p++)
    g_string_append_c (list, *p == '"' ? '\'' : *p);
  g_string_append_c (list, '"');
}

static void
append_number_word (GString *list, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (list->len > 0)
    g_string_append_c (list, ' ');
  g_string_append (list, isfinite (value) ? cs_format_double (buf, value) : "NaN");
}

/* --- finding gnuplot and the scripts --- */

static gboolean
has_scripts (const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, "style.gp", NULL);
  return g_file_test (probe, G_FILE_TEST_IS_REGULAR);
}

char *
cs_plot_scripts_dir (GError **error)
{
  const char *env = g_getenv ("CHAINSIM_ANALYSIS_DIR");
  if (env && *env)
    {
      if (has_scripts (env))
        return g_strdup (env);
      g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NO_SCRIPTS,
                   "chainsim: error: CHAINSIM_ANALYSIS_DIR=%s holds no chainsim plot scripts "
                   "(style.gp)", env);
      return NULL;
    }
  const char *candidates[] = { CS_SRCDIR "/analysis", CS_ANALYSISDIR };
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (has_scripts (candidates[i]))
      return g_strdup (candidates[i]);
  g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NO_SCRIPTS,
               "chainsim: error: cannot find the plot scripts (looked in %s and %s); set "
               "CHAINSIM_ANALYSIS_DIR to the analysis directory", candidates[0], candidates[1]);
  return NULL;
}

/* Runs @script with @vars (plus scripts and out) to write DIR/@name.png and .svg. */
static gboolean
run_script (Ctx *c, const char *script, const char *name, GString *vars, GError **error)
{
  g_autofree char *script_path = g_build_filename (c->scripts, script, NULL);
  g_autofree char *out = g_build_filename (c->dir, name, NULL);
  var_str (vars, "scripts", c->scripts);
  var_str (vars, "out", out);
  const char *argv[] = { c->gnuplot, "-e", vars->str, script_path, NULL };
  g_autofree char *std_out = NULL, *std_err = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &std_out, &std_err,
                     &status, error))
    {
      g_prefix_error (error, "chainsim: error: cannot run %s: ", c->gnuplot);
      (*error)->domain = CS_PLOT_ERROR;
      (*error)->code = CS_PLOT_ERROR_GNUPLOT;
      return FALSE;
    }
  if (std_err && *std_err)
    fputs (std_err, stderr);
  g_autoptr (GError) wait_error = NULL;
  if (!g_spawn_check_wait_status (status, &wait_error))
    {
      g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_GNUPLOT,
                   "chainsim: error: gnuplot failed on %s (%s)", script_path, wait_error->message);
      return FALSE;
    }
  const char *formats[] = { "png", "svg" };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      char *file = g_strdup_printf ("%s.%s", out, formats[i]);
      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_GNUPLOT,
                       "chainsim: error: gnuplot ran %s but wrote no %s", script_path, file);
          g_free (file);
          return FALSE;
        }
      if (c->written)
        g_ptr_array_add (c->written, file);
      else
        g_free (file);
    }
  c->plots++;
  return TRUE;
}

static char *
path_in (const Ctx *c, const char *name)
{
  return g_build_filename (c->dir, name, NULL);
}

static gboolean
exists_in (const Ctx *c, const char *name)
{
  g_autofree char *path = path_in (c, name);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* --- a single run --- */

/* The value of metric @name in metrics.csv (@t), NAN when absent or null. */
static double
metric (const CsTable *t, const char *name)
{
  for (guint r = 0; r < t->rows->len; r++)
    if (strcmp (cs_table_cell (t, r, 0), name) == 0)
      return cs_table_number (cs_table_cell (t, r, 1));
  return NAN;
}

/* Strategy names of a storage run, from metrics.csv rows storage.strategies.NAME.fragments. */
static GPtrArray *
storage_strategies (const CsTable *t)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *prefix = "storage.strategies.", *suffix = ".fragments";
  for (guint r = 0; r < t->rows->len; r++)
    {
      const char *name = cs_table_cell (t, r, 0);
      if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, suffix)
          && strlen (name) > strlen (prefix) + strlen (suffix))
        g_ptr_array_add (names, g_strndup (name + strlen (prefix),
                                           strlen (name) - strlen (prefix) - strlen (suffix)));
    }
  return names;
}

static gboolean
plot_inference (Ctx *c, GError **error)
{
  g_autofree char *path = path_in (c, "metrics.csv");
  g_autoptr (CsTable) t = cs_table_read (path, NULL);
  if (!t)
    return TRUE;
  g_autoptr (GPtrArray) names = storage_strategies (t);
  g_autoptr (GString) w_names = g_string_new (NULL), w_done = g_string_new (NULL),
    w_failed = g_string_new (NULL), w_p50 = g_string_new (NULL), w_p99 = g_string_new (NULL),
    w_failovers = g_string_new (NULL);
  double requests = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const char *s = names->pdata[i];
      g_autofree char *k_done = g_strdup_printf ("storage.strategies.%s.inference.done", s);
      g_autofree char *k_failed = g_strdup_printf ("storage.strategies.%s.inference.failed", s);
      g_autofree char *k_fo = g_strdup_printf ("storage.strategies.%s.inference.failovers", s);
      g_autofree char *k_p50 = g_strdup_printf ("storage.strategies.%s.inference_latency_s.p50", s);
      g_autofree char *k_p99 = g_strdup_printf ("storage.strategies.%s.inference_latency_s.p99", s);
      double done = metric (t, k_done), failed = metric (t, k_failed);
      if (isfinite (done) && isfinite (failed))
        requests += done + failed;
      append_word (w_names, s);
      append_number_word (w_done, done);
      append_number_word (w_failed, failed);
      append_number_word (w_failovers, metric (t, k_fo));
      append_number_word (w_p50, metric (t, k_p50));
      append_number_word (w_p99, metric (t, k_p99));
    }
  if (names->len == 0 || requests <= 0)
    return TRUE;
  g_autoptr (GString) vars = g_string_new (NULL);
  var_str (vars, "names", w_names->str);
  var_str (vars, "done", w_done->str);
  var_str (vars, "failed", w_failed->str);
  var_str (vars, "failovers", w_failovers->str);
  var_str (vars, "p50", w_p50->str);
  var_str (vars, "p99", w_p99->str);
  g_autofree char *base = g_path_get_basename (c->dir);
  var_str (vars, "label", base);
  return run_script (c, "inference.gp", "inference", vars, error);
}

static gboolean
plot_availability_time (Ctx *c, GError **error)
{
  g_autofree char *path = path_in (c, "availability.csv");
  g_autoptr (GError) local = NULL;
  g_autoptr (CsTable) t = cs_table_read (path, &local);
  if (!t)
    return TRUE;
  int col = cs_table_column (t, "strategy"), tcol = cs_table_column (t, "time_s");
  if (col < 0 || tcol < 0 || t->rows->len == 0)
    return TRUE;
  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  double t_max = 0;
  for (guint r = 0; r < t->rows->len; r++)
    {
      const char *s = cs_table_cell (t, r, (guint) col);
      double time = cs_table_number (cs_table_cell (t, r, (guint) tcol));
      if (isfinite (time))
        t_max = MAX (t_max, time);
      if (!g_hash_table_contains (seen, s))
        {
          g_hash_table_add (seen, (gpointer) s);
          append_word (names, s);
        }
    }
  g_autoptr (GString) vars = g_string_new (NULL);
  var_str (vars, "file", path);
  var_str (vars, "names", names->str);
  /* Days beyond three days, else hours. */
  gboolean days = t_max > 3 * 86400;
  var_num (vars, "tdiv", days ? 86400 : 3600);
  var_str (vars, "tunit", days ? "days" : "hours");
  g_autofree char *base = g_path_get_basename (c->dir);
  var_str (vars, "label", base);
  return run_script (c, "availability-time.gp", "availability-time", vars, error);
}

static gboolean
plot_run (Ctx *c, GError **error)
{
  if (exists_in (c, "messages.csv") && exists_in (c, "propagation.csv"))
    {
      g_autoptr (GString) vars = g_string_new (NULL);
      var_str (vars, "dir", c->dir);
      if (!run_script (c, "propagation.gp", "propagation", vars, error))
        return FALSE;
    }
  if (exists_in (c, "blocks.csv"))
    {
      g_autoptr (GString) vars = g_string_new (NULL);
      g_autofree char *blocks = path_in (c, "blocks.csv");
      g_autofree char *prop = path_in (c, "propagation.csv");
      g_autofree char *base = g_path_get_basename (c->dir);
      var_str (vars, "blocks", blocks);
      var_str (vars, "prop", exists_in (c, "propagation.csv") ? prop : "");
      var_str (vars, "label", base);
      if (!run_script (c, "block-propagation.gp", "block-propagation", vars, error))
        return FALSE;
      g_autofree char *chain_script = g_build_filename (c->scripts, "chain.gp", NULL);
      if (g_file_test (chain_script, G_FILE_TEST_IS_REGULAR))
        {
          g_string_truncate (vars, 0);
          var_str (vars, "blocks", blocks);
          var_str (vars, "label", base);
          if (!run_script (c, "chain.gp", "chain", vars, error))
            return FALSE;
        }
    }
  if (exists_in (c, "availability.csv") && !plot_availability_time (c, error))
    return FALSE;
  return plot_inference (c, error);
}

/* --- a sweep --- */

typedef struct
{
  CsTable *table;      /* sweep.csv */
  CsTable *runs;       /* runs.csv (labels as written), or NULL */
  guint n_params;      /* parameter columns 1..n_params */
  guint *n_values;     /* per parameter: distinct values */
  guint *stride;       /* per parameter: rows between consecutive values */
  gboolean regular;    /* the rows are the full grid in row-major order */
} Sweep;

static void
sweep_clear (Sweep *s)
{
  g_clear_pointer (&s->table, cs_table_free);
  g_clear_pointer (&s->runs, cs_table_free);
  g_free (s->n_values);
  g_free (s->stride);
}

static int
param_index (const Sweep *s, const char *key)
{
  for (guint i = 0; i < s->n_params; i++)
    if (strcmp (s->table->header->pdata[i + 1], key) == 0)
      return (int) i;
  return -1;
}

/* The value of parameter @a at its index @v, as written in the scenario (runs.csv), or as in
 * sweep.csv. */
static const char *
value_label (const Sweep *s, guint a, guint v)
{
  guint row = v * s->stride[a];
  const char *key = s->table->header->pdata[a + 1];
  if (s->runs)
    {
      int col = cs_table_column (s->runs, key), pcol = cs_table_column (s->runs, "point");
      for (guint r = 0; col >= 0 && pcol >= 0 && r < s->runs->rows->len; r++)
        if (cs_table_number (cs_table_cell (s->runs, r, (guint) pcol)) == row)
          return cs_table_cell (s->runs, r, (guint) col);
    }
  return cs_table_cell (s->table, row, a + 1);
}

/* The rows of a line: parameter @x varies, parameter @series (-1: none) is at index @v, the
 * others at their first value. */
static void
line_rows (const Sweep *s, int x, int series, guint v, guint *start, guint *end, guint *step)
{
  if (!s->regular || x < 0)
    {
      *start = 0;
      *end = s->table->rows->len ? s->table->rows->len - 1 : 0;
      *step = 1;
      return;
    }
  *start = series >= 0 ? v * s->stride[series] : 0;
  *step = s->stride[x];
  *end = *start + (s->n_values[x] - 1) * s->stride[x];
}

static gboolean
plot_stale (Ctx *c, const Sweep *s, const char *file, const char *xkey, GError **error)
{
  int x = param_index (s, xkey);
  gboolean by_interval = strcmp (xkey, "nakamoto.interval") == 0;
  const char *other = by_interval ? "nakamoto.block_size" : "nakamoto.interval";
  int series = s->regular ? param_index (s, other) : -1;
  guint n_series = series >= 0 ? s->n_values[series] : 1;
  g_autoptr (GString) vars = g_string_new (NULL);
  g_autoptr (GString) starts = g_string_new (NULL), ends = g_string_new (NULL);
  guint start, end, step = 1;
  for (guint v = 0; v < n_series; v++)
    {
      line_rows (s, x, series, v, &start, &end, &step);
      append_number_word (starts, start);
      append_number_word (ends, end);
      g_autofree char *name = g_strdup_printf ("t%u", v + 1);
      g_autofree char *title = series < 0 ? g_strdup ("simulated")
        : by_interval ? g_strdup_printf ("blocks of %s", value_label (s, (guint) series, v))
                      : g_strdup_printf ("a block every %s", value_label (s, (guint) series, v));
      var_str (vars, name, title);
    }
  var_str (vars, "file", file);
  var_num (vars, "nser", n_series);
  var_str (vars, "starts", starts->str);
  var_str (vars, "ends", ends->str);
  var_num (vars, "step", step);
  var_str (vars, "xcol", xkey);
  var_num (vars, "xdiv", by_interval ? 1 : 1e6);
  var_str (vars, "xlabel", by_interval ? "block interval (s, log scale)" : "block size (MB)");
  var_num (vars, "logx", by_interval ? 1 : 0);
  var_str (vars, "what", by_interval ? "block interval" : "block size");
  return run_script (c, "stale-rate.gp", by_interval ? "stale-vs-interval"
                                                     : "stale-vs-block-size", vars, error);
}

static gboolean
plot_availability (Ctx *c, const Sweep *s, const char *file, GError **error)
{
  const CsTable *t = s->table;
  const char *prefix = "storage.strategies.", *suffix = ".object_availability.mean";
  g_autoptr (GString) names = g_string_new (NULL), needs = g_string_new (NULL),
    frags = g_string_new (NULL);
  guint n = 0;
  for (guint i = 0; i < t->header->len; i++)
    {
      const char *h = t->header->pdata[i];
      if (!g_str_has_prefix (h, prefix) || !g_str_has_suffix (h, suffix)
          || strlen (h) <= strlen (prefix) + strlen (suffix))
        continue;
      g_autofree char *name = g_strndup (h + strlen (prefix),
                                         strlen (h) - strlen (prefix) - strlen (suffix));
      g_autofree char *k_need = g_strdup_printf ("%s%s.needed.mean", prefix, name);
      g_autofree char *k_frag = g_strdup_printf ("%s%s.fragments.mean", prefix, name);
      int cn = cs_table_column (t, k_need), cf = cs_table_column (t, k_frag);
      append_word (names, name);
      append_number_word (needs, cn >= 0 && t->rows->len ? cs_table_number (cs_table_cell (t, 0, (guint) cn)) : NAN);
      append_number_word (frags, cf >= 0 && t->rows->len ? cs_table_number (cs_table_cell (t, 0, (guint) cf)) : NAN);
      n++;
    }
  if (n == 0)
    return TRUE;
  guint start, end, step;
  line_rows (s, s->n_params > 0 ? 0 : -1, -1, 0, &start, &end, &step);
  g_autoptr (GString) vars = g_string_new (NULL);
  var_str (vars, "file", file);
  var_str (vars, "names", names->str);
  var_str (vars, "needs", needs->str);
  var_str (vars, "frags", frags->str);
  var_num (vars, "start", start);
  var_num (vars, "end", end);
  var_num (vars, "step", step);
  g_autofree char *base = g_path_get_basename (c->dir);
  var_str (vars, "label", base);
  return run_script (c, "availability.gp", "availability-vs-unavailability", vars, error);
}

static gboolean
plot_sweep (Ctx *c, GError **error)
{
  g_autofree char *file = path_in (c, "sweep.csv");
  Sweep s = { 0 };
  g_autoptr (GError) local = NULL;
  s.table = cs_table_read (file, &local);
  if (!s.table)
    {
      g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NO_RESULTS, "%s: error: %s", file,
                   local->message);
      return FALSE;
    }
  g_autofree char *runs = path_in (c, "runs.csv");
  s.runs = cs_table_read (runs, NULL);
  int runs_col = cs_table_column (s.table, "runs");
  s.n_params = runs_col > 0 ? (guint) runs_col - 1 : 0;
  s.n_values = g_new0 (guint, s.n_params + 1);
  s.stride = g_new0 (guint, s.n_params + 1);
  /* The grid's shape: distinct values per parameter; row-major, the last fastest. */
  guint product = 1, stride = 1;
  for (guint a = 0; a < s.n_params; a++)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint r = 0; r < s.table->rows->len; r++)
        g_hash_table_add (seen, (gpointer) cs_table_cell (s.table, r, a + 1));
      s.n_values[a] = g_hash_table_size (seen);
      product *= s.n_values[a];
    }
  for (guint a = s.n_params; a-- > 0;)
    {
      s.stride[a] = stride;
      stride *= s.n_values[a];
    }
  s.regular = product == s.table->rows->len;

  gboolean ok = TRUE;
  if (cs_table_column (s.table, "chain.stale_rate.mean") >= 0)
    {
      const char *keys[] = { "nakamoto.interval", "nakamoto.block_size" };
      for (guint i = 0; ok && i < G_N_ELEMENTS (keys); i++)
        if (param_index (&s, keys[i]) >= 0)
          ok = plot_stale (c, &s, file, keys[i], error);
    }
  if (ok && cs_table_column (s.table, "storage.faults.node_uptime.mean") >= 0)
    ok = plot_availability (c, &s, file, error);
  sweep_clear (&s);
  return ok;
}

gboolean
cs_plot (const char *dir, GPtrArray *written, GError **error)
{
  Ctx c = { .dir = dir, .written = written };
  gboolean ok = FALSE;
  if (!exists_in (&c, "sweep.csv") && !exists_in (&c, "summary.json"))
    {
      g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NO_RESULTS,
                   "%s: error: no results to plot (expected summary.json of a run or sweep.csv "
                   "of a sweep)", dir);
      return FALSE;
    }
  c.gnuplot = g_find_program_in_path ("gnuplot");
  if (!c.gnuplot)
    {
      g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NO_GNUPLOT,
                   "chainsim: error: gnuplot not found on PATH; install it (Debian: apt-get "
                   "install gnuplot-nox)");
      return FALSE;
    }
  c.scripts = cs_plot_scripts_dir (error);
  if (c.scripts)
    {
      ok = exists_in (&c, "sweep.csv") ? plot_sweep (&c, error) : plot_run (&c, error);
      if (ok && c.plots == 0)
        {
          g_set_error (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NOTHING,
                       "%s: error: none of chainsim's plots applies to these results", dir);
          ok = FALSE;
        }
    }
  g_free (c.gnuplot);
  g_free (c.scripts);
  return ok;
}
