/* cs-block-tree.c: a node's block tree over shared blocks: bitsets by serial, a tip reference and
 * an orphan buffer in arrival order. */
#include "chain/cs-block-tree.h"

#include <string.h>

struct _CsBlockTree
{
  const CsValidateParams *params;  /* consensus rules (borrowed, shared by all nodes) */
  CsBlock *tip;                    /* most-work block (strong reference) */
  guint64 *have;                   /* bit per serial: connected blocks */
  guint64 *invalid;                /* bit per serial: rejected blocks; NULL until the first */
  guint32 have_words;              /* words allocated in have */
  guint32 invalid_words;           /* words allocated in invalid */
  guint64 n_blocks;                /* connected blocks (bits set in have) */
  GPtrArray *orphans;              /* CsBlock* (strong references) in arrival order; NULL
                                    * until the first orphan */
  guint max_orphans;               /* buffer bound */
};

/* Bitsets grow in steps of 8 words (512 serials): few reallocations, little slack. */
#define BITSET_STEP 8

static inline gboolean
bit_get (const guint64 *bits, guint32 words, guint64 i)
{
  return bits && i / 64 < words && ((bits[i / 64] >> (i % 64)) & 1);
}

static void
bit_set (guint64 **bits, guint32 *words, guint64 i)
{
  guint64 need = i / 64 + 1;
  if (need > *words)
    {
      guint64 n = (need + BITSET_STEP - 1) / BITSET_STEP * BITSET_STEP;
      g_assert (n <= G_MAXUINT32);
      *bits = g_renew (guint64, *bits, n);
      memset (*bits + *words, 0, (n - *words) * sizeof (guint64));
      *words = (guint32) n;
    }
  (*bits)[i / 64] |= (guint64) 1 << (i % 64);
}

static const char *const add_names[] = {
  [CS_ADD_ADDED] = "added",
  [CS_ADD_NEW_TIP] = "new-tip",
  [CS_ADD_ORPHAN] = "orphan",
  [CS_ADD_DUPLICATE] = "duplicate",
  [CS_ADD_INVALID] = "invalid",
};

const char *
cs_add_result_to_string (CsAddResult result)
{
  if ((guint) result >= G_N_ELEMENTS (add_names))
    return "unknown";
  return add_names[result];
}

void
cs_reorg_clear (CsReorg *reorg)
{
  g_clear_pointer (&reorg->old_tip, cs_block_unref);
  g_clear_pointer (&reorg->new_tip, cs_block_unref);
  g_clear_pointer (&reorg->ancestor, cs_block_unref);
  reorg->depth = 0;
  reorg->connected = 0;
}

CsBlockTree *
cs_block_tree_new (CsBlock *genesis, const CsValidateParams *params)
{
  CsBlockTree *tree;

  g_return_val_if_fail (genesis != NULL && params != NULL, NULL);
  tree = g_new0 (CsBlockTree, 1);
  tree->params = params;
  tree->tip = cs_block_ref (genesis);
  tree->max_orphans = CS_BLOCK_TREE_MAX_ORPHANS;
  bit_set (&tree->have, &tree->have_words, cs_block_serial (genesis));
  tree->n_blocks = 1;
  return tree;
}

void
cs_block_tree_free (CsBlockTree *tree)
{
  if (!tree)
    return;
  cs_block_unref (tree->tip);
  if (tree->orphans)
    g_ptr_array_unref (tree->orphans);
  g_free (tree->have);
  g_free (tree->invalid);
  g_free (tree);
}

void
cs_block_tree_set_max_orphans (CsBlockTree *tree, guint max_orphans)
{
  tree->max_orphans = max_orphans;
  while (tree->orphans && tree->orphans->len > max_orphans)
    g_ptr_array_remove_index (tree->orphans, 0);
}

CsBlock *
cs_block_tree_tip (const CsBlockTree *tree)
{
  return tree->tip;
}

gboolean
cs_block_tree_has_serial (const CsBlockTree *tree, guint64 serial)
{
  return bit_get (tree->have, tree->have_words, serial);
}

gboolean
cs_block_tree_has (const CsBlockTree *tree, const CsBlock *block)
{
  return block && bit_get (tree->have, tree->have_words, cs_block_serial (block));
}

gboolean
cs_block_tree_is_invalid (const CsBlockTree *tree, const CsBlock *block)
{
  return block && bit_get (tree->invalid, tree->invalid_words, cs_block_serial (block));
}

