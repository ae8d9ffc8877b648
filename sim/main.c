/* main.c: the chainsim command line. `chainsim run SCENARIO` runs a scenario into an output
 * directory, `chainsim validate SCENARIO...` checks scenarios without running them,
 * `chainsim schema` lists every scenario key, `chainsim sweep SCENARIO` runs a scenario's grid of
 * parameters and seeds and aggregates it (over MPI ranks too, when started by mpirun; only rank 0
 * prints), and `chainsim plot DIR` draws a run's or a sweep's plots with gnuplot. Exit status:
 * 0 success, 2 bad input (a scenario or the command line), 1 a failure while running (for
 * example an unwritable output directory). */
#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cs-hugepages.h"
#include "scenario/cs-config.h"
#include "sweep/cs-mpi.h"
#include "sweep/cs-plot.h"
#include "sweep/cs-sweep.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"

enum
{
  EXIT_OK = 0,
  EXIT_RUN_FAILED = 1,
  EXIT_BAD_INPUT = 2,
};

static const char *summary_text =
  "Commands:\n"
  "  run SCENARIO          run a scenario and write its results\n"
  "  validate SCENARIO...  check scenarios; runs nothing\n"
  "  schema                list every scenario key with its type, default and meaning\n"
  "  sweep SCENARIO        run the scenario's sweep: a grid of values, seeds per point\n"
  "  plot DIR              draw the plots of a run's or a sweep's results (gnuplot)\n"
  "\n"
  "`chainsim COMMAND --help` describes a command's options.";

/* Set in the processes of an MPI sweep other than rank 0: they print nothing, so that an error
 * appears once. */
static gboolean silent;

/* Prints @message (one line) on stderr, unless silent. */
static void
say (const char *message)
{
  if (!silent)
    fprintf (stderr, "%s\n", message);
}

static int
usage_error (GOptionContext *context, const char *message)
{
  if (silent)
    return EXIT_BAD_INPUT;
  fprintf (stderr, "chainsim: error: %s\n", message);
  fprintf (stderr, "Try 'chainsim %s--help'.\n",
           context ? "COMMAND " : "");
  return EXIT_BAD_INPUT;
}

/* Parses @argv with @entries; returns FALSE after printing the error. */
static gboolean
parse_options (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_autofree char *line = g_strdup_printf ("chainsim: error: %s", error->message);
      say (line);
      return FALSE;
    }
  return TRUE;
}

/* The default output directory: results/NAME where NAME is the scenario file's base name. */
static char *
default_out_dir (const char *scenario_path)
{
  g_autofree char *base = g_path_get_basename (scenario_path);
  char *dot = strrchr (base, '.');
  if (dot && dot != base)
    *dot = '\0';
  return g_build_filename ("results", base, NULL);
}

/* Threads for a run when --threads is not given: one per 5,000 nodes, at most one per processor
 * and 8 in all. Below that a window (the least latency) holds too few events for two threads to
 * beat one (bench-scale: 1,000 to 6,000 nodes gain nothing, 10,000 gain 1.4-1.8x). */
static guint
default_threads (const CsScenario *scenario)
{
  gint64 by_nodes = scenario->network.nodes / 5000;
  return (guint) CLAMP (by_nodes, 1, MIN (g_get_num_processors (), 8));
}

