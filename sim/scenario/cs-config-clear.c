/* cs-config-clear.c: frees what the loader put into configuration structs (strings, lists,
 * nested sections), walking the same CsSchema tables that described them. */
#include "config.h"

#include <string.h>
#include "scenario/cs-config-private.h"

gsize
cs__element_size (const CsField *item)
{
  switch (item->type)
    {
    case CS_T_BOOL:
      return sizeof (gboolean);
    case CS_T_INT:
    case CS_T_DURATION:
      return sizeof (gint64);
    case CS_T_SIZE:
      return sizeof (guint64);
    case CS_T_DOUBLE:
    case CS_T_BITRATE:
    case CS_T_FRACTION:
      return sizeof (double);
    case CS_T_STRING:
      return sizeof (char *);
    case CS_T_ENUM:
      return sizeof (int);
    case CS_T_SECTION:
      return item->section->struct_size;
    case CS_T_LIST:
      return sizeof (GArray *);
    default:
      g_error ("cs__element_size: unknown type %d", (int) item->type);
    }
}

void
cs__clear_value (const CsField *field, void *dest)
{
  switch (field->type)
    {
    case CS_T_STRING:
      g_clear_pointer ((char **) dest, g_free);
      break;
    case CS_T_SECTION:
      cs_config_clear (field->section, dest);
      break;
    case CS_T_LIST:
      {
        GArray *array = *(GArray **) dest;
        gsize size = cs__element_size (field->item);

        if (array == NULL)
          break;
        for (guint i = 0; i < array->len; i++)
          cs__clear_value (field->item, array->data + (gsize) i * size);
        g_array_unref (array);
        *(GArray **) dest = NULL;
        break;
      }
    default:
      break;
    }
}

void
cs_config_clear (const CsSchema *schema, void *config)
{
  for (const CsField *f = schema->fields; f->key != NULL; f++)
    cs__clear_value (f, (char *) config + f->offset);
  memset (config, 0, schema->struct_size);
}
