/* cs-schema.h: how a module describes its part of the scenario file. Each module declares a plain
 * C struct for its configuration and a CsSchema table that names every key, its type and unit,
 * its default, its bounds and where it lives in the struct. The loader (cs-config.h) walks the
 * YAML against these tables, so every module gets the same units, defaults, range checks,
 * did-you-mean suggestions and FILE:LINE:COLUMN errors without writing a parser. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <math.h>

typedef enum
{
  CS_T_BOOL,      /* gboolean: true/false/yes/no/on/off */
  CS_T_INT,       /* gint64: a plain integer, no unit */
  CS_T_DOUBLE,    /* double: a plain number, no unit */
  CS_T_STRING,    /* char * (g_free'd) */
  CS_T_DURATION,  /* gint64 ns: "10ms", "600s", "2h", "7d", "1.5min"; a bare 0 is allowed */
  CS_T_SIZE,      /* guint64 bytes: "512B", "1.5KB", "1MB", "2GB" (decimal: KB = 1000 B; KiB = 1024 B) */
  CS_T_BITRATE,   /* double bit/s: "25Mbit/s", "100kbit/s", "1Gbit/s", "800bit/s" */
  CS_T_FRACTION,  /* double in [0,1]: "5%" or 0.05 */
  CS_T_ENUM,      /* int: index into field->choices */
  CS_T_SECTION,   /* a nested mapping, stored inline at offset, described by field->section */
  CS_T_LIST,      /* GArray * whose elements are described by field->item (any type, lists of
                   * lists included): gint64, double, char *, GArray *, or the item's section
                   * struct stored inline. A YAML sequence. */
} CsType;

typedef struct _CsSchema CsSchema;
typedef struct _CsCheck CsCheck;

typedef struct _CsField
{
  const char *key;            /* the YAML key; NULL ends the table */
  CsType type;
  gsize offset;               /* offsetof (struct, member) */
  const char *default_text;   /* YAML text of the default, parsed like user input; NULL: none */
  gboolean required;          /* an error when absent (default_text must then be NULL) */
  double min, max;            /* inclusive bounds in base units (ns, B, bit/s); NAN
                               * (CS_UNBOUNDED): unbounded. Numeric fields must set both: an
                               * omitted pair is 0, 0, which the loader rejects as a schema bug.
                               * Durations, bit rates and fractions with no min are >= 0;
                               * fractions with no max are <= 1. */
  const char *const *choices; /* CS_T_ENUM: NULL-terminated names */
  const CsSchema *section;    /* CS_T_SECTION */
  const struct _CsField *item; /* CS_T_LIST: how each element is typed, bounded and stored
                               * (its key and offset are unused) */
  guint min_len, max_len;     /* CS_T_LIST: length bounds (max_len 0: unbounded) */
  const char *help;           /* one line for `chainsim schema` and the README */
} CsField;

/* A named set of values for a section, written as YAML text. A section with presets accepts the
 * key `preset: NAME`; the preset's values are loaded first and the user's keys override them. */
typedef struct
{
  const char *name;  /* NULL ends the table */
  const char *yaml;  /* a YAML mapping of this section's keys */
  const char *source; /* where its figures come from */
} CsPreset;

struct _CsSchema
{
  const char *name;       /* for messages: "network", "gossip" */
  gsize struct_size;
  const CsField *fields;
  const CsPreset *presets; /* may be NULL */
  /* Cross-field checks after the section is loaded (and after its overrides); reports problems
   * with cs_check_fail(). Returns FALSE after a failure. May be NULL. */
  gboolean (*check) (const void *config, CsCheck *check);
};

/* Reports an inconsistency found by a schema's check function, located at @key of the section
 * being checked, which may be a dotted path into its subsections ("peers.outbound"); at the
 * deepest part of it that was written, or at the section itself when @key is NULL or unwritten. Always returns
 * FALSE so that checks can `return cs_check_fail (...)`. */
gboolean cs_check_fail (CsCheck *check, const char *key, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* The same, located at element @index of the list under @key. */
gboolean cs_check_fail_at_index (CsCheck *check, const char *key, guint index,
                                 const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Whether @key (a key or dotted path, as above) was written in the file (or by --set / a
 * preset), rather than defaulted. */
gboolean cs_check_has_key (CsCheck *check, const char *key);

/* Shorthands for field tables. */
#define CS_UNBOUNDED NAN
