/* cs-fault-config.h: the `faults:` section of a scenario, usable by every protocol. Each part is
 * optional; an absent part injects nothing:
 *
 *   faults:
 *     crash_recover: {nodes: 100%, up: {dist: weibull, mean: 20h, shape: 0.7},
 *                     down: {dist: exponential, mean: 2h}, disk_loss: 1%}
 *     crash_stop: {nodes: 5%, at: {dist: exponential, mean: 10d}}
 *     churn: {session: {dist: exponential, mean: 7d}, joiners: 10%,
 *             join: {dist: exponential, mean: 1d}}
 *     regional_outages: [{region: EU, at: 6h, duration: 2h}, {every: 3d, duration: 1h}]
 *     bursts: [{at: 3h, nodes: 10, window: 120s, down: {dist: fixed, mean: 1h}}]
 *     partitions: [{at: 2h, duration: 30min, groups: [[AP, JP, AU]]}]
 *     loss_bursts: [{at: 1h, duration: 10min, loss: 20%}]
 *     delay_spikes: [{at: 1h, duration: 5min, extra: 200ms, region: EU}]
 *     slow_nodes: [{at: 2h, duration: 10min, delay: 2s, node: 3}]
 *     slow_leader: [{at: 30s, duration: 20s, delay: 2s}]
 *
 * The schedule these describe is drawn by cs-fault-schedule.h. Checks that need the network
 * (region names, node counts) are in cs_fault_config_check_network(), called by the scenario. */
#pragma once

#include <glib.h>

#include "engine/cs-time.h"
#include "fault/cs-dist.h"
#include "net/cs-net-config.h"
#include "scenario/cs-schema.h"

/* How the alternating process of crash_recover starts. */
typedef enum
{
  CS_FAULT_START_STATIONARY, /* in its steady state: up with probability E[up]/(E[up]+E[down]),
                              * the current period's remainder drawn from the equilibrium law */
  CS_FAULT_START_UP,         /* every node up and fresh at time 0 */
} CsFaultStart;

/* `crash_recover:` independent alternating up/down periods per node. */
typedef struct
{
  double nodes;      /* fraction of the nodes that take part (a random subset) */
  CsDist up;         /* time between a recovery and the next crash */
  CsDist down;       /* time from a crash to the recovery */
  int start;         /* CsFaultStart */
  double disk_loss;  /* probability that a crash also destroys the node's stored data */
} CsCrashRecoverConfig;

/* `crash_stop:` nodes that crash once and never come back (their data is gone with them). */
typedef struct
{
  double nodes;      /* fraction of the nodes (a random subset) */
  CsDist at;         /* when each crashes, from time 0 */
} CsCrashStopConfig;

/* `churn:` members leave for good after a session; joiners start absent and join later. */
typedef struct
{
  CsDist session;    /* how long a member stays; absent: members never leave */
  double joiners;    /* fraction of the nodes that are not members at time 0 */
  CsDist join;       /* when each joiner joins, from time 0 */
} CsChurnConfig;

/* One element of `regional_outages:`. */
typedef struct
{
  char *region;      /* the region's name; NULL: a region drawn at random each time */
  CsTime at;         /* start of a scheduled outage (when every is 0) */
  CsTime every;      /* > 0: random outages, exponential gaps of this mean */
  CsTime duration;   /* how long every node of the region stays down */
  double disk_loss;  /* fraction of the region's nodes whose data the outage destroys */
} CsRegionOutageConfig;

/* One element of `bursts:` (correlated failures, Ford et al.: 37% of failures come in bursts). */
typedef struct
{
  gint64 nodes;      /* how many distinct nodes fail */
  CsTime at;         /* start of a scheduled burst (when every is 0) */
  CsTime every;      /* > 0: random bursts, exponential gaps of this mean */
  CsTime window;     /* the failures fall uniformly within this window */
  CsDist down;       /* how long each failed node stays down */
  double disk_loss;  /* probability that a failed node's data is destroyed */
} CsBurstConfig;

/* One element of `partitions:`. */
typedef struct
{
  CsTime at;         /* when the network splits */
  CsTime duration;   /* when it heals: at + duration */
  GArray *groups;    /* GArray * (of char * region names) per group; each group is cut off from
                      * the other groups and from every region not listed */
} CsPartitionConfig;

/* One element of `loss_bursts:`. */
typedef struct
{
  CsTime at;         /* start */
  CsTime duration;   /* length */
  double loss;       /* probability that a transfer started meanwhile is lost */
} CsLossBurstConfig;

/* One element of `delay_spikes:`: extra latency on every transfer started meanwhile (all links,
 * or those with an end in one region). Spikes in force add up. */
typedef struct
{
  CsTime at;         /* start */
  CsTime duration;   /* length */
  CsTime extra;      /* latency added to each transfer */
  char *region;      /* NULL: every link; else the links from or to this region's nodes */
} CsDelaySpikeConfig;

/* One element of `slow_nodes:` or `slow_leader:`: a node that sends everything late (overloaded,
 * a slow disk or CPU in its path): each transfer it starts meanwhile leaves @delay late. */
typedef struct
{
  CsTime at;         /* start */
  CsTime duration;   /* length */
  CsTime delay;      /* added to each transfer the node sends */
  gint64 node;       /* slow_nodes: the node's id; slow_leader: unused (the replica that leads
                      * at `at`, asked of the protocol when the episode starts) */
} CsSlowNodeConfig;

/* The section. */
typedef struct
{
  CsCrashRecoverConfig crash_recover;
  CsCrashStopConfig crash_stop;
  CsChurnConfig churn;
  GArray *regional_outages;  /* CsRegionOutageConfig */
  GArray *bursts;            /* CsBurstConfig */
  GArray *partitions;        /* CsPartitionConfig, not overlapping in time */
  GArray *loss_bursts;       /* CsLossBurstConfig */
  GArray *delay_spikes;      /* CsDelaySpikeConfig */
  GArray *slow_nodes;        /* CsSlowNodeConfig */
  GArray *slow_leader;       /* CsSlowNodeConfig (node unused) */
} CsFaultConfig;

extern const CsSchema cs_fault_schema;
/* Its keys and its own check, for a schema that embeds the section with more checks (the
 * scenario adds those that need the network). */
extern const CsField cs_fault_fields[];
gboolean cs_fault_config_check (const void *config, CsCheck *check);

/* Whether @config injects anything at all. */
gboolean cs_fault_config_any (const CsFaultConfig *config);

/* The checks that need the network: every region named exists, a partition names a region once,
 * a burst fails no more nodes than there are, a slow node exists. Reports through @check: the `faults` section's
 * (@section_key NULL: errors point at the faulty list element), or the scenario's (errors point
 * at @section_key and name the element). */
gboolean cs_fault_config_check_network (const CsFaultConfig *config, const CsNetConfig *net,
                                        CsCheck *check, const char *section_key);
