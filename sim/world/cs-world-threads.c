/* cs-world-threads.c: running a world's nodes on several threads with the same results as on one
 * (cs_world_set_threads, cs_world_run in cs-world.h).
 *
 * Conservative windows. Every node belongs to one shard, and each shard has its own engine and
 * thread. No message reaches another node sooner than the lookahead L after it is sent (the
 * network's least latency). So if the earliest pending event of all shards is at t0, every event
 * before t0 + L depends only on events before it in its own shard: the shards run their events
 * before t0 + L side by side, the messages they made for other shards are handed over, and the
 * next window starts. A node sees exactly the events it would see on one thread, in the same
 * order (time, src, seq): each source numbers its own events (cs_engine_prepare), and the second
 * stage of a transfer keeps its first stage's number (cs_engine_forward).
 *
 * What the nodes measure goes to the probe between windows, merged in the order one thread
 * would have made it (CsEmission), so every output is byte-identical whatever the thread count.
 *
 * The protocol must keep its nodes to themselves, apart from what its pinned nodes (all in
 * shard 0) write: Nakamoto's miners number the blocks they create in the shared chain log.
 * Faults, workloads and event budgets are not supported on threads (cs_run keeps one thread).
 *
 * A message for another shard's node that the protocol can take in early (cs-world.c) is offered
 * to it when that shard takes the message in, at the start of the next window: the receiver has
 * then run no event at or after the message's time.
 *
 * Cost per window: two barriers (a few hundred ns when both threads are ready) and the handover
 * of the messages between shards, 40 bytes each. */
#include "config.h"

#include <string.h>

#include "world/cs-world-private.h"

static void
msg_unref_event (const CsEvent *ev)
{
  if (ev->data != NULL)
    cs_msg_unref (ev->data);
}

void
cs__world_free_shards (CsWorld *world)
{
  for (guint i = 0; i < world->n_shards; i++)
    {
      CsWorldShard *sh = world->shards[i];
      if (i > 0)
        cs_engine_free (sh->engine);
      g_array_unref (sh->slot_epoch);
      for (guint p = 0; p < 2; p++)
        {
          if (sh->outbox[p])
            {
              for (guint j = 0; j < world->n_shards; j++)
                {
                  for (guint k = 0; k < sh->outbox[p][j]->len; k++)
                    msg_unref_event (&g_array_index (sh->outbox[p][j], CsEvent, k));
                  g_array_unref (sh->outbox[p][j]);
                }
              g_free (sh->outbox[p]);
              g_free (sh->outbox_min[p]);
            }
          if (sh->emits[p])
            g_array_unref (sh->emits[p]);
        }
      g_free (sh);
    }
  g_free (world->shards);
  g_free (world->shard_of);
}

gboolean
cs_world_set_threads (CsWorld *world, guint n_threads, CsTime lookahead,
                      gboolean (*pinned) (gpointer shared, guint32 node))
{
  g_return_val_if_fail (world != NULL && world->n_shards == 1, FALSE);
  g_return_val_if_fail (n_threads >= 1 && n_threads <= 64, FALSE);
  if (n_threads == 1 || lookahead <= 0 || !world->owns_engine
      || cs_engine_pending (world->engine) > 0 || cs_engine_now (world->engine) > 0)
    return FALSE;

  world->shards = g_renew (CsWorldShard *, world->shards, n_threads);
  for (guint i = 1; i < n_threads; i++)
    world->shards[i] = g_new0 (CsWorldShard, 1);
  world->n_shards = n_threads;
  world->lookahead = lookahead;
  for (guint i = 0; i < n_threads; i++)
    {
      CsWorldShard *sh = world->shards[i];
      sh->world = world;
      sh->index = i;
      if (i > 0)
        {
          guint16 arrive = world->kind_arrive, timer = world->kind_timer;
          sh->engine = cs_engine_new ();
          sh->slot_epoch = g_array_new (FALSE, TRUE, sizeof (guint32));
          cs__world_register_kinds (sh);
          /* The events handed over carry their kind: it must mean the same on every engine (a
           * world that owns its engine registered its kinds first, as here). */
          g_assert (world->kind_arrive == arrive && world->kind_timer == timer);
        }
      for (guint p = 0; p < 2; p++)
        {
          sh->outbox[p] = g_new (GArray *, n_threads);
          sh->outbox_min[p] = g_new (CsTime, n_threads);
          for (guint j = 0; j < n_threads; j++)
            {
              sh->outbox[p][j] = g_array_new (FALSE, FALSE, sizeof (CsEvent));
              sh->outbox_min[p][j] = CS_TIME_NEVER;
            }
          sh->emits[p] = g_array_new (FALSE, FALSE, sizeof (CsEmission));
        }
    }
  /* Pinned nodes in shard 0, the others dealt round, so that the shards get about as many. */
  world->shard_of = g_new (guint8, world->n_nodes);
  guint next = 0;
  for (guint32 v = 0; v < world->n_nodes; v++)
    {
      if (pinned != NULL && pinned (world->shared, v))
        world->shard_of[v] = 0;
      else
        {
          world->shard_of[v] = (guint8) next;
          next = (next + 1) % n_threads;
        }
    }
  cs_net_set_concurrent (world->net, TRUE);
  return TRUE;
}

