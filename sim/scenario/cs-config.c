/* cs-config.c: loads a scenario into configuration structs by walking the YAML tree against
 * CsSchema tables. Per section: unknown keys first (so a typo is reported before what follows
 * from it), then the preset (its values first, the user's keys win), then every written key in
 * document order, then defaults and missing required keys in schema order, and last the section's
 * cross-field check, after its nested sections were loaded and checked. The first problem stops
 * the load and is reported as one "FILE:LINE:COLUMN: error: ..." line. Complexity: linear in the
 * tree times the number of keys of a section (lookups scan the section's few keys). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "scenario/cs-config-private.h"
#include "scenario/cs-text.h"
#include "scenario/cs-units.h"

/* What a schema's check function gets: where the section it checks came from. */
struct _CsCheck
{
  const CsYamlNode *map;  /* the section as loaded (preset and overrides applied); NULL: absent */
  const CsYamlNode *at;   /* where to report problems not tied to a written key */
  const char *label;      /* the section's name in messages */
  GError **error;         /* the load's error */
  gboolean failed;        /* a problem was reported (only the first is kept) */
};

G_DEFINE_QUARK (cs-config-error-quark, cs_config_error)

static gboolean load_section (const CsSchema *schema, const CsYamlNode *map, const CsYamlNode *at,
                              const char *path, void *out, GError **error);

/* --- names and messages --- */

const CsField *
cs__schema_field (const CsSchema *schema, const char *key)
{
  for (const CsField *f = schema->fields; f->key != NULL; f++)
    if (strcmp (f->key, key) == 0)
      return f;
  return NULL;
}

char *
cs__section_label (const CsSchema *schema, const char *path)
{
  return *path == '\0' ? g_strdup_printf ("the %s", schema->name) : g_strdup (path);
}

/* The keys a section accepts, "preset" included when it has presets. Free with g_ptr_array_unref. */
static GPtrArray *
section_keys (const CsSchema *schema)
{
  GPtrArray *keys = g_ptr_array_new ();

  for (const CsField *f = schema->fields; f->key != NULL; f++)
    g_ptr_array_add (keys, (gpointer) f->key);
  if (schema->presets != NULL)
    g_ptr_array_add (keys, (gpointer) CS__PRESET_KEY);
  return keys;
}

char *
cs__unknown_key_message (const CsSchema *schema, const char *key, const char *label)
{
  g_autoptr (GPtrArray) keys = section_keys (schema);
  const char *close = cs_text_suggest (key, (const char *const *) keys->pdata, keys->len);
  g_autofree char *quoted = cs_text_quote (key);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "unknown key %s in %s", quoted, label);
  if (close != NULL)
    g_string_append_printf (out, "; did you mean '%s'?", close);
  else
    {
      g_string_append (out, " (valid keys: ");
      cs_text_append_list (out, (const char *const *) keys->pdata, keys->len, 12);
      g_string_append (out, ")");
    }
  return g_string_free (out, FALSE);
}

/* "one of a, b, c" for an enum field. */
static char *
enum_choices (const CsField *field)
{
  GString *out = g_string_new ("one of ");

  cs_text_append_list (out, field->choices, -1, 24);
  return g_string_free (out, FALSE);
}

static gboolean
fail_wrong_kind (const CsField *field, const char *name, const CsYamlNode *node, GError **error)
{
  g_autofree char *got = cs_yaml_node_describe (node);
  g_autofree char *quoted = cs_text_quote (name);
  g_autofree char *choices = field->type == CS_T_ENUM ? enum_choices (field) : NULL;

  cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node, "expected %s for %s, got %s",
                 choices != NULL ? choices : cs_units_expected (field->type), quoted, got);
  return FALSE;
}

/* Checks @v against the field's bounds; durations, bit rates and fractions are never negative
 * unless the schema says so, and fractions never above 1. @got is the value printed in its unit
 * (not the text as written, which may be arbitrarily long: "000...0001"). */
