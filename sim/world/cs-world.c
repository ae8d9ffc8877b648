/* cs-world.c: the world of cs-world.h. A node context is built on the stack for each event (four
 * words), so per-node memory is the protocol state plus two random streams. Deliveries carry a
 * reference to the shared message; the network model decides the arrival time.
 *
 * Crashes. Each node has an epoch, bumped when it crashes. A message carries the low 8 bits of
 * its sender's and its receiver's epochs at sending (in the event's aux field) and is dropped on
 * arrival if either has crashed since: the receiver's memory that expected it is gone, and a
 * transfer from a crashed sender is cut. (Wrapping needs 256 crashes of one node during one
 * transfer.) A protocol timer remembers the epoch of its node by its engine timer slot (the low
 * half of a CsTimerId and the event's `timer` field, cs-engine.h), and is dropped when the node
 * crashed since it was started. Timers injected from outside (workloads) are dropped only when
 * the node is down at that time: a client request reaches a recovered node. */
#include "world/cs-world.h"

#include <string.h>

#include "engine/cs-rng.h"

struct _CsWorld
{
  CsEngine *engine;            /* owned unless built by cs_world_new_on_engine() */
  gboolean owns_engine;        /* whether cs_world_free() frees the engine */
  CsNet *net;                  /* borrowed */
  const CsProtocolClass *klass;
  gpointer shared;             /* the protocol's shared data */
  guint n_nodes;
  guint8 *states;              /* n_nodes * klass->state_size bytes */
  gsl_rng **node_rng;          /* per node: protocol randomness */
  gsl_rng **net_rng;           /* per node: jitter and loss of what it sends */
  CsProbeFunc probe;
  gpointer probe_data;
  guint16 kind_arrive;         /* engine kinds: first byte of a message reaches its node */
  guint16 kind_deliver;        /* the whole message is there */
  guint16 kind_timer;
  guint16 kind_inject;         /* timers injected from outside the node (workloads) */
  CsWorldTraffic traffic;
  guint32 *epoch;              /* per node: crashes so far */
  guint8 *down;                /* per node: 1 while crashed */
  guint8 *disk_lost;           /* per node: 1 when a crash since the last recovery lost its data */
  GArray *slot_epoch;          /* guint32 per engine timer slot: its node's epoch at the start */
  CsLifecycleFunc lifecycle;   /* told of crashes and recoveries, or NULL */
  gpointer lifecycle_data;     /* its data */
  GPtrArray *attached;         /* objects freed with the world, the last attached first */
};

/* The aux field of a message event: both ends' epochs at sending. */
static inline guint16
epochs_of (const CsWorld *world, guint32 src, guint32 dst)
{
  return (guint16) ((world->epoch[src] & 0xff) << 8 | (world->epoch[dst] & 0xff));
}

/* Whether a message sent with @aux from @src to @dst must be dropped: an end crashed since. */
static inline gboolean
stale_message (const CsWorld *world, guint32 src, guint32 dst, guint16 aux)
{
  return world->down[dst] || aux != epochs_of (world, src, dst);
}

static const CsNodeCtxOps world_ops;

static inline CsNodeCtx
make_ctx (CsWorld *world, guint32 node)
{
  CsNodeCtx ctx = {
    .ops = &world_ops, .id = node, .rng = world->node_rng[node], .shared = world->shared,
    .impl = world,
  };
  return ctx;
}

static inline gpointer
state_of (CsWorld *world, guint32 node)
{
  return world->states + (gsize) node * world->klass->state_size;
}

static CsTime
ctx_now (CsNodeCtx *ctx)
{
  return cs_engine_now (((CsWorld *) ctx->impl)->engine);
}

