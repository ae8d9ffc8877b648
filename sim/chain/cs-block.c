/* cs-block.c: block creation, hashing, ancestry (skip pointers as in Bitcoin's CBlockIndex) and
 * reference counting. */
#include "chain/cs-block.h"
#include "chain/cs-merkle.h"

#include <string.h>

struct _CsBlock
{
  gatomicrefcount ref_count;  /* references (nodes, messages, children) */
  gint memo;                  /* intrinsic validation result + 1; 0 = not yet checked */
  CsBlockHeader header;       /* the hashed header */
  CsHash hash;                /* sha256d of the serialized header */
  CsU256 target;              /* header.bits decoded (zero if negative or overflowing) */
  CsU256 chain_work;          /* work of this block and all its ancestors */
  CsBlock *parent;            /* the block it was built on (strong reference), NULL for genesis */
  CsBlock *skip;              /* an ancestor at cs_skip_height (height) (borrowed: the parent
                               * chain keeps it alive), NULL for genesis */
  guint64 serial;             /* dense id within the run, from the creator's counter */
  CsTime timestamp;           /* ns of simulated time */
  guint64 n_tx;               /* transactions the block stands for */
  guint64 size;               /* bytes on the wire */
  guint32 height;             /* 0 for genesis */
  guint32 miner;              /* node that mined it */
  guint32 n_sample;           /* entries of txs */
  gboolean simulated_pow;     /* mining was sampled, the hash is not checked */
  CsTx txs[];                 /* the sampled transactions */
};

static guint8 *
put_le (guint8 *p, guint64 v, guint bytes)
{
  for (guint i = 0; i < bytes; i++)
    p[i] = (guint8) (v >> (8 * i));
  return p + bytes;
}

void
cs_block_header_serialize_bitcoin (const CsBlockHeader *h, guint8 out[CS_BLOCK_HEADER_SIZE])
{
  guint8 *p = out;
  p = put_le (p, (guint32) h->version, 4);
  memcpy (p, h->prev.b, CS_HASH_SIZE);
  p += CS_HASH_SIZE;
  memcpy (p, h->merkle_root.b, CS_HASH_SIZE);
  p += CS_HASH_SIZE;
  p = put_le (p, h->time, 4);
  p = put_le (p, h->bits, 4);
  p = put_le (p, h->nonce, 4);
  g_assert (p == out + CS_BLOCK_HEADER_SIZE);
}

void
cs_block_header_hash (const CsBlockHeader *h, CsHash *out)
{
  guint8 buf[CS_BLOCK_HEADER_SIZE];
  cs_block_header_serialize_bitcoin (h, buf);
  cs_sha256d (buf, sizeof buf, out);
}

/* Bitcoin's skip heights (chain.cpp): a deterministic ancestor per height such that walking
 * skip / parent pointers reaches any ancestor in O(log n) steps. */
static inline guint32
invert_lowest_one (guint32 n)
{
  return n & (n - 1);
}

static guint32
skip_height (guint32 height)
{
  if (height < 2)
    return 0;
  return (height & 1) ? invert_lowest_one (invert_lowest_one (height - 1)) + 1
                      : invert_lowest_one (height);
}

CsBlock *
cs_block_get_ancestor (const CsBlock *block, guint32 height)
{
  const CsBlock *walk = block;
  guint32 h;

  if (!block || height > block->height)
    return NULL;
  h = block->height;
  while (h > height)
    {
      guint32 hs = skip_height (h), hs_prev = skip_height (h - 1);
      if (walk->skip
          && (hs == height
              || (hs > height && !(hs_prev + 2 < hs && hs_prev >= height))))
        {
          walk = walk->skip;
          h = hs;
        }
      else
        {
          walk = walk->parent;
          h--;
        }
    }
  return (CsBlock *) walk;
}

CsBlock *
cs_block_common_ancestor (const CsBlock *a, const CsBlock *b)
{
  if (!a || !b)
    return NULL;
  if (a->height > b->height)
    a = cs_block_get_ancestor (a, b->height);
  else if (b->height > a->height)
    b = cs_block_get_ancestor (b, a->height);
  while (a != b && a && b)
    {
      a = a->parent;
      b = b->parent;
    }
  return a == b ? (CsBlock *) a : NULL;
}