guint
cs_world_threads (const CsWorld *world)
{
  return world->n_shards;
}

guint64
cs_world_events_processed (const CsWorld *world)
{
  guint64 n = 0;
  for (guint i = 0; i < world->n_shards; i++)
    n += cs_engine_events_processed (world->shards[i]->engine) + world->shards[i]->elided;
  return n;
}

guint64
cs_world_deliveries_absorbed (const CsWorld *world)
{
  guint64 n = 0;
  for (guint i = 0; i < world->n_shards; i++)
    n += world->shards[i]->elided;
  return n;
}

/* ---- windows ----
 *
 * One barrier per window. Window k writes the outboxes, emits and next times of parity k % 2;
 * after the barrier, window k + 1 starts by reading those of parity k % 2 (every thread computes
 * the same start from them), each thread taking in its own events and thread 0 flushing the
 * measurements, while the threads write parity (k + 1) % 2. A thread can only get to write
 * parity k % 2 again after the next barrier, when everyone is done reading it. */

/* A reusable barrier for the team's threads: spins (windows are short), then yields. */
typedef struct
{
  guint n;
  gint arrived;      /* atomic */
  gint generation;   /* atomic */
} Barrier;

static void
barrier_wait (Barrier *b)
{
  gint gen = g_atomic_int_get (&b->generation);
  if ((guint) g_atomic_int_add (&b->arrived, 1) + 1 == b->n)
    {
      g_atomic_int_set (&b->arrived, 0);
      g_atomic_int_inc (&b->generation);
      return;
    }
  for (guint spins = 0; g_atomic_int_get (&b->generation) == gen; spins++)
    if (spins > 2000)
      g_thread_yield ();
}

typedef struct
{
  CsWorld *world;
  CsTime until;
  Barrier barrier;
} Team;

typedef struct
{
  Team *team;
  guint index;
} Member;

/* Whether emission @a comes before @b in one-thread order. */
static inline gboolean
emission_before (const CsEmission *a, const CsEmission *b)
{
  if (cs_node_order_before (&a->order, &b->order))
    return TRUE;
  if (cs_node_order_before (&b->order, &a->order))
    return FALSE;
  return a->idx < b->idx;
}

/* Hands the probe the measurements of parity @p, in one-thread order, and forgets them. */
static void
flush_emissions (CsWorld *world, guint p)
{
  guint n = world->n_shards;
  guint pos[64] = { 0 };
  for (;;)
    {
      const CsEmission *best = NULL;
      guint from = 0;
      for (guint i = 0; i < n; i++)
        {
          GArray *a = world->shards[i]->emits[p];
          if (pos[i] >= a->len)
            continue;
          const CsEmission *e = &g_array_index (a, CsEmission, pos[i]);
          if (best == NULL || emission_before (e, best))
            {
              best = e;
              from = i;
            }
        }
      if (best == NULL)
        break;
      if (world->probe)
        world->probe (best->node, best->order.time, best->metric, best->key, best->value,
                      world->probe_data);
      pos[from]++;
    }
  for (guint i = 0; i < n; i++)
    g_array_set_size (world->shards[i]->emits[p], 0);
}

/* Moves the events of parity @p that the shards made for shard @i into its engine. */
static void
take_handover (CsWorld *world, guint i, guint p)
{
  CsEngine *engine = world->shards[i]->engine;
  for (guint j = 0; j < world->n_shards; j++)
    {
      GArray *box = world->shards[j]->outbox[p][i];
      const CsEvent *evs = (const CsEvent *) (gpointer) box->data;
      for (guint k = 0; k < box->len; k++)
        {
          const CsEvent *ev = &evs[k];
          if (world->elision)
            cs__world_prefetch_absorb (world, evs, box->len, k);
          /* The receiver is this thread's, and no later than the event's time. */
          if (cs__world_absorbs (world, ev->kind, ev->src, ev->dst, ev->data, ev->time, ev->seq))
            {
              cs__world_note_elided (world->shards[i], ev->time);
              cs_msg_unref (ev->data);
            }
          else
            cs_engine_push_event (engine, ev);
        }
      g_array_set_size (box, 0);
    }
}

