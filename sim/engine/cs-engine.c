/* cs-engine.c: the discrete-event engine (see cs-engine.h): simulated time, the future event set
 * (cs-event-heap), per-source sequence numbers, cancellable timers and the run loop.
 *
 * Timers. A timer owns a slot of engine->timers from cs_engine_timer_start() until its event is
 * popped, whether it then fires or was cancelled; only then is the slot freed and its generation
 * bumped. So a slot has at most one event in the heap, and the event's `timer` field (slot + 1)
 * is enough to find its state. A CsTimerId is (generation << 32) | (slot + 1): cancelling an id
 * whose generation is not the slot's current one (the timer fired, or was cancelled and popped,
 * and the slot was reused) is refused, so a stale id can never kill a newer timer. A slot whose
 * generation would wrap around is retired (never reused) instead. Start and cancel are O(1);
 * a cancelled timer costs its heap entry until its time comes. */
#define G_LOG_DOMAIN "cs-engine"

#include "config.h"

#include "engine/cs-engine.h"
#include "engine/cs-event-heap.h"

/* What a registered kind does. */
typedef struct
{
  CsEventHandler handler;   /* called when an event of this kind fires */
  GDestroyNotify destroy;   /* frees the data of events that never fire; may be NULL */
  gpointer user_data;       /* passed to handler */
  CsEventPrefetch prefetch; /* speed hint for the next event of this kind, or NULL */
} CsKind;

/* State of a timer slot. */
typedef enum
{
  CS_SLOT_FREE,       /* on the free list, no event in the heap */
  CS_SLOT_PENDING,    /* its event is in the heap and will fire */
  CS_SLOT_CANCELLED,  /* its event is in the heap and will be skipped */
} CsSlotState;

/* One timer slot. */
typedef struct
{
  guint32 generation;  /* bumped each time the slot is freed; the high half of the timer id */
  guint32 next_free;   /* index of the next free slot when FREE (CS_NO_SLOT ends the list) */
  guint8 state;        /* a CsSlotState */
} CsTimerSlot;

#define CS_NO_SLOT G_MAXUINT32

struct _CsEngine
{
  CsTime now;                  /* current simulated time */
  CsEventHeap heap;            /* pending events */
  GArray *seqs;                /* guint64 per src: the next sequence number (grown on demand) */
  guint64 system_seq;          /* the next sequence number of CS_SRC_SYSTEM */
  GArray *kinds;               /* CsKind, indexed by kind */
  GArray *timers;              /* CsTimerSlot, indexed by slot */
  guint32 free_slot;           /* head of the free slot list (CS_NO_SLOT: none) */
  guint64 processed;           /* events fired since creation (skipped timers excluded) */
  gboolean running;            /* inside cs_engine_run() */
  gboolean stop_requested;     /* cs_engine_stop() was called during this run */
  guint64 progress_every;      /* call progress_func every this many events (0: never) */
  CsProgressFunc progress_func;  /* progress callback, or NULL */
  gpointer progress_data;      /* user data of progress_func */
  const CsEvent *current;      /* the event whose handler runs, or NULL */
};

CsEngine *
cs_engine_new (void)
{
  CsEngine *engine = g_new0 (CsEngine, 1);

  cs_event_heap_init (&engine->heap, 1024);
  engine->seqs = g_array_new (FALSE, TRUE, sizeof (guint64));
  engine->kinds = g_array_new (FALSE, TRUE, sizeof (CsKind));
  engine->timers = g_array_new (FALSE, TRUE, sizeof (CsTimerSlot));
  engine->free_slot = CS_NO_SLOT;
  return engine;
}

/* Destroys the data of an event that will never fire. */
static void
destroy_event_data (CsEngine *engine, const CsEvent *ev)
{
  const CsKind *k = &g_array_index (engine->kinds, CsKind, ev->kind);

  if (k->destroy != NULL && ev->data != NULL)
    k->destroy (ev->data);
}

