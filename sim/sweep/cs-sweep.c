/* cs-sweep.c: planning, checking and running a sweep (cs-sweep.h). The plan is built and every
 * grid point loaded on the calling thread; the runs then go to a GThreadPool, fed a few at a
 * time (at most `jobs` waiting or running) so that, under MPI, the other ranks find work left
 * (cs-sweep-ranks.c). A worker touches only its own run: a shallow copy of its point's scenario
 * (read-only, shared with the other replicates of the point) with its own seed, and its own
 * output directory. The only state the workers share is the completion count and the first
 * failure, under a mutex (CsSweepState, cs-sweep-private.h).
 *
 * Complexity: loading is O(points x scenario size); aggregation reads every run's metrics.csv
 * once, O(runs x metrics). */
#include "sweep/cs-sweep.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "engine/cs-rng.h"
#include "metrics/cs-csv.h"
#include "metrics/cs-json.h"
#include "metrics/cs-output.h"
#include "scenario/cs-config.h"
#include "scenario/cs-text.h"
#include "scenario/cs-yaml-tree.h"
#include "sweep/cs-mpi.h"
#include "sweep/cs-sweep-private.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"

G_DEFINE_QUARK (cs-sweep-error-quark, cs_sweep_error)

#define DEFINITION_FILE "sweep-definition.txt"
#define DEFINITION_FORMAT "chainsim sweep definition 1"

/* One swept parameter. */
typedef struct
{
  char *key;                  /* dotted scenario path */
  GPtrArray *values;          /* char *: each value's text */
  GPtrArray *overrides;       /* char *: "key=VALUE" per value, VALUE the text YAML-quoted */
  const CsYamlNode *key_node; /* where the key is written in the file, or NULL */
  GPtrArray *value_nodes;     /* const CsYamlNode *: where each value is written, or NULL */
  guint stride;               /* grid points between two consecutive values of this parameter */
} Param;

struct _CsSweep
{
  char *path;              /* the scenario file, as given */
  GPtrArray *user_sets;    /* char *: the command line's --set overrides */
  CsScenario base;         /* the file with user_sets */
  CsYamlNode *raw;         /* the file's YAML tree (for locations and the definition) */
  GPtrArray *params;       /* Param * */
  guint n_points;          /* product of the value counts (1 without parameters) */
  guint replicates;        /* runs per point */
  guint n_runs;            /* n_points x replicates */
  CsScenario *points;      /* n_points loaded scenarios */
  GPtrArray *point_cells;  /* per point: GPtrArray of char *, its parameters for sweep.csv */
  char *definition;        /* the text of sweep-definition.txt after its first line */
};

static void
param_free (gpointer p)
{
  Param *param = p;
  g_free (param->key);
  g_ptr_array_unref (param->values);
  g_ptr_array_unref (param->overrides);
  if (param->value_nodes)
    g_ptr_array_unref (param->value_nodes);
  g_free (param);
}

void
cs_sweep_free (CsSweep *sweep)
{
  if (!sweep)
    return;
  if (sweep->points)
    for (guint p = 0; p < sweep->n_points; p++)
      cs_scenario_clear (&sweep->points[p]);
  g_free (sweep->points);
  cs_scenario_clear (&sweep->base);
  g_clear_pointer (&sweep->raw, cs_yaml_node_free);
  g_ptr_array_unref (sweep->params);
  g_ptr_array_unref (sweep->user_sets);
  g_ptr_array_unref (sweep->point_cells);
  g_free (sweep->definition);
  g_free (sweep->path);
  g_free (sweep);
}

guint cs_sweep_n_points (const CsSweep *sweep) { return sweep->n_points; }
guint cs_sweep_n_runs (const CsSweep *sweep) { return sweep->n_runs; }
const char *cs_sweep_name (const CsSweep *sweep) { return sweep->base.name; }

guint64
cs_sweep_run_seed (guint64 seed, guint64 run)
{
  return cs_mix64 (seed + (run + 1) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15))
         & ((G_GUINT64_CONSTANT (1) << 53) - 1);
}