gboolean
cs_block_tree_is_orphan (const CsBlockTree *tree, const CsBlock *block)
{
  if (!tree->orphans || !block)
    return FALSE;
  for (guint i = 0; i < tree->orphans->len; i++)
    if (g_ptr_array_index (tree->orphans, i) == block)
      return TRUE;
  return FALSE;
}

CsBlock *
cs_block_tree_missing_parent (const CsBlockTree *tree, const CsBlock *orphan)
{
  const CsBlock *b = orphan;

  if (!cs_block_tree_is_orphan (tree, orphan))
    return NULL;
  while (cs_block_parent (b) && cs_block_tree_is_orphan (tree, cs_block_parent (b)))
    b = cs_block_parent (b);
  return cs_block_parent (b);
}

gboolean
cs_block_tree_is_main (const CsBlockTree *tree, const CsBlock *block)
{
  return cs_block_tree_has (tree, block)
         && cs_block_get_ancestor (tree->tip, cs_block_height (block)) == block;
}

CsBlock *
cs_block_tree_main_at (const CsBlockTree *tree, guint32 height)
{
  return cs_block_get_ancestor (tree->tip, height);
}

guint64
cs_block_tree_n_blocks (const CsBlockTree *tree)
{
  return tree->n_blocks;
}

guint
cs_block_tree_n_orphans (const CsBlockTree *tree)
{
  return tree->orphans ? tree->orphans->len : 0;
}

gsize
cs_block_tree_memory (const CsBlockTree *tree)
{
  gsize n = sizeof (CsBlockTree);
  n += (gsize) tree->have_words * sizeof (guint64);
  n += (gsize) tree->invalid_words * sizeof (guint64);
  if (tree->orphans)
    n += sizeof (GPtrArray) + (gsize) tree->orphans->len * sizeof (gpointer);
  return n;
}

/* Removes from the buffer, in arrival order, the orphans whose parent is @parent, appending them
 * (with the buffer's reference) to @out. */
static void
steal_children (CsBlockTree *tree, const CsBlock *parent, GPtrArray *out)
{
  if (!tree->orphans)
    return;
  for (guint i = 0; i < tree->orphans->len;)
    {
      CsBlock *o = g_ptr_array_index (tree->orphans, i);
      if (cs_block_parent (o) == parent)
        g_ptr_array_add (out, g_ptr_array_steal_index (tree->orphans, i));
      else
        i++;
    }
}

/* Rejects @block: remembers it as invalid (unless only its timestamp is ahead of the clock,
 * which time may cure), and drops its buffered descendants with it. */
static void
reject (CsBlockTree *tree, CsBlock *block, CsBlockStatus status)
{
  gboolean remember = status != CS_BLOCK_TIME_TOO_NEW;
  g_autoptr (GPtrArray) dead = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);

  g_ptr_array_add (dead, cs_block_ref (block));
  for (guint i = 0; i < dead->len; i++)
    {
      CsBlock *b = g_ptr_array_index (dead, i);
      if (remember)
        bit_set (&tree->invalid, &tree->invalid_words, cs_block_serial (b));
      steal_children (tree, b, dead);
    }
}

/* Validates @block against its parent (which the tree has) and connects it. */
static CsBlockStatus
connect (CsBlockTree *tree, CsBlock *block, CsTime now)
{
  CsBlockStatus s = cs_block_validate (block, cs_block_parent (block), now, tree->params);
  if (s != CS_BLOCK_VALID)
    return s;
  bit_set (&tree->have, &tree->have_words, cs_block_serial (block));
  tree->n_blocks++;
  /* Strictly more work: on a tie the block connected first stays the tip. */
  if (cs_u256_cmp (cs_block_chain_work (block), cs_block_chain_work (tree->tip)) > 0)
    {
      cs_block_unref (tree->tip);
      tree->tip = cs_block_ref (block);
    }
  return s;
}

/* Connects the buffered descendants of @root (just connected), breadth first, each generation
 * in arrival order. */
