/* cs-event-heap.h: the future event set, a flat d-ary min-heap of CsEvent records stored by value
 * in one growable array and ordered by (time, src, seq).
 *
 * Complexity (n pending events, d = CS_EVENT_HEAP_ARITY): push is O(log_d n) comparisons and
 * moves, and O(1) on average in the hold model (a new event usually belongs near the bottom);
 * pop is O(d log_d n) comparisons, always (the last element walks down from the root); peek and
 * len are O(1). Growth doubles the array (amortised O(1) per push); the array never shrinks until
 * cs_event_heap_clear(). Memory is sizeof (CsEvent) = 40 bytes per pending event plus up to 2x
 * slack. There is no removal of an arbitrary event: cancelled timers are skipped when popped (see
 * cs-engine.c). The order is total as long as no two events share (src, seq), which the engine
 * guarantees, so the pop order never depends on addresses or on the push order. */
#pragma once

#include <glib.h>
#include "engine/cs-engine.h"

/* Children per node. 4 was measured faster than 2 with bench/hold (fewer levels, and the four
 * children of a node are adjacent in memory); see the note in cs-event-heap.c. */
#ifndef CS_EVENT_HEAP_ARITY
#define CS_EVENT_HEAP_ARITY 4
#endif

typedef struct
{
  GArray *events;  /* CsEvent records; events[0] is the minimum; NULL before init */
  guint capacity;  /* records the array has room for without growing (its allocation) */
} CsEventHeap;

/* TRUE when @a fires strictly before @b: earlier time, then lower src, then lower seq. */
static inline gboolean
cs_event_before (const CsEvent *a, const CsEvent *b)
{
  if (a->time != b->time)
    return a->time < b->time;
  if (a->src != b->src)
    return a->src < b->src;
  return a->seq < b->seq;
}

/* Prepares an empty heap with room for @reserve events (0: a small default). */
void cs_event_heap_init (CsEventHeap *heap, gsize reserve);

/* Releases the array (the events' data is the caller's business: iterate with
 * cs_event_heap_nth() first). The heap can be initialised again afterwards. */
void cs_event_heap_clear (CsEventHeap *heap);

/* Adds a copy of @event. */
void cs_event_heap_push (CsEventHeap *heap, const CsEvent *event);

/* Removes the minimum into @out; FALSE (and @out untouched) when the heap is empty. */
gboolean cs_event_heap_pop (CsEventHeap *heap, CsEvent *out);

/* Number of pending events. */
static inline gsize
cs_event_heap_len (const CsEventHeap *heap)
{
  return heap->events->len;
}

/* The minimum without removing it, or NULL when empty. Valid until the next push or pop. */
static inline const CsEvent *
cs_event_heap_peek (const CsEventHeap *heap)
{
  return heap->events->len > 0 ? &g_array_index (heap->events, CsEvent, 0) : NULL;
}

/* The @i-th record in array order (not in firing order), for visiting every pending event. */
static inline const CsEvent *
cs_event_heap_nth (const CsEventHeap *heap, gsize i)
{
  g_assert (i < heap->events->len);
  return &g_array_index (heap->events, CsEvent, i);
}
