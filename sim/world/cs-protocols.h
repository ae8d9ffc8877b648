/* cs-protocols.h: the registry of protocols a scenario can name with `protocol:`. An entry joins a
 * protocol module (its node logic, its probe) to the run: how to make its shared data from the
 * scenario, how to plan its workload, how to measure it and report it. Adding a protocol is its
 * own module, one entry here, and its section in cs-scenario.c. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "metrics/cs-json.h"
#include "metrics/cs-output.h"
#include "net/cs-net.h"
#include "world/cs-scenario.h"
#include "world/cs-world.h"

typedef struct
{
  const char *name;                 /* as written after `protocol:` */
  const CsProtocolClass *klass;     /* the node logic */
  /* The data every node context carries (ctx->shared), made from the scenario. */
  gpointer (*shared_new) (const CsScenario *scenario, CsNet *net);
  void (*shared_free) (gpointer shared);
  /* The probe collecting the protocol's measurements. */
  gpointer (*probe_new) (const CsScenario *scenario, CsNet *net, gpointer shared);
  CsProbeFunc probe_emit;
  /* Writes the protocol's member(s) of summary.json (into the open object) and its files.
   * Returns FALSE with @error when a checker of the run found a violation (the run fails). */
  gboolean (*probe_report) (gpointer probe, const CsScenario *scenario, CsJson *summary,
                            CsOutput *out, GError **error);
  void (*probe_free) (gpointer probe);
  /* Schedules the workload into the world before it starts (may be NULL). */
  void (*plan) (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng);
  /* Set when the protocol's nodes can run on several threads (cs_world_set_threads): TRUE for
   * the nodes that write the shared data, which then share the first thread. NULL: one thread. */
  gboolean (*pinned) (gpointer shared, guint32 node);
} CsProtocolEntry;

/* The entry for @kind (a CsProtocolKind). */
const CsProtocolEntry *cs_protocol_entry (int kind);
