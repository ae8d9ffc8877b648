/* cs-table.h: a CSV file read whole into memory (RFC 4180: quoted fields with doubled quotes,
 * commas and line breaks inside quotes; CRLF or LF). The reading side of metrics/cs-csv.h, for the
 * files chainsim writes itself: metrics.csv when aggregating a sweep, sweep.csv and the run CSVs
 * when plotting. O(size) time and memory. */
#pragma once

#include <glib.h>

typedef struct
{
  GPtrArray *header;  /* char *: the first row's cells */
  GPtrArray *rows;    /* GPtrArray * of char *: the other rows, each as long as it was written */
} CsTable;

/* Parses @text (@length bytes). Never fails: a malformed quote runs to the end of the text. */
CsTable *cs_table_parse (const char *text, gsize length);

/* Reads and parses @path; NULL with @error set when it cannot be read. */
CsTable *cs_table_read (const char *path, GError **error);

void cs_table_free (CsTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTable, cs_table_free)

/* Index of the header cell @name, or -1. */
int cs_table_column (const CsTable *table, const char *name);

/* Cell @column of row @row; "" when the row is shorter. */
const char *cs_table_cell (const CsTable *table, guint row, guint column);

/* Parses @cell as a double: NAN when it is empty or not entirely a number (locale-independent). */
double cs_table_number (const char *cell);
