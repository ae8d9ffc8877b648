/* cs-config-set.c: --set overrides ("network.nodes=500", "gossip.sizes=[1KB,2KB]"). Each one is
 * checked against the schema (so a typo in the path gets a did-you-mean at once), its value is
 * parsed as YAML text, and it is written into the scenario's tree before validation, creating
 * the sections on the path that the file did not write. Override N (1-based) is reported as line
 * N of the pseudo-file "--set", columns pointing into the "path=value" text. Keys inside list
 * elements cannot be set; the whole list can. */
#include "config.h"

#include <string.h>
#include "scenario/cs-config-private.h"
#include "scenario/cs-text.h"
#include "scenario/cs-units.h"

/* One key of an override's path. */
typedef struct
{
  char *key;     /* the key */
  guint column;  /* 1-based column of its first character in the override */
} Segment;

/* 1-based column, in characters, of @p in @text (which may be invalid UTF-8). */
static guint
column_of (const char *text, const char *p)
{
  return (guint) g_utf8_strlen (text, p - text) + 1;
}

static void
segment_clear (gpointer p)
{
  g_free (((Segment *) p)->key);
}

/* Splits "a.b.c" (the text before '=') into segments. */
static gboolean
split_path (const char *text, const char *eq, guint line, GArray *segments, GError **error)
{
  const char *start = text;

  for (const char *p = text;; p++)
    {
      if (p == eq || *p == '.')
        {
          Segment s = { g_strndup (start, p - start), column_of (text, start) };

          if (p == start)
            {
              g_autofree char *path = g_strndup (text, eq - text);
              g_autofree char *quoted = cs_text_quote (path);

              g_free (s.key);
              cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line, s.column,
                                "empty key in the path %s (expected keys separated by dots, "
                                "like network.nodes)", quoted);
              return FALSE;
            }
          g_array_append_val (segments, s);
          if (p == eq)
            return TRUE;
          start = p + 1;
        }
    }
}

/* Checks the path against the schema: every key exists, every key but the last is a section. */
static gboolean
check_path (const CsSchema *schema, GArray *segments, guint line, GError **error)
{
  const CsSchema *s = schema;
  g_autofree char *path = g_strdup ("");

  for (guint i = 0; i < segments->len; i++)
    {
      const Segment *seg = &g_array_index (segments, Segment, i);
      gboolean last = i + 1 == segments->len;
      const CsField *f = cs__schema_field (s, seg->key);
      g_autofree char *label = cs__section_label (s, path);
      g_autofree char *quoted = cs_text_quote (seg->key);
      char *child;

      if (f == NULL && s->presets != NULL && strcmp (seg->key, CS__PRESET_KEY) == 0)
        {
          if (last)
            return TRUE;
          cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line, seg->column,
                            "%s in %s takes a preset name, it has no keys", quoted, label);
          return FALSE;
        }
      if (f == NULL)
        {
          g_autofree char *message = cs__unknown_key_message (s, seg->key, label);

          cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line, seg->column,
                            "%s", message);
          return FALSE;
        }
      if (last)
        return TRUE;
      if (f->type == CS_T_LIST)
        {
          cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line, seg->column,
                            "cannot set a key inside the list %s: set the whole list, like "
                            "%s=[...]", quoted, seg->key);
          return FALSE;
        }
      if (f->type != CS_T_SECTION)
        {
          cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line, seg->column,
                            "%s is a%s %s, not a section: it has no keys", quoted,
                            strchr ("aeiou", cs_units_type_name (f->type)[0]) ? "n" : "",
                            cs_units_type_name (f->type));
          return FALSE;
        }
      child = *path == '\0' ? g_strdup (seg->key) : g_strconcat (path, ".", seg->key, NULL);
      g_free (path);
      path = child;
      s = f->section;
    }
  return TRUE;
}

gboolean
cs__apply_override (const CsSchema *schema, CsYamlNode *root, const char *text, guint index,
                    GError **error)
{
  guint line = index + 1;
  const char *eq = strchr (text, '=');
  g_autoptr (GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  CsYamlOptions options = { .source = CS__SET_SOURCE, .first_line = line };
  CsYamlNode *value, *map = root;
  const Segment *last;

  g_array_set_clear_func (segments, segment_clear);
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r')
      {
        cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line,
                          column_of (text, p),
                          "a --set override must be on one line");
        return FALSE;
      }
  if (eq == NULL)
    {
      g_autofree char *quoted = cs_text_quote (text);

      cs_yaml_error_at (error, CS_CONFIG_ERROR_INVALID, CS__SET_SOURCE, line, 1,
                        "expected KEY=VALUE (like network.nodes=500), got %s", quoted);
      return FALSE;
    }
  if (!split_path (text, eq, line, segments, error) || !check_path (schema, segments, line, error))
    return FALSE;
  options.first_column = column_of (text, eq + 1) - 1;
  value = cs_yaml_parse (eq + 1, strlen (eq + 1), &options, error);
  if (value == NULL)
    return FALSE;
  /* Walk down, creating (or replacing with) mappings where the file has none. */
  for (guint i = 0; i + 1 < segments->len; i++)
    {
      const Segment *seg = &g_array_index (segments, Segment, i);
      CsYamlNode *next = cs_yaml_mapping_lookup (map, seg->key, NULL);

      if (next == NULL || next->kind != CS_YAML_MAPPING)
        {
          next = cs_yaml_mapping_new (CS__SET_SOURCE, line, seg->column);
          cs_yaml_mapping_set (map, cs_yaml_scalar_new (CS__SET_SOURCE, line, seg->column,
                                                        seg->key), next);
        }
      map = next;
    }
  last = &g_array_index (segments, Segment, segments->len - 1);
  cs_yaml_mapping_set (map, cs_yaml_scalar_new (CS__SET_SOURCE, line, last->column, last->key),
                       value);
  return TRUE;
}
