/* cs-scenario.h: the whole scenario file: the top-level keys (name, seed, duration, protocol,
 * stop conditions) and one section per module, described by cs_scenario_schema so that the
 * generic loader (sim/scenario) reads and checks it. A new module adds its section here. */
#pragma once

#include <glib.h>

#include "engine/cs-time.h"
#include "gossip/cs-gossip.h"
#include "net/cs-net-config.h"
#include "scenario/cs-schema.h"

/* Which protocol every node runs. */
typedef enum
{
  CS_PROTOCOL_GOSSIP,
} CsProtocolKind;

typedef struct
{
  char *name;              /* shown in outputs */
  gint64 seed;             /* every random stream derives from it */
  CsTime duration;         /* simulated time to run */
  gint64 max_events;       /* stop after this many events (0: no limit) */
  int protocol;            /* CsProtocolKind */
  CsNetConfig network;     /* `network:` */
  CsGossipConfig gossip;   /* `gossip:` */
} CsScenario;

extern const CsSchema cs_scenario_schema;

/* Protocol names, indexed by CsProtocolKind (NULL-terminated). */
extern const char *const cs_protocol_names[];

/* Loads @path with @overrides (see cs_config_load_file). */
gboolean cs_scenario_load (CsScenario *scenario, const char *path, const char *const *overrides,
                           GError **error);
void cs_scenario_clear (CsScenario *scenario);
