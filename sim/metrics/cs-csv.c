/* cs-csv.c: the CSV writer of cs-csv.h. */
#include "metrics/cs-csv.h"
#include "metrics/cs-json.h"

#include <math.h>
#include <string.h>

struct _CsCsv
{
  GString *out;   /* destination (not owned) */
  guint columns;  /* cells per row, from the header */
  guint cell;     /* cells written in the current row */
};

static void
cell_sep (CsCsv *csv)
{
  g_return_if_fail (csv->cell < csv->columns);
  if (csv->cell++ > 0)
    g_string_append_c (csv->out, ',');
}

static void
append_field (GString *out, const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

CsCsv *
cs_csv_new (GString *out, const char *const *columns)
{
  CsCsv *csv = g_new0 (CsCsv, 1);
  csv->out = out;
  csv->columns = g_strv_length ((char **) columns);
  for (guint i = 0; columns[i]; i++)
    {
      cell_sep (csv);
      append_field (out, columns[i]);
    }
  cs_csv_end_row (csv);
  return csv;
}

void
cs_csv_free (CsCsv *csv)
{
  if (!csv)
    return;
  g_warn_if_fail (csv->cell == 0);
  g_free (csv);
}

void
cs_csv_int (CsCsv *csv, gint64 value)
{
  cell_sep (csv);
  g_string_append_printf (csv->out, "%" G_GINT64_FORMAT, value);
}

void
cs_csv_double (CsCsv *csv, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  cell_sep (csv);
  if (isfinite (value))
    g_string_append (csv->out, cs_format_double (buf, value));
}

void
cs_csv_string (CsCsv *csv, const char *value)
{
  cell_sep (csv);
  append_field (csv->out, value ? value : "");
}

void
cs_csv_bool (CsCsv *csv, gboolean value)
{
  cell_sep (csv);
  g_string_append (csv->out, value ? "1" : "0");
}

void
cs_csv_end_row (CsCsv *csv)
{
  g_return_if_fail (csv->cell == csv->columns);
  g_string_append_c (csv->out, '\n');
  csv->cell = 0;
}
