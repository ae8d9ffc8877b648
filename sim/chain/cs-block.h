/* cs-block.h: immutable, reference-counted blocks, one copy per block in a whole simulation.
 *
 * Header. The hashed header is Bitcoin's 80-byte header (cs_block_header_serialize_bitcoin):
 * version, prev hash, Merkle root, time in SECONDS, compact target "bits", 32-bit nonce; the block
 * hash is its sha256d, so the real Bitcoin genesis header hashes to the real genesis hash. The
 * chainsim timestamp is int64 NANOSECONDS of simulated time (cs-time.h); the header's time field
 * holds it in whole seconds (cs_block_time_seconds) and the exact value is committed in leaf 0.
 *
 * Body. A block stands for n_tx transactions and size bytes, but carries only a SAMPLE of n_sample
 * <= n_tx real transactions (cs-tx.h), so a 10^4-node x 10^3-block run stores 10^3 blocks x K
 * transactions, not 10^9. The Merkle leaves are [leaf 0, sampled tx ids...] where leaf 0 plays the
 * part of Bitcoin's coinbase: sha256d of "CSB0" | height u32 | miner u32 | timestamp_ns i64 |
 * n_tx u64 | size u64 | n_sample u32 | extra_nonce u64 | simulated_pow u8 (little-endian). It commits
 * to what is not stored (the un-sampled count, the size), to the miner and the exact time, and its
 * extra nonce is the block's serial, which makes every block hash in a run distinct.
 *
 * Derived at creation: hash, height, target (decoded from bits), cumulative chain work (exact
 * 256-bit sum of floor (2^256 / (target + 1)) per block, cs-u256.h; comparisons are exact integer
 * comparisons, so fork choice is deterministic), a serial id from a counter the creator passes in
 * (dense from 0 within one run: cs-block-tree.h indexes bitsets by it), and a skip pointer
 * (Bitcoin's pskip) that finds any ancestor in O(log height).
 *
 * Proof of work. In a simulation the mining process is sampled (an exponential race), not
 * computed: such blocks are made with simulated_pow = TRUE and their hash need not meet the
 * target; the simulator's sampling is the proof. cs_block_mine_real() really searches nonces, for
 * tests and demonstrations at easy targets; its blocks have simulated_pow = FALSE and validation
 * checks hash <= target.
 *
 * Ownership. A block holds a reference on its parent (so any block keeps its ancestors alive; the
 * parent pointer is the simulator's shortcut for "look up prev hash", valid only for blocks a node
 * has). Releasing a long chain is iterative, never recursive. Reference counts are atomic. Fields
 * never change after creation, except a validation memo (cs-validate.h). */
#pragma once

#include <glib.h>
#include "engine/cs-time.h"
#include "chain/cs-hash.h"
#include "chain/cs-tx.h"
#include "chain/cs-u256.h"

/* Bytes of a Bitcoin block header. */
#define CS_BLOCK_HEADER_SIZE 80

typedef struct _CsBlockHeader CsBlockHeader;
typedef struct _CsBlockTemplate CsBlockTemplate;
typedef struct _CsBlock CsBlock;

/* The hashed header, in Bitcoin's layout. */
struct _CsBlockHeader
{
  gint32 version;      /* block version (nVersion) */
  CsHash prev;         /* hash of the parent block; all zero for a genesis block */
  CsHash merkle_root;  /* Merkle root of [leaf 0, sampled tx ids] (see above) */
  guint32 time;        /* timestamp in seconds (nTime); chainsim: cs_block_time_seconds (ns) */
  guint32 bits;        /* compact target (nBits), cs_u256_from_compact */
  guint32 nonce;       /* proof-of-work nonce */
};

/* What a miner puts in a new block (the header's prev and Merkle root are derived). */
struct _CsBlockTemplate
{
  gint32 version;          /* header version */
  guint32 bits;            /* compact target */
  guint32 nonce;           /* header nonce (cs_block_mine_real starts its search here) */
  CsTime timestamp;        /* ns of simulated time */
  guint32 miner;           /* id of the node that mined it */
  guint64 n_tx;            /* transactions the block stands for, sampled or not (>= n_txs) */
  guint64 size;            /* bytes on the wire, header + all transactions; 0: header + the
                            * sampled transactions' sizes */
  const CsTx *txs;         /* the sample (copied); may be NULL when n_txs is 0 */
  guint n_txs;             /* sampled transactions */
  gboolean simulated_pow;  /* TRUE: mining was sampled by the simulator, the hash is not checked
                            * against the target. Zero-initialised templates claim REAL work, so
                            * forgetting this makes validation fail loudly (CS_BLOCK_BAD_POW). */
};