void
cs_engine_free (CsEngine *engine)
{
  if (engine == NULL)
    return;
  g_return_if_fail (!engine->running);

  /* Array order: deterministic (it depends only on the sequence of pushes and pops). */
  for (gsize i = 0; i < cs_event_heap_len (&engine->heap); i++)
    destroy_event_data (engine, cs_event_heap_nth (&engine->heap, i));
  cs_event_heap_clear (&engine->heap);
  g_array_free (engine->seqs, TRUE);
  g_array_free (engine->kinds, TRUE);
  g_array_free (engine->timers, TRUE);
  g_free (engine);
}

guint16
cs_engine_register (CsEngine *engine, CsEventHandler handler, GDestroyNotify destroy,
                    gpointer user_data)
{
  CsKind k = { handler, destroy, user_data, NULL };

  g_return_val_if_fail (engine != NULL, 0);
  g_return_val_if_fail (handler != NULL, 0);
  g_return_val_if_fail (engine->kinds->len <= G_MAXUINT16, 0);

  g_array_append_val (engine->kinds, k);
  return (guint16) (engine->kinds->len - 1);
}

/* The next sequence number of @src (post-incremented). */
static inline guint64
next_seq (CsEngine *engine, guint32 src)
{
  if (G_UNLIKELY (src == CS_SRC_SYSTEM))
    return engine->system_seq++;
  if (G_UNLIKELY (src >= engine->seqs->len))
    {
      /* Grow geometrically so a run of new sources costs amortised O(1). */
      guint64 len = MAX ((guint64) src + 1, MIN (2 * (guint64) engine->seqs->len, CS_SRC_SYSTEM));
      g_array_set_size (engine->seqs, (guint) len);
    }
  return g_array_index (engine->seqs, guint64, src)++;
}

/* Pushes one event; the checks are the callers'. */
static inline void
push_event (CsEngine *engine, CsTime at, guint32 src, guint32 dst, guint16 kind, guint16 aux,
            guint32 timer, gpointer data)
{
  CsEvent ev;

  ev.time = at;
  ev.seq = next_seq (engine, src);
  ev.src = src;
  ev.dst = dst;
  ev.timer = timer;
  ev.kind = kind;
  ev.aux = aux;
  ev.data = data;
  cs_event_heap_push (&engine->heap, &ev);
}

void
cs_engine_forward (CsEngine *engine, const CsEvent *ev, CsTime at, guint16 kind)
{
  g_return_if_fail (engine != NULL && ev != NULL);
  g_return_if_fail (at >= engine->now);
  g_return_if_fail (kind < engine->kinds->len);
  g_return_if_fail (ev->timer == 0);

  CsEvent next = *ev;
  next.time = at;
  next.kind = kind;
  cs_event_heap_push (&engine->heap, &next);
}

void
cs_engine_prepare (CsEngine *engine, CsTime at, guint32 src, guint32 dst, guint16 kind,
                   guint16 aux, gpointer data, CsEvent *out)
{
  g_return_if_fail (engine != NULL && out != NULL);
  g_return_if_fail (at >= engine->now);
  g_return_if_fail (kind < engine->kinds->len);

  out->time = at;
  out->seq = next_seq (engine, src);
  out->src = src;
  out->dst = dst;
  out->timer = 0;
  out->kind = kind;
  out->aux = aux;
  out->data = data;
}

guint64
cs_engine_take_seq (CsEngine *engine, guint32 src)
{
  g_return_val_if_fail (engine != NULL, 0);
  return next_seq (engine, src);
}

void
cs_engine_push_event (CsEngine *engine, const CsEvent *ev)
{
  g_return_if_fail (engine != NULL && ev != NULL);
  g_return_if_fail (ev->time >= engine->now);
  g_return_if_fail (ev->kind < engine->kinds->len && ev->timer == 0);

  cs_event_heap_push (&engine->heap, ev);
}

const CsEvent *
cs_engine_current (const CsEngine *engine)
{
  return engine->current;
}

CsTime
cs_engine_next_time (const CsEngine *engine)
{
  const CsEvent *top = cs_event_heap_peek (&engine->heap);
  return top != NULL ? top->time : CS_TIME_NEVER;
}

