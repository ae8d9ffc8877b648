/* cs-world.c: the world of cs-world.h. A node context is built on the stack for each event (four
 * words), so per-node memory is the protocol state plus two random streams. Deliveries carry a
 * reference to the shared message; the network model decides the arrival time. */
#include "world/cs-world.h"

#include "engine/cs-rng.h"

struct _CsWorld
{
  CsEngine *engine;            /* owned */
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
  CsWorldTraffic traffic;
};

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
  CsTime first = cs_net_transfer_send (world->net, now, ctx->id, peer, msg->size,
                                      world->net_rng[ctx->id]);
  if (first == CS_TIME_NEVER)
    {
      world->traffic.messages_lost++;
      return;
    }
  /* With bandwidth, the receiver's downlink is taken when the first byte arrives (an event), so
   * in arrival order; without, the first byte is the whole message. */
  guint16 kind = cs_net_has_bandwidth (world->net) ? world->kind_arrive : world->kind_deliver;
  cs_engine_schedule (world->engine, first, ctx->id, peer, kind, 0, cs_msg_ref (msg));
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
  return cs_engine_timer_start (world->engine, cs_engine_now (world->engine) + delay, ctx->id,
                                world->kind_timer, kind, arg);
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
  CsTime last = cs_net_transfer_arrive (world->net, ev->time, ev->src, ev->dst, msg->size);
  /* The event's reference to the message moves on to the delivery. */
  cs_engine_schedule (engine, last, ev->src, ev->dst, world->kind_deliver, 0, msg);
}

static void
on_timer (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorld *world = user_data;
  CsNodeCtx ctx = make_ctx (world, ev->dst);
  world->klass->on_timer (&ctx, state_of (world, ev->dst), ev->aux, ev->data);
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
  CsWorld *world = g_new0 (CsWorld, 1);
  world->engine = cs_engine_new ();
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
  return world;
}

void
cs_world_free (CsWorld *world)
{
  if (!world)
    return;
  /* Pending deliveries drop their message references here. */
  cs_engine_free (world->engine);
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
  g_free (world);
}

void
cs_world_start (CsWorld *world)
{
  if (!world->klass->start)
    return;
  for (guint32 i = 0; i < world->n_nodes; i++)
    {
      CsNodeCtx ctx = make_ctx (world, i);
      world->klass->start (&ctx, state_of (world, i));
    }
}

void
cs_world_inject_timer (CsWorld *world, guint32 node, CsTime at, guint16 kind, gpointer arg)
{
  g_return_if_fail (node < world->n_nodes);
  cs_engine_timer_start (world->engine, at, node, world->kind_timer, kind, arg);
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
