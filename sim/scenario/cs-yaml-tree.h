/* cs-yaml-tree.h: a small YAML tree with a source location on every node, built from libyaml's
 * event stream with the checks a configuration needs and plain YAML lacks: duplicate keys are
 * rejected, aliases are expanded into copies within a node budget (so an alias bomb fails with a
 * located error), nesting depth is bounded, merge keys and custom tags are rejected, and only one
 * document is allowed. Every failure is a one-line "FILE:LINE:COLUMN: error: ..." message in
 * the CS_CONFIG_ERROR domain.
 *
 * Why events rather than yaml_parser_load (the document API): the document API drops the
 * position of alias uses (an alias is just a node index), so an alias bomb could only be reported
 * at the anchor; and it builds the whole document before any check. Reading events, the limits
 * are enforced as the input streams in, and libyaml never sees more than 64 levels of nesting
 * before we stop it. (libyaml 0.2.5's loader is not recursive anyway, since 0.2.3, PR #127; its
 * parser is a state machine with explicit stacks.) */
#pragma once

#include <glib.h>

/* Deepest nesting of sequences and mappings, aliases expanded (the root collection is level 1). */
#define CS_YAML_MAX_DEPTH 64
/* Most nodes in one tree, aliases expanded. */
#define CS_YAML_MAX_NODES 100000
/* Largest input, in bytes. */
#define CS_YAML_MAX_BYTES (16u << 20)

typedef enum
{
  CS_YAML_SCALAR,
  CS_YAML_SEQUENCE,
  CS_YAML_MAPPING,
} CsYamlKind;

typedef struct _CsYamlNode CsYamlNode;

struct _CsYamlNode
{
  CsYamlKind kind;     /* scalar, sequence or mapping */
  const char *source;  /* interned display name for messages: a file, "--set" */
  guint line;          /* 1-based line of the node's first character */
  guint column;        /* 1-based column, in characters */
  char *value;         /* CS_YAML_SCALAR: the text, without NUL characters; else NULL */
  gboolean is_null;    /* CS_YAML_SCALAR: a YAML null (empty, ~, null, !!null) */
  GPtrArray *items;    /* SEQUENCE: the items; MAPPING: key, value, key, value... in document
                        * order (keys are unique non-null scalars); SCALAR: NULL */
};

/* Where the text handed to cs_yaml_parse() comes from, and its limits. */
typedef struct
{
  const char *source;  /* display name for messages */
  guint first_line;    /* line number of the text's first line (1 for a file) */
  guint first_column;  /* added to columns on the first line (0 for a file; the offset of the
                        * value in "a.b=value" for --set) */
  guint max_depth;     /* 0: CS_YAML_MAX_DEPTH */
  guint max_nodes;     /* 0: CS_YAML_MAX_NODES */
} CsYamlOptions;

/* Parses one YAML document. An empty stream (or only comments) gives a null scalar at the first
 * position. Returns NULL and sets @error on failure. Error codes: CS_CONFIG_ERROR_SYNTAX for
 * what libyaml rejects (including invalid UTF-8 and control characters), CS_CONFIG_ERROR_LIMIT
 * for depth, size and alias expansion, CS_CONFIG_ERROR_INVALID for the rest (duplicate keys,
 * merge keys, tags, several documents, keys that are not strings). */
CsYamlNode *cs_yaml_parse (const char *data, gsize length, const CsYamlOptions *options,
                           GError **error);

CsYamlNode *cs_yaml_scalar_new (const char *source, guint line, guint column, const char *value);
CsYamlNode *cs_yaml_mapping_new (const char *source, guint line, guint column);
CsYamlNode *cs_yaml_node_copy (const CsYamlNode *node);
void cs_yaml_node_free (CsYamlNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsYamlNode, cs_yaml_node_free)

/* Gives @node and everything under it the location (@source, @line, @column). */
void cs_yaml_node_relocate (CsYamlNode *node, const char *source, guint line, guint column);

/* Mapping access. Keys are compared as strings. */
guint cs_yaml_mapping_size (const CsYamlNode *map);
CsYamlNode *cs_yaml_mapping_key (const CsYamlNode *map, guint i);
CsYamlNode *cs_yaml_mapping_value (const CsYamlNode *map, guint i);
/* The value under @key, or NULL; sets *@key_node when not NULL. */
CsYamlNode *cs_yaml_mapping_lookup (const CsYamlNode *map, const char *key, CsYamlNode **key_node);
/* Sets @key (a scalar) to @value, taking both: replaces key and value in place when the key
 * exists, appends otherwise. */
void cs_yaml_mapping_set (CsYamlNode *map, CsYamlNode *key, CsYamlNode *value);
/* Removes @key if present. */
void cs_yaml_mapping_remove (CsYamlNode *map, const char *key);
/* Copies every key of @over into @base, recursively where both values are mappings, otherwise
 * replacing @base's value (so @over wins). @skip_key (may be NULL) is not copied at the top. */
void cs_yaml_mapping_merge (CsYamlNode *base, const CsYamlNode *over, const char *skip_key);

/* The node for messages: "a sequence", "a mapping", "nothing" (null) or the quoted text. */
char *cs_yaml_node_describe (const CsYamlNode *node);

/* Sets @error to "SOURCE:LINE:COLUMN: error: MESSAGE" (made one line), domain CS_CONFIG_ERROR. */
void cs_yaml_error_at (GError **error, gint code, const char *source, guint line, guint column,
                       const char *format, ...) G_GNUC_PRINTF (6, 7);
/* The same at @node's location. */
void cs_yaml_error (GError **error, gint code, const CsYamlNode *node, const char *format, ...)
  G_GNUC_PRINTF (4, 5);
