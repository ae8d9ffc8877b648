/* cs-chain-probe.c: the chain probe of cs-chain-probe.h. Per block it keeps counters, threshold
 * times and the arrival delays (a float per node reached); per node the serial of its tip. The
 * end-of-run work (main chain, medians, CDF) is O(blocks x nodes log) once. */
#include "consensus/cs-chain-probe.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

#include "metrics/cs-csv.h"
#include "metrics/cs-stats.h"

typedef struct
{
  CsTime created;     /* creation time; -1 until created */
  CsTime t[3];        /* delay to 50/90/100% of the nodes; -1 until then */
  CsTime commit50;    /* delay until half the nodes committed it; -1 until then */
  GArray *delays;     /* float seconds, one per node reached (creator included) */
  guint32 reached;    /* nodes it reached */
  guint32 commits;    /* nodes that committed it */
  guint32 miner;      /* creator */
  gboolean invalid;   /* some node rejected it */
} BlockStats;

struct _CsChainProbe
{
  const CsChainLog *log;      /* block facts (borrowed) */
  guint32 n_nodes;
  guint32 need[3];            /* nodes for 50%, 90%, 100% */
  guint32 confirmations;      /* the protocol's commit depth */
  CsTime settle;              /* stale accounting horizon before the end */
  GArray *blocks;             /* BlockStats by serial */
  guint64 *tips;              /* per node: serial of its tip */
  CsTime last;                /* time of the latest measurement */
  guint64 reorgs;
  guint32 max_reorg_depth;
  guint64 deep_reorgs;
  guint64 invalid_rejections;
  guint64 duplicates;
  double duplicate_bytes;
  guint64 received;
  guint64 tx_submitted;
};

static const double fractions[3] = { 0.5, 0.9, 1.0 };

CsChainProbe *
cs_chain_probe_new (const CsChainLog *log, guint32 n_nodes, CsTime settle, guint32 confirmations)
{
  CsChainProbe *p = g_new0 (CsChainProbe, 1);
  p->log = log;
  p->n_nodes = n_nodes;
  for (guint i = 0; i < 3; i++)
    p->need[i] = (guint32) ceil (fractions[i] * n_nodes - 1e-9);
  p->settle = settle;
  p->confirmations = confirmations;
  p->blocks = g_array_new (FALSE, TRUE, sizeof (BlockStats));
  p->tips = g_new0 (guint64, n_nodes); /* everyone starts on genesis, serial 0 */
  return p;
}

void
cs_chain_probe_free (CsChainProbe *p)
{
  if (!p)
    return;
  for (guint i = 0; i < p->blocks->len; i++)
    {
      BlockStats *b = &g_array_index (p->blocks, BlockStats, i);
      if (b->delays)
        g_array_unref (b->delays);
    }
  g_array_unref (p->blocks);
  g_free (p->tips);
  g_free (p);
}

static BlockStats *
stats_of (CsChainProbe *p, guint64 serial)
{
  while (p->blocks->len <= serial)
    {
      BlockStats blank = { .created = -1, .t = { -1, -1, -1 }, .commit50 = -1 };
      g_array_append_val (p->blocks, blank);
    }
  return &g_array_index (p->blocks, BlockStats, serial);
}

static void
count_arrival (CsChainProbe *p, BlockStats *b, CsTime now)
{
  if (b->created < 0)
    return;
  CsTime delay = now - b->created;
  b->reached++;
  for (guint i = 0; i < 3; i++)
    if (b->t[i] < 0 && b->reached >= p->need[i])
      b->t[i] = delay;
  if (!b->delays) /* sized for every node at once: no regrowth, no slack */
    b->delays = g_array_sized_new (FALSE, FALSE, sizeof (float), p->n_nodes);
  float d = (float) cs_time_to_s (delay);
  g_array_append_val (b->delays, d);
}

