/* cs-scenario.c: the top-level schema of cs-scenario.h. */
#include "world/cs-scenario.h"

#include "scenario/cs-config.h"

#include <stddef.h>

const char *const cs_protocol_names[] = { "gossip", NULL };

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
  { NULL }
};

const CsSchema cs_scenario_schema = {
  .name = "scenario",
  .struct_size = sizeof (CsScenario),
  .fields = scenario_fields,
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
