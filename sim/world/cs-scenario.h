/* cs-scenario.h: the whole scenario file: the top-level keys (name, seed, duration, protocol,
 * stop conditions) and one section per module, described by cs_scenario_schema so that the
 * generic loader (sim/scenario) reads and checks it. A new module adds its section here. */
#pragma once

#include <glib.h>

#include "engine/cs-time.h"
#include "consensus/cs-nakamoto.h"
#include "consensus/cs-hotstuff.h"
#include "consensus/cs-liveness.h"
#include "consensus/cs-pbft.h"
#include "consensus/cs-raft.h"
#include "fault/cs-fault-config.h"
#include "gossip/cs-gossip.h"
#include "net/cs-net-config.h"
#include "scenario/cs-schema.h"
#include "storage/cs-storage-config.h"

/* Which protocol every node runs. */
typedef enum
{
  CS_PROTOCOL_GOSSIP,
  CS_PROTOCOL_NAKAMOTO,
  CS_PROTOCOL_STORAGE,
  CS_PROTOCOL_RAFT,
  CS_PROTOCOL_PBFT,
  CS_PROTOCOL_HOTSTUFF,
} CsProtocolKind;

/* One parameter of `sweep.parameters`. */
typedef struct
{
  char *key;               /* a dotted scenario path, e.g. nakamoto.interval */
  GArray *values;          /* char *: each value's text, applied as the override key=value */
} CsSweepParam;

/* `sweep:`: a grid of parameter values and seeds per point. Only `chainsim sweep` reads it;
 * `chainsim run` runs the scenario as written (the values outside `sweep:`). */
typedef struct
{
  GArray *parameters;      /* CsSweepParam, outermost first: the grid is their product */
  gint64 replicates;       /* runs (seeds) per grid point */
} CsSweepSpec;

typedef struct
{
  char *name;              /* shown in outputs */
  gint64 seed;             /* every random stream derives from it */
  CsTime duration;         /* simulated time to run */
  gint64 max_events;       /* stop after this many events (0: no limit) */
  int protocol;            /* CsProtocolKind */
  CsNetConfig network;     /* `network:` */
  CsGossipConfig gossip;   /* `gossip:` */
  CsNakamotoConfig nakamoto; /* `nakamoto:` */
  CsFaultConfig faults;    /* `faults:` (every protocol) */
  CsStorageConfig storage; /* `storage:` */
  CsRaftConfig raft;       /* `raft:` */
  CsPbftConfig pbft;       /* `pbft:` */
  CsHotstuffConfig hotstuff; /* `hotstuff:` */
  CsLivenessConfig consensus; /* `consensus:` (raft, pbft, hotstuff): the liveness bound */
  CsSweepSpec sweep;       /* `sweep:` (chainsim sweep only) */
} CsScenario;

extern const CsSchema cs_scenario_schema;

/* Protocol names, indexed by CsProtocolKind (NULL-terminated). */
extern const char *const cs_protocol_names[];

/* Loads @path with @overrides (see cs_config_load_file). */
gboolean cs_scenario_load (CsScenario *scenario, const char *path, const char *const *overrides,
                           GError **error);
void cs_scenario_clear (CsScenario *scenario);
