/* cs-storage-private.h: what the files of sim/storage share and nothing else sees: the service
 * and strategy structs, the directory (who holds which fragment), availability accounting and the
 * repair scheduler's entry points. A fragment slot is object * n_frag + fragment index. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "storage/cs-placement.h"
#include "storage/cs-rs.h"
#include "storage/cs-storage.h"

/* A client read of the workload. */
typedef struct
{
  CsTime at;        /* when the client asks */
  guint32 client;   /* the client's node */
  guint32 object;   /* what it reads */
} CsReadRequest;

/* An inference request of the workload. */
typedef struct
{
  CsTime at;        /* when the client asks */
  guint32 client;   /* the client's node */
} CsInferRequest;

/* A repair in the scheduler. */
typedef enum
{
  CS_REPAIR_QUEUED,   /* waiting for a free repair slot */
  CS_REPAIR_ACTIVE,   /* a target node is rebuilding it */
  CS_REPAIR_WAITING,  /* failed or found no target: retried after repair.retry */
} CsRepairState;

typedef struct
{
  guint64 slot;       /* the fragment slot to rebuild */
  guint32 gen;        /* generation of the current attempt (matches the node's report) */
  guint8 state;       /* CsRepairState */
  gboolean orphaned;  /* its target crashed: re-queued when the crash is detected */
  guint32 target;     /* the node rebuilding it (ACTIVE) */
  GBytes *bytes;      /* verify mode: the rebuilt fragment, staged by the target */
} CsRepairJob;

struct _CsStorageService
{
  const CsStorageConfig *config;  /* borrowed */
  guint64 seed;                   /* the run's seed */
  CsTime horizon;                 /* end of the run */
  guint32 n_nodes;                /* nodes */
  guint n_regions;                /* regions */
  guint16 *node_region;           /* per node */
  CsTime *region_latency;         /* n_regions^2 mean one-way latencies */
  char **region_names;            /* n_regions names */
  guint8 *member;                 /* per node: may hold data at time 0 */
  guint32 n_objects;              /* over all collections */
  guint64 *object_size;           /* per object, bytes */
  guint32 *coll_base;             /* per collection: its first object */
  gint reads_coll;                /* the collection read, or -1 */
  gint model_coll;                /* the model's collection, or -1 */
  guint model_shards;             /* its objects: the stages of an inference request */
  GArray *reads;                  /* CsReadRequest, time order */
  GArray *infers;                 /* CsInferRequest, time order */
  GPtrArray *strategies;          /* CsStorageStrategy *, owned */
  CsFaultSchedule *faults;        /* owned, or NULL */
  GBytes **original;              /* verify mode: each object's real bytes; else NULL */
};

struct _CsStorageStrategy
{
  CsStorageService *service;      /* back pointer */
  guint index;                    /* in the service */
  const CsStrategyConfig *config; /* borrowed */
  char *label;                    /* name in outputs */
  const CsPlacementClass *placement; /* the policy */
  gpointer placement_state;       /* its state */
  CsPlacementEnv env;             /* what it sees */
  CsRs *rs;                       /* erasure code (also built for replication, k = 1, m = 0) */
  guint n_frag;                   /* fragments per object */
  guint need;                     /* fragments needed to read */
  gsl_rng *rng;                   /* placement and repair targets */

  /* The directory. */
  guint32 *holder;                /* per slot: the node holding it, or CS_NO_NODE */
  guint8 *intact;                 /* per slot: the holder's disk still has it */
  guint16 *live;                  /* per object: intact fragments on up nodes */
  guint16 *stored;                /* per object: intact fragments, up or down */
  guint8 *lost;                   /* per object: fewer than `need` stored: lost for good */
  GArray **node_slots;            /* per node: guint64 slots it holds */
  GBytes **frag_bytes;            /* verify mode: per slot, the stored bytes; else NULL */

  /* Liveness as the world reports it (clients only see it through the failure detector). */
  guint8 *up;                     /* per node */
  CsTime *down_since;             /* per node: last crash, CS_TIME_NEVER while up */
  guint32 *crashes;               /* per node: crashes so far */

  /* Availability accounting, exact. */
  guint32 readable;               /* objects readable now */
  guint32 nodes_up;               /* nodes up now */
  guint32 objects_lost;           /* objects lost so far */
  guint32 max_unreadable;         /* most objects unreadable at once */
  CsTime accounted;               /* integrals are complete up to here */
  CsTime bin_width;               /* storage.sample_interval */
  GArray *bin_readable;           /* double: object-ns readable per bin */
  GArray *bin_up;                 /* double: node-ns up per bin */
  GArray *bin_lost;               /* guint32: objects lost at the bin's end */
  GArray *bin_repair;             /* guint64: repair bytes at the bin's end */
  GArray *bin_fraction;           /* double: scratch for cs_storage_strategy_bins */

  /* Repair scheduler. */
  GHashTable *jobs;               /* slot (guint64 *) -> CsRepairJob *; lookups only */
  GQueue *queue;                  /* CsRepairJob * QUEUED, FIFO */
  GPtrArray *active;              /* CsRepairJob * ACTIVE, in start order */
  GPtrArray *waiting;             /* CsRepairJob * WAITING, in order */
  gboolean retry_pending;         /* a retry event is scheduled */
  guint32 next_gen;               /* generations of repair attempts */
  guint64 repairs_started;        /* attempts dispatched */
  guint64 repairs_done;           /* fragments rebuilt */
  guint64 repairs_failed;         /* attempts that failed */
  guint64 repairs_deferred;       /* dispatches put off: too few live sources, or no target */

