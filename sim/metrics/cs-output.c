/* cs-output.c: the output directory of cs-output.h. Files are kept in insertion order (a
 * GPtrArray, not a hash table walk) so that writing order is deterministic. */
#include "metrics/cs-output.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  char *name;        /* file name inside the directory */
  GString *contents; /* its bytes */
} OutFile;

struct _CsOutput
{
  char *dir;        /* the directory */
  GPtrArray *files; /* OutFile*, in creation order */
};

static void
out_file_free (gpointer p)
{
  OutFile *f = p;
  g_free (f->name);
  g_string_free (f->contents, TRUE);
  g_free (f);
}

CsOutput *
cs_output_new (const char *dir)
{
  CsOutput *output = g_new0 (CsOutput, 1);
  output->dir = g_strdup (dir);
  output->files = g_ptr_array_new_with_free_func (out_file_free);
  return output;
}

void
cs_output_free (CsOutput *output)
{
  if (!output)
    return;
  g_free (output->dir);
  g_ptr_array_unref (output->files);
  g_free (output);
}

const char *
cs_output_dir (const CsOutput *output)
{
  return output->dir;
}

guint
cs_output_n_files (const CsOutput *output)
{
  return output->files->len;
}

const char *
cs_output_nth_name (const CsOutput *output, guint i)
{
  g_return_val_if_fail (i < output->files->len, NULL);
  return ((const OutFile *) g_ptr_array_index (output->files, i))->name;
}

const GString *
cs_output_nth_contents (const CsOutput *output, guint i)
{
  g_return_val_if_fail (i < output->files->len, NULL);
  return ((const OutFile *) g_ptr_array_index (output->files, i))->contents;
}

GString *
cs_output_file (CsOutput *output, const char *name)
{
  for (guint i = 0; i < output->files->len; i++)
    {
      OutFile *f = g_ptr_array_index (output->files, i);
      if (strcmp (f->name, name) == 0)
        return f->contents;
    }
  OutFile *f = g_new0 (OutFile, 1);
  f->name = g_strdup (name);
  f->contents = g_string_new (NULL);
  g_ptr_array_add (output->files, f);
  return f->contents;
}

gboolean
cs_write_file_atomic (const char *path, const char *contents, gsize length, GError **error)
{
  /* GLib writes a temporary file in the same directory, fsyncs it, and renames it over @path. */
  return g_file_set_contents_full (path, contents, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
write_one (CsOutput *output, OutFile *f, GError **error)
{
  g_autofree char *path = g_build_filename (output->dir, f->name, NULL);
  return cs_write_file_atomic (path, f->contents->str, f->contents->len, error);
}

gboolean
cs_output_commit (CsOutput *output, GError **error)
{
  if (g_mkdir_with_parents (output->dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: error: cannot create output directory: %s", output->dir,
                   g_strerror (saved));
      return FALSE;
    }
  OutFile *summary = NULL;
  for (guint i = 0; i < output->files->len; i++)
    {
      OutFile *f = g_ptr_array_index (output->files, i);
      if (strcmp (f->name, "summary.json") == 0)
        {
          summary = f;
          continue;
        }
      if (!write_one (output, f, error))
        return FALSE;
    }
  return summary == NULL || write_one (output, summary, error);
}
