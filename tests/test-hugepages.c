/* test-hugepages.c: tests of sim/cs-hugepages.c. The program runs itself as a child in two
 * roles: "enable" calls cs_hugepages_enable() with the arguments of the "report" role, which
 * prints GLIBC_TUNABLES as the process sees it after the second start (or "unset"). So the test
 * sees what a second start of chainsim would see: the tunable added, existing tunables kept, and
 * no second start when disabled, under a preloaded library or under an MPI launcher. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "../sim/cs-hugepages.h"

/* Runs this program as "enable" with @env (NAME=VALUE entries, NULL-terminated, added to a clean
 * copy of the environment); returns what the "report" role printed. */
static char *
child_report (const char *self, const char *const *env)
{
  g_auto (GStrv) envp = g_get_environ ();
  const char *drop[] = { "GLIBC_TUNABLES", "CHAINSIM_HUGEPAGES", "LD_PRELOAD",
                         "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID" };
  for (guint i = 0; i < G_N_ELEMENTS (drop); i++)
    envp = g_environ_unsetenv (envp, drop[i]);
  for (guint i = 0; env && env[i]; i++)
    {
      g_auto (GStrv) kv = g_strsplit (env[i], "=", 2);
      envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    }
  const char *argv[] = { self, "enable", NULL };
  char *out = NULL;
  gint status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static const char *self_path;

static void
test_enable (void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || !defined(__GLIBC__)
  g_test_skip ("not enabled in sanitizer builds or without glibc");
  return;
#endif
  g_autofree char *plain = child_report (self_path, NULL);
  g_assert_cmpstr (plain, ==, "second start: glibc.malloc.hugetlb=1\n");
  const char *kept[] = { "GLIBC_TUNABLES=glibc.malloc.arena_max=8", NULL };
  g_autofree char *both = child_report (self_path, kept);
  g_assert_cmpstr (both, ==, "second start: glibc.malloc.arena_max=8:glibc.malloc.hugetlb=1\n");
  /* Already there: nothing to do, no second start. */
  const char *there[] = { "GLIBC_TUNABLES=glibc.malloc.hugetlb=0", NULL };
  g_autofree char *as_is = child_report (self_path, there);
  g_assert_cmpstr (as_is, ==, "first start: glibc.malloc.hugetlb=0\n");
}

static void
test_left_alone (void)
{
  const char *cases[][2] = {
    { "CHAINSIM_HUGEPAGES=0", NULL },
    { "LD_PRELOAD=", NULL },
    { "OMPI_COMM_WORLD_SIZE=2", NULL },
    { "SLURM_PROCID=0", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = child_report (self_path, cases[i]);
      g_assert_cmpstr (out, ==, "first start: unset\n");
    }
}

int
main (int argc, char **argv)
{
  /* The child's roles. A second start comes back with argv[1] still "enable": it is told apart
   * by the tunable it now has. */
  if (argc == 2 && strcmp (argv[1], "enable") == 0)
    {
      const char *before = g_getenv ("GLIBC_TUNABLES");
      gboolean second = before && g_getenv ("CS_TEST_STARTED") != NULL;
      if (!second)
        {
          g_setenv ("CS_TEST_STARTED", "1", TRUE);
          cs_hugepages_enable (argv);
        }
      const char *now = g_getenv ("GLIBC_TUNABLES");
      printf ("%s start: %s\n", second ? "second" : "first", now ? now : "unset");
      return 0;
    }
  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hugepages/enable", test_enable);
  g_test_add_func ("/hugepages/left-alone", test_left_alone);
  return g_test_run ();
}