/* @text as a YAML double-quoted scalar, which the loader reads back as exactly @text. */
static char *
yaml_quote (const char *text)
{
  GString *out = g_string_new ("\"");
  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\x%02x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* --- the definition: the parsed file flattened to "path=value" lines, and the overrides --- */

static void
flatten (const CsYamlNode *node, GString *path, GString *out)
{
  gsize len = path->len;
  switch (node->kind)
    {
    case CS_YAML_SCALAR:
      {
        g_autofree char *escaped = node->is_null ? g_strdup ("~") : g_strescape (node->value, NULL);
        g_string_append_printf (out, "file: %s=%s\n", path->str, escaped);
        break;
      }
    case CS_YAML_SEQUENCE:
      if (node->items->len == 0)
        g_string_append_printf (out, "file: %s=[]\n", path->str);
      for (guint i = 0; i < node->items->len; i++)
        {
          g_string_append_printf (path, "[%u]", i);
          flatten (node->items->pdata[i], path, out);
          g_string_truncate (path, len);
        }
      break;
    case CS_YAML_MAPPING:
      if (cs_yaml_mapping_size (node) == 0)
        g_string_append_printf (out, "file: %s={}\n", path->str);
      for (guint i = 0; i < cs_yaml_mapping_size (node); i++)
        {
          if (len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, cs_yaml_mapping_key (node, i)->value);
          flatten (cs_yaml_mapping_value (node, i), path, out);
          g_string_truncate (path, len);
        }
      break;
    }
}

static char *
make_definition (const CsSweep *sweep)
{
  GString *out = g_string_new (DEFINITION_FORMAT "\n");
  g_autoptr (GString) path = g_string_new (NULL);
  flatten (sweep->raw, path, out);
  for (guint i = 0; i < sweep->user_sets->len; i++)
    {
      g_autofree char *escaped = g_strescape (sweep->user_sets->pdata[i], NULL);
      g_string_append_printf (out, "set: %s\n", escaped);
    }
  return g_string_free (out, FALSE);
}

/* --- parameters and their locations --- */

/* The path of override @text (before '='). */
static gboolean
override_touches_grid (const char *text)
{
  const char *eq = strchr (text, '=');
  gsize n = eq ? (gsize) (eq - text) : strlen (text);
  return (n == 5 && strncmp (text, "sweep", 5) == 0)
         || (n >= 16 && strncmp (text, "sweep.parameters", 16) == 0);
}

/* Finds, in the raw tree, where each parameter's key and values are written; leaves them NULL
 * when the tree does not match what was loaded (the command line replaced the grid). */
static void
locate_params (CsSweep *sweep)
{
  for (guint i = 0; i < sweep->user_sets->len; i++)
    if (override_touches_grid (sweep->user_sets->pdata[i]))
      return;
  const CsYamlNode *sw = sweep->raw->kind == CS_YAML_MAPPING
                         ? cs_yaml_mapping_lookup (sweep->raw, "sweep", NULL) : NULL;
  const CsYamlNode *list = sw && sw->kind == CS_YAML_MAPPING
                           ? cs_yaml_mapping_lookup (sw, "parameters", NULL) : NULL;
  if (!list || list->kind != CS_YAML_SEQUENCE || list->items->len != sweep->params->len)
    return;
  for (guint i = 0; i < sweep->params->len; i++)
    {
      Param *p = sweep->params->pdata[i];
      const CsYamlNode *item = list->items->pdata[i];
      CsYamlNode *key_node = NULL;
      const CsYamlNode *values = NULL;
      if (item->kind != CS_YAML_MAPPING)
        continue;
      const CsYamlNode *key = cs_yaml_mapping_lookup (item, "key", &key_node);
      values = cs_yaml_mapping_lookup (item, "values", NULL);
      if (key && key->kind == CS_YAML_SCALAR && g_strcmp0 (key->value, p->key) == 0)
        p->key_node = key;
      if (values && values->kind == CS_YAML_SEQUENCE && values->items->len == p->values->len)
        {
          p->value_nodes = g_ptr_array_new ();
          for (guint j = 0; j < values->items->len; j++)
            g_ptr_array_add (p->value_nodes, values->items->pdata[j]);
        }
    }
}

/* The value index of parameter @param at point @point. */
static guint
value_index (const Param *param, guint point)
{
  return (point / param->stride) % param->values->len;
}

/* "k1=v1, k2=v2" of @point, for messages. */
static char *
describe_point (const CsSweep *sweep, guint point)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < sweep->params->len; i++)
    {
      const Param *p = sweep->params->pdata[i];
      g_string_append_printf (out, "%s%s=%s", i ? ", " : "", p->key,
                              (char *) p->values->pdata[value_index (p, point)]);
    }
  return g_string_free (out, FALSE);
}

