/* cs-scenario.c: the top-level schema of cs-scenario.h. */
#include "world/cs-scenario.h"

#include "scenario/cs-config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

const char *const cs_protocol_names[] = { "gossip", "nakamoto", "storage", "raft", "pbft", "hotstuff", NULL };

/* `faults:` and `storage:` with the checks that need the network added. They run when the section
 * is loaded, so errors point into it; the network section is loaded by then when it is written
 * above them (the usual order). When it is not (nodes still 0), scenario_check repeats them at
 * the end, located at the section. The scenario holds the section inline, so the enclosing
 * scenario is found from the section's offset. */
static gboolean
faults_check (const void *config, CsCheck *check)
{
  const CsScenario *s = (const CsScenario *) ((const char *) config
                                              - offsetof (CsScenario, faults));
  if (!cs_fault_config_check (config, check))
    return FALSE;
  return s->network.nodes == 0
    || cs_fault_config_check_network (config, &s->network, check, NULL);
}

static const CsSchema faults_schema = {
  .name = "faults", .struct_size = sizeof (CsFaultConfig), .fields = cs_fault_fields,
  .check = faults_check,
};

static gboolean
storage_check (const void *config, CsCheck *check)
{
  const CsScenario *s = (const CsScenario *) ((const char *) config
                                              - offsetof (CsScenario, storage));
  if (!cs_storage_config_check (config, check))
    return FALSE;
  return s->network.nodes == 0
    || cs_storage_config_check_network (config, &s->network, check, NULL);
}

static const CsSchema storage_schema = {
  .name = "storage", .struct_size = sizeof (CsStorageConfig), .fields = cs_storage_fields,
  .check = storage_check,
};

/* `sweep:`. Its values are checked by `chainsim sweep`, which loads every grid point with them as
 * overrides; here only the grid's shape. */
static const CsField sweep_param_fields[] = {
  { .key = "key", .type = CS_T_STRING, .offset = offsetof (CsSweepParam, key), .required = TRUE,
    .min = NAN, .max = NAN, .help = "the dotted scenario path swept, e.g. nakamoto.interval" },
  { .key = "values", .type = CS_T_LIST, .offset = offsetof (CsSweepParam, values),
    .required = TRUE, .min = NAN, .max = NAN, .min_len = 1, .max_len = 10000,
    .item = &(const CsField) { .type = CS_T_STRING, .min = NAN, .max = NAN },
    .help = "its values, written as in the scenario (600s, 1MB, 5%)" },
  { NULL }
};

static const CsSchema sweep_param_schema = {
  .name = "sweep parameter", .struct_size = sizeof (CsSweepParam), .fields = sweep_param_fields,
};

/* Most runs one sweep may plan. */
#define SWEEP_MAX_RUNS 1000000

static gboolean
sweep_check (const void *config, CsCheck *check)
{
  const CsSweepSpec *sw = config;
  double runs = (double) sw->replicates;
  for (guint i = 0; sw->parameters && i < sw->parameters->len; i++)
    {
      const CsSweepParam *p = &g_array_index (sw->parameters, CsSweepParam, i);
      if (strcmp (p->key, "seed") == 0)
        return cs_check_fail_at_index (check, "parameters", i,
                                       "seed cannot be swept: each run's seed derives from seed "
                                       "and the run's index; set replicates instead");
      if (strcmp (p->key, "sweep") == 0 || g_str_has_prefix (p->key, "sweep."))
        return cs_check_fail_at_index (check, "parameters", i, "the sweep cannot sweep itself");
      for (guint j = 0; j < i; j++)
        if (strcmp (g_array_index (sw->parameters, CsSweepParam, j).key, p->key) == 0)
          return cs_check_fail_at_index (check, "parameters", i,
                                         "'%s' is swept twice (parameters %u and %u)", p->key,
                                         j + 1, i + 1);
      runs *= p->values->len;
    }
  if (runs > SWEEP_MAX_RUNS)
    return cs_check_fail (check, "replicates", "the sweep has %.0f runs (grid points x "
                          "replicates); at most %d", runs, SWEEP_MAX_RUNS);
  return TRUE;
}

static const CsField sweep_fields[] = {
  { .key = "parameters", .type = CS_T_LIST, .offset = offsetof (CsSweepSpec, parameters),
    .min = NAN, .max = NAN, .min_len = 0, .max_len = 32,
    .item = &(const CsField) { .type = CS_T_SECTION, .section = &sweep_param_schema,
                               .min = NAN, .max = NAN },
    .help = "the grid: a list of {key, values}; every combination of values is a point" },
  { .key = "replicates", .type = CS_T_INT, .offset = offsetof (CsSweepSpec, replicates),
    .default_text = "1", .min = 1, .max = SWEEP_MAX_RUNS,
    .help = "runs per point, each with its own seed" },
  { NULL }
};

static const CsSchema sweep_schema = {
  .name = "sweep", .struct_size = sizeof (CsSweepSpec), .fields = sweep_fields,
  .check = sweep_check,
};

