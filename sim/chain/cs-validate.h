/* cs-validate.h: validation of a received block against its parent, as a node does it.
 *
 * Two kinds of checks:
 *  - intrinsic ones depend only on the block's bytes: proof of work, body consistency, tx ids,
 *    Merkle root. A block is one shared immutable object whose bytes are the same at every node,
 *    so their result is MEMOIZED on the block: computed by the first node that validates it, read
 *    by the others (cs_block_check_intrinsic). This saves CPU of the simulator only: the simulated
 *    time a node spends validating is the protocol's concern (a delay it schedules), not this
 *    module's.
 *  - contextual ones depend on the parent and the node: link (prev hash == parent hash), expected
 *    target (a retarget callback, or the parent's bits), timestamp > median of the last 11
 *    ancestors (the parent and its 10 predecessors), timestamp <= node clock + 2 h, size limit.
 *    They are cheap and recomputed at every call.
 * The first failing check is reported, in the order of the CsBlockStatus values below (link,
 * then the intrinsic ones, then target, time, size). */
#pragma once

#include <glib.h>
#include "chain/cs-block.h"

/* Why a block is valid or not. */
typedef enum
{
  CS_BLOCK_VALID = 0,     /* all checks passed */
  CS_BLOCK_BAD_LINK,      /* no parent, or prev hash differs from the parent's hash */
  CS_BLOCK_BAD_POW,       /* bits negative, overflowing or zero, or (real PoW) hash > target */
  CS_BLOCK_BAD_BODY,      /* sample larger than n_tx, size smaller than header + sampled txs, or
                           * header time not the committed timestamp in seconds */
  CS_BLOCK_BAD_TX,        /* a sampled transaction's id does not match its contents */
  CS_BLOCK_BAD_MERKLE,    /* the header's Merkle root differs from the recomputed one */
  CS_BLOCK_BAD_TARGET,    /* bits differ from what the retarget rule expects */
  CS_BLOCK_TIME_TOO_OLD,  /* timestamp <= median time past of the parent */
  CS_BLOCK_TIME_TOO_NEW,  /* timestamp > node clock + max_future */
  CS_BLOCK_TOO_LARGE,     /* size above the limit */
  CS_BLOCK_BAD_PARENT,    /* descends from an invalid block (reported by cs-block-tree) */
  CS_BLOCK_N_STATUS
} CsBlockStatus;

/* Expected compact target for a child of @parent. */
typedef guint32 (*CsExpectedBitsFunc) (const CsBlock *parent, gpointer user_data);

typedef struct _CsValidateParams CsValidateParams;

/* Consensus rules; shared by all nodes (borrowed by every CsBlockTree). */
struct _CsValidateParams
{
  guint64 max_block_size;          /* bytes; 0: no limit */
  CsTime max_future;               /* a timestamp may be this far ahead of the node's clock;
                                    * CS_TIME_NEVER disables the check */
  guint median_span;               /* blocks in the median time past (Bitcoin: 11) */
  CsExpectedBitsFunc expected_bits;  /* NULL: fixed difficulty, the parent's bits */
  gpointer expected_bits_data;       /* for expected_bits */
};

/* Bitcoin's values: 1,000,000-byte blocks (legacy limit), 2 h, 11, fixed difficulty. */
void cs_validate_params_init (CsValidateParams *params);

/* Validates @block as a child of @parent at a node whose clock reads @now. */
CsBlockStatus cs_block_validate (const CsBlock *block, const CsBlock *parent, CsTime now,
                                 const CsValidateParams *params);

/* The intrinsic checks alone (PoW, body, tx ids, Merkle), memoized on the block. */
CsBlockStatus cs_block_check_intrinsic (const CsBlock *block);

/* A short lower-case name ("valid", "bad-link", ...). */
const char *cs_block_status_to_string (CsBlockStatus status);