/* Parses "--set:LINE:COLUMN: error: MESSAGE". */
static gboolean
parse_set_error (const char *message, guint *line, guint *column, const char **rest)
{
  const char *prefix = "--set:";
  if (!g_str_has_prefix (message, prefix))
    return FALSE;
  char *end = NULL;
  guint64 l = g_ascii_strtoull (message + strlen (prefix), &end, 10);
  if (end == NULL || *end != ':')
    return FALSE;
  guint64 c = g_ascii_strtoull (end + 1, &end, 10);
  if (end == NULL || !g_str_has_prefix (end, ": error: "))
    return FALSE;
  *line = (guint) l;
  *column = (guint) c;
  *rest = end + strlen (": error: ");
  return TRUE;
}

/* Rewrites @error (from loading @point) so that it points at the sweep value responsible, or
 * names the point. */
static void
relocate_error (const CsSweep *sweep, guint point, GError *error)
{
  guint line = 0, column = 0;
  const char *rest = NULL;
  char *message = NULL;
  guint n_user = sweep->user_sets->len;

  if (parse_set_error (error->message, &line, &column, &rest) && line > n_user
      && line - n_user - 1 < sweep->params->len)
    {
      const Param *p = sweep->params->pdata[line - n_user - 1];
      guint j = value_index (p, point);
      const char *text = p->values->pdata[j];
      gboolean in_key = column <= g_utf8_strlen (p->key, -1) + 1;
      const CsYamlNode *at = NULL;
      guint at_column = 0;
      if (in_key && p->key_node)
        {
          at = p->key_node;
          at_column = at->column + column - 1;
        }
      else if (p->value_nodes)
        {
          at = p->value_nodes->pdata[j];
          at_column = at->column;
        }
      if (at)
        message = g_strdup_printf ("%s:%u:%u: error: %s", at->source, at->line, at_column, rest);
      else
        message = g_strdup_printf ("%s: error: in the sweep value %s=%s: %s", sweep->path, p->key,
                                   text, rest);
    }
  else
    {
      g_autofree char *where = describe_point (sweep, point);
      message = g_strdup_printf ("%s (at the sweep point %s)", error->message, where);
    }
  g_free (error->message);
  error->message = message;
}

/* --- parameter cells of sweep.csv: typed values in base units --- */

static const CsField *
schema_field (const CsSchema *schema, const char *key)
{
  for (const CsField *f = schema->fields; f->key; f++)
    if (strcmp (f->key, key) == 0)
      return f;
  return NULL;
}

/* The value of @key in @scenario as a sweep.csv cell: a number in base units (durations in
 * seconds, sizes in bytes, bit rates in bit/s, fractions as fractions, booleans 0/1), an enum's
 * name, a string; @text (as written) for anything else (lists, presets). */
static char *
param_cell (const CsScenario *scenario, const char *key, const char *text)
{
  const CsSchema *schema = &cs_scenario_schema;
  const char *base = (const char *) scenario;
  g_auto (GStrv) parts = g_strsplit (key, ".", -1);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; parts[i]; i++)
    {
      const CsField *f = schema_field (schema, parts[i]);
      if (f == NULL)
        break;
      const void *at = base + f->offset;
      if (parts[i + 1] != NULL)
        {
          if (f->type != CS_T_SECTION)
            break;
          base = at;
          schema = f->section;
          continue;
        }
      switch (f->type)
        {
        case CS_T_BOOL: return g_strdup (*(const gboolean *) at ? "1" : "0");
        case CS_T_INT: return g_strdup_printf ("%" G_GINT64_FORMAT, *(const gint64 *) at);
        case CS_T_SIZE: return g_strdup_printf ("%" G_GUINT64_FORMAT, *(const guint64 *) at);
        case CS_T_DURATION:
          return g_strdup (cs_format_double (buf, *(const gint64 *) at / 1e9));
        case CS_T_DOUBLE:
        case CS_T_BITRATE:
        case CS_T_FRACTION:
          return g_strdup (cs_format_double (buf, *(const double *) at));
        case CS_T_ENUM: return g_strdup (f->choices[*(const int *) at]);
        case CS_T_STRING: return g_strdup (*(char *const *) at ? *(char *const *) at : "");
        default: break;
        }
      break;
    }
  return g_strdup (text);
}

