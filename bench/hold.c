/* bench/hold.c: the classic hold-model benchmark of the future event set. N events are made
 * pending (times drawn from an exponential with mean 1 ms), then one "hold" is repeated: pop the
 * minimum and push a new event at (popped time + an exponential increment, mean 1 ms). It is
 * measured twice per N: on the bare heap (cs-event-heap) and through the full engine API
 * (cs_engine_schedule + cs_engine_run with a handler that reschedules), which is what the
 * simulator pays per event. The increments are drawn beforehand into an array, so RNG cost is
 * excluded from both; it is measured separately and printed above the table. Wall-clock time is
 * used here only; never in simulation results. */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <gsl/gsl_randist.h>

#include "engine/cs-engine.h"
#include "engine/cs-event-heap.h"
#include "engine/cs-rng.h"

/* Precomputed increments: 2^20 of them (8 MB), read sequentially and cyclically. */
#define INC_BITS 20
#define INC_LEN ((gsize) 1 << INC_BITS)
#define INC_MASK (INC_LEN - 1)

/* Wall-clock time each measurement runs for, in microseconds. */
#define MEASURE_US 600000
/* Holds between two looks at the clock. */
#define CHUNK 65536
/* Event sources (nodes) the pending events are spread over. */
#define MAX_NODES 10000

/* Written with the RNG timing loop's result so that the loop is not optimised away. */
static volatile CsTime rng_sink;

/* What the engine benchmark's handler needs. */
typedef struct
{
  const CsTime *incs;  /* the precomputed increments */
  gsize next;          /* index of the next increment to use (masked) */
} HoldCtx;

static CsTime *
make_increments (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (42, cs_stream_id (CS_STREAM_WORKLOAD, 0));
  CsTime *incs = g_new (CsTime, INC_LEN);

  for (gsize i = 0; i < INC_LEN; i++)
    incs[i] = (CsTime) (gsl_ran_exponential (rng, 1e6) + 0.5);  /* mean 1 ms in ns */
  return incs;
}

/* Nanoseconds per exponential draw (gsl_ran_exponential on taus2, rounded to integer ns). */
static double
rng_cost_ns (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (7, cs_stream_id (CS_STREAM_WORKLOAD, 1));
  const gsize n = 10000000;
  CsTime sum = 0;
  gint64 t0 = g_get_monotonic_time ();

  for (gsize i = 0; i < n; i++)
    sum += (CsTime) (gsl_ran_exponential (rng, 1e6) + 0.5);
  rng_sink = sum;
  return (double) (g_get_monotonic_time () - t0) * 1e3 / (double) n;
}

static void
heap_hold (CsEventHeap *heap, const CsTime *incs, gsize *k, guint64 *seq, gsize holds)
{
  CsEvent ev;

  for (gsize i = 0; i < holds; i++)
    {
      cs_event_heap_pop (heap, &ev);
      ev.time += incs[(*k)++ & INC_MASK];
      ev.seq = (*seq)++;
      cs_event_heap_push (heap, &ev);
    }
}

/* Holds per second on the bare heap with @n pending events. */
static double
bench_heap (gsize n, const CsTime *incs)
{
  CsEventHeap heap;
  CsEvent ev = { 0 };
  gsize k = 0;
  guint64 seq = 0;
  guint64 done = 0;
  gint64 t0, t;

  cs_event_heap_init (&heap, n);
  for (gsize i = 0; i < n; i++)
    {
      ev.time = incs[k++ & INC_MASK];
      ev.src = ev.dst = (guint32) (i % MAX_NODES);
      ev.seq = seq++;
      cs_event_heap_push (&heap, &ev);
    }
  /* Warm up to the steady state of the hold model (the initial times are not yet shaped by it). */
  heap_hold (&heap, incs, &k, &seq, MIN (n, 1000000));

  t0 = g_get_monotonic_time ();
  do
    {
      heap_hold (&heap, incs, &k, &seq, CHUNK);
      done += CHUNK;
      t = g_get_monotonic_time ();
    }
  while (t - t0 < MEASURE_US);
  if (cs_event_heap_len (&heap) != n)
    g_error ("heap size changed");
  cs_event_heap_clear (&heap);
  return (double) done * 1e6 / (double) (t - t0);
}

static void
hold_handler (CsEngine *engine, const CsEvent *event, gpointer user_data)
{
  HoldCtx *ctx = user_data;

  cs_engine_schedule (engine, event->time + ctx->incs[ctx->next++ & INC_MASK], event->dst,
                      event->dst, event->kind, 0, NULL);
}

/* Holds per second through the engine API with @n pending events. */
static double
bench_engine (gsize n, const CsTime *incs)
{
  g_autoptr (CsEngine) engine = cs_engine_new ();
  HoldCtx ctx = { incs, 0 };
  guint16 kind = cs_engine_register (engine, hold_handler, NULL, &ctx);
  guint64 done = 0;
  gint64 t0, t;

  for (gsize i = 0; i < n; i++)
    {
      guint32 node = (guint32) (i % MAX_NODES);

      cs_engine_schedule (engine, incs[ctx.next++ & INC_MASK], node, node, kind, 0, NULL);
    }
  cs_engine_run (engine, CS_TIME_NEVER, MIN (n, 1000000));

  t0 = g_get_monotonic_time ();
  do
    {
      if (cs_engine_run (engine, CS_TIME_NEVER, CHUNK) != CS_STOP_EVENTS)
        g_error ("unexpected stop");
      done += CHUNK;
      t = g_get_monotonic_time ();
    }
  while (t - t0 < MEASURE_US);
  if (cs_engine_pending (engine) != n)
    g_error ("pending count changed");
  return (double) done * 1e6 / (double) (t - t0);
}

static double
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_maxrss / 1024.0;  /* Linux: kilobytes */
}

int
main (void)
{
  static const gsize sizes[] = { 1000, 10000, 100000, 1000000 };
  g_autofree CsTime *incs = NULL;

  cs_gsl_init ();
  incs = make_increments ();
  printf ("hold model: pop the minimum, push it back at (its time + Exp(mean 1 ms)); one hold =\n"
          "one pop + one push. %d-ary heap of %zu-byte events. Increments are precomputed\n"
          "(2^%d values), so RNG cost is excluded; measured alone it is %.1f ns per draw\n"
          "(gsl_ran_exponential on taus2). About %.1f s per cell after a warm-up of min(N, 10^6)\n"
          "holds. Peak RSS is the process maximum so far (includes the 8 MB increment table).\n\n",
          CS_EVENT_HEAP_ARITY, sizeof (CsEvent), INC_BITS, rng_cost_ns (), MEASURE_US / 1e6);
  printf ("%10s  %16s  %18s  %12s\n", "pending", "heap (M hold/s)", "engine (M hold/s)",
          "peak RSS MB");
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      double heap = bench_heap (sizes[i], incs);
      double eng = bench_engine (sizes[i], incs);

      printf ("%10zu  %16.2f  %18.2f  %12.1f\n", sizes[i], heap / 1e6, eng / 1e6, peak_rss_mb ());
      fflush (stdout);
    }
  return 0;
}
