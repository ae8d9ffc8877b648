/* cs-test-util.c: the shared test helpers of cs-test-util.h. */
#include "cs-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "config.h"

const char *
cs_test_chainsim (void)
{
  const char *env = g_getenv ("CHAINSIM");
  return env ? env : CS_BUILDDIR "/sim/chainsim";
}

void
cs_test_result_clear (CsTestResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

CsTestResult
cs_test_run_valist (const char *cwd, char **envp, const char *first, va_list ap)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) cs_test_chainsim ());
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  g_ptr_array_add (argv, NULL);
  CsTestResult r = { 0 };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (cwd, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                &wait_status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (wait_status))
    g_test_message ("chainsim did not exit normally; stderr: %s", r.err);
  g_assert_true (WIFEXITED (wait_status)); /* never a crash */
  r.status = WEXITSTATUS (wait_status);
  return r;
}

CsTestResult
cs_test_run (const char *cwd, char **envp, const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  CsTestResult r = cs_test_run_valist (cwd, envp, first, ap);
  va_end (ap);
  return r;
}

char *
cs_test_tmp_dir (const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  char *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  return dir;
}

void
cs_test_rm_rf (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (!d)
    return;
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        cs_test_rm_rf (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

char *
cs_test_read_file (const char *path)
{
  char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* Every regular file under @root/@rel, as "relative/path" and contents, sorted by path. */
static void
collect (const char *root, const char *rel, GPtrArray *names, GPtrArray *contents)
{
  g_autofree char *dir = rel ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    g_ptr_array_add (entries, g_strdup (name));
  g_ptr_array_sort (entries, compare_names);
  for (guint i = 0; i < entries->len; i++)
    {
      const char *name = entries->pdata[i];
      g_autofree char *sub = rel ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *path = g_build_filename (root, sub, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (root, sub, names, contents);
      else
        {
          g_ptr_array_add (names, g_strdup (sub));
          g_ptr_array_add (contents, cs_test_read_file (path));
        }
    }
}

void
cs_test_assert_same_tree (const char *a, const char *b)
{
  g_autoptr (GPtrArray) na = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) ca = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) nb = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) cb = g_ptr_array_new_with_free_func (g_free);
  collect (a, NULL, na, ca);
  collect (b, NULL, nb, cb);
  g_assert_cmpuint (na->len, ==, nb->len);
  for (guint i = 0; i < na->len; i++)
    {
      g_assert_cmpstr (na->pdata[i], ==, nb->pdata[i]);
      if (strcmp (ca->pdata[i], cb->pdata[i]) != 0)
        g_test_message ("%s differs", (char *) na->pdata[i]);
      g_assert_cmpstr (ca->pdata[i], ==, cb->pdata[i]);
    }
}
