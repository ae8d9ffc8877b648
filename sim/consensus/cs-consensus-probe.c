/* cs-consensus-probe.c: see cs-consensus-probe.h. */
#include "consensus/cs-consensus-probe.h"
#include "metrics/cs-stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct _CsConsensusProbe
{
  const CsChainLog *log;
  guint64 seed;
  guint view_change_metric;
  CsSafety *safety;
  GHashTable *submitted;   /* tx key -> CsTime* of its first submission; removed once committed */
  GArray *latency;         /* double s, per committed transaction */
  GArray *committed;       /* guint8 per height: committed by someone */
  guint64 committed_blocks, committed_tx, view_changes;
  guint64 messages, bytes;
};

CsConsensusProbe *
cs_consensus_probe_new (const CsChainLog *log, guint32 n_nodes, guint64 seed,
                        guint view_change_metric)
{
  CsConsensusProbe *p = g_new0 (CsConsensusProbe, 1);
  p->log = log;
  p->seed = seed;
  p->view_change_metric = view_change_metric;
  p->safety = cs_safety_new (n_nodes);
  p->submitted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  p->latency = g_array_new (FALSE, FALSE, sizeof (double));
  p->committed = g_array_new (FALSE, TRUE, 1);
  return p;
}

void
cs_consensus_probe_free (CsConsensusProbe *p)
{
  if (!p)
    return;
  cs_safety_free (p->safety);
  g_hash_table_unref (p->submitted);
  g_array_unref (p->latency);
  g_array_unref (p->committed);
  g_free (p);
}

CsSafety *cs_consensus_probe_safety (CsConsensusProbe *p) { return p->safety; }

void
cs_consensus_probe_set_traffic (CsConsensusProbe *p, guint64 messages, guint64 bytes)
{
  p->messages = messages;
  p->bytes = bytes;
}

void
cs_consensus_probe_emit (CsConsensusProbe *p, guint32 node, CsTime now, guint metric,
                         guint64 key, double value)
{
  if (metric == p->view_change_metric)
    {
      p->view_changes++;
      return;
    }
  if (metric == CS_CHAIN_TX_SUBMITTED)
    {
      if (!g_hash_table_contains (p->submitted, &key))
        {
          CsTime *t = g_new (CsTime, 1);
          *t = now;
          g_hash_table_insert (p->submitted, g_memdup2 (&key, sizeof key), t);
        }
      return;
    }
  if (metric != CS_CHAIN_COMMIT)
    return;
  CsBlock *b = cs_chain_log_get (p->log, key);
  if (!b)
    return;
  if (!cs_safety_commit (p->safety, node, b, now))
    {
      if (cs_safety_violations (p->safety) == 1)
        fprintf (stderr, "chainsim: SAFETY VIOLATION (seed %" G_GUINT64_FORMAT "): %s\n", p->seed,
                 cs_safety_first_violation (p->safety));
      return;
    }
  guint32 h = cs_block_height (b);
  if (h >= p->committed->len)
    g_array_set_size (p->committed, h + 1);
  if (g_array_index (p->committed, guint8, h))
    return;
  g_array_index (p->committed, guint8, h) = 1;
  p->committed_blocks++;
  guint n;
  const CsTx *txs = cs_block_txs (b, &n);
  /* transactions: the un-sampled ones, and the sampled ones committed for the first time (a
   * transaction ordered twice, after a lost view, counts once) */
  p->committed_tx += cs_block_n_tx (b) - n;
  for (guint i = 0; i < n; i++)
    {
      guint64 k = ((guint64) txs[i].sender << 32) | (txs[i].nonce & 0xffffffffu);
      CsTime *at = g_hash_table_lookup (p->submitted, &k);
      if (at)
        {
          double l = cs_time_to_s (now - *at);
          g_array_append_val (p->latency, l);
          p->committed_tx++;
          g_hash_table_remove (p->submitted, &k);
        }
    }
}

void
cs_consensus_probe_report (CsConsensusProbe *p, CsTime duration, CsJson *j)
{
  cs_json_key (j, "consensus");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "committed_blocks", (gint64) p->committed_blocks);
  cs_json_kv_int (j, "committed_tx", (gint64) p->committed_tx);
  cs_json_kv_double (j, "throughput_tps", duration > 0 ? p->committed_tx / cs_time_to_s (duration)
                                                       : NAN);
  cs_json_key (j, "commit_latency_s");
  cs_json_begin_object (j);
  cs_json_kv_double (j, "p50", cs_quantile (p->latency, 0.5));
  cs_json_kv_double (j, "p90", cs_quantile (p->latency, 0.9));
  cs_json_kv_double (j, "p99", cs_quantile (p->latency, 0.99));
  cs_json_end_object (j);
  cs_json_kv_int (j, "view_changes", (gint64) p->view_changes);
  cs_json_kv_int (j, "messages_total", (gint64) p->messages);
  cs_json_kv_double (j, "messages_per_commit",
                     p->committed_blocks ? (double) p->messages / p->committed_blocks : NAN);
  cs_json_kv_int (j, "bytes_total", (gint64) p->bytes);
  cs_json_kv_int (j, "safety_violations", (gint64) cs_safety_violations (p->safety));
  cs_json_end_object (j);
  if (cs_safety_violations (p->safety))
    {
      fprintf (stderr, "chainsim: error: safety violated %" G_GUINT64_FORMAT " times; first: %s; "
               "reproduce with --seed %" G_GUINT64_FORMAT "\n", cs_safety_violations (p->safety),
               cs_safety_first_violation (p->safety), p->seed);
      exit (1);
    }
}
