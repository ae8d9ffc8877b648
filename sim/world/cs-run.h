/* cs-run.h: one run of a scenario, from typed configuration to a complete output directory:
 * build the network and the world, plan the workload, run the engine, collect the probes, and
 * write summary.json and the CSV files atomically. */
#pragma once

#include <glib.h>

#include "world/cs-scenario.h"

typedef struct
{
  const char *out_dir;  /* where the results go */
  gboolean progress;    /* a progress line on stderr (wall-clock figures go there only) */
  gboolean quiet;       /* nothing on stderr but errors */
} CsRunOptions;

/* Runs @scenario. Returns FALSE with @error set when the world cannot be built or the outputs
 * cannot be written; the output directory is then left as it was. */
gboolean cs_run (const CsScenario *scenario, const CsRunOptions *options, GError **error);
