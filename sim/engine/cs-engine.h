/* cs-engine.h: the discrete-event engine. It owns simulated time, the future event set, timers
 * and the run loop, and knows nothing of networks or chains: an event is a small by-value record
 * (time, source, target, kind, data) handed to the handler registered for its kind.
 *
 * Order: events fire in increasing (time, source id, per-source sequence number). The sequence
 * number counts the events each source has scheduled, so ties never depend on memory addresses
 * or on anything outside the simulation. */
#pragma once

#include <glib.h>
#include "engine/cs-time.h"

/* Source id of events scheduled by the simulator itself rather than by a node. */
#define CS_SRC_SYSTEM G_MAXUINT32

typedef struct _CsEngine CsEngine;

/* One pending or firing event, passed by value. */
typedef struct
{
  CsTime time;     /* when it fires */
  guint64 seq;     /* per-source sequence number (tie-break after time and src) */
  guint32 src;     /* the node (or CS_SRC_SYSTEM) that scheduled it */
  guint32 dst;     /* the node it is for (handler's business) */
  guint32 timer;   /* timer slot + 1 for timers, 0 for plain events */
  guint16 kind;    /* handler index from cs_engine_register() */
  guint16 aux;     /* free for the handler (e.g. a message type) */
  gpointer data;   /* payload or argument; owned as the kind's destroy function says */
} CsEvent;

/* A cancellable timer handle; 0 is never a valid timer. */
typedef guint64 CsTimerId;

typedef void (*CsEventHandler) (CsEngine *engine, const CsEvent *event, gpointer user_data);

/* Why cs_engine_run() returned. */
typedef enum
{
  CS_STOP_EMPTY,      /* no event left */
  CS_STOP_TIME,       /* the next event is past the end time */
  CS_STOP_EVENTS,     /* the event budget is spent */
  CS_STOP_REQUESTED,  /* a handler called cs_engine_stop() */
} CsStopReason;

CsEngine *cs_engine_new (void);
void cs_engine_free (CsEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsEngine, cs_engine_free)

/* Registers a handler and returns its kind. @destroy (may be NULL) is called on the data of
 * events of this kind that never fire: cancelled timers and events left when the engine is freed.
 * Events that fire hand their data to the handler, which then owns it. */
guint16 cs_engine_register (CsEngine *engine, CsEventHandler handler, GDestroyNotify destroy,
                            gpointer user_data);

/* Schedules an event at absolute time @at (>= now). */
void cs_engine_schedule (CsEngine *engine, CsTime at, guint32 src, guint32 dst, guint16 kind,
                         guint16 aux, gpointer data);

/* Starts a timer for node @node that fires at absolute time @at, unless cancelled first. The
 * event's src and dst are both @node. */
CsTimerId cs_engine_timer_start (CsEngine *engine, CsTime at, guint32 node, guint16 kind,
                                 guint16 aux, gpointer data);

/* Cancels a pending timer: it is marked dead and skipped when popped. Returns FALSE when the
 * timer already fired or was cancelled (harmless). */
gboolean cs_engine_timer_cancel (CsEngine *engine, CsTimerId timer);

/* Schedules the continuation of @ev (an event of this engine now firing, not a timer): a copy
 * at @at (>= now) of kind @kind, with the same src, seq, dst, aux and data. It takes no new
 * sequence number, so the order of the events a source schedules does not depend on which
 * engine carries the continuation (cs-world's threads). */
void cs_engine_forward (CsEngine *engine, const CsEvent *ev, CsTime at, guint16 kind);

/* Fills @out with an event from @src as cs_engine_schedule() would push it (taking the next
 * sequence number of @src here), without pushing it: for an event that another engine will
 * carry (cs_engine_push_event). */
void cs_engine_prepare (CsEngine *engine, CsTime at, guint32 src, guint32 dst, guint16 kind,
                        guint16 aux, gpointer data, CsEvent *out);

/* Takes (and returns) the next sequence number of @src, as cs_engine_schedule() would, for an
 * event that its caller never pushes (cs-world's elided deliveries): the events @src schedules
 * next keep the numbers they would have had. */
guint64 cs_engine_take_seq (CsEngine *engine, guint32 src);

/* Pushes an event made by cs_engine_prepare() on an engine with the same kinds registered. Its
 * time must not be before this engine's now. */
void cs_engine_push_event (CsEngine *engine, const CsEvent *ev);

/* The event whose handler is running, or NULL outside one. */
const CsEvent *cs_engine_current (const CsEngine *engine);

/* The time of the next pending event (a cancelled timer counts), CS_TIME_NEVER when none. */
CsTime cs_engine_next_time (const CsEngine *engine);

/* Runs every event that fires strictly before @end, then returns (without moving now to @end,
 * unlike cs_engine_run). For running in windows (cs-world's threads); no budget, no stop. */
void cs_engine_run_before (CsEngine *engine, CsTime end);

/* Sets now (>= the current now): for a caller that ran this engine in windows. */
void cs_engine_set_now (CsEngine *engine, CsTime now);

CsTime cs_engine_now (const CsEngine *engine);
guint64 cs_engine_events_processed (const CsEngine *engine);
gsize cs_engine_pending (const CsEngine *engine);

/* Runs until no event is left, the next event lies after @until (now is then set to @until), the
 * @max_events budget (0: none) is spent, or a handler calls cs_engine_stop(). Can be called again
 * to continue. */
CsStopReason cs_engine_run (CsEngine *engine, CsTime until, guint64 max_events);

/* Asks the running loop to return after the current event. */
void cs_engine_stop (CsEngine *engine);

/* A hint for speed only, in two stages: just before the current event's handler runs, the
 * engine calls the prefetch function of the kind of the event expected two events ahead with
 * @stage 0 (prefetch addresses computable without reading memory the event will touch, e.g. its
 * node's state), and that of the next event (the heap's new minimum) with @stage 1 (its stage 0
 * ran one event ago: it may now read that memory to prefetch what it points to). So memory
 * loads overlap with the handlers. It must not change any state, and may not run for every
 * event. NULL (the default) disables it. */
typedef void (*CsEventPrefetch) (const CsEvent *next, guint stage, gpointer user_data);
void cs_engine_set_prefetch (CsEngine *engine, guint16 kind, CsEventPrefetch prefetch);

/* Called every @every_events events during cs_engine_run (for a progress line); NULL disables. */
typedef void (*CsProgressFunc) (const CsEngine *engine, gpointer user_data);
void cs_engine_set_progress (CsEngine *engine, guint64 every_events, CsProgressFunc func,
                             gpointer user_data);