/* --- loading --- */

static void
cells_free (gpointer p)
{
  g_ptr_array_unref (p);
}

/* Loads the sweep of scenario text @data (@length bytes, read from @path). */
static CsSweep *
load (const char *path, const char *data, gsize length, const char *const *overrides,
      GError **error)
{
  g_autoptr (CsSweep) sweep = g_new0 (CsSweep, 1);
  sweep->path = g_strdup (path);
  sweep->user_sets = g_ptr_array_new_with_free_func (g_free);
  sweep->params = g_ptr_array_new_with_free_func (param_free);
  sweep->point_cells = g_ptr_array_new_with_free_func (cells_free);
  for (guint i = 0; overrides && overrides[i]; i++)
    g_ptr_array_add (sweep->user_sets, g_strdup (overrides[i]));

  /* The base scenario: errors in the file or the command line are the loader's, as for run. */
  g_autofree char *name = g_strdup (path);
  cs_text_one_line (name);
  if (!cs_config_load_data (&cs_scenario_schema, &sweep->base, name, data, length, overrides,
                            error))
    return NULL;
  CsYamlOptions yaml_options = { .source = path, .first_line = 1 };
  sweep->raw = cs_yaml_parse (data, length, &yaml_options, error);
  if (!sweep->raw)
    return NULL;

  /* The grid, outermost parameter first. */
  const CsSweepSpec *spec = &sweep->base.sweep;
  sweep->replicates = (guint) spec->replicates;
  sweep->n_points = 1;
  guint n_params = spec->parameters ? spec->parameters->len : 0;
  for (guint i = 0; i < n_params; i++)
    {
      const CsSweepParam *sp = &g_array_index (spec->parameters, CsSweepParam, i);
      Param *p = g_new0 (Param, 1);
      p->key = g_strdup (sp->key);
      p->values = g_ptr_array_new_with_free_func (g_free);
      p->overrides = g_ptr_array_new_with_free_func (g_free);
      for (guint j = 0; j < sp->values->len; j++)
        {
          const char *text = g_array_index (sp->values, char *, j);
          g_autofree char *quoted = yaml_quote (text);
          g_ptr_array_add (p->values, g_strdup (text));
          g_ptr_array_add (p->overrides, g_strdup_printf ("%s=%s", p->key, quoted));
        }
      g_ptr_array_add (sweep->params, p);
      sweep->n_points *= sp->values->len; /* bounded by the schema's check */
    }
  guint stride = 1;
  for (guint i = n_params; i-- > 0;)
    {
      Param *p = sweep->params->pdata[i];
      p->stride = stride;
      stride *= p->values->len;
    }
  sweep->n_runs = sweep->n_points * sweep->replicates;
  locate_params (sweep);

  /* Every point, checked before anything runs. */
  sweep->points = g_new0 (CsScenario, sweep->n_points);
  g_autoptr (GPtrArray) sets = g_ptr_array_new ();
  for (guint p = 0; p < sweep->n_points; p++)
    {
      g_ptr_array_set_size (sets, 0);
      for (guint i = 0; i < sweep->user_sets->len; i++)
        g_ptr_array_add (sets, sweep->user_sets->pdata[i]);
      for (guint i = 0; i < n_params; i++)
        {
          const Param *param = sweep->params->pdata[i];
          g_ptr_array_add (sets, param->overrides->pdata[value_index (param, p)]);
        }
      g_ptr_array_add (sets, NULL);
      GError *point_error = NULL;
      if (!cs_config_load_data (&cs_scenario_schema, &sweep->points[p], path, data, length,
                                (const char *const *) sets->pdata, &point_error))
        {
          relocate_error (sweep, p, point_error);
          g_propagate_error (error, point_error);
          return NULL;
        }
      GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n_params; i++)
        {
          const Param *param = sweep->params->pdata[i];
          g_ptr_array_add (cells, param_cell (&sweep->points[p], param->key,
                                              param->values->pdata[value_index (param, p)]));
        }
      g_ptr_array_add (sweep->point_cells, cells);
    }
  sweep->definition = make_definition (sweep);
  return g_steal_pointer (&sweep);
}

