/* cs-yaml-tree.c: builds a CsYamlNode tree from libyaml events (see cs-yaml-tree.h for why
 * events). Nodes are attached to their parent as soon as they start, so on any error freeing the
 * root frees everything. An explicit stack of open collections replaces recursion; anchors remember
 * their finished node with its size and height, so an alias is checked against the node budget
 * and the depth limit before it is copied. Complexity: linear in the input plus the copies made
 * for aliases, both bounded by CS_YAML_MAX_NODES; duplicate keys are found with one hash table
 * per open mapping. */
#include "config.h"

#include <string.h>
#include <yaml.h>
#include "scenario/cs-yaml-tree.h"
#include "scenario/cs-config.h"
#include "scenario/cs-text.h"

/* A sequence or mapping whose end event has not come yet. */
typedef struct
{
  CsYamlNode *node;        /* the collection, already attached to its parent */
  char *anchor;            /* its anchor, registered when it closes; NULL: none */
  guint64 nodes_at_start;  /* the builder's node count before this collection */
  guint child_height;      /* largest height among its finished children */
  GHashTable *keys;        /* MAPPING: key text -> key node, to find duplicates; else NULL */
} Frame;

/* A finished anchored node that aliases may copy. */
typedef struct
{
  const CsYamlNode *node;  /* in the tree being built */
  guint64 size;            /* nodes in it, aliases expanded */
  guint height;            /* 0 for a scalar, 1 + the tallest child for a collection */
} Anchor;

typedef struct
{
  const CsYamlOptions *options;  /* source, position offsets */
  guint max_depth, max_nodes;    /* limits in force */
  GArray *frames;                /* of Frame: the open collections, innermost last */
  GHashTable *anchors;           /* name -> Anchor (both owned) */
  CsYamlNode *root;              /* the document's root once started */
  guint64 nodes;                 /* nodes created so far, aliases expanded */
  guint documents;               /* document start events seen */
  GError **error;                /* where failures go */
} Builder;

static const char *const standard_tags[] = {
  "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq",
  "tag:yaml.org,2002:map", NULL
};

/* --- errors --- */

static void
set_error_valist (GError **error, gint code, const char *source, guint line, guint column,
                  const char *format, va_list args) G_GNUC_PRINTF (6, 0);

static void
set_error_valist (GError **error, gint code, const char *source, guint line, guint column,
                  const char *format, va_list args)
{
  g_autofree char *message = NULL;
  char *full;

  if (error == NULL)
    return;
  message = g_strdup_vprintf (format, args);
  full = g_strdup_printf ("%s:%u:%u: error: %s", source, line, column, message);
  cs_text_one_line (full);
  g_propagate_error (error, g_error_new_literal (CS_CONFIG_ERROR, code, full));
  g_free (full);
}

void
cs_yaml_error_at (GError **error, gint code, const char *source, guint line, guint column,
                  const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, code, source, line, column, format, args);
  va_end (args);
}

void
cs_yaml_error (GError **error, gint code, const CsYamlNode *node, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, code, node->source, node->line, node->column, format, args);
  va_end (args);
}

/* --- nodes --- */

static CsYamlNode *
node_new (CsYamlKind kind, const char *source, guint line, guint column)
{
  CsYamlNode *node = g_new0 (CsYamlNode, 1);

  node->kind = kind;
  node->source = g_intern_string (source);
  node->line = line;
  node->column = column;
  if (kind != CS_YAML_SCALAR)
    node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_yaml_node_free);
  return node;
}

CsYamlNode *
cs_yaml_scalar_new (const char *source, guint line, guint column, const char *value)
{
  CsYamlNode *node = node_new (CS_YAML_SCALAR, source, line, column);

  node->value = g_strdup (value);
  return node;
}

CsYamlNode *
cs_yaml_mapping_new (const char *source, guint line, guint column)
{
  return node_new (CS_YAML_MAPPING, source, line, column);
}

