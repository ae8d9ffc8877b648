/* cs-fault-schedule.h: the fault trace of a run, drawn before the run from the scenario's
 * `faults:` section and the seed alone, as a time-sorted list of events: node down / node up,
 * partition / heal, loss burst start / end. Nothing a protocol does can change it, so any number
 * of worlds (one per redundancy strategy, say) replay exactly the same failures.
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
} CsFaultKind;

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

/* A key for the loss bursts' per-transfer decisions, derived from the seed. */
guint64 cs_fault_schedule_loss_key (const CsFaultSchedule *schedule);

/* Fraction of [0, @until) that @node spends up. */
double cs_fault_schedule_node_uptime (const CsFaultSchedule *schedule, guint32 node, CsTime until);

void cs_fault_schedule_stats (const CsFaultSchedule *schedule, CsFaultStats *stats);

/* faults.csv: one row per event (time_s, event, node, region, detail). */
void cs_fault_schedule_write_csv (const CsFaultSchedule *schedule, GString *out);