/* The earliest event of all shards once the events of parity @p are handed over. */
static CsTime
window_start (CsWorld *world, guint p)
{
  CsTime t0 = CS_TIME_NEVER;
  for (guint i = 0; i < world->n_shards; i++)
    {
      const CsWorldShard *sh = world->shards[i];
      t0 = MIN (t0, sh->next[p]);
      for (guint j = 0; j < world->n_shards; j++)
        t0 = MIN (t0, sh->outbox_min[p][j]);
    }
  return t0;
}

static gpointer
member_run (gpointer data)
{
  Member *m = data;
  Team *team = m->team;
  CsWorld *world = team->world;
  CsWorldShard *sh = world->shards[m->index];
  CsTime lookahead = world->lookahead;
  for (guint k = 1;; k++)
    {
      guint p = k & 1, prev = p ^ 1;
      CsTime t0 = window_start (world, prev); /* every member computes the same */
      if (t0 == CS_TIME_NEVER || t0 > team->until)
        break;
      CsTime end = t0 > team->until - lookahead ? team->until + 1 : t0 + lookahead;
      take_handover (world, m->index, prev);
      if (m->index == 0)
        flush_emissions (world, prev);
      /* This parity was read by everyone before the last barrier. */
      for (guint j = 0; j < world->n_shards; j++)
        sh->outbox_min[p][j] = CS_TIME_NEVER;
      sh->parity = p;
      cs_engine_run_before (sh->engine, end);
      sh->next[p] = cs_engine_next_time (sh->engine);
      barrier_wait (&team->barrier);
    }
  return NULL;
}

CsStopReason
cs_world_run (CsWorld *world, CsTime until, guint64 max_events)
{
  g_return_val_if_fail (world != NULL, CS_STOP_EMPTY);
  g_return_val_if_fail (!world->elision || (max_events == 0 && until == world->horizon),
                        CS_STOP_EMPTY);
  if (world->n_shards == 1)
    {
      CsStopReason reason = cs_engine_run (world->engine, until, max_events);
      const CsWorldShard *sh = world->shards[0];
      /* As the engine would have stopped with the elided deliveries queued. */
      if (reason == CS_STOP_EMPTY && (sh->elided_after || sh->elided_last > cs_engine_now (world->engine)))
        {
          cs_engine_set_now (world->engine, sh->elided_after ? until : sh->elided_last);
          if (sh->elided_after)
            reason = CS_STOP_TIME;
        }
      return reason;
    }
  g_return_val_if_fail (max_events == 0, CS_STOP_EMPTY);
  g_return_val_if_fail (until < CS_TIME_NEVER, CS_STOP_EMPTY);

  guint n = world->n_shards;
  Team team = { .world = world, .until = until, .barrier = { .n = n } };
  g_autofree Member *members = g_new (Member, n);
  g_autofree GThread **threads = g_new0 (GThread *, n);

  /* What the nodes sent while starting went to parity 0, which window 1 reads. */
  for (guint i = 0; i < n; i++)
    world->shards[i]->next[0] = cs_engine_next_time (world->shards[i]->engine);

  world->buffering = TRUE;
  for (guint i = 0; i < n; i++)
    {
      members[i] = (Member) { &team, i };
      if (i > 0)
        threads[i] = g_thread_new ("cs-world", member_run, &members[i]);
    }
  member_run (&members[0]);
  for (guint i = 1; i < n; i++)
    g_thread_join (threads[i]);
  world->buffering = FALSE;
  /* The last window's messages (all past @until) and measurements. */
  for (guint p = 0; p < 2; p++)
    {
      for (guint i = 0; i < n; i++)
        take_handover (world, i, p);
      flush_emissions (world, p);
    }

  /* As one engine would stop: at @until if any event is left, else at the last event. */
  CsTime last = 0;
  gboolean left = FALSE;
  for (guint i = 0; i < n; i++)
    {
      const CsWorldShard *sh = world->shards[i];
      last = MAX (last, MAX (cs_engine_now (sh->engine), sh->elided_last));
      left = left || cs_engine_next_time (sh->engine) != CS_TIME_NEVER || sh->elided_after;
    }
  CsTime now = left ? MAX (until, last) : last;
  for (guint i = 0; i < n; i++)
    if (cs_engine_now (world->shards[i]->engine) < now)
      cs_engine_set_now (world->shards[i]->engine, now);
  return left ? CS_STOP_TIME : CS_STOP_EMPTY;
}
