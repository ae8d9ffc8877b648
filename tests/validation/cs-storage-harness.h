/* cs-storage-harness.h: runs a `protocol: storage` scenario given as YAML text inside a test
 * process, exactly as `chainsim run` does (the registry entry, the world, plan, start, run), and
 * keeps the service alive for inspection. Header-only, for tests/test-storage.c and the
 * validation tests. */
#pragma once

#include <glib.h>
#include <string.h>

#include "engine/cs-rng.h"
#include "scenario/cs-config.h"
#include "storage/cs-storage.h"
#include "world/cs-protocols.h"
#include "world/cs-scenario.h"
#include "world/cs-world.h"

typedef struct
{
  CsScenario scenario;              /* loaded */
  CsNet *net;                       /* the first strategy's network */
  CsWorld *world;                   /* the first strategy's world (owns the engine) */
  const CsProtocolEntry *entry;     /* the storage entry */
  gpointer shared;                  /* strategy 0 */
  CsStorageService *service;        /* the service */
  CsStopReason reason;              /* why the run stopped */
} CsStorageRun;

/* Loads @yaml (with @overrides, may be NULL) and runs it to its duration. */
static inline void
cs_storage_run (CsStorageRun *r, const char *yaml, const char *const *overrides)
{
  g_autoptr (GError) error = NULL;
  memset (r, 0, sizeof *r);
  cs_gsl_init ();
  if (!cs_config_load_data (&cs_scenario_schema, &r->scenario, "test.yaml", yaml, strlen (yaml),
                            overrides, &error))
    g_error ("%s", error->message);
  g_assert_cmpint (r->scenario.protocol, ==, CS_PROTOCOL_STORAGE);
  guint64 seed = (guint64) r->scenario.seed;
  r->net = cs_net_new (&r->scenario.network, seed, &error);
  g_assert_no_error (error);
  r->entry = cs_protocol_entry (r->scenario.protocol);
  r->shared = r->entry->shared_new (&r->scenario, r->net);
  gpointer probe = r->entry->probe_new (&r->scenario, r->net, r->shared);
  r->world = cs_world_new (r->net, r->entry->klass, r->shared, seed, r->entry->probe_emit, probe);
  g_autoptr (gsl_rng) workload = cs_rng_new (seed, cs_stream_id (CS_STREAM_WORKLOAD, 0));
  r->entry->plan (&r->scenario, r->shared, r->world, workload);
  cs_world_start (r->world);
  r->reason = cs_engine_run (cs_world_engine (r->world), r->scenario.duration, 0);
  r->service = cs_storage_strategy_service (r->shared);
}

static inline CsTime
cs_storage_run_now (CsStorageRun *r)
{
  return cs_engine_now (cs_world_engine (r->world));
}

/* The results of strategy @index. */
static inline void
cs_storage_run_results (CsStorageRun *r, guint index, CsStorageResults *out)
{
  cs_storage_strategy_results (cs_storage_service_strategy (r->service, index),
                               cs_storage_run_now (r), out);
}

static inline void
cs_storage_run_clear (CsStorageRun *r)
{
  cs_world_free (r->world);
  r->entry->probe_free (r->shared);
  r->entry->shared_free (r->shared);
  cs_net_free (r->net);
  cs_scenario_clear (&r->scenario);
}