CsYamlNode *
cs_yaml_node_copy (const CsYamlNode *node)
{
  CsYamlNode *copy = node_new (node->kind, node->source, node->line, node->column);

  copy->value = g_strdup (node->value);
  copy->is_null = node->is_null;
  /* Recursion is bounded by the depth limit the tree was built under. */
  if (node->items != NULL)
    for (guint i = 0; i < node->items->len; i++)
      g_ptr_array_add (copy->items, cs_yaml_node_copy (node->items->pdata[i]));
  return copy;
}

void
cs_yaml_node_free (CsYamlNode *node)
{
  if (node == NULL)
    return;
  g_free (node->value);
  if (node->items != NULL)
    g_ptr_array_unref (node->items);
  g_free (node);
}

void
cs_yaml_node_relocate (CsYamlNode *node, const char *source, guint line, guint column)
{
  node->source = g_intern_string (source);
  node->line = line;
  node->column = column;
  if (node->items != NULL)
    for (guint i = 0; i < node->items->len; i++)
      cs_yaml_node_relocate (node->items->pdata[i], source, line, column);
}

guint
cs_yaml_mapping_size (const CsYamlNode *map)
{
  g_return_val_if_fail (map->kind == CS_YAML_MAPPING, 0);
  return map->items->len / 2;
}

CsYamlNode *
cs_yaml_mapping_key (const CsYamlNode *map, guint i)
{
  return map->items->pdata[2 * i];
}

CsYamlNode *
cs_yaml_mapping_value (const CsYamlNode *map, guint i)
{
  return map->items->pdata[2 * i + 1];
}

CsYamlNode *
cs_yaml_mapping_lookup (const CsYamlNode *map, const char *key, CsYamlNode **key_node)
{
  g_return_val_if_fail (map->kind == CS_YAML_MAPPING, NULL);
  for (guint i = 0; i < map->items->len; i += 2)
    {
      CsYamlNode *k = map->items->pdata[i];

      if (strcmp (k->value, key) == 0)
        {
          if (key_node != NULL)
            *key_node = k;
          return map->items->pdata[i + 1];
        }
    }
  return NULL;
}

void
cs_yaml_mapping_set (CsYamlNode *map, CsYamlNode *key, CsYamlNode *value)
{
  g_return_if_fail (map->kind == CS_YAML_MAPPING && key->kind == CS_YAML_SCALAR);
  for (guint i = 0; i < map->items->len; i += 2)
    {
      CsYamlNode *k = map->items->pdata[i];

      if (strcmp (k->value, key->value) == 0)
        {
          cs_yaml_node_free (k);
          cs_yaml_node_free (map->items->pdata[i + 1]);
          map->items->pdata[i] = key;
          map->items->pdata[i + 1] = value;
          return;
        }
    }
  g_ptr_array_add (map->items, key);
  g_ptr_array_add (map->items, value);
}

void
cs_yaml_mapping_remove (CsYamlNode *map, const char *key)
{
  g_return_if_fail (map->kind == CS_YAML_MAPPING);
  for (guint i = 0; i < map->items->len; i += 2)
    {
      CsYamlNode *k = map->items->pdata[i];

      if (strcmp (k->value, key) == 0)
        {
          g_ptr_array_remove_range (map->items, i, 2);
          return;
        }
    }
}

void
cs_yaml_mapping_merge (CsYamlNode *base, const CsYamlNode *over, const char *skip_key)
{
  for (guint i = 0; i < cs_yaml_mapping_size (over); i++)
    {
      const CsYamlNode *key = cs_yaml_mapping_key (over, i);
      const CsYamlNode *value = cs_yaml_mapping_value (over, i);
      CsYamlNode *old;

      if (skip_key != NULL && strcmp (key->value, skip_key) == 0)
        continue;
      old = cs_yaml_mapping_lookup (base, key->value, NULL);
      if (old != NULL && old->kind == CS_YAML_MAPPING && value->kind == CS_YAML_MAPPING)
        cs_yaml_mapping_merge (old, value, NULL);
      else
        cs_yaml_mapping_set (base, cs_yaml_node_copy (key), cs_yaml_node_copy (value));
    }
}