static int
cmd_run (int argc, char **argv)
{
  gint64 seed = -1;
  g_autofree char *out_dir = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean quiet = FALSE;
  gint threads = -1; /* not given */
  GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Override the scenario's seed", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads,
      "Threads for this run (default: one per 5,000 nodes, at most one per processor); the "
      "results do not depend on it", "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Output directory (default: results/NAME)", "DIR" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scenario value, e.g. --set network.nodes=500 (repeatable)", "KEY=VALUE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("SCENARIO - run a scenario");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Writes DIR/summary.json and CSV files. The same scenario and seed give byte-identical files.");
  if (!parse_options (context, &argc, &argv))
    return EXIT_BAD_INPUT;
  if (argc != 2)
    return usage_error (NULL, argc < 2 ? "run: which scenario? (chainsim run SCENARIO)"
                                       : "run: one scenario at a time");
  if (threads != -1 && (threads < 1 || threads > 64))
    return usage_error (NULL, "run: --threads takes 1 to 64");
  const char *path = argv[1];

  /* --seed is an override like any other, so it is range-checked by the loader. */
  g_autoptr (GPtrArray) overrides = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; sets && sets[i]; i++)
    g_ptr_array_add (overrides, g_strdup (sets[i]));
  if (seed != -1)
    g_ptr_array_add (overrides, g_strdup_printf ("seed=%" G_GINT64_FORMAT, seed));
  g_ptr_array_add (overrides, NULL);

  CsScenario scenario = { 0 };
  g_autoptr (GError) error = NULL;
  if (!cs_scenario_load (&scenario, path, (const char *const *) overrides->pdata, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  if (!out_dir)
    out_dir = default_out_dir (path);
  CsRunOptions options = {
    .out_dir = out_dir, .progress = isatty (STDERR_FILENO), .quiet = quiet,
    .threads = threads != -1 ? (guint) threads : default_threads (&scenario),
  };
  gboolean ok = cs_run (&scenario, &options, &error);
  cs_scenario_clear (&scenario);
  if (!ok)
    {
      fprintf (stderr, "%s\n", error->message);
      return error->domain == CS_CONFIG_ERROR ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
    }
  return EXIT_OK;
}

static int
cmd_validate (int argc, char **argv)
{
  g_auto (GStrv) sets = NULL;
  GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scenario value before checking (repeatable)", "KEY=VALUE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("SCENARIO... - check scenarios without running them");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv))
    return EXIT_BAD_INPUT;
  if (argc < 2)
    return usage_error (NULL, "validate: which scenarios? (chainsim validate SCENARIO...)");
  int status = EXIT_OK;
  for (int i = 1; i < argc; i++)
    {
      CsScenario scenario = { 0 };
      g_autoptr (GError) error = NULL;
      if (cs_scenario_load (&scenario, argv[i], (const char *const *) sets, &error))
        printf ("%s: ok\n", argv[i]);
      else
        {
          fprintf (stderr, "%s\n", error->message);
          status = EXIT_BAD_INPUT;
        }
      cs_scenario_clear (&scenario);
    }
  return status;
}

static int
cmd_schema (int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new ("- list every scenario key with its type, default and meaning");
  if (!parse_options (context, &argc, &argv))
    return EXIT_BAD_INPUT;
  g_autoptr (GString) out = g_string_new (NULL);
  cs_config_describe (&cs_scenario_schema, out);
  fputs (out->str, stdout);
  return EXIT_OK;
}

/* The sweep itself, once MPI (if any) has started; every rank returns the same status. */
static int
run_sweep (const char *path, const char *const *sets, const char *out_dir, guint jobs,
           gboolean quiet)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsSweep) sweep = cs_sweep_new (path, sets, &error);
  if (!sweep)
    {
      say (error->message);
      return EXIT_BAD_INPUT;
    }
  g_autofree char *dir = out_dir ? g_strdup (out_dir) : default_out_dir (path);
  CsSweepOptions options = {
    .out_dir = dir,
    .jobs = jobs > 0 ? jobs : g_get_num_processors (),
    .progress = isatty (STDERR_FILENO),
    .quiet = quiet,
  };
  if (!cs_sweep_run (sweep, &options, NULL, &error))
    {
      say (error->message);
      return g_error_matches (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MISMATCH) ? EXIT_BAD_INPUT
                                                                               : EXIT_RUN_FAILED;
    }
  return EXIT_OK;
}