CsSweep *
cs_sweep_new (const char *path, const char *const *overrides, GError **error)
{
  /* Under MPI, rank 0 reads the file and every rank loads those bytes: the scenario need only
   * be on rank 0's machine. Every rank then fails or succeeds alike. */
  gsize length = 0;
  g_autofree char *data = NULL;
  if (cs_mpi_rank () == 0)
    data = cs_config_read_file (path, &length, error);
  if (!cs__sweep_agree (cs_mpi_rank () != 0 || data != NULL, error))
    return NULL;
  cs__sweep_share (&data, &length);
  g_autoptr (CsSweep) sweep = load (path, data, length, overrides, error);
  if (!cs__sweep_agree (sweep != NULL, error))
    return NULL;
  return g_steal_pointer (&sweep);
}

/* --- the sweep directory --- */

static char *
run_id (const CsSweep *sweep, guint run)
{
  guint point = run / sweep->replicates, rep = run % sweep->replicates;
  g_autofree char *np = g_strdup_printf ("%u", MAX (sweep->n_points, 2) - 1);
  g_autofree char *nr = g_strdup_printf ("%u", MAX (sweep->replicates, 2) - 1);
  return g_strdup_printf ("p%0*u-r%0*u", (int) strlen (np), point, (int) strlen (nr), rep);
}

/* The first line where @a and @b differ (for the refusal message). */
static void
first_difference (const char *a, const char *b, char **line_a, char **line_b)
{
  g_auto (GStrv) la = g_strsplit (a, "\n", -1);
  g_auto (GStrv) lb = g_strsplit (b, "\n", -1);
  guint i = 0;
  while (la[i] && lb[i] && strcmp (la[i], lb[i]) == 0)
    i++;
  *line_a = g_strdup (la[i] && *la[i] ? la[i] : "(nothing)");
  *line_b = g_strdup (lb[i] && *lb[i] ? lb[i] : "(nothing)");
}

/* Claims @dir for @sweep: a new or empty directory gets the definition; a directory holding
 * the same definition is resumed; anything else is refused. */
static gboolean
claim_dir (const CsSweep *sweep, const char *dir, GError **error)
{
  g_autofree char *def_path = g_build_filename (dir, DEFINITION_FILE, NULL);
  g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                             sweep->definition, -1);
  g_autofree char *contents = g_strdup_printf ("# sha256 %s\n%s", checksum, sweep->definition);
  g_autofree char *old = NULL;

  if (g_file_get_contents (def_path, &old, NULL, NULL))
    {
      if (strcmp (old, contents) == 0)
        return TRUE;
      const char *old_def = strchr (old, '\n') ? strchr (old, '\n') + 1 : old;
      g_autofree char *was = NULL, *now = NULL;
      first_difference (old_def, sweep->definition, &was, &now);
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MISMATCH,
                   "%s: error: holds a different sweep (%s has '%s' where %s now gives '%s'); "
                   "resume it with the scenario it was made from, or choose another --out",
                   dir, DEFINITION_FILE, was, sweep->path, now);
      return FALSE;
    }
  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
      if (d == NULL || g_dir_read_name (d) != NULL)
        {
          g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MISMATCH,
                       "%s: error: exists and is not a sweep directory (no %s); choose another "
                       "--out", dir, DEFINITION_FILE);
          return FALSE;
        }
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_IO,
                   "%s: error: cannot create the sweep directory: %s", dir, g_strerror (saved));
      return FALSE;
    }
  if (!cs_write_file_atomic (def_path, contents, strlen (contents), error))
    {
      g_prefix_error (error, "%s: error: ", def_path);
      (*error)->domain = CS_SWEEP_ERROR;
      (*error)->code = CS_SWEEP_ERROR_IO;
      return FALSE;
    }
  return TRUE;
}