char *
cs_yaml_node_describe (const CsYamlNode *node)
{
  switch (node->kind)
    {
    case CS_YAML_SEQUENCE:
      return g_strdup ("a sequence");
    case CS_YAML_MAPPING:
      return g_strdup ("a mapping");
    case CS_YAML_SCALAR:
    default:
      return node->is_null ? g_strdup ("nothing") : cs_text_quote (node->value);
    }
}

/* --- building --- */

static guint
to_line (const Builder *b, const yaml_mark_t *mark)
{
  return (guint) mark->line + b->options->first_line;
}

static guint
to_column (const Builder *b, const yaml_mark_t *mark)
{
  return (guint) mark->column + 1 + (mark->line == 0 ? b->options->first_column : 0);
}

static gboolean
fail_at_mark (Builder *b, gint code, const yaml_mark_t *mark, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
fail_at_mark (Builder *b, gint code, const yaml_mark_t *mark, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (b->error, code, b->options->source, to_line (b, mark), to_column (b, mark),
                    format, args);
  va_end (args);
  return FALSE;
}

static void
frame_clear (Frame *f)
{
  g_free (f->anchor);
  if (f->keys != NULL)
    g_hash_table_unref (f->keys);
}

static Frame *
top_frame (Builder *b)
{
  return b->frames->len == 0 ? NULL : &g_array_index (b->frames, Frame, b->frames->len - 1);
}

/* Rejects tags outside the YAML core schema ("!custom", "!!python/object", "!!binary"). The
 * standard ones and the non-specific "!" are accepted and ignored (the schema decides the type),
 * except that a tagged scalar is null only when the tag is !!null. */
static gboolean
check_tag (Builder *b, const yaml_char_t *tag, const yaml_mark_t *mark)
{
  static const char yaml_prefix[] = "tag:yaml.org,2002:";
  g_autofree char *shown = NULL;
  g_autofree char *quoted = NULL;

  if (tag == NULL || strcmp ((const char *) tag, "!") == 0
      || g_strv_contains (standard_tags, (const char *) tag))
    return TRUE;
  /* Show "!!binary" as written rather than its expansion. */
  if (g_str_has_prefix ((const char *) tag, yaml_prefix))
    shown = g_strconcat ("!!", (const char *) tag + strlen (yaml_prefix), NULL);
  quoted = cs_text_quote (shown != NULL ? shown : (const char *) tag);
  return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, mark,
                       "unsupported tag %s: only the standard tags !!str, !!int, !!float, "
                       "!!bool, !!null, !!seq and !!map are allowed", quoted);
}

/* Counts @n more nodes against the budget. */
static gboolean
count_nodes (Builder *b, guint64 n, const yaml_mark_t *mark, const char *alias)
{
  if (b->nodes + n <= b->max_nodes)
    {
      b->nodes += n;
      return TRUE;
    }
  if (alias != NULL)
    {
      g_autofree char *star = g_strconcat ("*", alias, NULL);
      g_autofree char *quoted = cs_text_quote (star);

      return fail_at_mark (b, CS_CONFIG_ERROR_LIMIT, mark,
                           "alias %s expands the document to more than %u nodes (each use "
                           "of an alias copies its %" G_GUINT64_FORMAT " nodes)",
                           quoted, b->max_nodes, n);
    }
  return fail_at_mark (b, CS_CONFIG_ERROR_LIMIT, mark, "document has more than %u nodes",
                       b->max_nodes);
}

/* Adds a finished or just-started @node to the open collection (or makes it the root), checking
 * mapping keys. Takes @node; frees it on failure. */
