/* cs-json.c: the streaming JSON writer of cs-json.h. It tracks, per nesting level, whether a
 * comma is due, and whether a key was just written, so callers cannot produce malformed output
 * without tripping an assertion. */
#include "metrics/cs-json.h"

#include <math.h>
#include <string.h>

struct _CsJson
{
  GString *out;        /* where the text goes (not owned) */
  GArray *first;       /* per open level: TRUE until its first member is written */
  gboolean after_key;  /* a key was written; its value comes next */
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
  g_free (json);
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
  before_item (json);
  append_string (json->out, key);
  g_string_append (json->out, ": ");
  json->after_key = TRUE;
}

void
cs_json_string (CsJson *json, const char *value)
{
  before_item (json);
  if (value)
    append_string (json->out, value);
  else
    g_string_append (json->out, "null");
}

void
cs_json_int (CsJson *json, gint64 value)
{
  before_item (json);
  g_string_append_printf (json->out, "%" G_GINT64_FORMAT, value);
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
  before_item (json);
  if (!isfinite (value))
    g_string_append (json->out, "null");
  else
    g_string_append (json->out, cs_format_double (buf, value));
}

void
cs_json_bool (CsJson *json, gboolean value)
{
  before_item (json);
  g_string_append (json->out, value ? "true" : "false");
}

void
cs_json_null (CsJson *json)
{
  before_item (json);
  g_string_append (json->out, "null");
}

void cs_json_kv_string (CsJson *j, const char *k, const char *v) { cs_json_key (j, k); cs_json_string (j, v); }
void cs_json_kv_int (CsJson *j, const char *k, gint64 v) { cs_json_key (j, k); cs_json_int (j, v); }
void cs_json_kv_double (CsJson *j, const char *k, double v) { cs_json_key (j, k); cs_json_double (j, v); }
void cs_json_kv_bool (CsJson *j, const char *k, gboolean v) { cs_json_key (j, k); cs_json_bool (j, v); }