static gboolean
check_range (const CsField *field, const char *name, const CsYamlNode *node, double v,
             const char *got, GError **error)
{
  double min = field->min, max = field->max;
  g_autofree char *quoted = NULL;
  g_autofree char *bound = NULL;

  if (isnan (min)
      && (field->type == CS_T_DURATION || field->type == CS_T_BITRATE
          || field->type == CS_T_FRACTION))
    min = 0.0;
  if (isnan (max) && field->type == CS_T_FRACTION)
    max = 1.0;
  if (!isnan (min) && v < min)
    {
      quoted = cs_text_quote (name);
      bound = cs_units_format_bound (field->type, min);
      cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node, "%s must be at least %s, got %s",
                     quoted, bound, got);
      return FALSE;
    }
  if (!isnan (max) && v > max)
    {
      quoted = cs_text_quote (name);
      bound = cs_units_format_bound (field->type, max);
      cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node, "%s must be at most %s, got %s",
                     quoted, bound, got);
      return FALSE;
    }
  return TRUE;
}

/* --- values --- */

static gboolean
load_enum (const CsField *field, const char *name, const CsYamlNode *node, int *out,
           GError **error)
{
  const char *close;
  g_autofree char *quoted = NULL;
  g_autofree char *quoted_name = NULL;
  g_autofree char *choices = NULL;

  for (int i = 0; field->choices[i] != NULL; i++)
    if (strcmp (field->choices[i], node->value) == 0)
      {
        *out = i;
        return TRUE;
      }
  close = cs_text_suggest (node->value, field->choices, -1);
  quoted = cs_text_quote (node->value);
  quoted_name = cs_text_quote (name);
  choices = enum_choices (field);
  if (close != NULL)
    cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node,
                   "unknown value %s for %s; did you mean '%s'? (%s)", quoted, quoted_name, close,
                   choices);
  else
    cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node, "unknown value %s for %s (%s)", quoted,
                   quoted_name, choices);
  return FALSE;
}

/* A scalar of a unit or plain type, parsed and range-checked into @dest. */
static gboolean
load_scalar (const CsField *field, const char *name, const CsYamlNode *node, void *dest,
             GError **error)
{
  g_autofree char *quoted = cs_text_quote (name);
  g_autofree char *message = NULL;
  g_autofree char *got = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean ok = FALSE;
  double v = 0.0;

  /* Designated initializers zero what they omit: a numeric field declared without .min/.max
   * would silently accept only 0. */
  if (field->min == 0 && field->max == 0 && field->type != CS_T_BOOL && field->type != CS_T_STRING
      && field->type != CS_T_ENUM)
    g_error ("schema: '%s' has min = max = 0; write .min = CS_UNBOUNDED, .max = CS_UNBOUNDED "
             "for no bounds", name);
  switch (field->type)
    {
    case CS_T_BOOL:
      ok = cs_units_parse_bool (node->value, quoted, dest, &message);
      return ok ? TRUE : (cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node, "%s", message),
                          FALSE);
    case CS_T_STRING:
      *(char **) dest = g_strdup (node->value);
      return TRUE;
    case CS_T_ENUM:
      return load_enum (field, name, node, dest, error);
    case CS_T_INT:
      if ((ok = cs_units_parse_int (node->value, quoted, dest, &message)))
        {
          v = (double) *(gint64 *) dest;
          got = g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) dest);
        }
      break;
    case CS_T_DURATION:
      if ((ok = cs_units_parse_duration (node->value, quoted, dest, &message)))
        {
          v = (double) *(gint64 *) dest;
          got = cs_units_format_duration (*(gint64 *) dest);
        }
      break;
    case CS_T_SIZE:
      if ((ok = cs_units_parse_size (node->value, quoted, dest, &message)))
        {
          v = (double) *(guint64 *) dest;
          got = cs_units_format_size (*(guint64 *) dest);
        }
      break;
    case CS_T_DOUBLE:
      if ((ok = cs_units_parse_double (node->value, quoted, dest, &message)))
        {
          v = *(double *) dest;
          got = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", v));
        }
      break;
    case CS_T_BITRATE:
      if ((ok = cs_units_parse_bitrate (node->value, quoted, dest, &message)))
        {
          v = *(double *) dest;
          got = cs_units_format_bitrate (v);
        }
      break;
    case CS_T_FRACTION:
      if ((ok = cs_units_parse_fraction (node->value, quoted, dest, &message)))
        {
          v = *(double *) dest;
          got = cs_units_format_fraction (v);
        }
      break;
    case CS_T_SECTION:
    case CS_T_LIST:
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    {
      cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node, "%s", message);
      return FALSE;
    }
  return check_range (field, name, node, v, got, error);
}

