/* cs-world-private.h: the inside of a CsWorld, shared by cs-world.c (nodes, messages, timers) and
 * cs-world-threads.c (running the nodes on several threads). Not for other modules. */
#pragma once

#include "world/cs-world.h"

/* One measurement made while the threads run, kept until the window ends so that the probe gets
 * every measurement in the order a single thread would have made them: by the firing event's
 * (time, src, seq), then in the order the handler made them (idx). */
typedef struct
{
  CsNodeOrder order; /* the event's (its time is also the measurement's now) */
  guint32 idx;     /* measurements this event made before this one */
  guint32 node;
  guint metric;
  guint64 key;
  double value;
} CsEmission;

/* A part of the world with its own engine: the nodes that one thread runs. A world has one
 * shard unless cs_world_set_threads() asked for more. */
typedef struct
{
  struct _CsWorld *world;
  CsEngine *engine;        /* shard 0: the world's engine */
  guint index;
  CsWorldTraffic traffic;  /* what this shard's nodes did */
  GArray *slot_epoch;      /* guint32 per timer slot of this engine: its node's epoch at start */
  /* With threads, by the parity of the window they were made in (the other parity's are being
   * read meanwhile; cs-world-threads.c): */
  GArray **outbox[2];      /* per shard: CsEvent made here for that shard's nodes */
  CsTime *outbox_min[2];   /* per shard: the earliest event in that outbox (NEVER: none) */
  GArray *emits[2];        /* CsEmission made here */
  CsTime next[2];          /* this engine's earliest event after its window */
  guint parity;            /* of the window running */
  /* Deliveries elided (cs_world_set_elision): */
  guint64 elided;          /* at or before the horizon: counted as fired and delivered */
  CsTime elided_last;      /* the latest of those (0: none) */
  gboolean elided_after;   /* whether one was due after the horizon */
} CsWorldShard;

struct _CsWorld
{
  CsEngine *engine;            /* owned unless built by cs_world_new_on_engine() */
  gboolean owns_engine;        /* whether cs_world_free() frees the engine */
  CsNet *net;                  /* borrowed */
  const CsProtocolClass *klass;
  gpointer shared;             /* the protocol's shared data */
  guint n_nodes;
  guint8 *states;              /* n_nodes states, state_stride bytes apart (64-byte aligned) */
  gsize state_stride;          /* klass->state_size, rounded up to whole cache lines */
  gsl_rng **node_rng;          /* per node: protocol randomness */
  gsl_rng **net_rng;           /* per node: jitter and loss of what it sends */
  CsProbeFunc probe;
  gpointer probe_data;
  guint16 kind_arrive;         /* engine kinds: first byte of a message reaches its node */
  guint16 kind_deliver;        /* the whole message is there */
  guint16 kind_timer;
  guint16 kind_inject;         /* timers injected from outside the node (workloads) */
  guint32 *epoch;              /* per node: crashes so far */
  guint8 *down;                /* per node: 1 while crashed */
  guint8 *disk_lost;           /* per node: 1 when a crash since the last recovery lost its data */
  CsLifecycleFunc lifecycle;   /* told of crashes and recoveries, or NULL */
  gpointer lifecycle_data;     /* its data */
  GPtrArray *attached;         /* objects freed with the world, the last attached first */
  guint n_shards;              /* 1, or the threads of cs_world_set_threads() */
  CsWorldShard **shards;       /* n_shards of them (their addresses are the kinds' data) */
  guint8 *shard_of;            /* per node: its shard; NULL while there is one */
  CsTime lookahead;            /* threads: no message arrives sooner than this after its send */
  gboolean buffering;          /* threads running: measurements go to the shards' emits */
  gboolean elision;            /* cs_world_set_elision() was called */
  CsTime horizon;              /* its @until */
};

/* Offers the protocol to take in early the delivery of @msg from @src to @dst by an event of
 * @kind due at (@at, @src, @seq) (the caller runs @dst's shard): TRUE if it did. */
static inline gboolean
cs__world_absorbs (const CsWorld *world, guint16 kind, guint32 src, guint32 dst,
                   const CsMsg *msg, CsTime at, guint64 seq)
{
  if (!world->elision || kind != world->kind_deliver)
    return FALSE;
  CsNodeOrder due = { .time = at, .src = src, .seq = seq };
  return world->klass->absorb (world->shared,
                               world->states + (gsize) dst * world->state_stride, src, msg,
                               &due);
}

/* Speed only: before offering the @k-th of @n events @evs to absorb, loads what absorb will
 * read for those a few places later (their receivers' state, then what it points to). */
static inline void
cs__world_prefetch_absorb (const CsWorld *world, const CsEvent *evs, guint n, guint k)
{
  enum { AHEAD_STATE = 16, AHEAD_INSIDE = 8 }; /* absorb is quick: a long way ahead */
  gsize size = world->state_stride;
  if (k == 0)
    for (guint i = 0; i < MIN (n, AHEAD_STATE); i++)
      __builtin_prefetch (world->states + (gsize) evs[i].dst * size);
  if (k + AHEAD_STATE < n)
    __builtin_prefetch (world->states + (gsize) evs[k + AHEAD_STATE].dst * size);
  if (k + AHEAD_INSIDE < n && world->klass->prefetch != NULL
      && evs[k + AHEAD_INSIDE].kind == world->kind_deliver)
    world->klass->prefetch (world->states + (gsize) evs[k + AHEAD_INSIDE].dst * size,
                            evs[k + AHEAD_INSIDE].data);
}

/* Counts a delivery taken in early, due at @at on @shard, as cs_world_run() would have fired it. */
static inline void
cs__world_note_elided (CsWorldShard *shard, CsTime at)
{
  if (at > shard->world->horizon)
    {
      shard->elided_after = TRUE;
      return;
    }
  shard->elided++;
  shard->traffic.messages_delivered++;
  shard->elided_last = MAX (shard->elided_last, at);
}

/* The shard that runs @node. */
static inline CsWorldShard *
cs__world_shard_of (CsWorld *world, guint32 node)
{
  return world->shards[world->shard_of ? world->shard_of[node] : 0];
}

/* Registers the world's event kinds on @shard's engine (the same kind numbers on every shard). */
void cs__world_register_kinds (CsWorldShard *shard);

/* Frees the shards' engines (but the first), arrays and the messages left in outboxes. */
void cs__world_free_shards (CsWorld *world);
