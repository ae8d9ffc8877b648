/* cs-world.h: a simulated world: the engine, the network model and one protocol instance per
 * node, joined by the node context (cs-node.h). The world turns a protocol's send into a network
 * transfer and a delivery event, its timers into engine timers, and its measurements into calls
 * of a probe function. It knows what neither the protocol nor the network knows: that the other
 * exists. */
#pragma once

#include <glib.h>

#include "engine/cs-engine.h"
#include "net/cs-net.h"
#include "node/cs-node.h"

typedef struct _CsWorld CsWorld;

/* Receives every measurement a node emits. */
typedef void (*CsProbeFunc) (guint32 node, CsTime now, guint metric, guint64 key, double value,
                             gpointer user_data);

/* Builds a world over @net (borrowed; must outlive the world) running @klass on every node, with
 * @shared handed to every node context. Node random streams derive from @seed. */
CsWorld *cs_world_new (CsNet *net, const CsProtocolClass *klass, gpointer shared,
                       guint64 seed, CsProbeFunc probe, gpointer probe_data);
void cs_world_free (CsWorld *world);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsWorld, cs_world_free)

/* Calls the protocol's start on every node, in id order, at the current time. */
void cs_world_start (CsWorld *world);

/* Schedules a protocol timer (@kind, @arg) at node @node at absolute time @at: how a workload
 * (a client, a planned origination) reaches into a node. */
void cs_world_inject_timer (CsWorld *world, guint32 node, CsTime at, guint16 kind, gpointer arg);

CsEngine *cs_world_engine (CsWorld *world);
CsNet *cs_world_net (CsWorld *world);

/* Traffic so far. */
typedef struct
{
  guint64 messages_sent;   /* transfers handed to the network */
  guint64 bytes_sent;      /* their bytes */
  guint64 messages_lost;   /* transfers the network dropped */
  guint64 messages_delivered; /* transfers that reached their node */
} CsWorldTraffic;

void cs_world_traffic (const CsWorld *world, CsWorldTraffic *out);
