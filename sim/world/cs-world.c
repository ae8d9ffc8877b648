/* cs-world.c: the world of cs-world.h. A node context is built on the stack for each event (four
 * words), so per-node memory is the protocol state plus two random streams. Deliveries carry a
 * reference to the shared message; the network model decides the arrival time. The nodes run on
 * one engine, or spread over several shards, one per thread (cs-world-threads.c): a context
 * points at its node's shard, whose engine, traffic counts and timer slots it uses.
 *
 * Crashes. Each node has an epoch, bumped when it crashes. A message carries the low 8 bits of
 * its sender's and its receiver's epochs at sending (in the event's aux field) and is dropped on
 * arrival if either has crashed since: the receiver's memory that expected it is gone, and a
 * transfer from a crashed sender is cut. (Wrapping needs 256 crashes of one node during one
 * transfer.) A protocol timer remembers the epoch of its node by its engine timer slot (the low
 * half of a CsTimerId and the event's `timer` field, cs-engine.h), and is dropped when the node
 * crashed since it was started. Timers injected from outside (workloads) are dropped only when
 * the node is down at that time: a client request reaches a recovered node.
 *
 * Deliveries taken in early (cs_world_set_elision). Most messages of a flood reach nodes that
 * only note them: a Nakamoto node that is already fetching a block only notes that one more
 * peer announced it. When the protocol can tell that from the receiver's state at sending
 * (CsProtocolClass.absorb), the message is noted there with its due order and never queued;
 * the receiver applies the notes due before each of its events first (catch_up). The sender
 * still takes the event's sequence number, so every other event keeps its place; the delivery
 * is counted as fired and delivered if due by the end. On threads, a message for another
 * thread's node is offered when that thread takes it in (cs-world-threads.c). */
#include "world/cs-world-private.h"

#include <string.h>

#include "engine/cs-rng.h"


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

/* The context of @node, which @shard runs. */
static inline CsNodeCtx
make_ctx (CsWorldShard *shard, guint32 node)
{
  CsNodeCtx ctx = {
    .ops = &world_ops, .id = node, .rng = shard->world->node_rng[node],
    .shared = shard->world->shared, .impl = shard,
  };
  return ctx;
}

static inline gpointer
state_of (CsWorld *world, guint32 node)
{
  return world->states + (gsize) node * world->state_stride;
}

static CsTime
ctx_now (CsNodeCtx *ctx)
{
  return cs_engine_now (((CsWorldShard *) ctx->impl)->engine);
}

static void
ctx_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg)
{
  CsWorldShard *shard = ctx->impl;
  CsWorld *world = shard->world;
  g_return_if_fail (peer < world->n_nodes && peer != ctx->id);
  CsTime now = cs_engine_now (shard->engine);
  shard->traffic.messages_sent++;
  shard->traffic.bytes_sent += msg->size;
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
      shard->traffic.messages_lost++;
      return;
    }
  guint16 kind = whole || !cs_net_has_bandwidth (world->net) ? world->kind_deliver
                                                             : world->kind_arrive;
  guint16 aux = epochs_of (world, ctx->id, peer);
  guint target = world->shard_of ? world->shard_of[peer] : 0;
  if (target == shard->index)
    {
      if (world->elision && kind == world->kind_deliver)
        {
          guint64 seq = cs_engine_take_seq (shard->engine, ctx->id);
          if (cs__world_absorbs (world, kind, ctx->id, peer, msg, at, seq))
            cs__world_note_elided (shard, at);
          else
            {
              CsEvent ev = { .time = at, .seq = seq, .src = ctx->id, .dst = peer, .timer = 0,
                             .kind = kind, .aux = aux, .data = cs_msg_ref (msg) };
              cs_engine_push_event (shard->engine, &ev);
            }
          return;
        }
      cs_engine_schedule (shard->engine, at, ctx->id, peer, kind, aux, cs_msg_ref (msg));
    }
  else
    {
      /* Another thread's node: it gets the event when this window ends (it arrives after the
       * lookahead, so after the window). */
      CsEvent ev;
      cs_engine_prepare (shard->engine, at, ctx->id, peer, kind, aux, cs_msg_ref (msg), &ev);
      g_array_append_val (shard->outbox[shard->parity][target], ev);
      CsTime *least = &shard->outbox_min[shard->parity][target];
      *least = MIN (*least, at);
    }
}