/* Header seconds for a nanosecond timestamp: floor, clamped to [0, 2^32 - 1]. */
static inline guint32
cs_block_time_seconds (CsTime t)
{
  if (t <= 0)
    return 0;
  if (t / CS_SEC >= (CsTime) G_MAXUINT32)
    return G_MAXUINT32;
  return (guint32) (t / CS_SEC);
}

/* The 80-byte Bitcoin serialization (little-endian integers, hashes in internal order). */
void cs_block_header_serialize_bitcoin (const CsBlockHeader *h, guint8 out[CS_BLOCK_HEADER_SIZE]);

/* sha256d of the serialization: the block hash. */
void cs_block_header_hash (const CsBlockHeader *h, CsHash *out);

/* A new block on @parent (NULL: a genesis block, height 0, zero prev hash), with the header
 * derived from @tmpl: prev = parent's hash, Merkle root computed. Its serial is *serial_counter,
 * which is then incremented (one counter per simulation run). */
CsBlock *cs_block_new (CsBlock *parent, const CsBlockTemplate *tmpl, guint64 *serial_counter);

/* Like cs_block_new(), but the header is taken verbatim from @header (tmpl's version, bits and
 * nonce are ignored): prev and Merkle root may be wrong. For Byzantine strategies and tests; the
 * block still records @parent as the block it was built on. */
CsBlock *cs_block_new_forged (CsBlock *parent, const CsBlockHeader *header,
                              const CsBlockTemplate *tmpl, guint64 *serial_counter);

/* Really mines: tries nonces tmpl->nonce, tmpl->nonce + 1, ... (at most @max_tries, capped at
 * 2^32) until the header hash meets the target, and returns the block (simulated_pow forced to
 * FALSE), or NULL when no nonce worked (the serial counter is then left unchanged). @tries (may be
 * NULL) receives the number of hashes computed. */
CsBlock *cs_block_mine_real (CsBlock *parent, const CsBlockTemplate *tmpl, guint64 max_tries,
                             guint64 *serial_counter, guint64 *tries);

CsBlock *cs_block_ref (CsBlock *block);
void cs_block_unref (CsBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsBlock, cs_block_unref)

const CsBlockHeader *cs_block_header (const CsBlock *block);
const CsHash *cs_block_hash (const CsBlock *block);
const CsHash *cs_block_prev_hash (const CsBlock *block);
/* The block it was built on (NULL for a genesis block); borrowed. */
CsBlock *cs_block_parent (const CsBlock *block);
guint32 cs_block_height (const CsBlock *block);
guint64 cs_block_serial (const CsBlock *block);
CsTime cs_block_timestamp (const CsBlock *block);
guint32 cs_block_miner (const CsBlock *block);
guint32 cs_block_bits (const CsBlock *block);
guint64 cs_block_n_tx (const CsBlock *block);
guint64 cs_block_size (const CsBlock *block);
gboolean cs_block_simulated_pow (const CsBlock *block);
/* The sampled transactions; @n receives their count. */
const CsTx *cs_block_txs (const CsBlock *block, guint *n);
/* Decoded target (zero when the bits are negative or overflow). */
const CsU256 *cs_block_target (const CsBlock *block);
/* Work of this block alone, floor (2^256 / (target + 1)) (computed on demand). */
void cs_block_work (const CsBlock *block, CsU256 *out);
/* Sum of the work of the block and all its ancestors. */
const CsU256 *cs_block_chain_work (const CsBlock *block);

/* The Merkle root recomputed from the block's contents (leaf 0 and the stored tx ids). */
void cs_block_compute_merkle_root (const CsBlock *block, CsHash *out);

/* The ancestor at @height (the block itself at its own height, NULL above it); O(log height). */
CsBlock *cs_block_get_ancestor (const CsBlock *block, guint32 height);

/* The last common ancestor of @a and @b (NULL if they share no genesis). */
CsBlock *cs_block_common_ancestor (const CsBlock *a, const CsBlock *b);

/* Median of the timestamps of @block and its ancestors, @span blocks at most (Bitcoin: 11;
 * fewer near genesis); the upper median for an even count, as Bitcoin. */
CsTime cs_block_median_time_past (const CsBlock *block, guint span);

/* Bytes of one block in memory (struct + sampled transactions). */
gsize cs_block_memory_size (const CsBlock *block);

/* Private to the chain module (cs-validate.c): the validation memo, 0 when not yet computed. */
gint cs__block_get_memo (const CsBlock *block);
void cs__block_set_memo (const CsBlock *block, gint memo);
