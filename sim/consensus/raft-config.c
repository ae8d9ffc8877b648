/* raft-config.c: the `raft:` section of a scenario: schema, defaults and checks. */
#include "consensus/cs-raft.h"

#include <math.h>
#include <stddef.h>

static gboolean
raft_check (const void *config, CsCheck *check)
{
  const CsRaftConfig *c = config;
  if (c->election_max <= c->election_min)
    return cs_check_fail (check, "election_max", "election_max must be greater than election_min");
  if (c->heartbeat >= c->election_min)
    return cs_check_fail (check, "heartbeat", "heartbeat must be shorter than election_min, or followers "
                          "start elections against a live leader");
  return TRUE;
}

static const CsField raft_fields[] = {
  { .key = "election_min", .type = CS_T_DURATION, .offset = offsetof (CsRaftConfig, election_min),
    .default_text = "150ms", .min = 1e3, .max = 1e15,
    .help = "least election timeout; each is drawn uniformly in [election_min, election_max)" },
  { .key = "election_max", .type = CS_T_DURATION, .offset = offsetof (CsRaftConfig, election_max),
    .default_text = "300ms", .min = 1e3, .max = 1e15, .help = "greatest election timeout" },
  { .key = "heartbeat", .type = CS_T_DURATION, .offset = offsetof (CsRaftConfig, heartbeat),
    .default_text = "50ms", .min = 1e3, .max = 1e15,
    .help = "the leader's append (heartbeat) interval" },
  { .key = "batch", .type = CS_T_DURATION, .offset = offsetof (CsRaftConfig, batch),
    .default_text = "10ms", .min = 0, .max = 1e15,
    .help = "the leader waits this long after a transaction arrives before making a block" },
  { .key = "max_block_tx", .type = CS_T_INT, .offset = offsetof (CsRaftConfig, max_block_tx),
    .default_text = "1000", .min = 1, .max = 1e7, .help = "transactions per block at most" },
  { .key = "max_entries", .type = CS_T_INT, .offset = offsetof (CsRaftConfig, max_entries),
    .default_text = "64", .min = 1, .max = 1e6, .help = "log entries per append message at most" },
  { .key = "tx_rate", .type = CS_T_DOUBLE, .offset = offsetof (CsRaftConfig, tx_rate),
    .default_text = "100", .min = 0, .max = 1e7,
    .help = "client transactions per second (Poisson), each to a uniformly drawn replica" },
  { .key = "tx_size", .type = CS_T_SIZE, .offset = offsetof (CsRaftConfig, tx_size),
    .default_text = "250B", .min = 60, .max = 1e9, .help = "bytes per client transaction" },
  { NULL }
};

const CsSchema cs_raft_schema = {
  .name = "raft",
  .struct_size = sizeof (CsRaftConfig),
  .fields = raft_fields,
  .check = raft_check,
};

void
cs_raft_config_init (CsRaftConfig *c)
{
  *c = (CsRaftConfig) {
    .election_min = 150 * CS_MSEC, .election_max = 300 * CS_MSEC, .heartbeat = 50 * CS_MSEC,
    .batch = 10 * CS_MSEC, .max_block_tx = 1000, .max_entries = 64, .tx_rate = 100,
    .tx_size = 250,
  };
}