static void
ctx_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg)
{
  CsWorld *world = ctx->impl;
  g_return_if_fail (peer < world->n_nodes && peer != ctx->id);
  CsTime now = cs_engine_now (world->engine);
  world->traffic.messages_sent++;
  world->traffic.bytes_sent += msg->size;
  /* With bandwidth, the receiver's downlink is taken when the first byte arrives (an event), so
   * in arrival order; without, the first byte is the whole message, and a small message that
   * interleaves with other transfers takes no queue: it is delivered at its last byte. */
  gboolean whole = cs_net_interleaves (world->net, msg->size);
  CsTime at = whole ? cs_net_transfer_interleaved (world->net, now, ctx->id, peer, msg->size,
                                                   world->net_rng[ctx->id])
                    : cs_net_transfer_send (world->net, now, ctx->id, peer, msg->size,
                                            world->net_rng[ctx->id]);
  if (at == CS_TIME_NEVER)
    {
      world->traffic.messages_lost++;
      return;
    }
  guint16 kind = whole || !cs_net_has_bandwidth (world->net) ? world->kind_deliver
                                                             : world->kind_arrive;
  cs_engine_schedule (world->engine, at, ctx->id, peer, kind, epochs_of (world, ctx->id, peer),
                      cs_msg_ref (msg));
}

static const guint32 *
ctx_peers (CsNodeCtx *ctx, guint *n)
{
  return cs_net_peers (((CsWorld *) ctx->impl)->net, ctx->id, n);
}

static CsNodeTimer
ctx_timer_start (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg)
{
  CsWorld *world = ctx->impl;
  g_return_val_if_fail (delay >= 0, 0);
  CsTimerId id = cs_engine_timer_start (world->engine, cs_engine_now (world->engine) + delay,
                                        ctx->id, world->kind_timer, kind, arg);
  guint32 slot = (guint32) (id & G_MAXUINT32);
  if (slot == 0)
    return 0;
  if (slot > world->slot_epoch->len)
    g_array_set_size (world->slot_epoch, MAX (slot, 2 * world->slot_epoch->len));
  g_array_index (world->slot_epoch, guint32, slot - 1) = world->epoch[ctx->id];
  return id;
}

static gboolean
ctx_timer_cancel (CsNodeCtx *ctx, CsNodeTimer timer)
{
  return cs_engine_timer_cancel (((CsWorld *) ctx->impl)->engine, timer);
}

static void
ctx_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value)
{
  CsWorld *world = ctx->impl;
  if (world->probe)
    world->probe (ctx->id, cs_engine_now (world->engine), metric, key, value, world->probe_data);
}

static const CsNodeCtxOps world_ops = {
  .now = ctx_now,
  .send = ctx_send,
  .peers = ctx_peers,
  .timer_start = ctx_timer_start,
  .timer_cancel = ctx_timer_cancel,
  .emit = ctx_emit,
};

static void
on_deliver (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorld *world = user_data;
  CsMsg *msg = ev->data;
  if (stale_message (world, ev->src, ev->dst, ev->aux))
    {
      world->traffic.messages_dropped++;
      cs_msg_unref (msg);
      return;
    }
  CsNodeCtx ctx = make_ctx (world, ev->dst);
  world->traffic.messages_delivered++;
  world->klass->on_message (&ctx, state_of (world, ev->dst), ev->src, msg);
  cs_msg_unref (msg);
}

static void
on_arrive (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorld *world = user_data;
  CsMsg *msg = ev->data;
  if (stale_message (world, ev->src, ev->dst, ev->aux))
    {
      world->traffic.messages_dropped++; /* a crashed receiver's downlink carries nothing */
      cs_msg_unref (msg);
      return;
    }
  CsTime last = cs_net_transfer_arrive (world->net, ev->time, ev->src, ev->dst, msg->size);
  /* The event's reference to the message moves on to the delivery. */
  cs_engine_schedule (engine, last, ev->src, ev->dst, world->kind_deliver, ev->aux, msg);
}

static void
on_timer (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorld *world = user_data;
  if (world->down[ev->dst]
      || g_array_index (world->slot_epoch, guint32, ev->timer - 1) != world->epoch[ev->dst])
    {
      world->traffic.timers_dropped++;
      return;
    }
  CsNodeCtx ctx = make_ctx (world, ev->dst);
  world->klass->on_timer (&ctx, state_of (world, ev->dst), ev->aux, ev->data);
}

static void
on_inject (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorld *world = user_data;
  if (world->down[ev->dst])
    {
      world->traffic.timers_dropped++;
      return;
    }
  CsNodeCtx ctx = make_ctx (world, ev->dst);
  world->klass->on_timer (&ctx, state_of (world, ev->dst), ev->aux, ev->data);
}