/* Leaf 0, the coinbase-like commitment (layout in cs-block.h). */
static void
commitment_leaf (const CsBlock *b, CsHash *out)
{
  guint8 buf[49], *p = buf;
  memcpy (p, "CSB0", 4);
  p += 4;
  p = put_le (p, b->height, 4);
  p = put_le (p, b->miner, 4);
  p = put_le (p, (guint64) b->timestamp, 8);
  p = put_le (p, b->n_tx, 8);
  p = put_le (p, b->size, 8);
  p = put_le (p, b->n_sample, 4);
  p = put_le (p, b->serial, 8);
  p = put_le (p, b->simulated_pow ? 1 : 0, 1);
  g_assert (p == buf + sizeof buf);
  cs_sha256d (buf, sizeof buf, out);
}

void
cs_block_compute_merkle_root (const CsBlock *block, CsHash *out)
{
  CsHash stack_leaves[17];
  CsHash *leaves = block->n_sample + 1 <= G_N_ELEMENTS (stack_leaves)
                     ? stack_leaves : g_new (CsHash, block->n_sample + 1);

  commitment_leaf (block, &leaves[0]);
  for (guint i = 0; i < block->n_sample; i++)
    leaves[i + 1] = block->txs[i].id;
  cs_merkle_root (leaves, block->n_sample + 1, out);
  if (leaves != stack_leaves)
    g_free (leaves);
}

/* Allocates a block with everything but the header's Merkle root, nonce and the hash. */
static CsBlock *
block_alloc (CsBlock *parent, const CsBlockTemplate *t, guint64 serial)
{
  CsBlock *b;

  g_return_val_if_fail (t->n_txs == 0 || t->txs != NULL, NULL);
  b = g_malloc0 (sizeof (CsBlock) + (gsize) t->n_txs * sizeof (CsTx));
  g_atomic_ref_count_init (&b->ref_count);
  b->parent = parent ? cs_block_ref (parent) : NULL;
  b->height = parent ? parent->height + 1 : 0;
  b->serial = serial;
  b->timestamp = t->timestamp;
  b->miner = t->miner;
  b->n_sample = t->n_txs;
  if (t->n_txs)
    memcpy (b->txs, t->txs, (gsize) t->n_txs * sizeof (CsTx));
  b->n_tx = t->n_tx;
  b->size = t->size;
  if (b->size == 0)
    {
      b->size = CS_BLOCK_HEADER_SIZE;
      for (guint i = 0; i < t->n_txs; i++)
        b->size += t->txs[i].size;
    }
  b->simulated_pow = t->simulated_pow ? TRUE : FALSE;

  b->header.version = t->version;
  if (parent)
    b->header.prev = parent->hash;
  b->header.time = cs_block_time_seconds (t->timestamp);
  b->header.bits = t->bits;
  b->header.nonce = t->nonce;
  return b;
}

/* Derives the target, work and ancestry fields from the (final) header. */
static void
block_finish (CsBlock *b)
{
  gboolean neg, over;
  CsU256 work;

  cs_block_header_hash (&b->header, &b->hash);
  cs_u256_from_compact (&b->target, b->header.bits, &neg, &over);
  if (neg || over)
    cs_u256_set_u64 (&b->target, 0);
  cs_u256_work (&work, &b->target);
  if (b->parent)
    cs_u256_add (&b->chain_work, &b->parent->chain_work, &work);
  else
    b->chain_work = work;
  b->skip = b->parent ? cs_block_get_ancestor (b->parent, skip_height (b->height)) : NULL;
}

CsBlock *
cs_block_new (CsBlock *parent, const CsBlockTemplate *tmpl, guint64 *serial_counter)
{
  CsBlock *b;

  g_return_val_if_fail (tmpl && serial_counter, NULL);
  b = block_alloc (parent, tmpl, (*serial_counter)++);
  cs_block_compute_merkle_root (b, &b->header.merkle_root);
  block_finish (b);
  return b;
}

CsBlock *
cs_block_new_forged (CsBlock *parent, const CsBlockHeader *header, const CsBlockTemplate *tmpl,
                     guint64 *serial_counter)
{
  CsBlock *b;

  g_return_val_if_fail (header && tmpl && serial_counter, NULL);
  b = block_alloc (parent, tmpl, (*serial_counter)++);
  b->header = *header;
  block_finish (b);
  return b;
}