static gboolean load_value (const CsField *field, const char *name, const char *path,
                            const CsYamlNode *node, void *dest, GError **error);

static gboolean
load_list (const CsField *field, const char *name, const char *path, const CsYamlNode *node,
           void *dest, GError **error)
{
  gsize size = cs__element_size (field->item);
  guint n = node->items->len;
  GArray *array;

  if (n < field->min_len)
    {
      g_autofree char *quoted = cs_text_quote (name);

      cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node,
                     "%s must have at least %u element%s, got %u", quoted, field->min_len,
                     field->min_len == 1 ? "" : "s", n);
      return FALSE;
    }
  if (field->max_len != 0 && n > field->max_len)
    {
      g_autofree char *quoted = cs_text_quote (name);

      cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, node->items->pdata[field->max_len],
                     "%s must have at most %u element%s, got %u", quoted, field->max_len,
                     field->max_len == 1 ? "" : "s", n);
      return FALSE;
    }
  array = g_array_sized_new (FALSE, TRUE, size, n);
  g_array_set_size (array, n);
  /* Stored before the elements are loaded, so that a failure half-way is freed by the clear. */
  *(GArray **) dest = array;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item_name = g_strdup_printf ("%s[%u]", name, i);
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);

      if (!load_value (field->item, item_name, item_path, node->items->pdata[i],
                       array->data + (gsize) i * size, error))
        return FALSE;
    }
  return TRUE;
}

/* Loads @node (a value written in the file, a preset, --set or a default) into @dest, as
 * @field says. @name is the value's name in messages, @path its dotted path. */
static gboolean
load_value (const CsField *field, const char *name, const char *path, const CsYamlNode *node,
            void *dest, GError **error)
{
  switch (field->type)
    {
    case CS_T_SECTION:
      if (node->kind == CS_YAML_MAPPING)
        return load_section (field->section, node, node, path, dest, error);
      if (node->kind == CS_YAML_SCALAR && node->is_null)
        return load_section (field->section, NULL, node, path, dest, error);
      return fail_wrong_kind (field, name, node, error);
    case CS_T_LIST:
      if (node->kind != CS_YAML_SEQUENCE)
        return fail_wrong_kind (field, name, node, error);
      return load_list (field, name, path, node, dest, error);
    default:
      if (node->kind != CS_YAML_SCALAR || node->is_null)
        return fail_wrong_kind (field, name, node, error);
      return load_scalar (field, name, node, dest, error);
    }
}