/* Engine prefetch hints (cs_engine_set_prefetch). Deliveries and timers: stage 0, the node's
 * state; stage 1, what the protocol reads through it (CsProtocolClass.prefetch). */
static void
prefetch_node (const CsEvent *next, guint stage, gpointer user_data)
{
  CsWorld *world = user_data;
  if (next->dst >= world->n_nodes)
    return;
  const guint8 *st = state_of (world, next->dst);
  if (stage == 0)
    {
      __builtin_prefetch (st);
      __builtin_prefetch (st + world->klass->state_size - 1); /* a state may straddle two lines */
      if (next->kind == world->kind_deliver)
        {
          __builtin_prefetch (next->data); /* the message, for stage 1 and the handler */
          __builtin_prefetch (&world->down[next->dst]);
          __builtin_prefetch (&world->epoch[next->src]);
          __builtin_prefetch (&world->epoch[next->dst]);
        }
    }
  else if (next->kind == world->kind_deliver && world->klass->prefetch != NULL)
    world->klass->prefetch (st, next->data);
}

/* First-byte arrivals: the links they reserve (stage 0 only: no pointer to follow). */
static void
prefetch_arrive (const CsEvent *next, guint stage, gpointer user_data)
{
  CsWorld *world = user_data;
  if (stage != 0 || next->dst >= world->n_nodes)
    return;
  __builtin_prefetch (&world->down[next->dst]);
  cs_net_prefetch_arrive (world->net, next->src, next->dst);
}

static void
msg_destroy (gpointer data)
{
  cs_msg_unref (data);
}

CsWorld *
cs_world_new (CsNet *net, const CsProtocolClass *klass, gpointer shared, guint64 seed,
              CsProbeFunc probe, gpointer probe_data)
{
  CsWorld *world = cs_world_new_on_engine (cs_engine_new (), net, klass, shared, seed, probe,
                                           probe_data);
  world->owns_engine = TRUE;
  return world;
}

CsWorld *
cs_world_new_on_engine (CsEngine *engine, CsNet *net, const CsProtocolClass *klass,
                        gpointer shared, guint64 seed, CsProbeFunc probe, gpointer probe_data)
{
  CsWorld *world = g_new0 (CsWorld, 1);
  world->engine = engine;
  world->net = net;
  world->klass = klass;
  world->shared = shared;
  world->n_nodes = cs_net_n_nodes (net);
  world->states = g_malloc0 ((gsize) world->n_nodes * MAX (klass->state_size, 1));
  world->node_rng = g_new (gsl_rng *, world->n_nodes);
  world->net_rng = g_new (gsl_rng *, world->n_nodes);
  for (guint i = 0; i < world->n_nodes; i++)
    {
      world->node_rng[i] = cs_rng_new (seed, cs_stream_id (CS_STREAM_NODE, i));
      world->net_rng[i] = cs_rng_new (seed, cs_stream_id (CS_STREAM_NET, i));
    }
  world->probe = probe;
  world->probe_data = probe_data;
  world->kind_arrive = cs_engine_register (world->engine, on_arrive, msg_destroy, world);
  world->kind_deliver = cs_engine_register (world->engine, on_deliver, msg_destroy, world);
  world->kind_timer = cs_engine_register (world->engine, on_timer, NULL, world);
  world->kind_inject = cs_engine_register (world->engine, on_inject, NULL, world);
  cs_engine_set_prefetch (world->engine, world->kind_arrive, prefetch_arrive);
  cs_engine_set_prefetch (world->engine, world->kind_deliver, prefetch_node);
  cs_engine_set_prefetch (world->engine, world->kind_timer, prefetch_node);
  world->epoch = g_new0 (guint32, world->n_nodes);
  world->down = g_new0 (guint8, world->n_nodes);
  world->disk_lost = g_new0 (guint8, world->n_nodes);
  world->slot_epoch = g_array_new (FALSE, TRUE, sizeof (guint32));
  world->attached = g_ptr_array_new ();
  return world;
}