static gboolean
attach (Builder *b, CsYamlNode *node, const yaml_mark_t *mark)
{
  Frame *f = top_frame (b);

  if (f == NULL)
    {
      g_assert (b->root == NULL);
      b->root = node;
      return TRUE;
    }
  if (f->node->kind == CS_YAML_MAPPING && f->node->items->len % 2 == 0)
    {
      CsYamlNode *first;

      if (node->kind != CS_YAML_SCALAR || node->is_null)
        {
          g_autofree char *what = cs_yaml_node_describe (node);

          cs_yaml_node_free (node);
          return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, mark,
                               "mapping keys must be names, got %s", what);
        }
      if (strcmp (node->value, "<<") == 0)
        {
          cs_yaml_node_free (node);
          return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, mark,
                               "merge keys ('<<') are not supported: write the keys out, or use "
                               "a preset");
        }
      first = g_hash_table_lookup (f->keys, node->value);
      if (first != NULL)
        {
          g_autofree char *quoted = cs_text_quote (node->value);

          cs_yaml_node_free (node);
          return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, mark,
                               "duplicate key %s (first defined at line %u)", quoted,
                               first->line);
        }
      g_hash_table_insert (f->keys, node->value, node);
    }
  g_ptr_array_add (f->node->items, node);
  return TRUE;
}

/* Records that a child of height @height finished inside the innermost open collection. */
static void
child_done (Builder *b, guint height)
{
  Frame *f = top_frame (b);

  if (f != NULL)
    f->child_height = MAX (f->child_height, height);
}

static void
register_anchor (Builder *b, char *name, const CsYamlNode *node, guint64 size, guint height)
{
  Anchor *a = g_new (Anchor, 1);

  a->node = node;
  a->size = size;
  a->height = height;
  /* YAML lets an anchor be redefined; later aliases see the latest definition. */
  g_hash_table_replace (b->anchors, name, a);
}

static gboolean
on_scalar (Builder *b, yaml_event_t *ev)
{
  const yaml_char_t *tag = ev->data.scalar.tag;
  const char *value = (const char *) ev->data.scalar.value;
  gsize length = ev->data.scalar.length;
  CsYamlNode *node;

  if (!check_tag (b, tag, &ev->start_mark))
    return FALSE;
  if (memchr (value, '\0', length) != NULL)
    return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, &ev->start_mark,
                         "NUL characters are not allowed in a value");
  if (!count_nodes (b, 1, &ev->start_mark, NULL))
    return FALSE;
  node = node_new (CS_YAML_SCALAR, b->options->source, to_line (b, &ev->start_mark),
                   to_column (b, &ev->start_mark));
  node->value = g_strndup (value, length);
  if (tag != NULL)
    node->is_null = strcmp ((const char *) tag, "tag:yaml.org,2002:null") == 0;
  else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
    node->is_null = length == 0 || strcmp (value, "~") == 0 || strcmp (value, "null") == 0
                    || strcmp (value, "Null") == 0 || strcmp (value, "NULL") == 0;
  if (!attach (b, node, &ev->start_mark))
    return FALSE;
  if (ev->data.scalar.anchor != NULL)
    register_anchor (b, g_strdup ((const char *) ev->data.scalar.anchor), node, 1, 0);
  child_done (b, 0);
  return TRUE;
}

static gboolean
on_collection_start (Builder *b, yaml_event_t *ev, CsYamlKind kind)
{
  const yaml_char_t *tag = kind == CS_YAML_MAPPING ? ev->data.mapping_start.tag
                                                   : ev->data.sequence_start.tag;
  const yaml_char_t *anchor = kind == CS_YAML_MAPPING ? ev->data.mapping_start.anchor
                                                      : ev->data.sequence_start.anchor;
  Frame f = { 0 };

  if (!check_tag (b, tag, &ev->start_mark))
    return FALSE;
  if (b->frames->len + 1 > b->max_depth)
    return fail_at_mark (b, CS_CONFIG_ERROR_LIMIT, &ev->start_mark,
                         "nesting is deeper than %u levels", b->max_depth);
  f.nodes_at_start = b->nodes;
  if (!count_nodes (b, 1, &ev->start_mark, NULL))
    return FALSE;
  f.node = node_new (kind, b->options->source, to_line (b, &ev->start_mark),
                     to_column (b, &ev->start_mark));
  if (!attach (b, f.node, &ev->start_mark))
    return FALSE;
  f.anchor = g_strdup ((const char *) anchor);
  if (kind == CS_YAML_MAPPING)
    f.keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_array_append_val (b->frames, f);
  return TRUE;
}