void
cs_engine_set_now (CsEngine *engine, CsTime now)
{
  g_return_if_fail (engine != NULL && now >= engine->now);
  engine->now = now;
}

void
cs_engine_schedule (CsEngine *engine, CsTime at, guint32 src, guint32 dst, guint16 kind,
                    guint16 aux, gpointer data)
{
  g_return_if_fail (engine != NULL);
  g_return_if_fail (at >= engine->now);
  g_return_if_fail (kind < engine->kinds->len);

  push_event (engine, at, src, dst, kind, aux, 0, data);
}

CsTimerId
cs_engine_timer_start (CsEngine *engine, CsTime at, guint32 node, guint16 kind, guint16 aux,
                       gpointer data)
{
  guint32 slot;
  CsTimerSlot *s;

  g_return_val_if_fail (engine != NULL, 0);
  g_return_val_if_fail (at >= engine->now, 0);
  g_return_val_if_fail (kind < engine->kinds->len, 0);

  if (engine->free_slot != CS_NO_SLOT)
    {
      slot = engine->free_slot;
      s = &g_array_index (engine->timers, CsTimerSlot, slot);
      engine->free_slot = s->next_free;
    }
  else
    {
      /* slot + 1 must fit the event's guint32 and never be 0. */
      g_return_val_if_fail (engine->timers->len < G_MAXUINT32 - 1, 0);
      slot = engine->timers->len;
      g_array_set_size (engine->timers, slot + 1);
      s = &g_array_index (engine->timers, CsTimerSlot, slot);
      s->generation = 1;
    }
  s->state = CS_SLOT_PENDING;
  s->next_free = CS_NO_SLOT;
  push_event (engine, at, node, node, kind, aux, slot + 1, data);
  return ((guint64) s->generation << 32) | (guint64) (slot + 1);
}

gboolean
cs_engine_timer_cancel (CsEngine *engine, CsTimerId timer)
{
  guint32 slot1 = (guint32) (timer & G_MAXUINT32);
  guint32 generation = (guint32) (timer >> 32);
  CsTimerSlot *s;

  g_return_val_if_fail (engine != NULL, FALSE);

  if (slot1 == 0 || slot1 > engine->timers->len)
    return FALSE;
  s = &g_array_index (engine->timers, CsTimerSlot, slot1 - 1);
  if (s->generation != generation || s->state != CS_SLOT_PENDING)
    return FALSE;
  s->state = CS_SLOT_CANCELLED;
  return TRUE;
}

/* Frees the slot of a popped timer event; returns TRUE when the timer is to fire. */
static gboolean
release_timer_slot (CsEngine *engine, guint32 slot1)
{
  guint32 slot = slot1 - 1;
  CsTimerSlot *s = &g_array_index (engine->timers, CsTimerSlot, slot);
  gboolean fire = s->state == CS_SLOT_PENDING;

  g_assert (s->state != CS_SLOT_FREE);
  s->state = CS_SLOT_FREE;
  if (s->generation == G_MAXUINT32)
    return fire;  /* retired: its ids could otherwise repeat */
  s->generation++;
  s->next_free = engine->free_slot;
  engine->free_slot = slot;
  return fire;
}

CsTime
cs_engine_now (const CsEngine *engine)
{
  g_return_val_if_fail (engine != NULL, 0);
  return engine->now;
}

guint64
cs_engine_events_processed (const CsEngine *engine)
{
  g_return_val_if_fail (engine != NULL, 0);
  return engine->processed;
}

gsize
cs_engine_pending (const CsEngine *engine)
{
  g_return_val_if_fail (engine != NULL, 0);
  return cs_event_heap_len (&engine->heap);
}

/* The reasons are checked in this order before each event: a stop request, the event budget,
 * an empty heap, the end time. Cancelled timers popped on the way are neither counted nor passed
 * to a handler, and do not move the clock. With @window, the loop runs the events before
 * @until + 1 and leaves now where the last one put it. */
