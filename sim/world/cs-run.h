/* cs-run.h: one run of a scenario, from typed configuration to a complete output directory:
 * build the network and the world, plan the workload, run the engine, collect the probes, and
 * write summary.json and the CSV files atomically. */
#pragma once

#include <glib.h>

#include "metrics/cs-output.h"
#include "world/cs-scenario.h"

typedef struct
{
  const char *out_dir;  /* where the results go */
  gboolean progress;    /* a progress line on stderr (wall-clock figures go there only) */
  gboolean quiet;       /* nothing on stderr but errors */
  CsOutput **capture;   /* when set, nothing is written: the outputs, complete and in memory, are
                         * returned here for the caller to write or send elsewhere */
  guint threads;        /* threads for one run (0 or 1: one); the outputs do not depend on it.
                         * Used where the protocol supports it (CsProtocolEntry.pinned) and the
                         * run has no faults, no event budget and a positive least latency. */
} CsRunOptions;

/* Runs @scenario. Returns FALSE with @error set when the world cannot be built, when a checker of
 * the run found a violation (a consensus run's safety or liveness: CS_CONSENSUS_ERROR, the
 * message naming it and the seed), or when the outputs cannot be written; the output directory
 * is then left as it was. The files do not depend on out_dir, so captured outputs committed
 * elsewhere are the same bytes. */
gboolean cs_run (const CsScenario *scenario, const CsRunOptions *options, GError **error);