static gboolean
on_collection_end (Builder *b)
{
  Frame f = *top_frame (b);
  guint height = 1 + f.child_height;

  g_array_set_size (b->frames, b->frames->len - 1);
  if (f.anchor != NULL)
    register_anchor (b, g_steal_pointer (&f.anchor), f.node, b->nodes - f.nodes_at_start, height);
  frame_clear (&f);
  child_done (b, height);
  return TRUE;
}

static gboolean
on_alias (Builder *b, yaml_event_t *ev)
{
  const char *name = (const char *) ev->data.alias.anchor;
  const Anchor *a;
  g_autofree char *star = g_strconcat ("*", name, NULL);
  g_autofree char *quoted = cs_text_quote (star);

  /* An alias to a collection that is still open would make the tree a cycle. */
  for (guint i = 0; i < b->frames->len; i++)
    {
      const Frame *f = &g_array_index (b->frames, Frame, i);

      if (f->anchor != NULL && strcmp (f->anchor, name) == 0)
        return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, &ev->start_mark,
                             "alias %s is inside its own anchor (a cycle)", quoted);
    }
  a = g_hash_table_lookup (b->anchors, name);
  if (a == NULL)
    return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, &ev->start_mark,
                         "undefined alias %s (no anchor of that name before it)", quoted);
  if (b->frames->len + a->height > b->max_depth)
    return fail_at_mark (b, CS_CONFIG_ERROR_LIMIT, &ev->start_mark,
                         "alias %s makes nesting deeper than %u levels", quoted,
                         b->max_depth);
  if (!count_nodes (b, a->size, &ev->start_mark, name))
    return FALSE;
  if (!attach (b, cs_yaml_node_copy (a->node), &ev->start_mark))
    return FALSE;
  child_done (b, a->height);
  return TRUE;
}

static gboolean
on_event (Builder *b, yaml_event_t *ev)
{
  switch (ev->type)
    {
    case YAML_DOCUMENT_START_EVENT:
      if (b->documents++ > 0)
        return fail_at_mark (b, CS_CONFIG_ERROR_INVALID, &ev->start_mark,
                             "only one YAML document is allowed, found a second one here");
      return TRUE;
    case YAML_SCALAR_EVENT:
      return on_scalar (b, ev);
    case YAML_SEQUENCE_START_EVENT:
      return on_collection_start (b, ev, CS_YAML_SEQUENCE);
    case YAML_MAPPING_START_EVENT:
      return on_collection_start (b, ev, CS_YAML_MAPPING);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      return on_collection_end (b);
    case YAML_ALIAS_EVENT:
      return on_alias (b, ev);
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    default:
      return TRUE;
    }
}

/* Line and column (0-based, in characters) of byte @offset, for reader errors, which libyaml
 * reports as a byte offset rather than a mark. */
static yaml_mark_t
mark_of_offset (const char *data, gsize length, gsize offset)
{
  yaml_mark_t mark = { 0, 0, 0 };

  offset = MIN (offset, length);
  for (gsize i = 0; i < offset; i++)
    {
      guchar c = (guchar) data[i];

      if (c == '\n' || (c == '\r' && (i + 1 >= length || data[i + 1] != '\n')))
        {
          mark.line++;
          mark.column = 0;
        }
      else if ((c & 0xc0) != 0x80)
        mark.column++;
    }
  mark.index = offset;
  return mark;
}

/* libyaml moves its mark to a new line at the end of input that lacks a final line break; errors
 * found there are reported at the real end (which keeps --set errors on their line). */
static yaml_mark_t
clamp_to_end (yaml_mark_t mark, const yaml_mark_t *end)
{
  if (mark.line > end->line || (mark.line == end->line && mark.column > end->column))
    return *end;
  return mark;
}