static void
release_orphans (CsBlockTree *tree, CsBlock *root, CsTime now)
{
  g_autoptr (GPtrArray) queue = NULL;

  if (!tree->orphans || tree->orphans->len == 0)
    return;
  queue = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
  g_ptr_array_add (queue, cs_block_ref (root));
  for (guint i = 0; i < queue->len; i++)
    {
      g_autoptr (GPtrArray) children = g_ptr_array_new_with_free_func (
        (GDestroyNotify) cs_block_unref);
      steal_children (tree, g_ptr_array_index (queue, i), children);
      for (guint j = 0; j < children->len; j++)
        {
          CsBlock *c = g_ptr_array_index (children, j);
          CsBlockStatus s = connect (tree, c, now);
          if (s == CS_BLOCK_VALID)
            g_ptr_array_add (queue, cs_block_ref (c));
          else
            reject (tree, c, s);
        }
    }
}

static void
buffer_orphan (CsBlockTree *tree, CsBlock *block)
{
  if (!tree->orphans)
    tree->orphans = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
  if (tree->max_orphans == 0)
    return;
  while (tree->orphans->len >= tree->max_orphans)
    g_ptr_array_remove_index (tree->orphans, 0);
  g_ptr_array_add (tree->orphans, cs_block_ref (block));
}

/* The status to report for a block already known to be invalid. */
static CsBlockStatus
known_invalid_status (const CsBlockTree *tree, const CsBlock *block, CsTime now)
{
  CsBlock *parent = cs_block_parent (block);
  CsBlockStatus s;

  if (parent && cs_block_tree_is_invalid (tree, parent))
    return CS_BLOCK_BAD_PARENT;
  s = cs_block_check_intrinsic (block);
  if (s == CS_BLOCK_VALID)
    s = cs_block_validate (block, parent, now, tree->params);
  return s == CS_BLOCK_VALID ? CS_BLOCK_BAD_PARENT : s;
}

CsAddResult
cs_block_tree_add (CsBlockTree *tree, CsBlock *block, CsTime now, CsReorg *reorg,
                   CsBlockStatus *status)
{
  CsBlockStatus dummy, s;
  CsBlock *parent, *old_tip;

  g_return_val_if_fail (tree != NULL && block != NULL, CS_ADD_INVALID);
  if (!status)
    status = &dummy;
  *status = CS_BLOCK_VALID;
  if (reorg)
    cs_reorg_clear (reorg);

  if (cs_block_tree_has (tree, block) || cs_block_tree_is_orphan (tree, block))
    return CS_ADD_DUPLICATE;
  if (cs_block_tree_is_invalid (tree, block))
    {
      *status = known_invalid_status (tree, block, now);
      return CS_ADD_INVALID;
    }
  if (tree->params->max_future != CS_TIME_NEVER && cs_block_timestamp (block) > now
      && cs_block_timestamp (block) - now > tree->params->max_future)
    {
      *status = CS_BLOCK_TIME_TOO_NEW;
      return CS_ADD_INVALID;
    }

  parent = cs_block_parent (block);
  if (!parent || cs_block_tree_is_invalid (tree, parent))
    {
      *status = parent ? CS_BLOCK_BAD_PARENT : CS_BLOCK_BAD_LINK;
      reject (tree, block, *status);
      return CS_ADD_INVALID;
    }
  if (!cs_block_tree_has (tree, parent))
    {
      /* Only what the block proves by itself can be checked before its parent is here; PoW first
       * keeps junk out of the buffer, as in Bitcoin. */
      s = cs_block_check_intrinsic (block);
      if (s != CS_BLOCK_VALID)
        {
          *status = s;
          reject (tree, block, s);
          return CS_ADD_INVALID;
        }
      buffer_orphan (tree, block);
      return CS_ADD_ORPHAN;
    }

  old_tip = cs_block_ref (tree->tip);
  s = connect (tree, block, now);
  if (s != CS_BLOCK_VALID)
    {
      *status = s;
      reject (tree, block, s);
      cs_block_unref (old_tip);
      return CS_ADD_INVALID;
    }
  release_orphans (tree, block, now);

  if (tree->tip == old_tip)
    {
      cs_block_unref (old_tip);
      return CS_ADD_ADDED;
    }
  if (reorg)
    {
      CsBlock *anc = cs_block_common_ancestor (old_tip, tree->tip);
      g_assert (anc != NULL);
      reorg->old_tip = old_tip;
      reorg->new_tip = cs_block_ref (tree->tip);
      reorg->ancestor = cs_block_ref (anc);
      reorg->depth = cs_block_height (old_tip) - cs_block_height (anc);
      reorg->connected = cs_block_height (tree->tip) - cs_block_height (anc);
    }
  else
    cs_block_unref (old_tip);
  return CS_ADD_NEW_TIP;
}
