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
/* The same on @engine (borrowed; freed by its owner, after every world on it is done running):
 * several worlds, each with its own network and nodes, advance in one event order. How several
 * redundancy strategies replay one fault trace side by side in one run. */
CsWorld *cs_world_new_on_engine (CsEngine *engine, CsNet *net, const CsProtocolClass *klass,
                                 gpointer shared, guint64 seed, CsProbeFunc probe,
                                 gpointer probe_data);
void cs_world_free (CsWorld *world);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsWorld, cs_world_free)

/* Calls the protocol's start on every node, in id order, at the current time. */
void cs_world_start (CsWorld *world);

/* Schedules a protocol timer (@kind, @arg) at node @node at absolute time @at: how a workload
 * (a client, a planned origination) reaches into a node. Dropped if the node is down then. */
void cs_world_inject_timer (CsWorld *world, guint32 node, CsTime at, guint16 kind, gpointer arg);

/* ---- Crash and recovery ---- */

/* Told of every crash (@up FALSE) and recovery (@up TRUE) at time @now, after the network knows
 * and before the protocol runs again; @disk_lost: the node's stored data is destroyed (at a
 * crash) or was destroyed while it was down (at a recovery). */
typedef void (*CsLifecycleFunc) (guint32 node, CsTime now, gboolean up, gboolean disk_lost,
                                 gpointer user_data);
void cs_world_set_lifecycle (CsWorld *world, CsLifecycleFunc func, gpointer user_data);

/* Crashes @node: it is down in the network, its pending timers and the messages in flight to and
 * from it are dropped, and its memory is lost (the protocol's clear, then the state is zeroed).
 * Nothing happens to a node already down but recording @disk_lost. */
void cs_world_crash (CsWorld *world, guint32 node, gboolean disk_lost);
/* Brings a crashed node back: up in the network, then the protocol's recover (or start). */
void cs_world_recover (CsWorld *world, guint32 node);
gboolean cs_world_node_is_up (const CsWorld *world, guint32 node);

/* The protocol state of @node, for inspection by checkers and fault callbacks (read only; a down
 * node's state is zeroed). */
gpointer cs_world_node_state (CsWorld *world, guint32 node);

/* Frees @data with @destroy when the world is freed (the last attached first, after the
 * world's own engine if it owns one). */
void cs_world_attach (CsWorld *world, gpointer data, GDestroyNotify destroy);

/* ---- Threads ---- */

/* Spreads the nodes over @n_threads engines, one per thread, that cs_world_run() runs side by
 * side in windows of @lookahead (cs-world-threads.c): the outputs are byte-identical to one
 * thread's. Call before cs_world_start(), on a world that owns its engine, with nothing
 * scheduled. @pinned (may be NULL) names the nodes that must share the first thread (those that
 * write the protocol's shared data). The protocol must keep each node's data to itself
 * otherwise; faults, injected workloads and event budgets are not supported. Returns FALSE, and
 * the world stays on one thread, when @n_threads is 1 or @lookahead is not positive. */
gboolean cs_world_set_threads (CsWorld *world, guint n_threads, CsTime lookahead,
                               gboolean (*pinned) (gpointer shared, guint32 node));
guint cs_world_threads (const CsWorld *world);

/* Lets the protocol take deliveries in early (CsProtocolClass.absorb) when they are sent, or
 * when another thread hands them over, instead of queueing them: each is counted as one event
 * fired and one message delivered if it is due no later than @until, and the run stops at the
 * same time for the same reason. Only the engine's work changes: every output is
 * byte-identical. For a world run once, by cs_world_run (world, @until, 0), without faults
 * (cs_world_crash refuses). Returns FALSE, and changes nothing, when the protocol cannot. */
gboolean cs_world_set_elision (CsWorld *world, CsTime until);

/* Runs the world until @until (cs_engine_run on one thread; @max_events must be 0 on several). */
CsStopReason cs_world_run (CsWorld *world, CsTime until, guint64 max_events);

/* Events fired so far, over every thread (with the deliveries taken in early that were due). */
guint64 cs_world_events_processed (const CsWorld *world);

/* Of those, the deliveries taken in early (cs_world_set_elision): never queued. */
guint64 cs_world_deliveries_absorbed (const CsWorld *world);

/* The world's engine (the first thread's). */
CsEngine *cs_world_engine (CsWorld *world);
CsNet *cs_world_net (CsWorld *world);

/* Traffic so far. */
typedef struct
{
  guint64 messages_sent;   /* transfers handed to the network */
  guint64 bytes_sent;      /* their bytes */
  guint64 messages_lost;   /* transfers the network dropped */
  guint64 messages_delivered; /* transfers that reached their node */
  guint64 messages_dropped;   /* transfers dropped because an end crashed meanwhile */
  guint64 timers_dropped;     /* timers dropped because their node crashed or was down */
  guint64 crashes;            /* cs_world_crash() of an up node */
  guint64 recoveries;         /* cs_world_recover() of a down node */
} CsWorldTraffic;

void cs_world_traffic (const CsWorld *world, CsWorldTraffic *out);