/* DIR/runs.csv: the plan. */
static gboolean
write_plan (const CsSweep *sweep, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) cols = g_ptr_array_new ();
  const char *fixed[] = { "run", "point", "replicate", "seed" };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (cols, (gpointer) fixed[i]);
  for (guint i = 0; i < sweep->params->len; i++)
    g_ptr_array_add (cols, ((Param *) sweep->params->pdata[i])->key);
  g_ptr_array_add (cols, NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (CsCsv) csv = cs_csv_new (out, (const char *const *) cols->pdata);
  for (guint run = 0; run < sweep->n_runs; run++)
    {
      guint point = run / sweep->replicates;
      g_autofree char *id = run_id (sweep, run);
      cs_csv_string (csv, id);
      cs_csv_int (csv, point);
      cs_csv_int (csv, run % sweep->replicates);
      cs_csv_int (csv, (gint64) cs_sweep_run_seed ((guint64) sweep->base.seed, run));
      for (guint i = 0; i < sweep->params->len; i++)
        {
          const Param *p = sweep->params->pdata[i];
          cs_csv_string (csv, p->values->pdata[value_index (p, point)]);
        }
      cs_csv_end_row (csv);
    }
  g_autofree char *path = g_build_filename (dir, "runs.csv", NULL);
  if (!cs_write_file_atomic (path, out->str, out->len, error))
    {
      g_prefix_error (error, "%s: error: ", path);
      (*error)->domain = CS_SWEEP_ERROR;
      (*error)->code = CS_SWEEP_ERROR_IO;
      return FALSE;
    }
  return TRUE;
}

/* Removes the regular files of @dir (what an interrupted run may have left: finished CSV files,
 * temporary files of an interrupted rename). */
void
cs__sweep_clear_run_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (!d)
    return;
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        g_unlink (path);
    }
}

/* --- running --- */

void
cs__sweep_fail (CsSweepState *st, guint run, guint rank, GError *error)
{
  g_mutex_lock (&st->lock);
  st->stop = TRUE;
  if (st->failure == NULL || run < st->failed_run)
    {
      g_clear_error (&st->failure);
      st->failure = g_steal_pointer (&error);
      st->failed_run = run;
      st->failed_rank = rank;
    }
  g_clear_error (&error);
  g_mutex_unlock (&st->lock);
}

gboolean
cs__sweep_next (CsSweepState *st, guint *run)
{
  g_mutex_lock (&st->lock);
  gboolean stop = st->stop;
  g_mutex_unlock (&st->lock);
  if (stop || st->todo == NULL || st->next >= st->todo->len)
    return FALSE;
  *run = g_array_index (st->todo, guint, st->next++);
  return TRUE;
}

void
cs__sweep_worker (gpointer data, gpointer user_data)
{
  CsSweepState *st = user_data;
  guint run = GPOINTER_TO_UINT (data) - 1;
  const CsSweep *sweep = st->sweep;
  GError *error = NULL;
  gboolean ok = TRUE, skipped;

  g_mutex_lock (&st->lock);
  skipped = st->stop && !st->finished; /* a rank > 0 runs what it was given */
  g_mutex_unlock (&st->lock);
  CsOutput *captured = NULL;
  if (!skipped)
    {
      const char *dir = st->run_dirs->pdata[run];
      /* A shallow copy: the point's configuration is only read. */
      CsScenario scenario = sweep->points[run / sweep->replicates];
      scenario.seed = (gint64) cs_sweep_run_seed ((guint64) sweep->base.seed, run);
      /* On a rank > 0 the files stay in memory, for rank 0 to write (cs-sweep-ranks.c). */
      CsRunOptions options = {
        .out_dir = dir, .progress = FALSE, .quiet = TRUE,
        .capture = st->finished ? &captured : NULL,
      };
      if (!st->finished)
        cs__sweep_clear_run_dir (dir);
      ok = cs_run (&scenario, &options, &error);
      if (!ok && !g_str_has_prefix (error->message, dir))
        g_prefix_error (&error, "%s: ", dir);
    }
  if (st->finished)
    {
      CsSweepFinished *f = g_new0 (CsSweepFinished, 1);
      f->run = run;
      f->output = captured;
      f->error = error;
      g_async_queue_push (st->finished, f);
      return;
    }
  if (!ok)
    cs__sweep_fail (st, run, 0, g_steal_pointer (&error));
  g_mutex_lock (&st->lock);
  st->ended++;
  if (!skipped && ok)
    st->executed++;
  g_cond_signal (&st->cond);
  g_mutex_unlock (&st->lock);
}