static int
cmd_sweep (int argc, char **argv)
{
  gint jobs = 0;
  g_autofree char *out_dir = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      "Runs at once (default: the number of processors); per rank under MPI", "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Sweep directory (default: results/NAME)", "DIR" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scenario value for every run (repeatable)", "KEY=VALUE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("SCENARIO - run a scenario's sweep and aggregate it");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Runs every point of the scenario's `sweep:` grid `replicates` times, each run with its own\n"
    "seed, into DIR/runs/ID/, and writes DIR/sweep.csv: per point, the mean, standard deviation,\n"
    "n and 95% confidence interval of every metric. Every value is checked before anything runs.\n"
    "The results are the same bytes whatever --jobs is. Run again to resume an interrupted\n"
    "sweep: finished runs are kept.\n"
    "\n"
    "Started by mpirun (or srun --mpi=pmix) as several processes, the sweep spreads its runs\n"
    "over them, each running --jobs at once: rank 0 reads SCENARIO and writes DIR, the others\n"
    "send it their runs' files, so no shared filesystem is needed, and the results are the same\n"
    "bytes as in one process.");
  /* Under an MPI launcher only rank 0 reports; the environment says which before MPI starts. */
  silent = cs_mpi_launch_rank () != 0;
  if (!parse_options (context, &argc, &argv))
    return EXIT_BAD_INPUT;
  if (argc != 2)
    return usage_error (NULL, argc < 2 ? "sweep: which scenario? (chainsim sweep SCENARIO)"
                                       : "sweep: one scenario at a time");
  if (jobs < 0 || jobs > 4096)
    return usage_error (NULL, "sweep: --jobs must be between 1 and 4096");
  g_autoptr (GError) error = NULL;
  int status;
  if (cs_mpi_init (&error))
    {
      silent = cs_mpi_rank () != 0;
      status = run_sweep (argv[1], (const char *const *) sets, out_dir, (guint) jobs, quiet);
    }
  else
    {
      say (error->message);
      status = EXIT_BAD_INPUT;
    }
  cs_mpi_finalize ();
  return status;
}

static int
cmd_plot (int argc, char **argv)
{
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not list the files written", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("DIR... - draw the plots of runs' or sweeps' results");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "DIR is a run's output directory (summary.json and CSV files) or a sweep's (sweep.csv).\n"
    "Writes DIR/NAME.png and DIR/NAME.svg for every plot that applies, and lists them.\n"
    "Needs gnuplot on PATH; the scripts come from $CHAINSIM_ANALYSIS_DIR, the source tree's\n"
    "analysis/ or the installed copy.");
  if (!parse_options (context, &argc, &argv))
    return EXIT_BAD_INPUT;
  if (argc < 2)
    return usage_error (NULL, "plot: which results? (chainsim plot DIR)");
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GError) error = NULL;
      if (!cs_plot (argv[i], written, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return g_error_matches (error, CS_PLOT_ERROR, CS_PLOT_ERROR_NO_RESULTS)
                 ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
        }
      for (guint k = 0; !quiet && k < written->len; k++)
        printf ("%s\n", (char *) written->pdata[k]);
    }
  return EXIT_OK;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc >= 2 && argv[1][0] != '-')
    {
      const char *command = argv[1];
      /* The command's own parser sees "chainsim COMMAND" as its program name. */
      g_autofree char *prgname = g_strdup_printf ("chainsim %s", command);
      g_set_prgname (prgname);
      /* The commands that simulate: their heap on huge pages (speed only). */
      if (strcmp (command, "run") == 0 || strcmp (command, "sweep") == 0)
        cs_hugepages_enable (argv);
      if (strcmp (command, "run") == 0)
        return cmd_run (argc - 1, argv + 1);
      if (strcmp (command, "validate") == 0)
        return cmd_validate (argc - 1, argv + 1);
      if (strcmp (command, "schema") == 0)
        return cmd_schema (argc - 1, argv + 1);
      if (strcmp (command, "sweep") == 0)
        return cmd_sweep (argc - 1, argv + 1);
      if (strcmp (command, "plot") == 0)
        return cmd_plot (argc - 1, argv + 1);
      fprintf (stderr, "chainsim: error: unknown command '%s' (expected run, validate, schema, "
               "sweep or plot)\n", command);
      return EXIT_BAD_INPUT;
    }

  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("COMMAND [ARGS...] - discrete-event simulator of decentralized systems");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, summary_text);
  if (!parse_options (context, &argc, &argv))
    return EXIT_BAD_INPUT;
  if (version)
    {
      printf ("chainsim %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
  fputs (help, stderr);
  return EXIT_BAD_INPUT;
}