void
cs_world_free (CsWorld *world)
{
  if (!world)
    return;
  /* Pending deliveries drop their message references here (a shared engine: when its owner
   * frees it; their destroy function needs no world). */
  if (world->owns_engine)
    cs_engine_free (world->engine);
  /* Attached objects (fault runners, further worlds and their networks), last first. */
  for (guint i = world->attached->len; i > 0; i -= 2)
    ((GDestroyNotify) world->attached->pdata[i - 1]) (world->attached->pdata[i - 2]);
  g_ptr_array_unref (world->attached);
  for (guint i = 0; i < world->n_nodes; i++)
    {
      if (world->klass->clear)
        world->klass->clear (state_of (world, i));
      gsl_rng_free (world->node_rng[i]);
      gsl_rng_free (world->net_rng[i]);
    }
  g_free (world->node_rng);
  g_free (world->net_rng);
  g_free (world->states);
  g_free (world->epoch);
  g_free (world->down);
  g_free (world->disk_lost);
  g_array_unref (world->slot_epoch);
  g_free (world);
}

void
cs_world_start (CsWorld *world)
{
  if (!world->klass->start)
    return;
  for (guint32 i = 0; i < world->n_nodes; i++)
    {
      if (world->down[i])
        continue; /* started when it recovers */
      CsNodeCtx ctx = make_ctx (world, i);
      world->klass->start (&ctx, state_of (world, i));
    }
}

void
cs_world_inject_timer (CsWorld *world, guint32 node, CsTime at, guint16 kind, gpointer arg)
{
  g_return_if_fail (node < world->n_nodes);
  cs_engine_timer_start (world->engine, at, node, world->kind_inject, kind, arg);
}

void
cs_world_crash (CsWorld *world, guint32 node, gboolean disk_lost)
{
  g_return_if_fail (node < world->n_nodes);
  if (world->down[node])
    {
      world->disk_lost[node] |= disk_lost ? 1 : 0;
      return;
    }
  world->down[node] = 1;
  world->disk_lost[node] = disk_lost ? 1 : 0;
  world->epoch[node]++;
  world->traffic.crashes++;
  cs_net_set_node_up (world->net, node, FALSE);
  gpointer state = state_of (world, node);
  if (world->klass->clear)
    world->klass->clear (state);
  memset (state, 0, world->klass->state_size);
  if (world->lifecycle)
    world->lifecycle (node, cs_engine_now (world->engine), FALSE, disk_lost,
                      world->lifecycle_data);
}

void
cs_world_recover (CsWorld *world, guint32 node)
{
  g_return_if_fail (node < world->n_nodes);
  if (!world->down[node])
    return;
  gboolean disk_lost = world->disk_lost[node] != 0;
  world->down[node] = 0;
  world->disk_lost[node] = 0;
  world->traffic.recoveries++;
  cs_net_set_node_up (world->net, node, TRUE);
  if (world->lifecycle)
    world->lifecycle (node, cs_engine_now (world->engine), TRUE, disk_lost,
                      world->lifecycle_data);
  CsNodeCtx ctx = make_ctx (world, node);
  if (world->klass->recover)
    world->klass->recover (&ctx, state_of (world, node), disk_lost);
  else if (world->klass->start)
    world->klass->start (&ctx, state_of (world, node));
}

gboolean
cs_world_node_is_up (const CsWorld *world, guint32 node)
{
  g_return_val_if_fail (node < world->n_nodes, FALSE);
  return !world->down[node];
}

gpointer
cs_world_node_state (CsWorld *world, guint32 node)
{
  g_return_val_if_fail (node < world->n_nodes, NULL);
  return state_of (world, node);
}

void
cs_world_set_lifecycle (CsWorld *world, CsLifecycleFunc func, gpointer user_data)
{
  world->lifecycle = func;
  world->lifecycle_data = user_data;
}

void
cs_world_attach (CsWorld *world, gpointer data, GDestroyNotify destroy)
{
  g_ptr_array_add (world->attached, data);
  g_ptr_array_add (world->attached, destroy);
}

CsEngine *
cs_world_engine (CsWorld *world)
{
  return world->engine;
}

CsNet *
cs_world_net (CsWorld *world)
{
  return world->net;
}

void
cs_world_traffic (const CsWorld *world, CsWorldTraffic *out)
{
  *out = world->traffic;
}
