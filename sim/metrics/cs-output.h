/* cs-output.h: a run's output directory. Files are composed in memory and written only when the
 * run has finished, each under a temporary name and renamed into place, summary.json last; so an
 * interrupted or failed run never leaves a half-written result, and a complete summary.json means
 * the whole directory is complete. */
#pragma once

#include <glib.h>

typedef struct _CsOutput CsOutput;

CsOutput *cs_output_new (const char *dir);
void cs_output_free (CsOutput *output);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsOutput, cs_output_free)

/* The buffer of file @name (created empty on first use) inside the directory. */
GString *cs_output_file (CsOutput *output, const char *name);

/* Creates the directory if needed and writes every file atomically (temporary file + rename),
 * summary.json last. */
gboolean cs_output_commit (CsOutput *output, GError **error);

const char *cs_output_dir (const CsOutput *output);

/* The files in creation order (for a caller that sends them elsewhere rather than committing
 * them): how many there are, and the name and bytes of file @i. */
guint cs_output_n_files (const CsOutput *output);
const char *cs_output_nth_name (const CsOutput *output, guint i);
const GString *cs_output_nth_contents (const CsOutput *output, guint i);

/* Writes @contents to @path atomically: a temporary file beside it, then rename. */
gboolean cs_write_file_atomic (const char *path, const char *contents, gsize length,
                               GError **error);
