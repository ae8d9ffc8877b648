/* cs-table.c: the CSV reader of cs-table.h, a small state machine over the bytes. */
#include "sweep/cs-table.h"

#include <math.h>
#include <string.h>

static void
row_free (gpointer p)
{
  g_ptr_array_unref (p);
}

CsTable *
cs_table_parse (const char *text, gsize length)
{
  CsTable *table = g_new0 (CsTable, 1);
  table->rows = g_ptr_array_new_with_free_func (row_free);
  g_autoptr (GString) cell = g_string_new (NULL);
  GPtrArray *row = NULL;
  gsize i = 0;

  while (i < length)
    {
      /* One row. */
      row = g_ptr_array_new_with_free_func (g_free);
      for (;;)
        {
          /* One cell. */
          g_string_truncate (cell, 0);
          if (i < length && text[i] == '"')
            {
              for (i++; i < length; i++)
                {
                  if (text[i] != '"')
                    g_string_append_c (cell, text[i]);
                  else if (i + 1 < length && text[i + 1] == '"')
                    g_string_append_c (cell, text[i++]);
                  else
                    {
                      i++;
                      break;
                    }
                }
            }
          /* Unquoted text, or whatever follows a closing quote, up to the cell's end. */
          while (i < length && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
            g_string_append_c (cell, text[i++]);
          g_ptr_array_add (row, g_strdup (cell->str));
          if (i < length && text[i] == ',')
            {
              i++;
              continue;
            }
          if (i < length && text[i] == '\r')
            i++;
          if (i < length && text[i] == '\n')
            i++;
          break;
        }
      if (table->header == NULL)
        table->header = row;
      else
        g_ptr_array_add (table->rows, row);
    }
  if (table->header == NULL)
    table->header = g_ptr_array_new_with_free_func (g_free);
  return table;
}

CsTable *
cs_table_read (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  return cs_table_parse (text, length);
}

void
cs_table_free (CsTable *table)
{
  if (!table)
    return;
  g_ptr_array_unref (table->header);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

int
cs_table_column (const CsTable *table, const char *name)
{
  for (guint i = 0; i < table->header->len; i++)
    if (strcmp (table->header->pdata[i], name) == 0)
      return (int) i;
  return -1;
}

const char *
cs_table_cell (const CsTable *table, guint row, guint column)
{
  GPtrArray *r = table->rows->pdata[row];
  return column < r->len ? r->pdata[column] : "";
}

double
cs_table_number (const char *cell)
{
  char *end = NULL;
  if (cell == NULL || *cell == '\0')
    return NAN;
  double v = g_ascii_strtod (cell, &end);
  return end != NULL && *end == '\0' ? v : NAN;
}
