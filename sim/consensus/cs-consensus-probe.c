/* cs-consensus-probe.c: see cs-consensus-probe.h. */
#include "consensus/cs-consensus-probe.h"
#include "metrics/cs-stats.h"

#include <math.h>

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
  guint32 n_nodes;
  CsTime heal;             /* liveness: the last fault healed (CS_TIME_NEVER: not in the run) */
  CsTime bound;            /* liveness bound */
  guint32 tolerated;       /* faulty replicas the protocol tolerates */
  CsTime last_submit;      /* latest client request (CS_TIME_NEVER: none) */
  CsLivenessResult liveness;
};

G_DEFINE_QUARK (cs-consensus-error-quark, cs_consensus_error)

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
  p->n_nodes = n_nodes;
  p->heal = 0;
  p->bound = CS_TIME_NEVER;
  p->tolerated = n_nodes;
  p->last_submit = CS_TIME_NEVER;
  cs_safety_mark_heal (p->safety, 0);
  cs_safety_set_fresh_only (p->safety, TRUE);
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
      p->last_submit = now;
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
    return;
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
cs_consensus_probe_set_liveness (CsConsensusProbe *p, CsTime heal, CsTime bound,
                                 guint32 tolerated)
{
  p->heal = heal;
  p->bound = bound;
  p->tolerated = tolerated;
  if (heal != CS_TIME_NEVER)
    cs_safety_mark_heal (p->safety, heal);
}

const CsLivenessResult *
cs_consensus_probe_liveness (const CsConsensusProbe *p)
{
  return &p->liveness;
}

static double
time_or_nan (CsTime t)
{
  return t == CS_TIME_NEVER ? NAN : cs_time_to_s (t);
}

gboolean
cs_consensus_probe_report (CsConsensusProbe *p, CsTime duration, const gboolean *up,
                           CsJson *j, GError **error)
{
  CsLivenessResult *live = &p->liveness;
  gboolean requests_after = p->last_submit != CS_TIME_NEVER && p->heal != CS_TIME_NEVER
    && p->last_submit >= p->heal;
  cs_liveness_judge (p->safety, p->n_nodes, up, p->heal, p->bound, duration, p->tolerated,
                     requests_after, live);
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
  cs_json_kv_string (j, "liveness", cs_liveness_verdict_name (live->verdict));
  cs_json_kv_double (j, "last_fault_healed_s", time_or_nan (live->heal));
  cs_json_kv_double (j, "liveness_bound_s", time_or_nan (live->bound));
  cs_json_kv_int (j, "liveness_checked", live->checked);
  cs_json_kv_int (j, "liveness_violations",
                  live->verdict == CS_LIVENESS_VIOLATED ? live->late : 0);
  cs_json_kv_double (j, "liveness_recovery_s", time_or_nan (live->recovery));
  cs_json_end_object (j);
  if (cs_safety_violations (p->safety))
    {
      g_set_error (error, CS_CONSENSUS_ERROR, CS_CONSENSUS_ERROR_SAFETY,
                   "chainsim: error: safety violated %" G_GUINT64_FORMAT " times; first: %s; "
                   "reproduce with --seed %" G_GUINT64_FORMAT, cs_safety_violations (p->safety),
                   cs_safety_first_violation (p->safety), p->seed);
      return FALSE;
    }
  if (live->verdict == CS_LIVENESS_VIOLATED)
    {
      g_set_error (error, CS_CONSENSUS_ERROR, CS_CONSENSUS_ERROR_LIVENESS,
                   "chainsim: error: liveness violated: %u of %u correct replicas committed "
                   "nothing new within %g s of the last fault healing (at %g s); first: node %u; "
                   "reproduce with --seed %" G_GUINT64_FORMAT, live->late, live->checked,
                   cs_time_to_s (live->bound), cs_time_to_s (live->heal), live->first_late,
                   p->seed);
      return FALSE;
    }
  return TRUE;
}