/* Loads the field's default_text; a default that does not load is a bug in the schema. */
static void
load_default (const CsSchema *schema, const CsField *field, const char *path, void *dest)
{
  g_autofree char *source = g_strdup_printf ("default of %s.%s", schema->name, field->key);
  CsYamlOptions options = { .source = source, .first_line = 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (CsYamlNode) node = cs_yaml_parse (field->default_text, strlen (field->default_text),
                                               &options, &error);

  if (node == NULL || !load_value (field, field->key, path, node, dest, &error))
    g_error ("schema %s: bad default for '%s': %s", schema->name, field->key, error->message);
}

/* --- presets --- */

/* The preset's values as a tree located at @at (the user's "preset: NAME"), so that problems in
 * what the preset supplies are reported where the user asked for it. */
static CsYamlNode *
preset_tree (const CsSchema *schema, const CsPreset *preset, const CsYamlNode *at)
{
  g_autofree char *source = g_strdup_printf ("preset %s of %s", preset->name, schema->name);
  CsYamlOptions options = { .source = source, .first_line = 1 };
  g_autoptr (GError) error = NULL;
  CsYamlNode *tree = cs_yaml_parse (preset->yaml, strlen (preset->yaml), &options, &error);

  if (tree == NULL)
    g_error ("schema %s: bad preset: %s", schema->name, error->message);
  if (tree->is_null)
    {
      cs_yaml_node_free (tree);
      tree = cs_yaml_mapping_new (source, 1, 1);
    }
  if (tree->kind != CS_YAML_MAPPING)
    g_error ("schema %s: preset %s is not a mapping", schema->name, preset->name);
  for (guint i = 0; i < cs_yaml_mapping_size (tree); i++)
    if (cs__schema_field (schema, cs_yaml_mapping_key (tree, i)->value) == NULL)
      g_error ("schema %s: preset %s has unknown key '%s'", schema->name, preset->name,
               cs_yaml_mapping_key (tree, i)->value);
  cs_yaml_node_relocate (tree, at->source, at->line, at->column);
  return tree;
}

/* If @map names a preset, returns a new mapping: the preset's values with @map's keys merged
 * over them, located at @map. Returns @map itself (*merged NULL) when there is no preset. */
static gboolean
apply_preset (const CsSchema *schema, const CsYamlNode *map, const char *label,
              CsYamlNode **merged, GError **error)
{
  const CsYamlNode *value = cs_yaml_mapping_lookup (map, CS__PRESET_KEY, NULL);
  g_autoptr (GPtrArray) names = NULL;
  const CsPreset *preset = NULL;

  *merged = NULL;
  if (value == NULL)
    return TRUE;
  names = g_ptr_array_new ();
  for (const CsPreset *p = schema->presets; p->name != NULL; p++)
    {
      g_ptr_array_add (names, (gpointer) p->name);
      if (value->kind == CS_YAML_SCALAR && !value->is_null && strcmp (p->name, value->value) == 0)
        preset = p;
    }
  if (preset == NULL)
    {
      g_autofree char *got = cs_yaml_node_describe (value);
      const char *close = value->kind == CS_YAML_SCALAR && !value->is_null
        ? cs_text_suggest (value->value, (const char *const *) names->pdata, names->len)
        : NULL;
      GString *list = g_string_new (NULL);

      cs_text_append_list (list, (const char *const *) names->pdata, names->len, 24);
      if (value->kind != CS_YAML_SCALAR || value->is_null)
        cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, value,
                       "expected a preset name for %s (%s), got %s", label, list->str, got);
      else if (close != NULL)
        cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, value,
                       "unknown preset %s for %s; did you mean '%s'? (presets: %s)", got, label,
                       close, list->str);
      else
        cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, value,
                       "unknown preset %s for %s (presets: %s)", got, label, list->str);
      g_string_free (list, TRUE);
      return FALSE;
    }
  *merged = preset_tree (schema, preset, value);
  cs_yaml_mapping_merge (*merged, map, CS__PRESET_KEY);
  (*merged)->source = map->source;
  (*merged)->line = map->line;
  (*merged)->column = map->column;
  return TRUE;
}

/* --- sections --- */

/* Loads a section from @map (a mapping, or NULL when absent or empty); @at locates problems
 * with keys that are not written. @path is the section's dotted path ("" for the root). */