/* Sends to several peers, loading ahead what the protocol's absorb will read of the receivers
 * (their state, then through it as CsProtocolClass.prefetch says): at 10,000 nodes and more,
 * each is a cache miss otherwise. Only receivers of this thread: another thread may be
 * writing the others' states (they are offered to absorb when their thread takes them in). */
static void
ctx_send_all (CsNodeCtx *ctx, const guint32 *to, guint n, CsMsg *msg)
{
  CsWorldShard *shard = ctx->impl;
  CsWorld *world = shard->world;
  enum { AHEAD_STATE = 6, AHEAD_INSIDE = 2 };
  gboolean ahead = world->elision && world->klass->prefetch != NULL;
#define CS_OWN(v) (world->shard_of == NULL || world->shard_of[v] == shard->index)
  if (ahead)
    for (guint i = 0; i < MIN (n, AHEAD_STATE); i++)
      if (CS_OWN (to[i]))
        __builtin_prefetch (state_of (world, to[i]));
  for (guint i = 0; i < n; i++)
    {
      if (ahead)
        {
          if (i + AHEAD_STATE < n && CS_OWN (to[i + AHEAD_STATE]))
            __builtin_prefetch (state_of (world, to[i + AHEAD_STATE]));
          if (i + AHEAD_INSIDE < n && CS_OWN (to[i + AHEAD_INSIDE]))
            world->klass->prefetch (state_of (world, to[i + AHEAD_INSIDE]), msg);
        }
      ctx_send (ctx, to[i], msg);
    }
#undef CS_OWN
}

static const guint32 *
ctx_peers (CsNodeCtx *ctx, guint *n)
{
  return cs_net_peers (((CsWorldShard *) ctx->impl)->world->net, ctx->id, n);
}

static CsNodeTimer
ctx_timer_start (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg)
{
  CsWorldShard *shard = ctx->impl;
  CsWorld *world = shard->world;
  g_return_val_if_fail (delay >= 0, 0);
  CsTimerId id = cs_engine_timer_start (shard->engine, cs_engine_now (shard->engine) + delay,
                                        ctx->id, world->kind_timer, kind, arg);
  guint32 slot = (guint32) (id & G_MAXUINT32);
  if (slot == 0)
    return 0;
  if (slot > shard->slot_epoch->len)
    g_array_set_size (shard->slot_epoch, MAX (slot, 2 * shard->slot_epoch->len));
  g_array_index (shard->slot_epoch, guint32, slot - 1) = world->epoch[ctx->id];
  return id;
}

static gboolean
ctx_timer_cancel (CsNodeCtx *ctx, CsNodeTimer timer)
{
  return cs_engine_timer_cancel (((CsWorldShard *) ctx->impl)->engine, timer);
}

static void
ctx_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value)
{
  CsWorldShard *shard = ctx->impl;
  CsWorld *world = shard->world;
  if (!world->probe)
    return;
  CsTime now = cs_engine_now (shard->engine);
  const CsEvent *ev = cs_engine_current (shard->engine);
  if (!world->buffering || ev == NULL)
    {
      world->probe (ctx->id, now, metric, key, value, world->probe_data);
      return;
    }
  CsEmission e = {
    .order = { .time = now, .src = ev->src, .seq = ev->seq }, .idx = 0, .node = ctx->id,
    .metric = metric, .key = key, .value = value,
  };
  GArray *emits = shard->emits[shard->parity];
  if (emits->len > 0)
    {
      const CsEmission *last = &g_array_index (emits, CsEmission, emits->len - 1);
      if (last->order.time == e.order.time && last->order.src == e.order.src
          && last->order.seq == e.order.seq)
        e.idx = last->idx + 1;
    }
  g_array_append_val (emits, e);
}

static const CsNodeCtxOps world_ops = {
  .now = ctx_now,
  .send = ctx_send,
  .peers = ctx_peers,
  .timer_start = ctx_timer_start,
  .timer_cancel = ctx_timer_cancel,
  .emit = ctx_emit,
  .send_all = ctx_send_all,
};

/* Before @ev's handler: the protocol applies the deliveries it took in early that are due
 * before @ev (CsProtocolClass.catch_up). */
