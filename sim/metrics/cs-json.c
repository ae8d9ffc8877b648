/* cs-json.c: the streaming JSON writer of cs-json.h. It tracks, per nesting level, whether a
 * comma is due, and whether a key was just written, so callers cannot produce malformed output
 * without tripping an assertion. */
#include "metrics/cs-json.h"

#include <math.h>
#include <string.h>

/* Per open level, for cs_json_record_numbers(). */
typedef struct
{
  gsize path_len;      /* length of path before this level's own name was appended */
  guint items;         /* values written at this level so far (array indices) */
  gboolean array;      /* an array, whose members are named by index */
} Level;

struct _CsJson
{
  GString *out;        /* where the text goes (not owned) */
  GArray *first;       /* per open level: TRUE until its first member is written */
  gboolean after_key;  /* a key was written; its value comes next */
  GString *flat;       /* cs_json_record_numbers(): "name,value" rows (not owned); or NULL */
  GString *path;       /* flat: dotted path of the innermost open container */
  GArray *levels;      /* flat: Level per open container */
  char *key;           /* flat: the key just written */
};

CsJson *
cs_json_new (GString *out)
{
  CsJson *json = g_new0 (CsJson, 1);
  json->out = out;
  json->first = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return json;
}

void
cs_json_free (CsJson *json)
{
  if (!json)
    return;
  g_warn_if_fail (json->first->len == 0);
  g_array_unref (json->first);
  if (json->path)
    g_string_free (json->path, TRUE);
  if (json->levels)
    g_array_unref (json->levels);
  g_free (json->key);
  g_free (json);
}

void
cs_json_record_numbers (CsJson *json, GString *flat)
{
  g_return_if_fail (json->first->len == 0 && json->flat == NULL);
  if (flat == NULL)
    return;
  json->flat = flat;
  json->path = g_string_new (NULL);
  json->levels = g_array_new (FALSE, FALSE, sizeof (Level));
}

/* flat: appends to @name the dotted name of the value about to be written (before before_item,
 * which forgets the key) and counts it. */
static void
value_name (CsJson *json, GString *name)
{
  g_string_assign (name, json->path->str);
  if (json->levels->len == 0)
    return;
  Level *top = &g_array_index (json->levels, Level, json->levels->len - 1);
  if (name->len > 0)
    g_string_append_c (name, '.');
  if (top->array)
    g_string_append_printf (name, "%u", top->items);
  else if (json->key)
    g_string_append (name, json->key);
  top->items++;
}

/* flat: records one number; @text NULL for a non-finite one. */
static void
record (CsJson *json, const char *text)
{
  g_autoptr (GString) name = g_string_new (NULL);
  value_name (json, name);
  if (strpbrk (name->str, ",\"\r\n") == NULL)
    g_string_append (json->flat, name->str);
  else
    {
      g_string_append_c (json->flat, '"');
      for (const char *p = name->str; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (json->flat, '"');
          g_string_append_c (json->flat, *p);
        }
      g_string_append_c (json->flat, '"');
    }
  g_string_append_c (json->flat, ',');
  if (text)
    g_string_append (json->flat, text);
  g_string_append_c (json->flat, '\n');
}

/* flat: a string, boolean or null takes a name (an array index) without being recorded. */
static void
skip (CsJson *json)
{
  if (json->flat == NULL)
    return;
  g_autoptr (GString) name = g_string_new (NULL);
  value_name (json, name);
}

static void
indent (CsJson *json)
{
  g_string_append_c (json->out, '\n');
  for (guint i = 0; i < json->first->len; i++)
    g_string_append (json->out, "  ");
}

/* Writes the separator due before a value or a key at the current level. */
static void
before_item (CsJson *json)
{
  if (json->after_key)
    {
      json->after_key = FALSE;
      return;
    }
  if (json->first->len == 0)
    return;
  gboolean *first = &g_array_index (json->first, gboolean, json->first->len - 1);
  if (!*first)
    g_string_append_c (json->out, ',');
  *first = FALSE;
  indent (json);
}

static void
begin (CsJson *json, char open)
{
  if (json->flat)
    {
      Level level = { .path_len = json->path->len, .array = open == '[' };
      g_autoptr (GString) name = g_string_new (NULL);
      value_name (json, name);
      g_string_assign (json->path, name->str);
      g_array_append_val (json->levels, level);
    }
  before_item (json);
  g_string_append_c (json->out, open);
  gboolean t = TRUE;
  g_array_append_val (json->first, t);
}

static void
end (CsJson *json, char close)
{
  g_return_if_fail (json->first->len > 0 && !json->after_key);
  gboolean empty = g_array_index (json->first, gboolean, json->first->len - 1);
  g_array_set_size (json->first, json->first->len - 1);
  if (json->flat)
    {
      g_string_truncate (json->path,
                         g_array_index (json->levels, Level, json->levels->len - 1).path_len);
      g_array_set_size (json->levels, json->levels->len - 1);
    }
  if (!empty)
    indent (json);
  g_string_append_c (json->out, close);
  if (json->first->len == 0)
    g_string_append_c (json->out, '\n');
}

void cs_json_begin_object (CsJson *json) { begin (json, '{'); }
void cs_json_end_object (CsJson *json) { end (json, '}'); }
void cs_json_begin_array (CsJson *json) { begin (json, '['); }
void cs_json_end_array (CsJson *json) { end (json, ']'); }

static void
append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

void
cs_json_key (CsJson *json, const char *key)
{
  g_return_if_fail (json->first->len > 0 && !json->after_key);
  if (json->flat)
    {
      g_free (json->key);
      json->key = g_strdup (key);
    }
  before_item (json);
  append_string (json->out, key);
  g_string_append (json->out, ": ");
  json->after_key = TRUE;
}

void
cs_json_string (CsJson *json, const char *value)
{
  skip (json);
  before_item (json);
  if (value)
    append_string (json->out, value);
  else
    g_string_append (json->out, "null");
}

void
cs_json_int (CsJson *json, gint64 value)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  if (json->flat)
    record (json, buf);
  before_item (json);
  g_string_append (json->out, buf);
}

const char *
cs_format_double (char *buf, double value)
{
  if (isnan (value))
    return strcpy (buf, "nan");
  if (isinf (value))
    return strcpy (buf, value > 0 ? "inf" : "-inf");
  if (value == 0)
    return strcpy (buf, "0"); /* no "-0" */
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.9g", value);
}

void
cs_json_double (CsJson *json, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (json->flat)
    record (json, isfinite (value) ? cs_format_double (buf, value) : NULL);
  before_item (json);
  if (!isfinite (value))
    g_string_append (json->out, "null");
  else
    g_string_append (json->out, cs_format_double (buf, value));
}

void
cs_json_bool (CsJson *json, gboolean value)
{
  skip (json);
  before_item (json);
  g_string_append (json->out, value ? "true" : "false");
}

void
cs_json_null (CsJson *json)
{
  skip (json);
  before_item (json);
  g_string_append (json->out, "null");
}

void cs_json_kv_string (CsJson *j, const char *k, const char *v) { cs_json_key (j, k); cs_json_string (j, v); }
void cs_json_kv_int (CsJson *j, const char *k, gint64 v) { cs_json_key (j, k); cs_json_int (j, v); }
void cs_json_kv_double (CsJson *j, const char *k, double v) { cs_json_key (j, k); cs_json_double (j, v); }
void cs_json_kv_bool (CsJson *j, const char *k, gboolean v) { cs_json_key (j, k); cs_json_bool (j, v); }
