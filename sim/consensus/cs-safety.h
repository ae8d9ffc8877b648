/* cs-safety.h: safety and liveness checkers of a chain consensus run, separate from the
 * protocols: they see only what replicas report (CS_CHAIN_COMMIT of a block at a height).
 *
 * Safety: no two correct replicas commit different blocks at the same height, ever; checked as
 * each commit arrives (O(1): the first block committed at each height is remembered). A replica
 * marked faulty (Byzantine) is ignored.
 * Liveness: after cs_safety_mark_heal (the time the last fault healed), every correct replica
 * must commit some block within a bound; cs_safety_liveness reports the replicas that did not.
 * With cs_safety_set_fresh_only, only blocks proposed at or after the heal count (timestamp, the
 * proposer's clock when it made the block): new requests, not a backlog caught up. */
#pragma once

#include <glib.h>
#include "chain/cs-block.h"

typedef struct _CsSafety CsSafety;

CsSafety *cs_safety_new (guint32 n_nodes);
void cs_safety_free (CsSafety *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsSafety, cs_safety_free)

/* Marks @node faulty: its commits are not checked (Byzantine replicas). */
void cs_safety_set_faulty (CsSafety *c, guint32 node, gboolean faulty);

/* @node committed @block at time @now. Returns FALSE on a safety violation (counted; the first
 * is described by cs_safety_first_violation). */
gboolean cs_safety_commit (CsSafety *c, guint32 node, const CsBlock *block, CsTime now);

guint64 cs_safety_violations (const CsSafety *c);
/* "node N committed block S (hash ...) at height H where node M committed block T", or NULL. */
const char *cs_safety_first_violation (const CsSafety *c);

/* Highest height committed by @node (0: none). */
guint32 cs_safety_height (const CsSafety *c, guint32 node);

/* Liveness: the last fault healed at @t; commits from then on are watched. */
void cs_safety_mark_heal (CsSafety *c, CsTime t);
/* Counts for liveness only the commits of blocks proposed at or after the heal (default: any). */
void cs_safety_set_fresh_only (CsSafety *c, gboolean fresh_only);
/* The first commit of @node counted for liveness (CS_TIME_NEVER: none). */
CsTime cs_safety_first_after (const CsSafety *c, guint32 node);
gboolean cs_safety_is_faulty (const CsSafety *c, guint32 node);
/* Correct replicas (not faulty, and @up[i] TRUE when @up is not NULL) that committed nothing in
 * [heal, heal + bound]: their count; the first is written to @first_late (may be NULL). */
guint32 cs_safety_liveness (const CsSafety *c, CsTime bound, const gboolean *up,
                            guint32 *first_late);
