/* cs-gossip-probe.c: the gossip probe of cs-gossip-probe.h. Per message it keeps counters and the
 * three threshold times, plus every arrival delay (4 bytes each) for the propagation curve:
 * memory is O(messages x nodes) floats, fine for the gossip scenario's sizes. */
#include "gossip/cs-gossip-probe.h"

#include <math.h>

#include "metrics/cs-csv.h"
#include "metrics/cs-stats.h"

typedef struct
{
  CsTime created;   /* origination time; -1 until originated */
  guint32 origin;   /* the originating node */
  guint32 reached;  /* nodes holding it (origin included) */
  CsTime t[3];      /* delay to reach 50%, 90%, 100% of nodes; -1 until then */
} MsgStats;

struct _CsGossipProbe
{
  guint n_nodes;          /* nodes in the network */
  guint need[3];          /* nodes needed for 50%, 90%, 100% */
  GArray *msgs;           /* MsgStats by message id */
  GArray *delays;         /* every arrival delay, seconds (float) */
  guint64 duplicates;     /* receipts of an already-seen message */
};

static const double fractions[3] = { 0.5, 0.9, 1.0 };

CsGossipProbe *
cs_gossip_probe_new (const CsGossipConfig *config, guint n_nodes)
{
  CsGossipProbe *probe = g_new0 (CsGossipProbe, 1);
  probe->n_nodes = n_nodes;
  for (guint i = 0; i < 3; i++)
    probe->need[i] = (guint) ceil (fractions[i] * n_nodes - 1e-9);
  probe->msgs = g_array_sized_new (FALSE, FALSE, sizeof (MsgStats), (guint) config->messages);
  MsgStats blank = { .created = -1, .t = { -1, -1, -1 } };
  for (gint64 i = 0; i < config->messages; i++)
    g_array_append_val (probe->msgs, blank);
  probe->delays = g_array_new (FALSE, FALSE, sizeof (float));
  return probe;
}

void
cs_gossip_probe_free (CsGossipProbe *probe)
{
  if (!probe)
    return;
  g_array_unref (probe->msgs);
  g_array_unref (probe->delays);
  g_free (probe);
}

static void
count_arrival (CsGossipProbe *probe, MsgStats *m, CsTime now)
{
  m->reached++;
  CsTime delay = now - m->created;
  for (guint i = 0; i < 3; i++)
    if (m->t[i] < 0 && m->reached >= probe->need[i])
      m->t[i] = delay;
  float d = (float) cs_time_to_s (delay);
  g_array_append_val (probe->delays, d);
}

void
cs_gossip_probe_emit (CsGossipProbe *probe, guint32 node, CsTime now, guint metric, guint64 key,
                      double value)
{
  g_return_if_fail (key < probe->msgs->len);
  MsgStats *m = &g_array_index (probe->msgs, MsgStats, key);
  switch (metric)
    {
    case CS_GOSSIP_ORIGINATED:
      m->created = now;
      m->origin = node;
      count_arrival (probe, m, now);
      break;
    case CS_GOSSIP_RECEIVED:
      g_return_if_fail (m->created >= 0);
      count_arrival (probe, m, now);
      break;
    case CS_GOSSIP_DUPLICATE:
      probe->duplicates++;
      break;
    default:
      g_return_if_reached ();
    }
}

/* Threshold times (seconds) of the originated messages: one array per threshold. */
static void
threshold_samples (CsGossipProbe *probe, GArray *out[3], guint *originated, double *coverage)
{
  *originated = 0;
  double cov = 0;
  for (guint i = 0; i < 3; i++)
    out[i] = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint k = 0; k < probe->msgs->len; k++)
    {
      const MsgStats *m = &g_array_index (probe->msgs, MsgStats, k);
      if (m->created < 0)
        continue;
      (*originated)++;
      cov += (double) m->reached / probe->n_nodes;
      for (guint i = 0; i < 3; i++)
        {
          double s = m->t[i] >= 0 ? cs_time_to_s (m->t[i]) : NAN;
          g_array_append_val (out[i], s);
        }
    }
  *coverage = *originated ? cov / *originated : NAN;
}

