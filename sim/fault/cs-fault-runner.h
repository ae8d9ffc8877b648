/* cs-fault-runner.h: plays a fault schedule (cs-fault-schedule.h) into one running simulation:
 * engine events at the scheduled times that crash and recover nodes (through a callback, since
 * only the world can clear a node's memory), split and heal the network (cs_net_partition_regions
 * and cs_net_heal), install loss bursts (a link filter), and add extra latency for delay spikes
 * (network-wide or a region's) and slow nodes (cs_net_set_*_delay; episodes in force add up).
 * A slow_leader episode slows the node a callback names as the leader when the episode starts
 * (none named: nothing is slowed), and that node until the episode ends, leader or not. Several runners can play the same
 * schedule into several worlds sharing one engine: each registers its own event kind.
 *
 * Loss bursts: a transfer from a to b started at t while bursts are active is lost when a hash of
 * (seed key, a, b, t) falls below the largest active loss probability: a pure function, so that
 * cs_net_can_reach() stays a query and no random stream is consumed. The network reports such a
 * transfer as blocked (lost, and not occupying the sender's uplink).
 *
 * Only one event is pending in the engine at a time (the next one), so the heap does not grow
 * with the schedule. */
#pragma once

#include <glib.h>

#include "engine/cs-engine.h"
#include "fault/cs-fault-schedule.h"
#include "net/cs-net.h"

/* Crashes (@up FALSE, with the CS_FAULT_* @flags of the event) or recovers (@up TRUE) @node. */
typedef void (*CsFaultNodeFunc) (guint32 node, gboolean up, guint flags, gpointer user_data);

/* The node leading now (a protocol's leader or primary), or CS_FAULT_LEADER when none. */
typedef guint32 (*CsFaultLeaderFunc) (gpointer user_data);

typedef struct _CsFaultRunner CsFaultRunner;

/* Plays @schedule (borrowed; must outlive the runner) into @engine and @net (borrowed). Events at
 * or before the engine's current time are applied at once, so that nodes down at time 0 are down
 * before the protocol starts. @node_func may be NULL (then node events only set the network's
 * up/down flags). */
CsFaultRunner *cs_fault_runner_new (const CsFaultSchedule *schedule, CsEngine *engine,
                                    CsNet *net, CsFaultNodeFunc node_func, gpointer user_data);
/* The same, with @leader_func (may be NULL) naming the node a slow_leader episode slows (it gets
 * @user_data too). */
CsFaultRunner *cs_fault_runner_new_full (const CsFaultSchedule *schedule, CsEngine *engine,
                                         CsNet *net, CsFaultNodeFunc node_func,
                                         CsFaultLeaderFunc leader_func, gpointer user_data);
/* Frees the runner; does not touch the engine (which may already be gone). */
void cs_fault_runner_free (CsFaultRunner *runner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFaultRunner, cs_fault_runner_free)

/* The loss probability in force (the largest of the active bursts; 0 when none). */
double cs_fault_runner_loss (const CsFaultRunner *runner);

/* The node slow episode @index slowed (CS_FAULT_LEADER: not started yet, or no leader then). */
guint32 cs_fault_runner_slowed (const CsFaultRunner *runner, guint index);