static gboolean
load_section (const CsSchema *schema, const CsYamlNode *map, const CsYamlNode *at,
              const char *path, void *out, GError **error)
{
  g_autofree char *label = cs__section_label (schema, path);
  g_autoptr (CsYamlNode) merged = NULL;
  CsCheck check = { 0 };

  if (map != NULL)
    {
      for (guint i = 0; i < cs_yaml_mapping_size (map); i++)
        {
          const CsYamlNode *key = cs_yaml_mapping_key (map, i);

          if (cs__schema_field (schema, key->value) == NULL
              && !(schema->presets != NULL && strcmp (key->value, CS__PRESET_KEY) == 0))
            {
              g_autofree char *message = cs__unknown_key_message (schema, key->value, label);

              cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, key, "%s", message);
              return FALSE;
            }
        }
      if (schema->presets != NULL)
        {
          if (!apply_preset (schema, map, label, &merged, error))
            return FALSE;
          if (merged != NULL)
            map = merged;
        }
      for (guint i = 0; i < cs_yaml_mapping_size (map); i++)
        {
          const CsYamlNode *key = cs_yaml_mapping_key (map, i);
          const CsField *field = cs__schema_field (schema, key->value);
          g_autofree char *child = NULL;

          if (field == NULL)
            continue; /* "preset", already applied */
          child = *path == '\0' ? g_strdup (field->key) : g_strconcat (path, ".", field->key, NULL);
          if (!load_value (field, field->key, child, cs_yaml_mapping_value (map, i),
                           (char *) out + field->offset, error))
            return FALSE;
        }
    }
  for (const CsField *field = schema->fields; field->key != NULL; field++)
    {
      g_autofree char *child = NULL;
      void *dest = (char *) out + field->offset;

      if (map != NULL && cs_yaml_mapping_lookup (map, field->key, NULL) != NULL)
        continue;
      if (field->required && field->default_text != NULL)
        g_error ("schema %s: '%s' is required and has a default", schema->name, field->key);
      child = *path == '\0' ? g_strdup (field->key) : g_strconcat (path, ".", field->key, NULL);
      if (field->required)
        {
          const CsYamlNode *where = map != NULL ? map : at;

          cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, where,
                         "missing required key '%s' in %s", field->key, label);
          return FALSE;
        }
      if (field->default_text != NULL)
        load_default (schema, field, child, dest);
      else if (field->type == CS_T_SECTION)
        {
          if (!load_section (field->section, NULL, map != NULL ? map : at, child, dest, error))
            return FALSE;
        }
      else if (field->type == CS_T_LIST)
        *(GArray **) dest = g_array_new (FALSE, TRUE, cs__element_size (field->item));
    }
  if (schema->check == NULL)
    return TRUE;
  check.map = map;
  check.at = map != NULL ? map : at;
  check.label = label;
  check.error = error;
  if (!schema->check (out, &check) && !check.failed)
    cs_check_fail (&check, NULL, "inconsistent values");
  return !check.failed;
}

/* --- checks --- */

static gboolean
check_fail_valist (CsCheck *check, const CsYamlNode *at, const char *format, va_list args)
  G_GNUC_PRINTF (3, 0);

static gboolean
check_fail_valist (CsCheck *check, const CsYamlNode *at, const char *format, va_list args)
{
  g_autofree char *message = NULL;

  if (check->failed)
    return FALSE;
  check->failed = TRUE;
  message = g_strdup_vprintf (format, args);
  if (at == check->at)
    cs_yaml_error (check->error, CS_CONFIG_ERROR_INVALID, at, "in %s: %s", check->label, message);
  else
    cs_yaml_error (check->error, CS_CONFIG_ERROR_INVALID, at, "%s", message);
  return FALSE;
}

/* The node written for @key, a key of the section or a dotted path into its subsections
 * ("peers.outbound"); when the path was not written to the end, the deepest part that was, or the
 * section itself. */
static const CsYamlNode *
check_locate (CsCheck *check, const char *key)
{
  const CsYamlNode *at = check->at;
  const CsYamlNode *map = check->map;

  if (key == NULL)
    return at;
  g_auto (GStrv) parts = g_strsplit (key, ".", -1);
  for (guint i = 0; parts[i] != NULL && map != NULL; i++)
    {
      const CsYamlNode *value = cs_yaml_mapping_lookup (map, parts[i], NULL);
      if (value == NULL)
        break;
      at = value;
      map = value->kind == CS_YAML_MAPPING ? value : NULL;
    }
  return at;
}

gboolean
cs_check_fail (CsCheck *check, const char *key, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  check_fail_valist (check, check_locate (check, key), format, args);
  va_end (args);
  return FALSE;
}

gboolean
cs_check_fail_at_index (CsCheck *check, const char *key, guint index, const char *format, ...)
{
  const CsYamlNode *at = check_locate (check, key);
  va_list args;

  if (at != check->at && at->kind == CS_YAML_SEQUENCE && index < at->items->len)
    at = at->items->pdata[index];
  va_start (args, format);
  check_fail_valist (check, at, format, args);
  va_end (args);
  return FALSE;
}

gboolean
cs_check_has_key (CsCheck *check, const char *key)
{
  const CsYamlNode *map = check->map;

  g_auto (GStrv) parts = g_strsplit (key, ".", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const CsYamlNode *value = map ? cs_yaml_mapping_lookup (map, parts[i], NULL) : NULL;
      if (value == NULL)
        return FALSE;
      map = value->kind == CS_YAML_MAPPING ? value : NULL;
    }
  return TRUE;
}

/* --- entry points --- */

