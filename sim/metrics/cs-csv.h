/* cs-csv.h: a CSV writer into a GString: a header row, then rows of typed cells. Numbers use the
 * same deterministic formatting as summary.json; strings are quoted only when they must be (RFC
 * 4180). The column count of every row is checked against the header. */
#pragma once

#include <glib.h>

typedef struct _CsCsv CsCsv;

/* Writes the header row of @columns (NULL-terminated) into @out (not owned). */
CsCsv *cs_csv_new (GString *out, const char *const *columns);
void cs_csv_free (CsCsv *csv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCsv, cs_csv_free)

void cs_csv_int (CsCsv *csv, gint64 value);
void cs_csv_double (CsCsv *csv, double value); /* non-finite: an empty cell */
void cs_csv_string (CsCsv *csv, const char *value);
void cs_csv_bool (CsCsv *csv, gboolean value);
/* Ends the row; asserts that it had as many cells as the header. */
void cs_csv_end_row (CsCsv *csv);
