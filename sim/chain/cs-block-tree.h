/* cs-block-tree.h: one node's view of the chain: which blocks it has, its tip, its orphans.
 *
 * Blocks are shared immutable objects (cs-block.h); a tree stores no block, only:
 *  - a bitset indexed by block serial (serials are dense within a run): 1 bit per (node, block
 *    created so far in the run). A GHashTable of serials would cost ~40-60 bytes per entry, and
 *    almost every node ends up having almost every block, so the bitset is 300-500x smaller:
 *    10^4 nodes x 10^3 blocks = 1.25 MB in all;
 *  - one reference on the tip, which keeps the main chain alive through parent references, and on
 *    each buffered orphan. Blocks a node has on dead forks may be freed when nobody else holds
 *    them: the bit still answers cs_block_tree_has(), and a child arriving later holds its parent.
 * Per node: sizeof (CsBlockTree) (64 bytes on LP64) + (blocks in the run) / 8 bytes (rounded up
 * to 64) + 8 bytes per buffered orphan (cs_block_tree_memory()). Measured: 192 bytes per node
 * for a 1,001-block run, 0.19 bytes per node-block.
 *
 * Fork choice: most cumulative work (exact 256-bit comparison); on equal work the tip stays the
 * block connected FIRST, as Bitcoin's nSequenceId does: a block becomes the tip only with strictly
 * more work than the current tip. Orphans (blocks whose parent the node lacks) wait in a bounded
 * buffer and connect as soon as their parent does, recursively, in arrival order (breadth first),
 * so the result never depends on memory addresses. A block is validated (cs-validate.h) against
 * its parent when it connects; invalid blocks and all their descendants are rejected and
 * remembered (1 bit per serial, allocated on the first invalid block).
 *
 * Complexity: add is O(1) plus validation (memoized, cs-validate.h), plus O(log n + fork length)
 * when the tip changes (common ancestor), plus O(orphans) scans while orphans are buffered. */
#pragma once

#include <glib.h>
#include "chain/cs-block.h"
#include "chain/cs-validate.h"

typedef struct _CsBlockTree CsBlockTree;

/* Outcome of cs_block_tree_add(). */
typedef enum
{
  CS_ADD_ADDED,      /* connected; the tip did not change */
  CS_ADD_NEW_TIP,    /* connected and the tip changed (the block or an orphan it released) */
  CS_ADD_ORPHAN,     /* parent missing: buffered (see cs_block_tree_missing_parent) */
  CS_ADD_DUPLICATE,  /* already had it (connected or buffered) */
  CS_ADD_INVALID,    /* rejected (the status says why) */
} CsAddResult;

/* How the tip moved during one cs_block_tree_add() call. All three blocks are strong references
 * owned by the struct: initialise with CS_REORG_INIT and release with cs_reorg_clear() (or
 * g_auto (CsReorg)). cs_block_tree_add() clears it first, so one struct can be reused. */
typedef struct _CsReorg CsReorg;

struct _CsReorg
{
  CsBlock *old_tip;    /* tip before the call; NULL when the tip did not change */
  CsBlock *new_tip;    /* tip after the call */
  CsBlock *ancestor;   /* last common ancestor of old and new tip */
  guint32 depth;       /* blocks disconnected from the old main chain (0: a plain extension) */
  guint32 connected;   /* blocks connected to the main chain */
};

#define CS_REORG_INIT { NULL, NULL, NULL, 0, 0 }

void cs_reorg_clear (CsReorg *reorg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsReorg, cs_reorg_clear)

/* Orphans buffered at most by default (Bitcoin kept 750); the oldest is dropped beyond. */
#define CS_BLOCK_TREE_MAX_ORPHANS 750

/* A tree that has @genesis (trusted, not validated) as its tip. @params is borrowed and must
 * outlive the tree (one instance shared by all nodes). */
CsBlockTree *cs_block_tree_new (CsBlock *genesis, const CsValidateParams *params);
void cs_block_tree_free (CsBlockTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBlockTree, cs_block_tree_free)

void cs_block_tree_set_max_orphans (CsBlockTree *tree, guint max_orphans);

/* Receives @block at node clock @now. @reorg (may be NULL) is filled when the tip changes;
 * @status (may be NULL) receives the validation status of @block (CS_BLOCK_VALID unless
 * INVALID). The future-timestamp rule is applied on arrival (and then again on connection); a
 * block rejected for it alone is not remembered as invalid, since time may make it valid. */
CsAddResult cs_block_tree_add (CsBlockTree *tree, CsBlock *block, CsTime now, CsReorg *reorg,
                               CsBlockStatus *status);

/* The current tip (borrowed). */
CsBlock *cs_block_tree_tip (const CsBlockTree *tree);

/* TRUE when @block is connected in this tree (not merely buffered as an orphan). */
gboolean cs_block_tree_has (const CsBlockTree *tree, const CsBlock *block);
gboolean cs_block_tree_has_serial (const CsBlockTree *tree, guint64 serial);

/* TRUE when @block waits in the orphan buffer. */
gboolean cs_block_tree_is_orphan (const CsBlockTree *tree, const CsBlock *block);

/* TRUE when @block was rejected as invalid (or descends from such a block). */
gboolean cs_block_tree_is_invalid (const CsBlockTree *tree, const CsBlock *block);

/* For a buffered orphan: the block the node should request, i.e. the parent of the oldest
 * ancestor of @orphan in the buffer (the node knows its hash: the prev hash of that ancestor).
 * Borrowed; NULL when @orphan is not buffered. The pointer is the simulator's handle: protocol
 * code should only use its hash and serial. */
CsBlock *cs_block_tree_missing_parent (const CsBlockTree *tree, const CsBlock *orphan);

/* TRUE when @block is on the main chain (an ancestor of the tip or the tip); O(log height). */
gboolean cs_block_tree_is_main (const CsBlockTree *tree, const CsBlock *block);

/* The main-chain block at @height, NULL above the tip; O(log height). Walk the whole main chain
 * with cs_block_parent() from the tip. */
CsBlock *cs_block_tree_main_at (const CsBlockTree *tree, guint32 height);

/* Connected blocks, buffered orphans. */
guint64 cs_block_tree_n_blocks (const CsBlockTree *tree);
guint cs_block_tree_n_orphans (const CsBlockTree *tree);

/* Bytes this tree uses of its own (the shared blocks excluded). */
gsize cs_block_tree_memory (const CsBlockTree *tree);

const char *cs_add_result_to_string (CsAddResult result);
