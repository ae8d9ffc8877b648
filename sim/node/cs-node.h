/* cs-node.h: the node context, the only thing protocol code (sim/gossip, sim/consensus,
 * sim/storage) sees of the simulator. A protocol never touches the event queue or the network
 * model: it reads its clock, sends messages to peers, starts timers, draws from its own random
 * stream and emits measurements through this context. The simulator (sim/world) implements it;
 * a unit test can implement it by hand and drive one node with messages and timers; the same
 * protocol code could run over real sockets. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "engine/cs-time.h"
#include "node/cs-msg.h"

/* A cancellable timer; 0 is never a valid timer. */
typedef guint64 CsNodeTimer;

typedef struct _CsNodeCtx CsNodeCtx;

/* What an implementation of the context provides. */
typedef struct
{
  CsTime (*now) (CsNodeCtx *ctx);
  /* Sends @msg (the callee takes its own reference) to @peer. */
  void (*send) (CsNodeCtx *ctx, guint32 peer, CsMsg *msg);
  /* The node's current peers, sorted by id. */
  const guint32 *(*peers) (CsNodeCtx *ctx, guint *n_peers);
  /* A timer that calls the protocol's on_timer with (@kind, @arg) after @delay. @arg is not
   * owned: pass an integer (GUINT_TO_POINTER) or a pointer the node state owns. */
  CsNodeTimer (*timer_start) (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg);
  gboolean (*timer_cancel) (CsNodeCtx *ctx, CsNodeTimer timer);
  /* A measurement: metric id (protocol-defined), a key (message id, block serial...), a value. */
  void (*emit) (CsNodeCtx *ctx, guint metric, guint64 key, double value);
  /* Optional (NULL: send one by one): sends @msg to the @n peers @to, in that order, exactly as
   * that many sends would; an implementation may prepare the next while sending one. */
  void (*send_all) (CsNodeCtx *ctx, const guint32 *to, guint n, CsMsg *msg);
} CsNodeCtxOps;

struct _CsNodeCtx
{
  const CsNodeCtxOps *ops; /* the implementation */
  guint32 id;              /* this node's id, 0..n-1 */
  gsl_rng *rng;            /* this node's own random stream */
  gpointer shared;         /* the protocol instance's data shared by all nodes: its configuration,
                            * read-only to node logic, and simulator-side bookkeeping that real
                            * nodes would not share (a block serial counter) */
  gpointer impl;           /* the implementation's own data */
};

static inline CsTime cs_now (CsNodeCtx *ctx) { return ctx->ops->now (ctx); }
static inline void cs_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg) { ctx->ops->send (ctx, peer, msg); }
static inline const guint32 *cs_peers (CsNodeCtx *ctx, guint *n) { return ctx->ops->peers (ctx, n); }
static inline CsNodeTimer cs_timer_start (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg) { return ctx->ops->timer_start (ctx, delay, kind, arg); }
static inline gboolean cs_timer_cancel (CsNodeCtx *ctx, CsNodeTimer t) { return ctx->ops->timer_cancel (ctx, t); }
static inline gsl_rng *cs_rng (CsNodeCtx *ctx) { return ctx->rng; }
static inline void cs_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value) { ctx->ops->emit (ctx, metric, key, value); }

/* Sends @msg to the @n peers @to, in that order. */
void cs_send_all (CsNodeCtx *ctx, const guint32 *to, guint n, CsMsg *msg);

/* Sends @msg to every peer except @except (G_MAXUINT32: none). */
void cs_broadcast (CsNodeCtx *ctx, CsMsg *msg, guint32 except);

/* Where an event falls in the simulation's order: by time, then by the id of the node that made
 * it, then by that node's count of events made so far (cs-engine.h). */
typedef struct
{
  CsTime time;
  guint32 src;
  guint64 seq;
} CsNodeOrder;

static inline gboolean
cs_node_order_before (const CsNodeOrder *a, const CsNodeOrder *b)
{
  if (a->time != b->time)
    return a->time < b->time;
  if (a->src != b->src)
    return a->src < b->src;
  return a->seq < b->seq;
}

/* A protocol: per-node state and the callbacks that drive it. One instance runs on every node. */
typedef struct
{
  const char *name;   /* as written in the scenario */
  gsize state_size;   /* bytes of per-node state; the world allocates them zeroed */
  /* Called once per node at time 0, in node id order. */
  void (*start) (CsNodeCtx *ctx, gpointer state);
  /* A message from @from arrived (the caller keeps its reference to @msg). */
  void (*on_message) (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg);
  /* A timer fired. */
  void (*on_timer) (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg);
  /* Frees what the node state owns (not the state itself). May be NULL. Also called when the
   * node crashes: a crash loses the node's memory (the world then zeroes the state). */
  void (*clear) (gpointer state);
  /* Called when a crashed node comes back, on its zeroed state; @disk_lost says whether what
   * it had stored is gone as well. May be NULL: start is then called again. */
  void (*recover) (CsNodeCtx *ctx, gpointer state, gboolean disk_lost);
  /* A hint for speed only, may be NULL: @msg is about to be delivered to the node whose state
   * is @state (soon, not now); prefetch what on_message will read. It must change nothing. */
  void (*prefetch) (gconstpointer state, const CsMsg *msg);
  /* Speed only, both or neither, may be NULL: deliveries taken in early. absorb is offered a
   * message from @from due at @due, before it is due (when it is sent, or handed to the thread
   * of its receiver), with the receiver's state as it is then; it returns TRUE if it takes the
   * message in: it promises that the delivery would do nothing but change the state, in a way
   * that catch_up will reproduce, whatever happens to the node until @due. The world then counts
   * the delivery without queueing it (cs_world_set_elision). catch_up is called before each
   * event of the node (a delivery or a timer, whose order is @next) and must first apply what
   * the messages taken in that are due before @next would have done, in their order. The
   * promise needs the node to run without faults: a world with faults never asks. */
  gboolean (*absorb) (gconstpointer shared, gpointer state, guint32 from, const CsMsg *msg,
                      const CsNodeOrder *due);
  void (*catch_up) (gconstpointer shared, gpointer state, const CsNodeOrder *next);
} CsProtocolClass;
