/* cs-config-private.h: what the loader's files share (cs-config.c walks the tree, cs-config-set.c
 * applies --set overrides, cs-config-clear.c frees, cs-config-describe.c prints the schema). Not
 * for modules. */
#pragma once

#include <glib.h>
#include "scenario/cs-config.h"
#include "scenario/cs-yaml-tree.h"

/* The display name of --set overrides in messages. */
#define CS__SET_SOURCE "--set"

/* The key under which a section with presets names its preset. */
#define CS__PRESET_KEY "preset"

/* The field of @schema called @key, or NULL. */
const CsField *cs__schema_field (const CsSchema *schema, const char *key);

/* How a section is named in messages: "the scenario" for the root (@path empty), else @path
 * ("network", "gossip.relays[1]"). */
char *cs__section_label (const CsSchema *schema, const char *path);

/* "unknown key 'nodez' in network; did you mean 'nodes'?" or, with no close key, "unknown key
 * 'foo' in network (valid keys: nodes, latency, ...)". @label as from cs__section_label(). */
char *cs__unknown_key_message (const CsSchema *schema, const char *key, const char *label);

/* Bytes taken by one element of a CS_T_LIST whose elements are described by @item. */
gsize cs__element_size (const CsField *item);

/* Frees what the loader allocated for one value of @field stored at @dest, and zeroes it. */
void cs__clear_value (const CsField *field, void *dest);

/* Applies override number @index (0-based; reported as line @index + 1 of "--set") to @root, a
 * mapping, checking its path against @schema. */
gboolean cs__apply_override (const CsSchema *schema, CsYamlNode *root, const char *text,
                             guint index, GError **error);