static void
format_duration (char *buf, gsize size, double s)
{
  if (s >= 3600)
    g_snprintf (buf, size, "%dh%02dm", (int) (s / 3600), (int) (s / 60) % 60);
  else if (s >= 60)
    g_snprintf (buf, size, "%dm%02ds", (int) (s / 60), (int) s % 60);
  else
    g_snprintf (buf, size, "%ds", (int) (s + 0.5));
}

/* The progress bar: [####----] done/total runs, ETA from this session's pace. */
static void
draw_progress (guint done, guint total, guint executed, gint64 start)
{
  enum { WIDTH = 30 };
  char bar[WIDTH + 1];
  guint filled = total ? (guint) ((guint64) done * WIDTH / total) : WIDTH;
  for (guint i = 0; i < WIDTH; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[WIDTH] = '\0';
  double elapsed = (g_get_monotonic_time () - start) / 1e6;
  char eta[32] = "?";
  if (executed > 0)
    format_duration (eta, sizeof eta, elapsed * (total - done) / executed);
  fprintf (stderr, "\rchainsim: sweep [%s] %u/%u runs  ETA %s   ", bar, done, total, eta);
  fflush (stderr);
}

/* Sets up @st for @sweep into @dir; the runs to do are those without DIR/runs/ID/summary.json
 * (on rank 0: the others only label their runs with these paths). */
static void
state_init (CsSweepState *st, CsSweep *sweep, const char *dir, guint *kept)
{
  *st = (CsSweepState) { .sweep = sweep };
  g_mutex_init (&st->lock);
  g_cond_init (&st->cond);
  st->run_dirs = g_ptr_array_new_with_free_func (g_free);
  st->todo = g_array_new (FALSE, FALSE, sizeof (guint));
  *kept = 0;
  for (guint run = 0; run < sweep->n_runs; run++)
    {
      g_autofree char *id = run_id (sweep, run);
      char *run_dir = g_build_filename (dir, "runs", id, NULL);
      g_ptr_array_add (st->run_dirs, run_dir);
      if (cs_mpi_rank () != 0)
        continue;
      g_autofree char *summary = g_build_filename (run_dir, "summary.json", NULL);
      if (g_file_test (summary, G_FILE_TEST_EXISTS))
        (*kept)++;
      else
        g_array_append_val (st->todo, run);
    }
}

static void
state_clear (CsSweepState *st)
{
  g_ptr_array_unref (st->run_dirs);
  g_array_unref (st->todo);
  g_clear_error (&st->failure);
  g_mutex_clear (&st->lock);
  g_cond_clear (&st->cond);
}

gboolean
cs_sweep_run (CsSweep *sweep, const CsSweepOptions *options, CsSweepReport *report,
              GError **error)
{
  const char *dir = options->out_dir;
  guint rank = cs_mpi_rank (), ranks = cs_mpi_size ();
  CsSweepReport local_report = { .runs = sweep->n_runs };
  /* Rank 0 claims the directory and writes the plan before any rank starts. */
  gboolean claimed = rank != 0 || (claim_dir (sweep, dir, error) && write_plan (sweep, dir, error));
  if (!cs__sweep_agree (claimed, error))
    return FALSE;

  /* Process-wide state the runs touch, set up once here rather than raced for by the workers:
   * GSL's error handler (a g_once anyway) and the error quarks of the lower layers. */
  cs_gsl_init ();
  (void) cs_config_error_quark ();
  (void) cs_sweep_error_quark ();

  CsSweepState st;
  state_init (&st, sweep, dir, &local_report.kept);
  guint jobs = MAX (1, options->jobs);
  if (rank != 0)
    {
      jobs = MIN (jobs, MAX (sweep->n_runs, 1));
      gboolean ok = cs__sweep_work (&st, jobs, error);
      local_report.kept = 0;
      local_report.executed = st.executed;
      state_clear (&st);
      if (report)
        *report = local_report;
      return ok;
    }

  gint64 start = g_get_monotonic_time ();
  gboolean progress = options->progress && !options->quiet;
  GThreadPool *pool = NULL;
  jobs = MIN (jobs, MAX (st.todo->len, 1));
  if (st.todo->len > 0)
    {
      GError *pool_error = NULL;
      pool = g_thread_pool_new (cs__sweep_worker, &st, (gint) jobs, TRUE, &pool_error);
      if (pool == NULL)
        cs__sweep_fail (&st, G_MAXUINT, 0,
                        g_error_new (CS_SWEEP_ERROR, CS_SWEEP_ERROR_RUN,
                                     "chainsim: error: cannot start %u threads: %s", jobs,
                                     pool_error->message));
      g_clear_error (&pool_error);
    }
  /* Keeps at most `jobs` runs on the local pool, so that other ranks (when there are) find
   * work in st.todo too; with MPI, also answers them, waking every 2 ms to look. Waits only
   * when no local thread is free for a run, and decides so under the lock, so that a run's
   * end is never missed. */
  guint pushed = 0;
  gint64 drawn = 0;
  for (;;)
    {
      g_mutex_lock (&st.lock);
      guint running = pushed - st.ended, executed = st.executed;
      g_mutex_unlock (&st.lock);
      guint run;
      while (pool && running < jobs && cs__sweep_next (&st, &run))
        {
          g_thread_pool_push (pool, GUINT_TO_POINTER (run + 1), NULL);
          pushed++;
          running++;
        }
      gboolean others = ranks > 1 && cs__sweep_serve (&st);
      gint64 now = g_get_monotonic_time ();
      if (progress && now - drawn >= 100000)
        {
          draw_progress (local_report.kept + executed, sweep->n_runs, executed, start);
          drawn = now;
        }
      g_mutex_lock (&st.lock);
      gboolean left = !st.stop && st.next < st.todo->len;
      gboolean done = st.ended == pushed && !others && !left;
      gboolean idle_thread = pool && pushed - st.ended < jobs && left;
      if (!done && !idle_thread)
        g_cond_wait_until (&st.cond, &st.lock, now + (ranks > 1 ? 2000 : 250000));
      g_mutex_unlock (&st.lock);
      if (done)
        break;
    }
  if (pool)
    g_thread_pool_free (pool, FALSE, TRUE);
  if (drawn > 0)
    {
      draw_progress (local_report.kept + st.executed, sweep->n_runs, st.executed, start);
      fprintf (stderr, "\r%*s\r", 80, "");
    }
  local_report.executed = st.executed;
  gboolean ok = TRUE;
  GError *local = NULL;
  if (st.failure)
    {
      g_autofree char *where = st.failed_rank > 0 && st.failed_run < sweep->n_runs
                               ? g_strdup_printf ("on MPI rank %u; ", st.failed_rank)
                               : g_strdup ("");
      g_set_error (&local, CS_SWEEP_ERROR, CS_SWEEP_ERROR_RUN, "%s (%s%u of %u runs finished; "
                   "run the sweep again to resume)", st.failure->message, where,
                   local_report.kept + st.executed, sweep->n_runs);
      ok = FALSE;
    }
  if (ok)
    {
      g_autoptr (GPtrArray) keys = g_ptr_array_new ();
      for (guint i = 0; i < sweep->params->len; i++)
        g_ptr_array_add (keys, ((Param *) sweep->params->pdata[i])->key);
      ok = cs_sweep_aggregate (dir, keys, sweep->n_points, sweep->replicates, st.run_dirs,
                               sweep->point_cells, &local);
    }
  if (ranks > 1)
    cs__sweep_tell_outcome (&st, ok ? NULL : local);
  double wall = (g_get_monotonic_time () - start) / 1e6;
  g_autofree char *over = NULL;
  if (ranks > 1)
    over = ranks == 2 ? g_strdup_printf (" over 2 MPI ranks (%u runs on rank 1)", st.elsewhere)
                      : g_strdup_printf (" over %u MPI ranks (%u runs on ranks 1-%u)", ranks,
                                         st.elsewhere, ranks - 1);
  if (ok && !options->quiet)
    fprintf (stderr, "chainsim: sweep %s: %u runs (%u run now, %u kept from before) in %.1f s "
             "of wall time%s; results in %s/sweep.csv\n", sweep->base.name, sweep->n_runs,
             local_report.executed, local_report.kept, wall, over ? over : "", dir);
  state_clear (&st);
  if (report)
    *report = local_report;
  if (local)
    g_propagate_error (error, local);
  return ok;
}