static CsStopReason
run_loop (CsEngine *engine, CsTime until, guint64 max_events, gboolean window)
{
  guint64 fired = 0;
  CsStopReason reason;

  engine->running = TRUE;
  engine->stop_requested = FALSE;
  for (;;)
    {
      const CsEvent *top;
      const CsKind *k;
      CsEvent ev;

      if (engine->stop_requested)
        {
          reason = CS_STOP_REQUESTED;
          break;
        }
      if (max_events != 0 && fired >= max_events)
        {
          reason = CS_STOP_EVENTS;
          break;
        }
      top = cs_event_heap_peek (&engine->heap);
      if (top == NULL)
        {
          reason = CS_STOP_EMPTY;
          break;
        }
      if (top->time > until)
        {
          if (until > engine->now && !window)
            engine->now = until;
          reason = CS_STOP_TIME;
          break;
        }

      cs_event_heap_pop (&engine->heap, &ev);
      if (ev.timer != 0 && !release_timer_slot (engine, ev.timer))
        {
          destroy_event_data (engine, &ev);
          continue;
        }
      engine->now = ev.time;
      /* Let the next two events' kinds start loading what they will touch (no effect on
       * results): the one after next is the least child of the new minimum, unless the handler
       * pushes an earlier one. */
      top = cs_event_heap_peek (&engine->heap);
      if (top != NULL)
        {
          gsize n = cs_event_heap_len (&engine->heap);
          const CsEvent *after = NULL;
          for (gsize c = 1; c <= CS_EVENT_HEAP_ARITY && c < n; c++)
            {
              const CsEvent *e = cs_event_heap_nth (&engine->heap, c);
              if (after == NULL || cs_event_before (e, after))
                after = e;
            }
          if (after != NULL)
            {
              const CsKind *ak = &g_array_index (engine->kinds, CsKind, after->kind);
              if (ak->prefetch != NULL)
                ak->prefetch (after, 0, ak->user_data);
            }
          const CsKind *nk = &g_array_index (engine->kinds, CsKind, top->kind);
          if (nk->prefetch != NULL)
            nk->prefetch (top, 1, nk->user_data);
        }
      k = &g_array_index (engine->kinds, CsKind, ev.kind);
      engine->current = &ev;
      k->handler (engine, &ev, k->user_data);
      engine->current = NULL;
      fired++;
      engine->processed++;
      if (engine->progress_func != NULL && engine->processed % engine->progress_every == 0)
        engine->progress_func (engine, engine->progress_data);
    }
  engine->running = FALSE;
  engine->stop_requested = FALSE;
  return reason;
}

CsStopReason
cs_engine_run (CsEngine *engine, CsTime until, guint64 max_events)
{
  g_return_val_if_fail (engine != NULL, CS_STOP_EMPTY);
  g_return_val_if_fail (!engine->running, CS_STOP_REQUESTED);
  return run_loop (engine, until, max_events, FALSE);
}

void
cs_engine_run_before (CsEngine *engine, CsTime end)
{
  g_return_if_fail (engine != NULL);
  g_return_if_fail (!engine->running);
  if (end > 0)
    run_loop (engine, end - 1, 0, TRUE);
}

void
cs_engine_stop (CsEngine *engine)
{
  g_return_if_fail (engine != NULL);
  engine->stop_requested = TRUE;
}

void
cs_engine_set_prefetch (CsEngine *engine, guint16 kind, CsEventPrefetch prefetch)
{
  g_return_if_fail (engine != NULL);
  g_return_if_fail (kind < engine->kinds->len);
  g_array_index (engine->kinds, CsKind, kind).prefetch = prefetch;
}

void
cs_engine_set_progress (CsEngine *engine, guint64 every_events, CsProgressFunc func,
                        gpointer user_data)
{
  g_return_if_fail (engine != NULL);

  if (every_events == 0)
    func = NULL;
  engine->progress_every = every_events;
  engine->progress_func = func;
  engine->progress_data = user_data;
}
