/* cs-config.h: loads a YAML scenario into the structs described by CsSchema tables. All errors
 * are found before anything runs and reported as one line "FILE:LINE:COLUMN: error: ..." (1-based
 * line and column) in the GError message, domain CS_CONFIG_ERROR. */
#pragma once

#include <glib.h>
#include "scenario/cs-schema.h"

#define CS_CONFIG_ERROR (cs_config_error_quark ())
GQuark cs_config_error_quark (void);

typedef enum
{
  CS_CONFIG_ERROR_IO,       /* the file cannot be read */
  CS_CONFIG_ERROR_SYNTAX,   /* not YAML, not UTF-8, binary */
  CS_CONFIG_ERROR_INVALID,  /* YAML, but not a valid scenario */
  CS_CONFIG_ERROR_LIMIT,    /* too deep, too many nodes, alias expansion */
} CsConfigError;

/* Loads @path into @config (a struct of @schema->struct_size bytes; it is zeroed first). @overrides
 * is a NULL-terminated list of "path.to.key=value" strings (may be NULL); each value is YAML text
 * that replaces (or adds) that key before validation, and errors in it are reported as
 * "--set:N:COLUMN: error: ..." where N is the override's position in @overrides (1 for the first)
 * and COLUMN points into its "path.to.key=value" text. On failure @config is left cleared. */
gboolean cs_config_load_file (const CsSchema *schema, void *config, const char *path,
                              const char *const *overrides, GError **error);

/* Reads the scenario file @path as cs_config_load_file does (at most CS_YAML_MAX_BYTES, a NUL
 * after the last byte), with the same one-line errors (domain CS_CONFIG_ERROR); for callers that
 * load the same text more than once or pass it on. */
char *cs_config_read_file (const char *path, gsize *length, GError **error);

/* The same from memory; @display_name is used as FILE in messages. */
gboolean cs_config_load_data (const CsSchema *schema, void *config, const char *display_name,
                              const char *data, gsize length, const char *const *overrides,
                              GError **error);

/* Frees what the loader allocated inside @config (strings, lists, nested sections) and zeroes it. */
void cs_config_clear (const CsSchema *schema, void *config);

/* Writes every key of @schema (recursively) with its type, default and help, one per line, for
 * `chainsim schema` and the README. */
void cs_config_describe (const CsSchema *schema, GString *out);
