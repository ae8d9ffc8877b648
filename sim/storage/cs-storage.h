/* cs-storage.h: sharded data with redundancy, through failures. A storage service holds the
 * objects of the scenario's collections and one CsStorageStrategy per redundancy strategy to
 * compare. Each strategy runs in a world of its own (its own network model and node states, all
 * worlds on one engine) and every world replays the same fault schedule and the same workload,
 * so strategies are compared on identical failures and identical requests without sharing
 * bandwidth.
 *
 * What runs in the nodes (cs_storage_class, through the node context only): serving fragments,
 * client reads from the nearest live holders (1 copy, or k fragments), Petals-style inference
 * through the model's shards in order with failover, and the data movement of repairs. What the
 * simulator models centrally, as a metadata service would: the placement directory (who holds
 * which fragment), a failure detector (a crashed node is suspected `detection_delay` after its
 * crash) and the repair scheduler (which missing fragment is rebuilt where, at most
 * max_concurrent at a time). Availability is accounted exactly, event by event: an object is
 * readable while at least `need` of its fragments sit intact on up nodes. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "engine/cs-engine.h"
#include "fault/cs-fault-schedule.h"
#include "metrics/cs-json.h"
#include "metrics/cs-output.h"
#include "net/cs-net.h"
#include "node/cs-node.h"
#include "storage/cs-storage-config.h"

typedef struct _CsStorageService CsStorageService;
typedef struct _CsStorageStrategy CsStorageStrategy;

/* The node logic; ctx->shared is the node's CsStorageStrategy. */
extern const CsProtocolClass cs_storage_class;

/* Timers injected into nodes from outside (argument: the request's index, or a repair's packed
 * (fragment slot << 24 | generation)). */
enum
{
  CS_STORAGE_TIMER_READ = 1,
  CS_STORAGE_TIMER_INFER = 2,
  CS_STORAGE_TIMER_REPAIR = 3,
};

/* Metric ids the nodes emit. */
enum
{
  CS_STORAGE_READ_START = 1,       /* key: request */
  CS_STORAGE_READ_DONE,            /* key: request; value: latency (s) */
  CS_STORAGE_READ_FAILED,          /* key: request */
  CS_STORAGE_INFER_START,          /* key: request */
  CS_STORAGE_INFER_DONE,           /* key: request; value: latency (s) */
  CS_STORAGE_INFER_FAILED,         /* key: request */
  CS_STORAGE_INFER_FAILOVER,       /* key: request; value: stage */
  CS_STORAGE_SHARD_REBUILT,        /* key: object (erasure inference: decoded into memory) */
  CS_STORAGE_BYTES,                /* key: CsStorageTraffic; value: bytes handed to the network */
  CS_STORAGE_REPAIR_DONE,          /* key: fragment slot; value: generation */
  CS_STORAGE_REPAIR_FAILED,        /* key: fragment slot; value: generation */
  CS_STORAGE_VERIFY_OK,            /* key: object: real bytes rebuilt and equal */
  CS_STORAGE_VERIFY_BAD,           /* key: object: real bytes rebuilt but different */
};

/* What bytes on the wire were for. */
typedef enum
{
  CS_STORAGE_TRAFFIC_READ,       /* object data and fragments sent to readers */
  CS_STORAGE_TRAFFIC_REPAIR,     /* fragments and copies sent to rebuild a lost one */
  CS_STORAGE_TRAFFIC_REBUILD,    /* fragments sent to an inference server decoding a shard */
  CS_STORAGE_TRAFFIC_INFERENCE,  /* activations to and from the stages */
  CS_STORAGE_TRAFFIC_CONTROL,    /* requests and refusals */
  CS_STORAGE_TRAFFIC_N,
} CsStorageTraffic;

/* Schedules timer (@kind, @arg) at @node at time @at in the strategy's world. */
typedef void (*CsStorageInjectFunc) (guint32 node, CsTime at, guint16 kind, gpointer arg,
                                     gpointer user_data);