static void
fail_from_parser (Builder *b, const yaml_parser_t *parser, const char *data, gsize length)
{
  const char *problem = parser->problem != NULL ? parser->problem : "invalid YAML";
  yaml_mark_t end = mark_of_offset (data, length, length);
  yaml_mark_t problem_mark = clamp_to_end (parser->problem_mark, &end);
  yaml_mark_t context_mark = clamp_to_end (parser->context_mark, &end);

  switch (parser->error)
    {
    case YAML_READER_ERROR:
      {
        gsize offset = MIN (parser->problem_offset, length);
        yaml_mark_t mark;

        /* libyaml points at the bad continuation byte; report the character it breaks. */
        if (strstr (problem, "trailing") != NULL)
          {
            while (offset > 0 && ((guchar) data[offset - 1] & 0xc0) == 0x80)
              offset--;
            if (offset > 0 && ((guchar) data[offset - 1] & 0xc0) == 0xc0)
              offset--;
          }
        mark = mark_of_offset (data, length, offset);

        if (parser->problem_value == -1)
          fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &mark, "%s", problem);
        else if (strstr (problem, "UTF-8") != NULL)
          fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &mark, "%s (0x%02x): the file must be UTF-8 text",
                        problem, (guint) parser->problem_value & 0xff);
        else
          fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &mark, "%s (U+%04X)", problem,
                        (guint) parser->problem_value);
        break;
      }
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR:
      if (parser->context == NULL)
        fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &problem_mark, "%s", problem);
      else if (context_mark.line == problem_mark.line)
        fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &problem_mark, "%s %s", problem,
                      parser->context);
      else
        fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &problem_mark,
                      "%s %s (which started at line %u, column %u)", problem, parser->context,
                      to_line (b, &context_mark), to_column (b, &context_mark));
      break;
    case YAML_MEMORY_ERROR:
    default:
      {
        yaml_mark_t start = { 0, 0, 0 };

        fail_at_mark (b, CS_CONFIG_ERROR_SYNTAX, &start, "%s", parser->error == YAML_MEMORY_ERROR
                      ? "out of memory while reading YAML" : problem);
        break;
      }
    }
}

CsYamlNode *
cs_yaml_parse (const char *data, gsize length, const CsYamlOptions *options, GError **error)
{
  Builder b = { 0 };
  yaml_parser_t parser;
  gboolean ok = TRUE, done = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  b.options = options;
  b.max_depth = options->max_depth != 0 ? options->max_depth : CS_YAML_MAX_DEPTH;
  b.max_nodes = options->max_nodes != 0 ? options->max_nodes : CS_YAML_MAX_NODES;
  b.error = error;
  if (length > CS_YAML_MAX_BYTES)
    {
      cs_yaml_error_at (error, CS_CONFIG_ERROR_LIMIT, options->source, options->first_line,
                        options->first_column + 1, "input is larger than %u bytes",
                        CS_YAML_MAX_BYTES);
      return NULL;
    }
  b.frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  b.anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!yaml_parser_initialize (&parser))
    g_error ("libyaml: cannot initialize a parser (out of memory)");
  yaml_parser_set_input_string (&parser, (const unsigned char *) data, length);
  while (ok && !done)
    {
      yaml_event_t ev;

      if (!yaml_parser_parse (&parser, &ev))
        {
          fail_from_parser (&b, &parser, data, length);
          ok = FALSE;
          break;
        }
      ok = on_event (&b, &ev);
      done = ev.type == YAML_STREAM_END_EVENT;
      yaml_event_delete (&ev);
    }
  yaml_parser_delete (&parser);
  for (guint i = 0; i < b.frames->len; i++)
    frame_clear (&g_array_index (b.frames, Frame, i));
  g_array_unref (b.frames);
  g_hash_table_unref (b.anchors);
  if (!ok)
    {
      cs_yaml_node_free (b.root);
      return NULL;
    }
  if (b.root == NULL)
    {
      b.root = node_new (CS_YAML_SCALAR, options->source, options->first_line,
                         options->first_column + 1);
      b.root->value = g_strdup ("");
      b.root->is_null = TRUE;
    }
  return b.root;
}
