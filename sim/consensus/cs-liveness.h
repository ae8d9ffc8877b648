/* cs-liveness.h: the liveness verdict of an ordering run (Raft, PBFT, HotStuff) and the
 * scenario's `consensus:` section that bounds it:
 *
 *   consensus:
 *     liveness_bound: 30s   # 0 (default): chosen from the protocol's timeouts (cs-protocols.c)
 *
 * The claim checked: once the last fault has healed (cs_fault_schedule_last_heal), every correct
 * replica (not Byzantine, up at the end) commits a block proposed after the heal (new requests)
 * within the bound. It is judged only when the protocol can be live: the faults healed within the
 * run, no more replicas are down or Byzantine than it tolerates, clients sent requests after the
 * heal, and the run lasted long enough to tell. Otherwise the verdict says which of these was
 * missing, and is neither a pass nor a failure. The commits come from the safety checker
 * (cs-safety.h, with fresh-only commits), which sees only what replicas report. */
#pragma once

#include <glib.h>

#include "consensus/cs-safety.h"
#include "engine/cs-time.h"
#include "scenario/cs-schema.h"

/* `consensus:` */
typedef struct
{
  CsTime liveness_bound;   /* 0: the protocol's default */
} CsLivenessConfig;

extern const CsSchema cs_liveness_schema;

typedef enum
{
  CS_LIVENESS_OK,              /* "ok": every correct replica committed in time */
  CS_LIVENESS_VIOLATED,        /* "violated": some did not, and the run lasted heal + bound */
  CS_LIVENESS_TOO_SOON,        /* "too-soon": the run ended before heal + bound, some not yet */
  CS_LIVENESS_UNHEALED,        /* "unhealed": a fault was still in force at the end */
  CS_LIVENESS_TOO_MANY_FAULTY, /* "too-many-faulty": more replicas down or Byzantine at the end
                                * than the protocol tolerates */
  CS_LIVENESS_NO_REQUESTS,     /* "no-requests": no client request arrived after the heal */
} CsLivenessVerdict;

typedef struct
{
  CsLivenessVerdict verdict;
  CsTime heal;         /* the last fault healed (CS_TIME_NEVER: not within the run) */
  CsTime bound;        /* the bound used */
  guint32 checked;     /* correct replicas up at the end */
  guint32 faulty;      /* replicas down or Byzantine at the end */
  guint32 late;        /* checked replicas with no new commit within the bound (a violation when
                        * the verdict is VIOLATED) */
  guint32 first_late;  /* the lowest-numbered of them */
  CsTime recovery;     /* the longest wait from the heal to a checked replica's first new commit
                        * (CS_TIME_NEVER when one has none) */
} CsLivenessResult;

/* Judges @safety (its heal marked with @heal unless @heal is CS_TIME_NEVER) at the end of a run
 * that lasted until @end: @up[i] whether replica i is up, @tolerated how many faulty replicas
 * the protocol tolerates, @requests_after whether a client request arrived at or after @heal. */
void cs_liveness_judge (const CsSafety *safety, guint32 n, const gboolean *up, CsTime heal,
                        CsTime bound, CsTime end, guint32 tolerated, gboolean requests_after,
                        CsLivenessResult *out);

const char *cs_liveness_verdict_name (CsLivenessVerdict verdict);
