/* fuzz-replay.c: replays every file of tests/fuzz/corpus/ through the fuzz harness
 * (fuzz-scenario.c) as one GTest case each, so that `make check` (and the sanitizer build) runs
 * the corpus, including the minimized crashers the fuzzer once found, without libFuzzer. Extra
 * command-line arguments are replayed too (handy to check a new crash file by hand). */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
replay (gconstpointer path)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, length);
}

/* g_ptr_array_sort() hands pointers to the elements. */
static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The corpus folder: from G_TEST_SRCDIR under `make check`, else the configured source tree. */
static char *
corpus_dir (void)
{
  if (g_getenv ("G_TEST_SRCDIR") != NULL)
    return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "tests", "fuzz", "corpus", NULL);
  return g_build_filename (CS_SRCDIR, "tests", "fuzz", "corpus", NULL);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = corpus_dir ();
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GDir *d;
  const char *name;

  g_test_init (&argc, &argv, NULL);
  d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    g_error ("cannot open the corpus: %s", error->message);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  if (names->len == 0)
    g_error ("the corpus %s is empty", dir);
  /* Sorted, so the test order does not depend on the file system. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/scenario/fuzz-replay/%s",
                                               (const char *) names->pdata[i]);

      g_test_add_data_func_full (test, g_build_filename (dir, names->pdata[i], NULL), replay,
                                 g_free);
    }
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *test = g_strdup_printf ("/scenario/fuzz-replay/arg%d", i);

      g_test_add_data_func_full (test, g_strdup (argv[i]), replay, g_free);
    }
  return g_test_run ();
}