static inline void
catch_up (CsWorld *world, const CsEvent *ev)
{
  if (world->elision)
    {
      CsNodeOrder next = { .time = ev->time, .src = ev->src, .seq = ev->seq };
      world->klass->catch_up (world->shared, state_of (world, ev->dst), &next);
    }
}

static void
on_deliver (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorldShard *shard = user_data;
  CsWorld *world = shard->world;
  CsMsg *msg = ev->data;
  if (stale_message (world, ev->src, ev->dst, ev->aux))
    {
      shard->traffic.messages_dropped++;
      cs_msg_unref (msg);
      return;
    }
  CsNodeCtx ctx = make_ctx (shard, ev->dst);
  shard->traffic.messages_delivered++;
  catch_up (world, ev);
  world->klass->on_message (&ctx, state_of (world, ev->dst), ev->src, msg);
  cs_msg_unref (msg);
}

static void
on_arrive (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorldShard *shard = user_data;
  CsWorld *world = shard->world;
  CsMsg *msg = ev->data;
  if (stale_message (world, ev->src, ev->dst, ev->aux))
    {
      shard->traffic.messages_dropped++; /* a crashed receiver's downlink carries nothing */
      cs_msg_unref (msg);
      return;
    }
  CsTime last = cs_net_transfer_arrive (world->net, ev->time, ev->src, ev->dst, msg->size);
  /* The event's reference to the message moves on to the delivery, which keeps the event's
   * (src, seq): no sequence number of the sender is taken on the receiver's side. */
  cs_engine_forward (engine, ev, last, world->kind_deliver);
}

static void
on_timer (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorldShard *shard = user_data;
  CsWorld *world = shard->world;
  if (world->down[ev->dst]
      || g_array_index (shard->slot_epoch, guint32, ev->timer - 1) != world->epoch[ev->dst])
    {
      shard->traffic.timers_dropped++;
      return;
    }
  CsNodeCtx ctx = make_ctx (shard, ev->dst);
  catch_up (world, ev);
  world->klass->on_timer (&ctx, state_of (world, ev->dst), ev->aux, ev->data);
}

static void
on_inject (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsWorldShard *shard = user_data;
  CsWorld *world = shard->world;
  if (world->down[ev->dst])
    {
      shard->traffic.timers_dropped++;
      return;
    }
  CsNodeCtx ctx = make_ctx (shard, ev->dst);
  catch_up (world, ev);
  world->klass->on_timer (&ctx, state_of (world, ev->dst), ev->aux, ev->data);
}

/* Engine prefetch hints (cs_engine_set_prefetch). Deliveries and timers: stage 0, the node's
 * state; stage 1, what the protocol reads through it (CsProtocolClass.prefetch). */
static void
prefetch_node (const CsEvent *next, guint stage, gpointer user_data)
{
  CsWorld *world = ((CsWorldShard *) user_data)->world;
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
  /* A timer (a validation done, a block mined) is where a node announces to its peers. */
  if (next->kind == world->kind_timer)
    cs_net_prefetch_peers (world->net, next->dst, stage);
}

/* First-byte arrivals: the links they reserve (stage 0 only: no pointer to follow). */
static void
prefetch_arrive (const CsEvent *next, guint stage, gpointer user_data)
{
  CsWorld *world = ((CsWorldShard *) user_data)->world;
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
  /* Each state on cache lines of its own (beyond the smallest states): nodes run by different
   * threads never write to the same line. */
  gsize size = MAX (klass->state_size, 1);
  world->state_stride = size >= 32 ? (size + 63) / 64 * 64 : size;
  world->states = g_aligned_alloc0 (world->n_nodes, world->state_stride, 64);
  world->node_rng = g_new (gsl_rng *, world->n_nodes);
  world->net_rng = g_new (gsl_rng *, world->n_nodes);
  for (guint i = 0; i < world->n_nodes; i++)
    {
      world->node_rng[i] = cs_rng_new (seed, cs_stream_id (CS_STREAM_NODE, i));
      world->net_rng[i] = cs_rng_new (seed, cs_stream_id (CS_STREAM_NET, i));
    }
  world->probe = probe;
  world->probe_data = probe_data;
  world->n_shards = 1;
  world->shards = g_new0 (CsWorldShard *, 1);
  world->shards[0] = g_new0 (CsWorldShard, 1);
  world->shards[0]->world = world;
  world->shards[0]->engine = engine;
  world->shards[0]->slot_epoch = g_array_new (FALSE, TRUE, sizeof (guint32));
  cs__world_register_kinds (world->shards[0]);
  world->epoch = g_new0 (guint32, world->n_nodes);
  world->down = g_new0 (guint8, world->n_nodes);
  world->disk_lost = g_new0 (guint8, world->n_nodes);
  world->attached = g_ptr_array_new ();
  return world;
}

