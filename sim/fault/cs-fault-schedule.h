/* cs-fault-schedule.h: the fault trace of a run, drawn before the run from the scenario's
 * `faults:` section and the seed alone, as a time-sorted list of events: node down / node up,
 * partition / heal, loss burst start / end, delay spike start / end, slow node start / end.
 * Nothing a protocol does can change it, so any number of worlds (one per redundancy strategy,
 * say) replay exactly the same failures. (One exception, by design: the node a `slow_leader`
 * episode slows is the replica leading when it starts, which the runner asks the protocol.)
 *
 * How it is drawn: every cause (crash-recover periods, crash-stop, churn, regional outages,
 * bursts) first produces down intervals per node from its own random stream
 * (CS_STREAM_FAULT, cause << 32 | index), so that adding a cause or a node shifts no other draw;
 * then each node's intervals are merged (a node is down while any cause holds it down; touching
 * intervals merge) into alternating down/up transitions. A merged period destroys the node's data
 * when any of its intervals does (a disk loss is applied when the period starts). Cost:
 * O(I log I) for I intervals; memory 24 bytes per interval while drawing, 16 per event kept. */
#pragma once

#include <glib.h>

#include "engine/cs-time.h"
#include "fault/cs-fault-config.h"
#include "net/cs-net.h"

/* What happens. */
typedef enum
{
  CS_FAULT_NODE_DOWN,   /* node crashes; flags say more */
  CS_FAULT_NODE_UP,     /* node recovers (or joins, the first time for a joiner) */
  CS_FAULT_PARTITION,   /* partition `index` starts */
  CS_FAULT_HEAL,        /* partition `index` ends */
  CS_FAULT_LOSS_START,  /* loss burst `index` starts */
  CS_FAULT_LOSS_END,    /* loss burst `index` ends */
  CS_FAULT_SPIKE_START, /* delay spike `index` starts */
  CS_FAULT_SPIKE_END,   /* delay spike `index` ends */
  CS_FAULT_SLOW_START,  /* slow episode `index` starts (slow_nodes first, then slow_leader) */
  CS_FAULT_SLOW_END,    /* slow episode `index` ends */
} CsFaultKind;

/* cs_fault_schedule_slow_node() of a slow_leader episode: the leader when it starts. */
#define CS_FAULT_LEADER G_MAXUINT32

/* Flags of CS_FAULT_NODE_DOWN. */
enum
{
  CS_FAULT_DISK_LOST = 1 << 0,  /* the node's stored data is destroyed */
  CS_FAULT_PERMANENT = 1 << 1,  /* it never comes back (crash-stop, churn departure) */
  CS_FAULT_ABSENT = 1 << 2,     /* not a crash: a joiner that is not there yet (at time 0) */
};

/* One event. */
typedef struct
{
  CsTime time;     /* when */
  guint32 index;   /* the node (NODE_*), or the partition / loss burst (its list index) */
  guint8 kind;     /* CsFaultKind */
  guint8 flags;    /* CS_FAULT_* of a NODE_DOWN */
} CsFaultEvent;

/* Counts over the horizon, for summaries. */
typedef struct
{
  guint64 crashes;          /* NODE_DOWN events, joiners' absence excluded */
  guint64 recoveries;       /* NODE_UP events that end a crash */
  guint64 joins;            /* NODE_UP events of joiners */
  guint64 disk_losses;      /* crashes that destroy data (permanent ones included) */
  guint64 permanent;        /* crashes with no return */
  guint64 regional_outages; /* region-wide outages drawn */
  guint64 bursts;           /* bursts drawn */
  guint64 partitions;       /* partitions started */
  guint64 loss_bursts;      /* loss bursts started */
  guint64 delay_spikes;     /* delay spikes started */
  guint64 slow_episodes;    /* slow node and slow leader episodes started */
  double uptime;            /* fraction of node-time up over [0, horizon) */
} CsFaultStats;

typedef struct _CsFaultSchedule CsFaultSchedule;

/* Draws the schedule of @config over [0, @horizon) for the nodes and regions of @net (its
 * placement only is read) from streams of @seed. */
CsFaultSchedule *cs_fault_schedule_new (const CsFaultConfig *config, const CsNet *net,
                                        guint64 seed, CsTime horizon);
void cs_fault_schedule_free (CsFaultSchedule *schedule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsFaultSchedule, cs_fault_schedule_free)

/* The events in time order (ties: node events by node id, then network events by list order). */
const CsFaultEvent *cs_fault_schedule_events (const CsFaultSchedule *schedule, guint *n_events);

guint32 cs_fault_schedule_n_nodes (const CsFaultSchedule *schedule);
CsTime cs_fault_schedule_horizon (const CsFaultSchedule *schedule);

/* Whether @node is a member at time 0 (not a joiner yet to join); members that are down at time
 * 0 (a stationary start) hold data like the others. */
gboolean cs_fault_schedule_is_member (const CsFaultSchedule *schedule, guint32 node);

/* Partition @index: the group of every region (cs_net_n_regions entries; 0: the unlisted rest). */
const guint32 *cs_fault_schedule_partition_groups (const CsFaultSchedule *schedule, guint index);

/* Loss burst @index: its loss probability. */
double cs_fault_schedule_loss (const CsFaultSchedule *schedule, guint index);

/* Delay spike @index: its extra latency, and its region (-1: every link). */
CsTime cs_fault_schedule_spike_extra (const CsFaultSchedule *schedule, guint index);
gint cs_fault_schedule_spike_region (const CsFaultSchedule *schedule, guint index);

/* Slow episode @index: the delay added to what the node sends, and the node (CS_FAULT_LEADER:
 * the replica leading when the episode starts). */
CsTime cs_fault_schedule_slow_delay (const CsFaultSchedule *schedule, guint index);
guint32 cs_fault_schedule_slow_node (const CsFaultSchedule *schedule, guint index);

/* The time the last fault healed: that of the last event (a recovery, a heal, the end of a burst,
 * spike or slow episode; or a crash, since a node that stays down changes what the others must
 * do). CS_TIME_NEVER when a network fault (partition, loss burst, spike, slow episode) is still in
 * force at the horizon; 0 when nothing happens at all. Nodes down at the horizon do not count:
 * a checker leaves them out. */
CsTime cs_fault_schedule_last_heal (const CsFaultSchedule *schedule);

/* A key for the loss bursts' per-transfer decisions, derived from the seed. */
guint64 cs_fault_schedule_loss_key (const CsFaultSchedule *schedule);

/* Fraction of [0, @until) that @node spends up. */
double cs_fault_schedule_node_uptime (const CsFaultSchedule *schedule, guint32 node, CsTime until);

void cs_fault_schedule_stats (const CsFaultSchedule *schedule, CsFaultStats *stats);

/* faults.csv: one row per event (time_s, event, node, region, detail). */
void cs_fault_schedule_write_csv (const CsFaultSchedule *schedule, GString *out);
