/* scale.c: the speed-and-scale benchmarks (`make bench-scale`, part of `make bench`).
 *
 * Runs `sim/chainsim run` as a child process on one scenario with overrides, `--reps` times, and
 * prints for each run and for the median: wall time, events/s (events_processed of the run's
 * metrics.csv over the wall time), peak resident memory (ru_maxrss of the child, from wait4,
 * i.e. getrusage(RUSAGE_CHILDREN) of that one child) and its CPU time over all its threads
 * (`--threads`: CPU / wall is how busy the cores were), followed by a SHA-256 digest of the run's
 * output files (every regular file of the output directory in name order: name, NUL, content), so
 * that a change in results is visible at a glance. The digest of a fixed-seed run is the same
 * before and after every optimization (issue 6, item 5).
 *
 * Usage: bench/scale [--reps N] [--chainsim PATH] [--keep DIR] LABEL SCENARIO [--set K=V]...
 * Cost: that of the runs themselves; the driver is negligible. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One run's figures. */
typedef struct
{
  double wall_s;       /* wall-clock seconds of the child */
  double events;       /* events_processed from metrics.csv */
  double maxrss_mb;    /* peak resident set of the child, MB (10^6 bytes) */
  double cpu_s;        /* user + system CPU seconds of the child, over all its threads */
  char *digest;        /* SHA-256 over the output files, hex */
} ScaleRun;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* SHA-256 over every regular file of DIR, in name order: name, NUL byte, content. */
static char *
digest_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (!d)
    return g_strdup ("(no output)");
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while ((n = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (n));
  g_dir_close (d);
  qsort (names->pdata, names->len, sizeof (gpointer), cmp_str); /* names are distinct */
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      char *path = g_build_filename (dir, name, NULL);
      char *buf = NULL;
      gsize len = 0;
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_get_contents (path, &buf, &len, NULL))
        {
          g_checksum_update (sum, (const guchar *) name, strlen (name) + 1);
          g_checksum_update (sum, (const guchar *) buf, len);
        }
      g_free (buf);
      g_free (path);
    }
  char *hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  g_ptr_array_unref (names);
  return hex;
}

/* events_processed from DIR/metrics.csv; -1 when missing. */
static double
read_events (const char *dir)
{
  char *path = g_build_filename (dir, "metrics.csv", NULL);
  char *buf = NULL;
  double ev = -1;
  if (g_file_get_contents (path, &buf, NULL, NULL))
    {
      const char *p = strstr (buf, "\nevents_processed,");
      if (p)
        ev = g_ascii_strtod (p + strlen ("\nevents_processed,"), NULL);
    }
  g_free (buf);
  g_free (path);
  return ev;
}

/* Runs chainsim once into OUT; fills R. Returns FALSE when the child failed. */
static gboolean
run_once (const char *chainsim, const char *scenario, char **sets, int nsets, const char *out,
          ScaleRun *r)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) chainsim);
  g_ptr_array_add (argv, "run");
  g_ptr_array_add (argv, (gpointer) scenario);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, (gpointer) out);
  g_ptr_array_add (argv, "--quiet");
  for (int i = 0; i < nsets; i++)
    g_ptr_array_add (argv, sets[i]);
  g_ptr_array_add (argv, NULL);
  fflush (stdout);
  double t0 = now_s ();
  pid_t pid = fork ();
  if (pid == 0)
    {
      execv (chainsim, (char **) argv->pdata);
      fprintf (stderr, "scale: cannot run %s: %s\n", chainsim, strerror (errno));
      _exit (127);
    }
  g_ptr_array_free (argv, TRUE);
  if (pid < 0)
    return FALSE;
  int status = 0;
  struct rusage ru;
  memset (&ru, 0, sizeof ru);
  while (wait4 (pid, &status, 0, &ru) < 0 && errno == EINTR)
    ;
  r->wall_s = now_s () - t0;
  r->maxrss_mb = ru.ru_maxrss * 1024.0 / 1e6; /* ru_maxrss is in KiB on Linux */
  r->cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec
             + ru.ru_stime.tv_usec / 1e6;
  r->events = read_events (out);
  r->digest = digest_dir (out);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

int
main (int argc, char **argv)
{
  int reps = 1;
  const char *chainsim = "sim/chainsim";
  const char *keep = NULL;
  int i = 1;
  for (; i < argc && g_str_has_prefix (argv[i], "--"); i += 2)
    {
      if (i + 1 >= argc)
        break;
      if (!strcmp (argv[i], "--reps"))
        reps = atoi (argv[i + 1]);
      else if (!strcmp (argv[i], "--chainsim"))
        chainsim = argv[i + 1];
      else if (!strcmp (argv[i], "--keep"))
        keep = argv[i + 1];
      else
        break;
    }
  if (argc - i < 2 || reps < 1)
    {
      fprintf (stderr, "usage: bench/scale [--reps N] [--chainsim PATH] [--keep DIR] LABEL SCENARIO "
                       "[--set K=V]...\n");
      return 2;
    }
  const char *label = argv[i], *scenario = argv[i + 1];
  char **sets = argv + i + 2;
  int nsets = argc - i - 2;

  char *tmp = NULL;
  const char *out = keep;
  if (!out)
    {
      tmp = g_dir_make_tmp ("chainsim-bench-XXXXXX", NULL);
      if (!tmp)
        return 1;
      out = tmp;
    }
  double *wall = g_new (double, reps), *evs = g_new (double, reps), *rss = g_new (double, reps);
  char *digest = NULL;
  gboolean ok = TRUE, same = TRUE;
  for (int k = 0; k < reps; k++)
    {
      ScaleRun r = { 0 };
      if (!run_once (chainsim, scenario, sets, nsets, out, &r))
        {
          fprintf (stderr, "scale: %s: run %d failed\n", label, k + 1);
          ok = FALSE;
        }
      wall[k] = r.wall_s;
      evs[k] = r.events / r.wall_s;
      rss[k] = r.maxrss_mb;
      printf ("%-24s run %d: %8.2f s  %12.0f events  %10.0f events/s  %8.1f MB peak RSS  "
              "%8.2f s CPU\n", label, k + 1, r.wall_s, r.events, evs[k], r.maxrss_mb, r.cpu_s);
      if (!digest)
        digest = r.digest;
      else
        {
          same = same && !strcmp (digest, r.digest);
          g_free (r.digest);
        }
    }
  qsort (wall, reps, sizeof *wall, cmp_double);
  qsort (evs, reps, sizeof *evs, cmp_double);
  qsort (rss, reps, sizeof *rss, cmp_double);
  printf ("%-24s median of %d: %8.2f s  %10.0f events/s  %8.1f MB peak RSS  sha256 %s%s\n", label,
          reps, wall[reps / 2], evs[reps / 2], rss[reps / 2], digest,
          same ? "" : "  (DIGESTS DIFFER between runs!)");
  if (tmp)
    {
      GDir *d = g_dir_open (tmp, 0, NULL);
      const char *n;
      while (d && (n = g_dir_read_name (d)))
        {
          char *p = g_build_filename (tmp, n, NULL);
          g_unlink (p);
          g_free (p);
        }
      if (d)
        g_dir_close (d);
      g_rmdir (tmp);
      g_free (tmp);
    }
  g_free (digest);
  g_free (wall);
  g_free (evs);
  g_free (rss);
  return ok && same ? 0 : 1;
}