void
cs__world_register_kinds (CsWorldShard *shard)
{
  CsWorld *world = shard->world;
  CsEngine *engine = shard->engine;
  world->kind_arrive = cs_engine_register (engine, on_arrive, msg_destroy, shard);
  world->kind_deliver = cs_engine_register (engine, on_deliver, msg_destroy, shard);
  world->kind_timer = cs_engine_register (engine, on_timer, NULL, shard);
  world->kind_inject = cs_engine_register (engine, on_inject, NULL, shard);
  cs_engine_set_prefetch (engine, world->kind_arrive, prefetch_arrive);
  cs_engine_set_prefetch (engine, world->kind_deliver, prefetch_node);
  cs_engine_set_prefetch (engine, world->kind_timer, prefetch_node);
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
  cs__world_free_shards (world);
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
  g_aligned_free (world->states);
  g_free (world->epoch);
  g_free (world->down);
  g_free (world->disk_lost);
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
      CsNodeCtx ctx = make_ctx (cs__world_shard_of (world, i), i);
      world->klass->start (&ctx, state_of (world, i));
    }
}

void
cs_world_inject_timer (CsWorld *world, guint32 node, CsTime at, guint16 kind, gpointer arg)
{
  g_return_if_fail (node < world->n_nodes);
  cs_engine_timer_start (cs__world_shard_of (world, node)->engine, at, node, world->kind_inject,
                         kind, arg);
}

void
cs_world_crash (CsWorld *world, guint32 node, gboolean disk_lost)
{
  g_return_if_fail (node < world->n_nodes);
  g_return_if_fail (!world->elision); /* moot deliveries may stop being moot */
  if (world->down[node])
    {
      world->disk_lost[node] |= disk_lost ? 1 : 0;
      return;
    }
  world->down[node] = 1;
  world->disk_lost[node] = disk_lost ? 1 : 0;
  world->epoch[node]++;
  cs__world_shard_of (world, node)->traffic.crashes++;
  cs_net_set_node_up (world->net, node, FALSE);
  gpointer state = state_of (world, node);
  if (world->klass->clear)
    world->klass->clear (state);
  memset (state, 0, world->klass->state_size);
  if (world->lifecycle)
    world->lifecycle (node, cs_engine_now (cs__world_shard_of (world, node)->engine), FALSE,
                      disk_lost,
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
  cs__world_shard_of (world, node)->traffic.recoveries++;
  cs_net_set_node_up (world->net, node, TRUE);
  if (world->lifecycle)
    world->lifecycle (node, cs_engine_now (cs__world_shard_of (world, node)->engine), TRUE,
                      disk_lost,
                      world->lifecycle_data);
  CsNodeCtx ctx = make_ctx (cs__world_shard_of (world, node), node);
  if (world->klass->recover)
    world->klass->recover (&ctx, state_of (world, node), disk_lost);
  else if (world->klass->start)
    world->klass->start (&ctx, state_of (world, node));
}

gboolean
cs_world_set_elision (CsWorld *world, CsTime until)
{
  g_return_val_if_fail (world != NULL && until >= 0, FALSE);
  if (world->klass->absorb == NULL || world->klass->catch_up == NULL)
    return FALSE;
  world->elision = TRUE;
  world->horizon = until;
  return TRUE;
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
  memset (out, 0, sizeof *out);
  for (guint i = 0; i < world->n_shards; i++)
    {
      const CsWorldTraffic *t = &world->shards[i]->traffic;
      out->messages_sent += t->messages_sent;
      out->bytes_sent += t->bytes_sent;
      out->messages_lost += t->messages_lost;
      out->messages_delivered += t->messages_delivered;
      out->messages_dropped += t->messages_dropped;
      out->timers_dropped += t->timers_dropped;
      out->crashes += t->crashes;
      out->recoveries += t->recoveries;
    }
}