void
cs_chain_probe_emit (CsChainProbe *p, guint32 node, CsTime now, guint metric, guint64 key,
                     double value)
{
  g_return_if_fail (node < p->n_nodes);
  p->last = MAX (p->last, now);
  switch (metric)
    {
    case CS_CHAIN_BLOCK_CREATED:
      {
        BlockStats *b = stats_of (p, key);
        b->created = now;
        b->miner = node;
        count_arrival (p, b, now);
        break;
      }
    case CS_CHAIN_BLOCK_ACCEPTED:
      count_arrival (p, stats_of (p, key), now);
      break;
    case CS_CHAIN_BLOCK_RECEIVED:
      p->received++;
      break;
    case CS_CHAIN_BLOCK_DUPLICATE:
      p->duplicates++;
      p->duplicate_bytes += value;
      break;
    case CS_CHAIN_NEW_TIP:
      p->tips[node] = key;
      break;
    case CS_CHAIN_REORG:
      p->reorgs++;
      p->max_reorg_depth = MAX (p->max_reorg_depth, (guint32) value);
      if (p->confirmations > 0 && value >= p->confirmations)
        p->deep_reorgs++;
      break;
    case CS_CHAIN_INVALID:
      stats_of (p, key)->invalid = TRUE;
      p->invalid_rejections++;
      break;
    case CS_CHAIN_COMMIT:
      {
        BlockStats *b = stats_of (p, key);
        b->commits++;
        if (b->commit50 < 0 && b->created >= 0 && b->commits >= p->need[0])
          b->commit50 = now - b->created;
        break;
      }
    case CS_CHAIN_TX_SUBMITTED:
      p->tx_submitted++;
      break;
    default:
      break; /* metrics of other probes */
    }
}

/* The x with P (Beta (a, b) <= x) = p, by bisection (the CDF is monotone). */
static double
beta_quantile (double p, double a, double b)
{
  double lo = 0, hi = 1;
  for (guint i = 0; i < 100; i++)
    {
      double mid = (lo + hi) / 2;
      if (gsl_cdf_beta_P (mid, a, b) < p)
        lo = mid;
      else
        hi = mid;
    }
  return (lo + hi) / 2;
}

void
cs_binomial_interval (guint64 k, guint64 n, double confidence, double *low, double *high)
{
  double alpha = (1 - confidence) / 2;
  if (n == 0)
    {
      *low = 0;
      *high = 1;
      return;
    }
  *low = k > 0 ? beta_quantile (alpha, (double) k, (double) (n - k + 1)) : 0;
  *high = k < n ? beta_quantile (1 - alpha, (double) (k + 1), (double) (n - k)) : 1;
}

static gint
compare_u64 (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? -1 : x > y;
}

static gint
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The tip most nodes hold (ties: more work, then the lower serial). */
static CsBlock *
main_tip (CsChainProbe *p)
{
  g_autoptr (GArray) tips = g_array_sized_new (FALSE, FALSE, sizeof (guint64), p->n_nodes);
  g_array_append_vals (tips, p->tips, p->n_nodes);
  g_array_sort (tips, compare_u64);
  CsBlock *best = p->log->genesis;
  guint best_count = 0;
  for (guint i = 0; i < tips->len;)
    {
      guint64 serial = g_array_index (tips, guint64, i);
      guint j = i;
      while (j < tips->len && g_array_index (tips, guint64, j) == serial)
        j++;
      CsBlock *b = cs_chain_log_get (p->log, serial);
      if (b && (j - i > best_count
                || (j - i == best_count
                    && cs_u256_cmp (cs_block_chain_work (b), cs_block_chain_work (best)) > 0)))
        {
          best = b;
          best_count = j - i;
        }
      i = j;
    }
  return best;
}

/* The median of @v (+inf allowed: "never"), R type 7 like cs_quantile; NAN when empty. */
static double
median_with_never (GArray *v)
{
  if (v->len == 0)
    return NAN;
  g_array_sort (v, compare_double);
  double h = (v->len - 1) * 0.5;
  guint lo = (guint) floor (h), hi = (guint) ceil (h);
  double a = g_array_index (v, double, lo), b = g_array_index (v, double, hi);
  if (isinf (a) || isinf (b))
    return INFINITY;
  return a + (h - lo) * (b - a);
}

/* Everything the report needs, computed once. */
typedef struct
{
  CsChainFigures fig;
  guint8 *main;       /* per serial: on the main chain */
  CsTime horizon;     /* blocks created after it are unsettled */
} Analysis;