/* The required keys (or, when none is required, the first keys) for the empty-file message. */
static char *
expected_keys (const CsSchema *schema)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (const CsField *f = schema->fields; f->key != NULL; f++)
    if (f->required)
      g_ptr_array_add (keys, (gpointer) f->key);
  if (keys->len > 0)
    g_string_append (out, "keys ");
  else
    {
      g_string_append (out, "keys such as ");
      for (const CsField *f = schema->fields; f->key != NULL; f++)
        g_ptr_array_add (keys, (gpointer) f->key);
    }
  cs_text_append_list (out, (const char *const *) keys->pdata, keys->len, 8);
  return g_string_free (out, FALSE);
}

gboolean
cs_config_load_data (const CsSchema *schema, void *config, const char *display_name,
                     const char *data, gsize length, const char *const *overrides,
                     GError **error)
{
  g_autofree char *source = g_strdup (display_name);
  CsYamlOptions options = { .first_line = 1 };
  g_autoptr (CsYamlNode) root = NULL;
  gboolean have_overrides = overrides != NULL && overrides[0] != NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  memset (config, 0, schema->struct_size);
  cs_text_one_line (source);
  options.source = source;
  root = cs_yaml_parse (data, length, &options, error);
  if (root == NULL)
    return FALSE;
  if (root->kind == CS_YAML_SCALAR && root->is_null)
    {
      if (!have_overrides)
        {
          g_autofree char *keys = expected_keys (schema);

          cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, root,
                         "empty %s: expected a mapping with %s", schema->name, keys);
          return FALSE;
        }
      /* Everything comes from --set. */
      g_clear_pointer (&root, cs_yaml_node_free);
      root = cs_yaml_mapping_new (source, 1, 1);
    }
  if (root->kind != CS_YAML_MAPPING)
    {
      g_autofree char *got = cs_yaml_node_describe (root);

      cs_yaml_error (error, CS_CONFIG_ERROR_INVALID, root, "expected a mapping for the %s, got %s",
                     schema->name, got);
      return FALSE;
    }
  for (guint i = 0; have_overrides && overrides[i] != NULL; i++)
    if (!cs__apply_override (schema, root, overrides[i], i, error))
      return FALSE;
  if (!load_section (schema, root, root, "", config, error))
    {
      cs_config_clear (schema, config);
      return FALSE;
    }
  return TRUE;
}

/* Reads at most CS_YAML_MAX_BYTES + 1 bytes of @path (so that /dev/zero or a huge file is
 * refused rather than read whole). */
static char *
read_file (const char *path, gsize *length, int *errsv)
{
  int fd = g_open (path, O_RDONLY, 0);
  GByteArray *buf;

  if (fd < 0)
    {
      *errsv = errno;
      return NULL;
    }
  buf = g_byte_array_new ();
  for (;;)
    {
      guint8 chunk[65536];
      gssize n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *errsv = errno;
          g_byte_array_unref (buf);
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
      if (buf->len > CS_YAML_MAX_BYTES)
        break;
    }
  close (fd);
  *length = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (buf, FALSE);
}

char *
cs_config_read_file (const char *path, gsize *length, GError **error)
{
  g_autofree char *name = g_strdup (path);
  int errsv = 0;

  cs_text_one_line (name);
  char *data = read_file (path, length, &errsv);
  if (data == NULL)
    {
      g_set_error (error, CS_CONFIG_ERROR, CS_CONFIG_ERROR_IO, "%s: error: cannot read: %s", name,
                   g_strerror (errsv));
      return NULL;
    }
  if (*length > CS_YAML_MAX_BYTES)
    {
      g_set_error (error, CS_CONFIG_ERROR, CS_CONFIG_ERROR_LIMIT,
                   "%s: error: file is larger than %u bytes", name, CS_YAML_MAX_BYTES);
      g_free (data);
      return NULL;
    }
  return data;
}

gboolean
cs_config_load_file (const CsSchema *schema, void *config, const char *path,
                     const char *const *overrides, GError **error)
{
  g_autofree char *name = g_strdup (path);
  gsize length = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  memset (config, 0, schema->struct_size);
  cs_text_one_line (name);
  g_autofree char *data = cs_config_read_file (path, &length, error);
  if (data == NULL)
    return FALSE;
  return cs_config_load_data (schema, config, name, data, length, overrides, error);
}
