/* cs-json.h: a small streaming JSON writer into a GString. Output is deterministic: keys come in
 * the order they are written, numbers are formatted locale-independently with a fixed precision,
 * and non-finite numbers become null. Enough for summary.json; no parser. */
#pragma once

#include <glib.h>

typedef struct _CsJson CsJson;

/* Starts a writer that appends to @out (not owned). Indents by two spaces per level. */
CsJson *cs_json_new (GString *out);
/* Also records every number written (integers and doubles; not strings, booleans or nulls) as a
 * CSV row "NAME,VALUE\n" appended to @flat (not owned): NAME is the number's dotted path from the
 * outermost value ("network.nodes", "chain.propagation_s.p50"; an array element is named by its
 * index, "chain.stale_rate_ci95.0"), VALUE is formatted as in the JSON, empty for a non-finite
 * double (written as null). So a run's metrics can be read back without a JSON parser. Call before
 * writing anything; @flat may be NULL (the default: nothing recorded). */
void cs_json_record_numbers (CsJson *json, GString *flat);
/* Frees the writer; it must be balanced (every begin ended). */
void cs_json_free (CsJson *json);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsJson, cs_json_free)

void cs_json_begin_object (CsJson *json);
void cs_json_end_object (CsJson *json);
void cs_json_begin_array (CsJson *json);
void cs_json_end_array (CsJson *json);

/* Inside an object, the key of the next value. */
void cs_json_key (CsJson *json, const char *key);

void cs_json_string (CsJson *json, const char *value);
void cs_json_int (CsJson *json, gint64 value);
/* Up to 9 significant digits ("%.9g"), enough for every metric, stable across platforms. */
void cs_json_double (CsJson *json, double value);
void cs_json_bool (CsJson *json, gboolean value);
void cs_json_null (CsJson *json);

/* Shorthands: key then value. */
void cs_json_kv_string (CsJson *json, const char *key, const char *value);
void cs_json_kv_int (CsJson *json, const char *key, gint64 value);
void cs_json_kv_double (CsJson *json, const char *key, double value);
void cs_json_kv_bool (CsJson *json, const char *key, gboolean value);

/* Formats @value the way the writers do ("%.9g", "null"-free: non-finite gives "nan"/"inf"), into
 * @buf of G_ASCII_DTOSTR_BUF_SIZE bytes; shared with the CSV writer. */
const char *cs_format_double (char *buf, double value);