  /* Binding. */
  CsEngine *engine;               /* the shared engine */
  guint16 kind_detect;            /* engine event: a crash is detected */
  guint16 kind_retry;             /* engine event: waiting repairs go back in the queue */
  CsStorageInjectFunc inject;     /* reaches the strategy's nodes */
  gpointer inject_data;           /* its data */

  /* Measurements. */
  guint64 reads_started, reads_served, reads_failed;
  GArray *read_latency;           /* double seconds of served reads */
  guint64 infer_started, infer_done, infer_failed, infer_failovers, shards_rebuilt;
  GArray *infer_latency;          /* double seconds of completed requests */
  guint64 traffic[CS_STORAGE_TRAFFIC_N]; /* bytes handed to the network, by purpose */
  guint64 verify_ok, verify_bad;  /* verify mode checks */
};

/* ---- cs-storage-dir.c: the directory and availability ---- */

/* Allocates the directory of @s and places every object (service members, s->rng). */
void cs__storage_dir_init (CsStorageStrategy *s);
void cs__storage_dir_clear (CsStorageStrategy *s);
/* Integrates the availability counters up to @now (call before changing them). */
void cs__storage_account (CsStorageStrategy *s, CsTime now);
/* Node @v crashed (@disk_lost: its fragments are destroyed) or recovered. */
void cs__storage_dir_node_down (CsStorageStrategy *s, guint32 v, CsTime now, gboolean disk_lost);
void cs__storage_dir_node_up (CsStorageStrategy *s, guint32 v, CsTime now, gboolean disk_lost);
/* Moves @slot to @target, intact (a completed repair). */
void cs__storage_dir_move (CsStorageStrategy *s, guint64 slot, guint32 target, CsTime now);
/* Whether fragment @slot needs rebuilding at @now: no holder, not intact, or holder suspected. */
gboolean cs__storage_dir_missing (const CsStorageStrategy *s, guint64 slot, CsTime now);

/* Whether clients and the scheduler consider @v failed at @now (down for detection_delay). */
static inline gboolean
cs__storage_suspected (const CsStorageStrategy *s, guint32 v, CsTime now)
{
  return !s->up[v] && now - s->down_since[v] >= s->service->config->repair.detection_delay;
}

/* Bytes of one fragment of @object (the whole object for replication). */
static inline guint64
cs__storage_frag_size (const CsStorageStrategy *s, guint32 object)
{
  guint64 size = s->service->object_size[object];
  return s->config->policy == CS_PLACEMENT_ERASURE ? MAX ((size + s->need - 1) / s->need, 1)
                                                   : size;
}

/* Mean one-way latency between two nodes' regions. */
static inline CsTime
cs__storage_latency (const CsStorageService *svc, guint32 a, guint32 b)
{
  return svc->region_latency[(gsize) svc->node_region[a] * svc->n_regions + svc->node_region[b]];
}

/* ---- cs-storage-repair.c: the repair scheduler ---- */

void cs__storage_repair_init (CsStorageStrategy *s);
void cs__storage_repair_clear (CsStorageStrategy *s);
/* Asks for @slot to be rebuilt (no-op when already asked or repair is off). */
void cs__storage_repair_enqueue (CsStorageStrategy *s, guint64 slot);
/* Starts queued repairs up to the concurrency limit. */
void cs__storage_repair_dispatch (CsStorageStrategy *s, CsTime now);
/* Node @v crashed / its crash number @crash is detected now. */
void cs__storage_repair_node_down (CsStorageStrategy *s, guint32 v, CsTime now);
void cs__storage_repair_detected (CsStorageStrategy *s, guint32 v, guint32 crash, CsTime now);
/* A target reported (emit) the end of attempt @gen on @slot. */
void cs__storage_repair_done (CsStorageStrategy *s, guint64 slot, guint32 gen, CsTime now);
void cs__storage_repair_failed (CsStorageStrategy *s, guint64 slot, guint32 gen, CsTime now);
/* Verify mode: the target stores the rebuilt bytes of attempt @gen (taken). */
void cs__storage_repair_stage_bytes (CsStorageStrategy *s, guint64 slot, guint32 gen,
                                     GBytes *bytes);
/* Engine events of the scheduler: a crash is detected (dst: the node, data: its crash number),
 * waiting repairs are retried. Registered on the engine when the strategy is bound. */
void cs__storage_repair_on_detect (CsEngine *engine, const CsEvent *ev, gpointer user_data);
void cs__storage_repair_on_retry (CsEngine *engine, const CsEvent *ev, gpointer user_data);
/* Packs a repair timer argument. */
static inline gpointer
cs__storage_repair_arg (guint64 slot, guint32 gen)
{
  return GSIZE_TO_POINTER ((slot << 24) | (gen & 0xffffff));
}

/* ---- cs-storage-workload.c ---- */

/* Draws the reads and inference requests of the service's config into svc->reads, svc->infers. */
void cs__storage_workload_plan (CsStorageService *svc, gsl_rng *rng);