static void
analyse (CsChainProbe *p, Analysis *a)
{
  CsChainFigures *f = &a->fig;
  guint64 n_blocks = cs_chain_log_len (p->log);
  *f = (CsChainFigures) { 0 };
  a->main = g_new0 (guint8, MAX (n_blocks, 1));
  stats_of (p, n_blocks > 0 ? n_blocks - 1 : 0);

  CsBlock *tip = main_tip (p);
  f->main_chain_height = cs_block_height (tip);
  for (CsBlock *b = tip; b; b = cs_block_parent (b))
    if (cs_block_serial (b) < n_blocks)
      a->main[cs_block_serial (b)] = 1;
  a->horizon = p->last - p->settle;

  GArray *t[3];
  for (guint i = 0; i < 3; i++)
    t[i] = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) commit = g_array_new (FALSE, FALSE, sizeof (double));
  double delay_sum = 0;
  guint64 delay_n = 0;
  for (guint64 s = 1; s < n_blocks; s++)
    {
      BlockStats *b = &g_array_index (p->blocks, BlockStats, s);
      CsBlock *block = cs_chain_log_get (p->log, s);
      gboolean settled = cs_block_timestamp (block) <= a->horizon;
      f->blocks_total++;
      if (b->invalid)
        {
          f->invalid_blocks++;
          continue;
        }
      for (guint i = 0; i < 3; i++)
        {
          double v = b->t[i] >= 0 ? cs_time_to_s (b->t[i]) : INFINITY;
          g_array_append_val (t[i], v);
        }
      if (a->main[s])
        {
          f->blocks_main++;
          if (b->commit50 >= 0)
            {
              double v = cs_time_to_s (b->commit50);
              g_array_append_val (commit, v);
            }
        }
      else if (settled)
        f->blocks_stale++;
      else
        f->blocks_unsettled++;
      if (settled)
        f->blocks_settled++;
      if (settled && a->main[s] && b->delays)
        {
          f->main_settled++;
          for (guint k = 0; k < b->delays->len; k++)
            delay_sum += g_array_index (b->delays, float, k);
          delay_n += b->delays->len;
        }
    }
  f->stale_rate = f->blocks_settled ? (double) f->blocks_stale / f->blocks_settled : NAN;
  if (f->blocks_settled)
    cs_binomial_interval (f->blocks_stale, f->blocks_settled, 0.95, &f->stale_ci_low,
                          &f->stale_ci_high);
  else
    f->stale_ci_low = f->stale_ci_high = NAN;
  f->reorgs = p->reorgs;
  f->max_reorg_depth = p->max_reorg_depth;
  f->deep_reorgs = p->deep_reorgs;
  f->invalid_rejections = p->invalid_rejections;
  f->duplicates = p->duplicates;
  f->duplicate_bytes = p->duplicate_bytes;
  f->p50 = median_with_never (t[0]);
  f->p90 = median_with_never (t[1]);
  f->p100 = median_with_never (t[2]);
  /* Nodes the main blocks never reached would count as infinitely late: the mean is then only
   * meaningful when every settled main block reached every node. */
  f->mean_delay_main_s = delay_n == f->main_settled * p->n_nodes && delay_n > 0
                           ? delay_sum / delay_n : NAN;
  f->commit_p50_s = cs_quantile (commit, 0.5);
  for (guint i = 0; i < 3; i++)
    g_array_unref (t[i]);
}

void
cs_chain_probe_figures (CsChainProbe *p, CsChainFigures *out)
{
  Analysis a;
  analyse (p, &a);
  *out = a.fig;
  g_free (a.main);
}