static const CsField scenario_fields[] = {
  { .key = "name", .type = CS_T_STRING, .offset = offsetof (CsScenario, name), .required = TRUE,
    .help = "the scenario's name, copied into summary.json" },
  { .key = "seed", .type = CS_T_INT, .offset = offsetof (CsScenario, seed), .required = TRUE,
    .min = 0, .max = 9007199254740992.0 /* 2^53: exact in every tool that reads summary.json */,
    .help = "seed of every random stream; the same seed gives the same bytes" },
  { .key = "duration", .type = CS_T_DURATION, .offset = offsetof (CsScenario, duration),
    .required = TRUE, .min = 1, .max = 1e18,
    .help = "simulated time to run, e.g. 600s, 2h, 7d" },
  { .key = "max_events", .type = CS_T_INT, .offset = offsetof (CsScenario, max_events),
    .default_text = "0", .min = 0, .max = CS_UNBOUNDED,
    .help = "stop after this many events (0: no limit)" },
  { .key = "protocol", .type = CS_T_ENUM, .offset = offsetof (CsScenario, protocol),
    .default_text = "gossip", .choices = cs_protocol_names,
    .help = "what every node runs" },
  { .key = "network", .type = CS_T_SECTION, .offset = offsetof (CsScenario, network),
    .section = &cs_net_schema, .help = "nodes, regions, latency, bandwidth, peer graph" },
  { .key = "gossip", .type = CS_T_SECTION, .offset = offsetof (CsScenario, gossip),
    .section = &cs_gossip_schema, .help = "the flooding gossip workload" },
  { .key = "nakamoto", .type = CS_T_SECTION, .offset = offsetof (CsScenario, nakamoto),
    .section = &cs_nakamoto_schema,
    .help = "Nakamoto proof of work: interval, blocks, relay, pools, validation cost" },
  { .key = "faults", .type = CS_T_SECTION, .offset = offsetof (CsScenario, faults),
    .section = &faults_schema, .min = NAN, .max = NAN,
    .help = "failures for any protocol: crash_recover, crash_stop, churn, regional_outages, "
            "bursts, partitions, loss_bursts" },
  { .key = "storage", .type = CS_T_SECTION, .offset = offsetof (CsScenario, storage),
    .section = &storage_schema, .min = NAN, .max = NAN,
    .help = "sharded data and redundancy strategies: collections, strategies, repair, reads, "
            "inference" },
  { .key = "raft", .type = CS_T_SECTION, .offset = offsetof (CsScenario, raft),
    .section = &cs_raft_schema, .min = NAN, .max = NAN,
    .help = "Raft (crash faults): election and heartbeat timing, batching, the Poisson client "
            "workload" },
  { .key = "pbft", .type = CS_T_SECTION, .offset = offsetof (CsScenario, pbft),
    .section = &cs_pbft_schema, .min = NAN, .max = NAN,
    .help = "PBFT: batching, view-change timeout, checkpoints, Byzantine replicas (silent or "
            "equivocating), the Poisson client workload" },
  { .key = "hotstuff", .type = CS_T_SECTION, .offset = offsetof (CsScenario, hotstuff),
    .section = &cs_hotstuff_schema, .min = NAN, .max = NAN,
    .help = "chained HotStuff: batching, pacemaker timeout, Byzantine replicas (silent or "
            "equivocating), the Poisson client workload" },
  { .key = "consensus", .type = CS_T_SECTION, .offset = offsetof (CsScenario, consensus),
    .section = &cs_liveness_schema, .min = NAN, .max = NAN,
    .help = "checks of raft, pbft and hotstuff runs: liveness_bound" },
  { .key = "sweep", .type = CS_T_SECTION, .offset = offsetof (CsScenario, sweep),
    .section = &sweep_schema, .min = NAN, .max = NAN,
    .help = "for chainsim sweep: parameters (a grid of values) and replicates; run ignores it" },
  { NULL }
};

/* Checks across sections. */
static gboolean
scenario_check (const void *config, CsCheck *check)
{
  const CsScenario *s = config;
  if (!cs_fault_config_check_network (&s->faults, &s->network, check, "faults"))
    return FALSE;
  if (s->protocol == CS_PROTOCOL_STORAGE
      && !(cs_storage_config_check_used (&s->storage, check)
           && cs_storage_config_check_network (&s->storage, &s->network, check, "storage")))
    return FALSE;
  /* Nakamoto nodes cannot yet recover from a crash (they would restart from genesis), so faults
   * are refused rather than silently not played. */
  if (s->protocol == CS_PROTOCOL_NAKAMOTO && cs_fault_config_any (&s->faults))
    return cs_check_fail (check, "faults", "faults are not supported by protocol 'nakamoto' yet "
                          "(they are by gossip, storage, raft, pbft and hotstuff)");
  gboolean has_leader = s->protocol == CS_PROTOCOL_RAFT || s->protocol == CS_PROTOCOL_PBFT
    || s->protocol == CS_PROTOCOL_HOTSTUFF;
  if (!has_leader && s->faults.slow_leader && s->faults.slow_leader->len > 0)
    return cs_check_fail (check, "faults.slow_leader", "protocol '%s' has no leader to slow "
                          "(slow_leader is for raft, pbft and hotstuff; slow_nodes names a node)",
                          cs_protocol_names[s->protocol]);
  if (s->protocol == CS_PROTOCOL_NAKAMOTO)
    return cs_nakamoto_check_network (&s->nakamoto, &s->network, check);
  return TRUE;
}

const CsSchema cs_scenario_schema = {
  .name = "scenario",
  .struct_size = sizeof (CsScenario),
  .fields = scenario_fields,
  .check = scenario_check,
};

gboolean
cs_scenario_load (CsScenario *scenario, const char *path, const char *const *overrides,
                  GError **error)
{
  return cs_config_load_file (&cs_scenario_schema, scenario, path, overrides, error);
}

void
cs_scenario_clear (CsScenario *scenario)
{
  cs_config_clear (&cs_scenario_schema, scenario);
}
