/* cs-event-heap.c: the future event set (a flat d-ary min-heap by value); see cs-event-heap.h for
 * the complexity note. Both sifts move a "hole" instead of swapping, so each level costs one
 * 40-byte copy.
 *
 * Measured with bench/hold on the 2-core EPYC build machine (M holds/s at 10^3 / 10^4 / 10^5 /
 * 10^6 pending): binary 17 / 11 / 4.6 / 1.3; 4-ary 20 / 14 / 8.4 / 2.3; 8-ary 18 / 13 / 8.4 /
 * 2.9. A bottom-up (Floyd) pop lost at every size but 10^6, and a branch-free tournament over the
 * four children lost everywhere. 4-ary is kept: best where the simulator lives (10^3 to 10^5),
 * and the prefetch below recovers most of 8-ary's edge at 10^6. Numbers vary by +-15% run to run
 * on this shared machine. */
#include "config.h"

#include "engine/cs-event-heap.h"

#define D CS_EVENT_HEAP_ARITY

/* Heap size (events) above which pop prefetches: 16384 x 40 bytes = 640 KB, about one L2. */
#define CS_EVENT_HEAP_PREFETCH_MIN 16384

G_STATIC_ASSERT (D >= 2);

void
cs_event_heap_init (CsEventHeap *heap, gsize reserve)
{
  g_return_if_fail (heap != NULL);
  g_return_if_fail (reserve <= G_MAXUINT);

  heap->capacity = reserve > 0 ? (guint) reserve : 64;
  heap->events = g_array_sized_new (FALSE, FALSE, sizeof (CsEvent), heap->capacity);
}

void
cs_event_heap_clear (CsEventHeap *heap)
{
  g_return_if_fail (heap != NULL);

  if (heap->events != NULL)
    g_array_free (heap->events, TRUE);
  heap->events = NULL;
}

void
cs_event_heap_push (CsEventHeap *heap, const CsEvent *event)
{
  GArray *arr = heap->events;
  gsize i = arr->len;
  CsEvent *a;

  g_assert (arr->len < G_MAXUINT);
  /* Grow through GLib only when the array is full; otherwise bump the length in place (no call
   * per push; GLib's set_size would also do nothing but this). */
  if (G_UNLIKELY (i >= heap->capacity))
    {
      g_array_set_size (arr, arr->len + 1);
      heap->capacity = MAX (heap->capacity * 2, arr->len);
      g_array_set_size (arr, heap->capacity);
      g_array_set_size (arr, (guint) i + 1);
    }
  else
    arr->len = (guint) i + 1;
  a = (CsEvent *) (void *) arr->data;

  /* Sift up: move parents down into the hole while the new event fires before them. */
  while (i > 0)
    {
      gsize parent = (i - 1) / D;

      if (!cs_event_before (event, &a[parent]))
        break;
      a[i] = a[parent];
      i = parent;
    }
  a[i] = *event;
}

gboolean
cs_event_heap_pop (CsEventHeap *heap, CsEvent *out)
{
  GArray *arr = heap->events;
  CsEvent *a = (CsEvent *) (void *) arr->data;
  gsize n = arr->len;
  gsize i = 0;
  CsEvent last;

  if (n == 0)
    return FALSE;
  *out = a[0];
  n--;
  last = a[n];
  arr->len = (guint) n; /* shrinking a GArray without clearing is just this */
  if (n == 0)
    return TRUE;

  /* Sift down: the former last event walks down from the root, the smallest child moving up into
   * the hole at each level. */
  for (;;)
    {
      gsize first = i * D + 1;
      gsize end = first + D;
      gsize m = first;

      if (first >= n)
        break;
      if (end > n)
        end = n;
      /* In a heap larger than the L2 cache, start loading the grandchildren of the first child
       * while this level is compared (+15-25% holds/s at 10^6 events, a small loss when small). */
      if (n > CS_EVENT_HEAP_PREFETCH_MIN && first * D + 1 < n)
        __builtin_prefetch (&a[first * D + 1]);
      for (gsize c = first + 1; c < end; c++)
        if (cs_event_before (&a[c], &a[m]))
          m = c;
      if (!cs_event_before (&a[m], &last))
        break;
      a[i] = a[m];
      i = m;
    }
  a[i] = last;
  return TRUE;
}
