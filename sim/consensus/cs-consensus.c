/* cs-consensus.c: the chain log of cs-consensus.h: every block of a run, indexed by its serial. */
#include "consensus/cs-consensus.h"

void
cs_chain_log_init (CsChainLog *log, CsBlock *genesis, guint32 n_nodes)
{
  g_return_if_fail (log != NULL && genesis != NULL);
  g_return_if_fail (cs_block_serial (genesis) == 0);
  log->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
  log->genesis = cs_block_ref (genesis);
  log->n_nodes = n_nodes;
  g_ptr_array_add (log->blocks, cs_block_ref (genesis));
  if (log->next_serial < 1)
    log->next_serial = 1;
}

void
cs_chain_log_clear (CsChainLog *log)
{
  if (!log)
    return;
  g_clear_pointer (&log->blocks, g_ptr_array_unref);
  g_clear_pointer (&log->genesis, cs_block_unref);
}

void
cs_chain_log_add (CsChainLog *log, CsBlock *block)
{
  guint64 serial = cs_block_serial (block);
  /* Serials are dense and handed out in creation order, so the array is indexed by them. */
  g_return_if_fail (serial == log->blocks->len);
  g_ptr_array_add (log->blocks, cs_block_ref (block));
}

CsBlock *
cs_chain_log_get (const CsChainLog *log, guint64 serial)
{
  if (!log->blocks || serial >= log->blocks->len)
    return NULL;
  return g_ptr_array_index (log->blocks, serial);
}

guint64
cs_chain_log_len (const CsChainLog *log)
{
  return log->blocks ? log->blocks->len : 0;
}