/* A service for @config (borrowed; must outlive it) over the nodes and regions of @net (read
 * once), with randomness from @seed, for a run of @horizon. */
CsStorageService *cs_storage_service_new (const CsStorageConfig *config, const CsNet *net,
                                          guint64 seed, CsTime horizon);
void cs_storage_service_free (CsStorageService *service);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsStorageService, cs_storage_service_free)

guint cs_storage_service_n_strategies (const CsStorageService *service);
CsStorageStrategy *cs_storage_service_strategy (CsStorageService *service, guint index);
CsStorageService *cs_storage_strategy_service (CsStorageStrategy *strategy);

/* Places every object for every strategy on the members of @faults (taken; may be NULL: no
 * faults, every node a member) and draws the workload from @workload_rng. Once, before binding. */
void cs_storage_service_prepare (CsStorageService *service, CsFaultSchedule *faults,
                                 gsl_rng *workload_rng);
/* The fault schedule given to prepare (NULL when none). */
const CsFaultSchedule *cs_storage_service_faults (const CsStorageService *service);

/* Connects @strategy to its world: @engine (the shared one) for the repair scheduler's events,
 * @inject to reach its nodes; injects the workload. Once per strategy, after prepare. */
void cs_storage_strategy_bind (CsStorageStrategy *strategy, CsEngine *engine,
                               CsStorageInjectFunc inject, gpointer user_data);

/* The world's crash / recovery notification (a CsLifecycleFunc). */
void cs_storage_strategy_node_event (guint32 node, CsTime now, gboolean up, gboolean disk_lost,
                                     gpointer strategy);

/* The world's probe (a CsProbeFunc). */
void cs_storage_strategy_emit (guint32 node, CsTime now, guint metric, guint64 key, double value,
                               gpointer strategy);

/* Headline results of one strategy up to @now (the end of the run). */
typedef struct
{
  const char *name;              /* the strategy's label */
  int policy;                    /* CsPlacementKind */
  guint fragments;               /* fragments per object (r, or k + m) */
  guint needed;                  /* fragments needed to read (1, or k) */
  guint32 objects;               /* objects stored */
  double availability;           /* reads served / (served + failed) */
  double object_availability;    /* time-average fraction of objects readable */
  guint64 objects_lost;          /* objects with fewer than `need` fragments left, for good */
  double storage_overhead;       /* stored bytes / logical bytes */
  guint64 repair_bytes;          /* bytes moved to rebuild fragments */
  guint64 repairs_done;          /* fragments rebuilt */
  guint64 reads_served;          /* reads that got their data */
  guint64 reads_failed;          /* reads that found no live holder in time */
  double read_latency_s[3];      /* p50, p90, p99 of served reads */
  double inference_success_rate; /* done / (done + failed) */
  guint64 inference_done;        /* requests through every stage */
  guint64 inference_failed;      /* requests with a stage no live holder could serve */
  guint64 inference_failovers;   /* stage retries on another holder */
  double inference_latency_s[2]; /* p50, p99 */
  double node_uptime;            /* time-average fraction of nodes up */
  guint32 max_unreadable;        /* most objects unreadable at once */
  guint64 verify_ok, verify_bad; /* verify mode: real-byte rebuilds equal / different */
} CsStorageResults;

void cs_storage_strategy_results (CsStorageStrategy *strategy, CsTime now,
                                  CsStorageResults *out);

/* Time-averaged fraction of objects readable in each availability.csv bin up to @now
 * (@n_bins receives the count; the last bin may be partial). Valid until the next call. */
const double *cs_storage_strategy_bins (CsStorageStrategy *strategy, CsTime now, guint *n_bins);

/* The engine's time (the end of the run once it is over); 0 before binding. */
CsTime cs_storage_service_now (const CsStorageService *service);

/* Writes the `storage` member of summary.json (into the open object @summary) and
 * availability.csv, faults.csv into @out, everything accounted up to @now. */
void cs_storage_service_report (CsStorageService *service, CsTime now, CsJson *summary,
                                CsOutput *out);