static void
write_blocks_csv (CsChainProbe *p, const Analysis *a, GString *out)
{
  const char *cols[] = { "id", "height", "miner", "parent", "mined_at_s", "stale", "t50_s",
                         "t90_s", "t100_s", "reached", "main", "settled", "invalid", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  guint64 n_blocks = cs_chain_log_len (p->log);
  for (guint64 s = 1; s < n_blocks; s++)
    {
      const BlockStats *b = &g_array_index (p->blocks, BlockStats, s);
      CsBlock *block = cs_chain_log_get (p->log, s);
      gboolean settled = cs_block_timestamp (block) <= a->horizon;
      cs_csv_int (csv, (gint64) s);
      cs_csv_int (csv, cs_block_height (block));
      cs_csv_int (csv, cs_block_miner (block));
      cs_csv_int (csv, (gint64) cs_block_serial (cs_block_parent (block)));
      cs_csv_double (csv, cs_time_to_s (cs_block_timestamp (block)));
      cs_csv_int (csv, !b->invalid && !a->main[s] && settled);
      for (guint i = 0; i < 3; i++)
        cs_csv_double (csv, b->t[i] >= 0 ? cs_time_to_s (b->t[i]) : NAN);
      cs_csv_int (csv, b->reached);
      cs_csv_int (csv, a->main[s]);
      cs_csv_int (csv, settled);
      cs_csv_int (csv, b->invalid);
      cs_csv_end_row (csv);
    }
}

/* For fractions 0.01..1.00 of the (settled main block, node) arrivals, the delay by which that
 * fraction had arrived. */
static void
write_propagation_csv (CsChainProbe *p, const Analysis *a, GString *out)
{
  const char *cols[] = { "fraction", "delay_s", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  g_autoptr (GArray) d = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 n_blocks = cs_chain_log_len (p->log), n_main = 0;
  for (guint64 s = 1; s < n_blocks; s++)
    {
      const BlockStats *b = &g_array_index (p->blocks, BlockStats, s);
      if (!a->main[s] || b->invalid || !b->delays
          || cs_block_timestamp (cs_chain_log_get (p->log, s)) > a->horizon)
        continue;
      n_main++;
      for (guint k = 0; k < b->delays->len; k++)
        {
          double v = g_array_index (b->delays, float, k);
          g_array_append_val (d, v);
        }
    }
  g_array_sort (d, compare_double);
  double total = (double) n_main * p->n_nodes;
  for (guint q = 1; q <= 100 && d->len > 0; q++)
    {
      double f = q / 100.0;
      double rank = ceil (f * total - 1e-9);
      if (rank > d->len)
        break;
      cs_csv_double (csv, f);
      cs_csv_double (csv, g_array_index (d, double, (guint) rank - 1));
      cs_csv_end_row (csv);
    }
}

void
cs_chain_probe_report (CsChainProbe *p, CsJson *j, CsOutput *out)
{
  Analysis a;
  analyse (p, &a);
  const CsChainFigures *f = &a.fig;

  cs_json_key (j, "chain");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "blocks_total", (gint64) f->blocks_total);
  cs_json_kv_int (j, "blocks_main", (gint64) f->blocks_main);
  cs_json_kv_int (j, "blocks_stale", (gint64) f->blocks_stale);
  cs_json_kv_int (j, "blocks_unsettled", (gint64) f->blocks_unsettled);
  cs_json_kv_double (j, "stale_rate", f->stale_rate);
  cs_json_key (j, "stale_rate_ci95");
  cs_json_begin_array (j);
  cs_json_double (j, f->stale_ci_low);
  cs_json_double (j, f->stale_ci_high);
  cs_json_end_array (j);
  cs_json_kv_double (j, "settle_s", cs_time_to_s (p->settle));
  cs_json_kv_int (j, "reorgs", (gint64) f->reorgs);
  cs_json_kv_int (j, "max_reorg_depth", f->max_reorg_depth);
  cs_json_kv_int (j, "deep_reorgs", (gint64) f->deep_reorgs);
  cs_json_kv_int (j, "main_chain_height", f->main_chain_height);
  cs_json_kv_int (j, "invalid_blocks", (gint64) f->invalid_blocks);
  cs_json_kv_int (j, "invalid_rejections", (gint64) f->invalid_rejections);
  cs_json_kv_int (j, "blocks_received", (gint64) p->received);
  cs_json_kv_int (j, "duplicate_blocks", (gint64) f->duplicates);
  cs_json_kv_double (j, "duplicate_bytes", f->duplicate_bytes);
  cs_json_key (j, "propagation_s");
  cs_json_begin_object (j);
  cs_json_kv_double (j, "p50", f->p50);
  cs_json_kv_double (j, "p90", f->p90);
  cs_json_kv_double (j, "p100", f->p100);
  cs_json_end_object (j);
  cs_json_kv_double (j, "mean_delay_main_s", f->mean_delay_main_s);
  cs_json_kv_double (j, "commit_p50_s", f->commit_p50_s);
  cs_json_kv_int (j, "transactions_submitted", (gint64) p->tx_submitted);
  cs_json_end_object (j);

  write_blocks_csv (p, &a, cs_output_file (out, "blocks.csv"));
  write_propagation_csv (p, &a, cs_output_file (out, "propagation.csv"));
  g_free (a.main);
}