CsBlock *
cs_block_mine_real (CsBlock *parent, const CsBlockTemplate *tmpl, guint64 max_tries,
                    guint64 *serial_counter, guint64 *tries)
{
  CsBlock *b;
  CsU256 target;
  gboolean neg, over;
  guint64 n = 0;

  g_return_val_if_fail (tmpl && serial_counter, NULL);
  if (tries)
    *tries = 0;
  cs_u256_from_compact (&target, tmpl->bits, &neg, &over);
  if (neg || over || cs_u256_is_zero (&target))
    return NULL;
  max_tries = MIN (max_tries, G_GUINT64_CONSTANT (1) << 32);

  /* The serial is part of leaf 0, so it is fixed before the search; it is only consumed when a
   * block is returned. */
  b = block_alloc (parent, tmpl, *serial_counter);
  b->simulated_pow = FALSE;
  cs_block_compute_merkle_root (b, &b->header.merkle_root);
  while (n < max_tries)
    {
      CsHash h;
      b->header.nonce = tmpl->nonce + (guint32) n;
      n++;
      cs_block_header_hash (&b->header, &h);
      if (cs_hash_meets_target (&h, &target))
        {
          if (tries)
            *tries = n;
          (*serial_counter)++;
          block_finish (b);
          return b;
        }
    }
  if (tries)
    *tries = n;
  cs_block_unref (b);
  return NULL;
}

CsBlock *
cs_block_ref (CsBlock *block)
{
  g_return_val_if_fail (block != NULL, NULL);
  g_atomic_ref_count_inc (&block->ref_count);
  return block;
}

void
cs_block_unref (CsBlock *block)
{
  /* Iterative: dropping the last reference to the tip of a long dead chain frees the chain
   * without recursion. */
  while (block && g_atomic_ref_count_dec (&block->ref_count))
    {
      CsBlock *parent = block->parent;
      g_free (block);
      block = parent;
    }
}

const CsBlockHeader *
cs_block_header (const CsBlock *block)
{
  return &block->header;
}

const CsHash *
cs_block_hash (const CsBlock *block)
{
  return &block->hash;
}

const CsHash *
cs_block_prev_hash (const CsBlock *block)
{
  return &block->header.prev;
}

CsBlock *
cs_block_parent (const CsBlock *block)
{
  return block->parent;
}

guint32
cs_block_height (const CsBlock *block)
{
  return block->height;
}

guint64
cs_block_serial (const CsBlock *block)
{
  return block->serial;
}

CsTime
cs_block_timestamp (const CsBlock *block)
{
  return block->timestamp;
}

guint32
cs_block_miner (const CsBlock *block)
{
  return block->miner;
}

guint32
cs_block_bits (const CsBlock *block)
{
  return block->header.bits;
}

guint64
cs_block_n_tx (const CsBlock *block)
{
  return block->n_tx;
}

guint64
cs_block_size (const CsBlock *block)
{
  return block->size;
}

gboolean
cs_block_simulated_pow (const CsBlock *block)
{
  return block->simulated_pow;
}

const CsTx *
cs_block_txs (const CsBlock *block, guint *n)
{
  if (n)
    *n = block->n_sample;
  return block->txs;
}

const CsU256 *
cs_block_target (const CsBlock *block)
{
  return &block->target;
}

void
cs_block_work (const CsBlock *block, CsU256 *out)
{
  cs_u256_work (out, &block->target);
}

const CsU256 *
cs_block_chain_work (const CsBlock *block)
{
  return &block->chain_work;
}

CsTime
cs_block_median_time_past (const CsBlock *block, guint span)
{
  CsTime stack_times[32];
  CsTime *times, median;
  guint n = 0;

  g_return_val_if_fail (block != NULL && span > 0, 0);
  times = span <= G_N_ELEMENTS (stack_times) ? stack_times : g_new (CsTime, span);
  /* Insertion sort: span is small (11), and the result is the same for any correct sort. */
  for (const CsBlock *b = block; b && n < span; b = b->parent)
    {
      guint i = n++;
      for (; i > 0 && times[i - 1] > b->timestamp; i--)
        times[i] = times[i - 1];
      times[i] = b->timestamp;
    }
  median = times[n / 2];
  if (times != stack_times)
    g_free (times);
  return median;
}

gsize
cs_block_memory_size (const CsBlock *block)
{
  return sizeof (CsBlock) + (gsize) block->n_sample * sizeof (CsTx);
}

gint
cs__block_get_memo (const CsBlock *block)
{
  return g_atomic_int_get (&block->memo);
}

void
cs__block_set_memo (const CsBlock *block, gint memo)
{
  g_atomic_int_set (&((CsBlock *) block)->memo, memo);
}