void
cs_gossip_probe_medians (CsGossipProbe *probe, double *p50, double *p90, double *p100,
                         guint *complete)
{
  GArray *t[3];
  guint originated;
  double coverage;
  threshold_samples (probe, t, &originated, &coverage);
  *p50 = cs_quantile (t[0], 0.5);
  *p90 = cs_quantile (t[1], 0.5);
  *p100 = cs_quantile (t[2], 0.5);
  *complete = cs_count_finite (t[2]);
  for (guint i = 0; i < 3; i++)
    g_array_unref (t[i]);
}

static void
write_messages_csv (CsGossipProbe *probe, GString *out)
{
  const char *cols[] = { "id", "origin", "created_s", "reached", "t50_s", "t90_s", "t100_s", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  for (guint k = 0; k < probe->msgs->len; k++)
    {
      const MsgStats *m = &g_array_index (probe->msgs, MsgStats, k);
      if (m->created < 0)
        continue;
      cs_csv_int (csv, k);
      cs_csv_int (csv, m->origin);
      cs_csv_double (csv, cs_time_to_s (m->created));
      cs_csv_int (csv, m->reached);
      for (guint i = 0; i < 3; i++)
        cs_csv_double (csv, m->t[i] >= 0 ? cs_time_to_s (m->t[i]) : NAN);
      cs_csv_end_row (csv);
    }
}

/* The propagation curve: for fractions 0.01..1.00 of all (message, node) deliveries, the delay
 * by which that fraction had arrived. Deliveries that never happened count as never arriving, so
 * the curve stops below 1 when coverage is incomplete. */
static void
write_propagation_csv (CsGossipProbe *probe, guint originated, GString *out)
{
  const char *cols[] = { "fraction", "delay_s", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  g_autoptr (GArray) d = g_array_sized_new (FALSE, FALSE, sizeof (double), probe->delays->len);
  for (guint i = 0; i < probe->delays->len; i++)
    {
      double v = g_array_index (probe->delays, float, i);
      g_array_append_val (d, v);
    }
  g_autoptr (GArray) sorted = cs_sorted_finite (d);
  double total = (double) originated * probe->n_nodes;
  for (guint q = 1; q <= 100 && sorted->len > 0; q++)
    {
      double f = q / 100.0;
      double rank = ceil (f * total - 1e-9);
      if (rank > sorted->len)
        break;
      cs_csv_double (csv, f);
      cs_csv_double (csv, g_array_index (sorted, double, (guint) rank - 1));
      cs_csv_end_row (csv);
    }
}

void
cs_gossip_probe_report (CsGossipProbe *probe, CsJson *j, CsOutput *out)
{
  GArray *t[3];
  guint originated;
  double coverage;
  threshold_samples (probe, t, &originated, &coverage);

  cs_json_key (j, "gossip");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "messages", originated);
  cs_json_kv_int (j, "messages_complete", cs_count_finite (t[2]));
  cs_json_kv_double (j, "coverage_mean", coverage);
  cs_json_kv_int (j, "duplicates", (gint64) probe->duplicates);
  cs_json_key (j, "propagation_s");
  cs_json_begin_object (j);
  static const char *names[3] = { "p50", "p90", "p100" };
  for (guint i = 0; i < 3; i++)
    cs_json_kv_double (j, names[i], cs_quantile (t[i], 0.5));
  cs_json_end_object (j);
  cs_json_key (j, "propagation_mean_s");
  cs_json_begin_object (j);
  for (guint i = 0; i < 3; i++)
    cs_json_kv_double (j, names[i], cs_mean (t[i]));
  cs_json_end_object (j);
  cs_json_end_object (j);

  write_messages_csv (probe, cs_output_file (out, "messages.csv"));
  write_propagation_csv (probe, originated, cs_output_file (out, "propagation.csv"));
  for (guint i = 0; i < 3; i++)
    g_array_unref (t[i]);
}
