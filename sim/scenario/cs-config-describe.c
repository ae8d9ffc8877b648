/* cs-config-describe.c: prints a schema for `chainsim schema` and the README: one line per key
 * with its type, whether it is required, its default, its bounds (in the key's unit) and its help,
 * nested sections indented by two spaces. */
#include "config.h"

#include <math.h>
#include "scenario/cs-config-private.h"
#include "scenario/cs-text.h"
#include "scenario/cs-units.h"

static void describe_fields (const CsSchema *schema, guint indent, GString *out);

/* ", at least X, at most Y" in the field's unit; only numeric types have bounds. */
static void
append_bounds (GString *out, const CsField *field)
{
  switch (field->type)
    {
    case CS_T_INT: case CS_T_DOUBLE: case CS_T_DURATION: case CS_T_SIZE: case CS_T_BITRATE:
    case CS_T_FRACTION:
      break;
    default:
      return;
    }
  if (!isnan (field->min))
    {
      g_autofree char *min = cs_units_format_bound (field->type, field->min);

      g_string_append_printf (out, ", at least %s", min);
    }
  if (!isnan (field->max))
    {
      g_autofree char *max = cs_units_format_bound (field->type, field->max);

      g_string_append_printf (out, ", at most %s", max);
    }
}

/* "duration", "one of a, b", "section links", and for lists every level with its own bounds in
 * parentheses: "list (1 to 8 elements) of size (at least 1B)". */
static void
append_type (GString *out, const CsField *field, gboolean outer)
{
  GString *bounds = g_string_new (NULL);

  switch (field->type)
    {
    case CS_T_ENUM:
      g_string_append (out, "one of ");
      cs_text_append_list (out, field->choices, -1, 24);
      break;
    case CS_T_LIST:
      g_string_append (out, "list");
      if (field->max_len != 0)
        g_string_append_printf (out, " (%u to %u elements)", field->min_len, field->max_len);
      else if (field->min_len > 0)
        g_string_append_printf (out, " (at least %u element%s)", field->min_len,
                                field->min_len == 1 ? "" : "s");
      g_string_append (out, " of ");
      append_type (out, field->item, FALSE);
      break;
    case CS_T_SECTION:
      g_string_append_printf (out, "section %s", field->section->name);
      break;
    default:
      g_string_append (out, cs_units_type_name (field->type));
      /* Bounds of list elements go in parentheses; a key's own come after its default. */
      append_bounds (bounds, field);
      if (!outer && bounds->len > 0)
        g_string_append_printf (out, " (%s)", bounds->str + 2);
      break;
    }
  g_string_free (bounds, TRUE);
}

static void
describe_field (const CsField *field, guint indent, GString *out)
{
  const CsField *inner = field;

  g_string_append_printf (out, "%*s%s: ", (int) indent, "", field->key);
  append_type (out, field, TRUE);
  if (field->required)
    g_string_append (out, ", required");
  if (field->default_text != NULL)
    g_string_append_printf (out, ", default %s", field->default_text);
  if (field->type != CS_T_LIST)
    append_bounds (out, field);
  if (field->help != NULL)
    g_string_append_printf (out, ". %s", field->help);
  g_string_append_c (out, '\n');
  while (inner->type == CS_T_LIST)
    inner = inner->item;
  if (inner->type == CS_T_SECTION)
    describe_fields (inner->section, indent + 2, out);
}

static void
describe_fields (const CsSchema *schema, guint indent, GString *out)
{
  if (schema->presets != NULL)
    {
      g_string_append_printf (out, "%*s%s: one of ", (int) indent, "", CS__PRESET_KEY);
      for (const CsPreset *p = schema->presets; p->name != NULL; p++)
        g_string_append_printf (out, "%s%s", p == schema->presets ? "" : ", ", p->name);
      g_string_append (out, ". Loads these values first; keys written beside it override them\n");
    }
  for (const CsField *f = schema->fields; f->key != NULL; f++)
    describe_field (f, indent, out);
}

void
cs_config_describe (const CsSchema *schema, GString *out)
{
  describe_fields (schema, 0, out);
}
