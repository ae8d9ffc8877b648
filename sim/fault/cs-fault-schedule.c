/* cs-fault-schedule.c: drawing and merging the fault trace of cs-fault-schedule.h. */
#include "fault/cs-fault-schedule.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "engine/cs-rng.h"
#include "metrics/cs-csv.h"

/* Stream causes: the high 32 bits of the CS_STREAM_FAULT index. */
enum
{
  CAUSE_CRASH_RECOVER = 1,  /* per node */
  CAUSE_CRASH_STOP = 2,     /* per node */
  CAUSE_CHURN = 3,          /* per node */
  CAUSE_REGION = 4,         /* per regional_outages element */
  CAUSE_BURST = 5,          /* per bursts element */
  CAUSE_LOSS = 6,           /* the loss-burst key */
  CAUSE_SELECT = 7,         /* which nodes take part: 0 crash_recover, 1 crash_stop, 2 joiners */
};

/* A down interval of one node, before merging. */
typedef struct
{
  CsTime start;    /* inclusive */
  CsTime end;      /* exclusive; CS_TIME_NEVER: forever */
  guint32 node;    /* whose */
  guint8 flags;    /* CS_FAULT_* */
} Interval;

/* A merged down period (kept per node for uptime queries). */
typedef struct
{
  CsTime start;    /* down from */
  CsTime end;      /* up again at (CS_TIME_NEVER: never) */
} Period;

struct _CsFaultSchedule
{
  guint32 n_nodes;          /* nodes */
  guint n_regions;          /* regions */
  CsTime horizon;           /* events are drawn in [0, horizon) */
  GArray *events;           /* CsFaultEvent, time order */
  Period *periods;          /* every node's merged down periods, node by node */
  gsize *period_offsets;    /* n_nodes + 1: node v's periods are [offsets[v], offsets[v+1]) */
  guint8 *member;           /* 1 for a member at time 0 */
  guint16 *node_region;     /* each node's region (for faults.csv) */
  char **region_names;      /* the regions' names */
  GArray *partition_groups; /* guint32 * (n_regions each) per partition */
  GArray *losses;           /* double per loss burst */
  GArray *spike_extra;      /* CsTime per delay spike */
  GArray *spike_region;     /* gint per delay spike (-1: every link) */
  GArray *slow_delay;       /* CsTime per slow episode (slow_nodes, then slow_leader) */
  GArray *slow_node;        /* guint32 per slow episode (CS_FAULT_LEADER: the leader) */
  gboolean unhealed;        /* a network fault is in force at the horizon */
  guint64 loss_key;         /* key of the per-transfer loss decisions */
  CsFaultStats stats;       /* counts (uptime filled in at the end) */
};

static gsl_rng *
fault_rng (guint64 seed, guint64 cause, guint64 index)
{
  return cs_rng_new (seed, cs_stream_id (CS_STREAM_FAULT, (cause << 32) | index));
}

static void
add_interval (GArray *out, guint32 node, CsTime start, CsTime duration, guint8 flags,
              CsTime horizon)
{
  if (start >= horizon)
    return;
  Interval iv = {
    .start = start, .node = node, .flags = flags,
    .end = (duration == CS_TIME_NEVER || start > CS_TIME_NEVER - duration) ? CS_TIME_NEVER
                                                                           : start + duration,
  };
  g_array_append_val (out, iv);
}

/* round(fraction * n) nodes chosen uniformly, in id order, as a 0/1 mask. */
static guint8 *
choose_nodes (guint32 n, double fraction, gsl_rng *rng)
{
  guint8 *mask = g_new0 (guint8, n);
  guint32 k = (guint32) floor (fraction * n + 0.5);
  if (k >= n)
    {
      memset (mask, 1, n);
      return mask;
    }
  if (k == 0)
    return mask;
  g_autofree guint32 *all = g_new (guint32, n);
  g_autofree guint32 *chosen = g_new (guint32, k);
  for (guint32 i = 0; i < n; i++)
    all[i] = i;
  gsl_ran_choose (rng, chosen, k, all, n, sizeof (guint32));
  for (guint32 i = 0; i < k; i++)
    mask[chosen[i]] = 1;
  return mask;
}

/* crash_recover: alternating up/down periods per node. */
static void
draw_crash_recover (const CsCrashRecoverConfig *c, guint32 n, guint64 seed, CsTime horizon,
                    GArray *out)
{
  if (!(c->nodes > 0) || !cs_dist_given (&c->up) || !cs_dist_given (&c->down))
    return;
  g_autoptr (gsl_rng) select = fault_rng (seed, CAUSE_SELECT, 0);
  g_autofree guint8 *mask = choose_nodes (n, c->nodes, select);
  double up_mean = cs_dist_mean_s (&c->up), down_mean = cs_dist_mean_s (&c->down);
  double p_up = up_mean / (up_mean + down_mean);

  for (guint32 v = 0; v < n; v++)
    {
      if (!mask[v])
        continue;
      g_autoptr (gsl_rng) rng = fault_rng (seed, CAUSE_CRASH_RECOVER, v);
      CsTime t;
      if (c->start == CS_FAULT_START_STATIONARY)
        {
          if (gsl_rng_uniform (rng) < p_up)
            t = cs_dist_sample_residual (&c->up, rng);
          else
            {
              /* Down since before time 0: the crash (and any disk loss) happened earlier. */
              CsTime d = cs_dist_sample_residual (&c->down, rng);
              add_interval (out, v, 0, d, 0, horizon);
              t = d + cs_dist_sample (&c->up, rng);
            }
        }
      else
        t = cs_dist_sample (&c->up, rng);
      while (t < horizon)
        {
          CsTime d = cs_dist_sample (&c->down, rng);
          guint8 flags = (c->disk_loss > 0 && gsl_rng_uniform (rng) < c->disk_loss)
            ? CS_FAULT_DISK_LOST : 0;
          add_interval (out, v, t, d, flags, horizon);
          t = t + d + cs_dist_sample (&c->up, rng);
        }
    }
}

/* crash_stop: a subset crashes once, for good. */
static void
draw_crash_stop (const CsCrashStopConfig *c, guint32 n, guint64 seed, CsTime horizon, GArray *out)
{
  if (!(c->nodes > 0) || !cs_dist_given (&c->at))
    return;
  g_autoptr (gsl_rng) select = fault_rng (seed, CAUSE_SELECT, 1);
  g_autofree guint8 *mask = choose_nodes (n, c->nodes, select);
  for (guint32 v = 0; v < n; v++)
    if (mask[v])
      {
        g_autoptr (gsl_rng) rng = fault_rng (seed, CAUSE_CRASH_STOP, v);
        add_interval (out, v, cs_dist_sample (&c->at, rng), CS_TIME_NEVER,
                      CS_FAULT_PERMANENT | CS_FAULT_DISK_LOST, horizon);
      }
}

/* churn: members leave after a session (the first one residual: they joined before time 0);
 * joiners are absent until they join, then stay a fresh session. */
static void
draw_churn (const CsChurnConfig *c, guint32 n, guint64 seed, CsTime horizon, GArray *out,
            guint8 *member)
{
  gboolean leaving = cs_dist_given (&c->session);
  if (!leaving && !(c->joiners > 0))
    return;
  g_autoptr (gsl_rng) select = fault_rng (seed, CAUSE_SELECT, 2);
  g_autofree guint8 *joiner = choose_nodes (n, c->joiners, select);
  for (guint32 v = 0; v < n; v++)
    {
      g_autoptr (gsl_rng) rng = fault_rng (seed, CAUSE_CHURN, v);
      CsTime leave = CS_TIME_NEVER;
      if (joiner[v])
        {
          member[v] = 0;
          CsTime join = cs_dist_sample (&c->join, rng);
          add_interval (out, v, 0, join, CS_FAULT_ABSENT, horizon);
          if (leaving && join < horizon)
            leave = join + cs_dist_sample (&c->session, rng);
        }
      else if (leaving)
        leave = cs_dist_sample_residual (&c->session, rng);
      if (leave != CS_TIME_NEVER)
        add_interval (out, v, leave, CS_TIME_NEVER, CS_FAULT_PERMANENT | CS_FAULT_DISK_LOST,
                      horizon);
    }
}

/* The start times of a scheduled (every == 0) or random event list element. */
static GArray *
event_times (CsTime at, CsTime every, CsTime horizon, gsl_rng *rng)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (CsTime));
  if (every == 0)
    {
      if (at < horizon)
        g_array_append_val (times, at);
      return times;
    }
  double t = 0, mean = cs_time_to_s (every);
  for (;;)
    {
      t += gsl_ran_exponential (rng, mean);
      CsTime ct = cs_time_from_s (t);
      if (ct >= horizon)
        return times;
      g_array_append_val (times, ct);
    }
}

static gint
find_region (const CsNet *net, const char *name)
{
  for (guint r = 0; r < cs_net_n_regions (net); r++)
    if (g_strcmp0 (cs_net_region_name (net, r), name) == 0)
      return (gint) r;
  return -1;
}

static void
draw_regional_outages (const GArray *list, const CsNet *net, guint64 seed, CsTime horizon,
                       GArray *out, CsFaultStats *stats)
{
  guint32 n = cs_net_n_nodes (net);
  g_autoptr (GArray) populated = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint r = 0; r < cs_net_n_regions (net); r++)
    if (cs_net_region_n_nodes (net, r) > 0)
      g_array_append_val (populated, r);

  for (guint j = 0; list && j < list->len; j++)
    {
      const CsRegionOutageConfig *o = &g_array_index (list, CsRegionOutageConfig, j);
      g_autoptr (gsl_rng) rng = fault_rng (seed, CAUSE_REGION, j);
      g_autoptr (GArray) times = event_times (o->at, o->every, horizon, rng);
      gint fixed = o->region ? find_region (net, o->region) : -1;
      g_return_if_fail (o->region == NULL || fixed >= 0); /* checked at load */
      for (guint i = 0; i < times->len && populated->len > 0; i++)
        {
          guint region = fixed >= 0 ? (guint) fixed
            : g_array_index (populated, guint, gsl_rng_uniform_int (rng, populated->len));
          stats->regional_outages++;
          for (guint32 v = 0; v < n; v++)
            if (cs_net_node_region (net, v) == region)
              {
                guint8 flags = (o->disk_loss > 0 && gsl_rng_uniform (rng) < o->disk_loss)
                  ? CS_FAULT_DISK_LOST : 0;
                add_interval (out, v, g_array_index (times, CsTime, i), o->duration, flags,
                              horizon);
              }
        }
    }
}

static void
draw_bursts (const GArray *list, guint32 n, guint64 seed, CsTime horizon, GArray *out,
             CsFaultStats *stats)
{
  g_autofree guint32 *all = g_new (guint32, n);
  for (guint32 i = 0; i < n; i++)
    all[i] = i;
  for (guint j = 0; list && j < list->len; j++)
    {
      const CsBurstConfig *b = &g_array_index (list, CsBurstConfig, j);
      g_autoptr (gsl_rng) rng = fault_rng (seed, CAUSE_BURST, j);
      g_autoptr (GArray) times = event_times (b->at, b->every, horizon, rng);
      guint32 k = (guint32) MIN ((guint64) b->nodes, n);
      g_autofree guint32 *chosen = g_new (guint32, MAX (k, 1));
      for (guint i = 0; i < times->len; i++)
        {
          stats->bursts++;
          gsl_ran_choose (rng, chosen, k, all, n, sizeof (guint32));
          for (guint32 c = 0; c < k; c++)
            {
              CsTime start = g_array_index (times, CsTime, i)
                + cs_time_from_s (gsl_rng_uniform (rng) * cs_time_to_s (b->window));
              CsTime d = cs_dist_sample (&b->down, rng);
              guint8 flags = (b->disk_loss > 0 && gsl_rng_uniform (rng) < b->disk_loss)
                ? CS_FAULT_DISK_LOST : 0;
              add_interval (out, chosen[c], start, d, flags, horizon);
            }
        }
    }
}

static gint
cmp_interval (gconstpointer a, gconstpointer b)
{
  const Interval *x = a, *y = b;
  if (x->node != y->node)
    return x->node < y->node ? -1 : 1;
  return (x->start > y->start) - (x->start < y->start);
}

static gint
cmp_event_time (gconstpointer a, gconstpointer b)
{
  const CsFaultEvent *x = a, *y = b;
  return (x->time > y->time) - (x->time < y->time);
}

static void
push_event (CsFaultSchedule *s, CsTime time, guint32 index, CsFaultKind kind, guint8 flags)
{
  CsFaultEvent ev = { .time = time, .index = index, .kind = kind, .flags = flags };
  g_array_append_val (s->events, ev);
}

/* Merges each node's intervals into periods and node events. */
static void
merge_intervals (CsFaultSchedule *s, GArray *intervals)
{
  g_array_sort (intervals, cmp_interval); /* stable */
  GArray *periods = g_array_new (FALSE, FALSE, sizeof (Period));
  s->period_offsets = g_new0 (gsize, s->n_nodes + 1);
  guint i = 0;
  for (guint32 v = 0; v < s->n_nodes; v++)
    {
      s->period_offsets[v] = periods->len;
      while (i < intervals->len && g_array_index (intervals, Interval, i).node == v)
        {
          Interval cur = g_array_index (intervals, Interval, i++);
          while (i < intervals->len)
            {
              const Interval *next = &g_array_index (intervals, Interval, i);
              if (next->node != v || next->start > cur.end)
                break;
              cur.end = MAX (cur.end, next->end);
              cur.flags |= next->flags;
              i++;
            }
          if (cur.end == CS_TIME_NEVER)
            cur.flags |= CS_FAULT_PERMANENT;
          Period p = { cur.start, cur.end };
          g_array_append_val (periods, p);
          gboolean absent = (cur.flags & CS_FAULT_ABSENT) && cur.start == 0;
          if (!absent)
            {
              s->stats.crashes++;
              s->stats.disk_losses += (cur.flags & CS_FAULT_DISK_LOST) != 0;
              s->stats.permanent += (cur.flags & CS_FAULT_PERMANENT) != 0;
            }
          push_event (s, cur.start, v, CS_FAULT_NODE_DOWN,
                      absent ? (cur.flags | CS_FAULT_ABSENT) : (cur.flags & ~CS_FAULT_ABSENT));
          if (cur.end < s->horizon)
            {
              push_event (s, cur.end, v, CS_FAULT_NODE_UP, absent ? CS_FAULT_ABSENT : 0);
              if (absent)
                s->stats.joins++;
              else
                s->stats.recoveries++;
            }
        }
    }
  s->period_offsets[s->n_nodes] = periods->len;
  s->periods = (Period *) g_array_free (periods, FALSE);
}

/* A network fault in force over [at, at + duration): its start event (@start_kind) and end event
 * (the next kind), both clipped to the horizon; counts it in @count. */
static void
add_window (CsFaultSchedule *s, CsTime at, CsTime duration, guint32 index, CsFaultKind start_kind,
            guint64 *count)
{
  if (at >= s->horizon)
    return;
  (*count)++;
  push_event (s, at, index, start_kind, 0);
  if (duration < s->horizon - at)
    push_event (s, at + duration, index, start_kind + 1, 0);
  else
    s->unhealed = TRUE;
}

static void
add_network_events (CsFaultSchedule *s, const CsFaultConfig *c, const CsNet *net)
{
  for (guint j = 0; c->partitions && j < c->partitions->len; j++)
    {
      const CsPartitionConfig *p = &g_array_index (c->partitions, CsPartitionConfig, j);
      guint32 *groups = g_new0 (guint32, MAX (s->n_regions, 1));
      for (guint g = 0; p->groups && g < p->groups->len; g++)
        {
          GArray *names = g_array_index (p->groups, GArray *, g);
          for (guint k = 0; k < names->len; k++)
            {
              gint r = find_region (net, g_array_index (names, char *, k));
              if (r >= 0)
                groups[r] = g + 1;
            }
        }
      g_array_append_val (s->partition_groups, groups);
      if (p->at < s->horizon)
        {
          s->stats.partitions++;
          push_event (s, p->at, j, CS_FAULT_PARTITION, 0);
          if (p->at + p->duration < s->horizon)
            push_event (s, p->at + p->duration, j, CS_FAULT_HEAL, 0);
          else
            s->unhealed = TRUE;
        }
    }
  for (guint j = 0; c->loss_bursts && j < c->loss_bursts->len; j++)
    {
      const CsLossBurstConfig *l = &g_array_index (c->loss_bursts, CsLossBurstConfig, j);
      g_array_append_val (s->losses, l->loss);
      if (l->at < s->horizon)
        {
          s->stats.loss_bursts++;
          push_event (s, l->at, j, CS_FAULT_LOSS_START, 0);
          if (l->at + l->duration < s->horizon)
            push_event (s, l->at + l->duration, j, CS_FAULT_LOSS_END, 0);
          else
            s->unhealed = TRUE;
        }
    }
  for (guint j = 0; c->delay_spikes && j < c->delay_spikes->len; j++)
    {
      const CsDelaySpikeConfig *d = &g_array_index (c->delay_spikes, CsDelaySpikeConfig, j);
      gint region = d->region ? find_region (net, d->region) : -1;
      g_return_if_fail (d->region == NULL || region >= 0); /* checked at load */
      g_array_append_val (s->spike_extra, d->extra);
      g_array_append_val (s->spike_region, region);
      add_window (s, d->at, d->duration, j, CS_FAULT_SPIKE_START, &s->stats.delay_spikes);
    }
  /* slow episodes: slow_nodes, then slow_leader, numbered on */
  const GArray *lists[] = { c->slow_nodes, c->slow_leader };
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint j = 0; lists[l] && j < lists[l]->len; j++)
      {
        const CsSlowNodeConfig *sn = &g_array_index (lists[l], CsSlowNodeConfig, j);
        guint32 node = l == 0 ? (guint32) sn->node : CS_FAULT_LEADER;
        g_array_append_val (s->slow_delay, sn->delay);
        g_array_append_val (s->slow_node, node);
        add_window (s, sn->at, sn->duration, s->slow_delay->len - 1, CS_FAULT_SLOW_START,
                    &s->stats.slow_episodes);
      }
}

CsFaultSchedule *
cs_fault_schedule_new (const CsFaultConfig *config, const CsNet *net, guint64 seed,
                       CsTime horizon)
{
  CsFaultSchedule *s = g_new0 (CsFaultSchedule, 1);
  s->n_nodes = cs_net_n_nodes (net);
  s->n_regions = cs_net_n_regions (net);
  s->horizon = horizon;
  s->events = g_array_new (FALSE, FALSE, sizeof (CsFaultEvent));
  s->member = g_malloc (s->n_nodes);
  memset (s->member, 1, s->n_nodes);
  s->node_region = g_new (guint16, s->n_nodes);
  for (guint32 v = 0; v < s->n_nodes; v++)
    s->node_region[v] = (guint16) cs_net_node_region (net, v);
  s->region_names = g_new0 (char *, s->n_regions + 1);
  for (guint r = 0; r < s->n_regions; r++)
    s->region_names[r] = g_strdup (cs_net_region_name (net, r));
  s->partition_groups = g_array_new (FALSE, FALSE, sizeof (guint32 *));
  s->losses = g_array_new (FALSE, FALSE, sizeof (double));
  s->spike_extra = g_array_new (FALSE, FALSE, sizeof (CsTime));
  s->spike_region = g_array_new (FALSE, FALSE, sizeof (gint));
  s->slow_delay = g_array_new (FALSE, FALSE, sizeof (CsTime));
  s->slow_node = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->loss_key = cs_mix64 (seed ^ cs_mix64 (cs_stream_id (CS_STREAM_FAULT,
                                                         (guint64) CAUSE_LOSS << 32)));

  g_autoptr (GArray) intervals = g_array_new (FALSE, FALSE, sizeof (Interval));
  draw_crash_recover (&config->crash_recover, s->n_nodes, seed, horizon, intervals);
  draw_crash_stop (&config->crash_stop, s->n_nodes, seed, horizon, intervals);
  draw_churn (&config->churn, s->n_nodes, seed, horizon, intervals, s->member);
  draw_regional_outages (config->regional_outages, net, seed, horizon, intervals, &s->stats);
  draw_bursts (config->bursts, s->n_nodes, seed, horizon, intervals, &s->stats);
  merge_intervals (s, intervals);
  add_network_events (s, config, net);
  g_array_sort (s->events, cmp_event_time); /* stable: ties keep node order, then list order */

  double up = 0;
  for (guint32 v = 0; v < s->n_nodes; v++)
    up += cs_fault_schedule_node_uptime (s, v, horizon);
  s->stats.uptime = s->n_nodes ? up / s->n_nodes : 1.0;
  return s;
}

void
cs_fault_schedule_free (CsFaultSchedule *s)
{
  if (!s)
    return;
  g_array_unref (s->events);
  g_free (s->periods);
  g_free (s->period_offsets);
  g_free (s->member);
  g_free (s->node_region);
  g_strfreev (s->region_names);
  for (guint i = 0; i < s->partition_groups->len; i++)
    g_free (g_array_index (s->partition_groups, guint32 *, i));
  g_array_unref (s->partition_groups);
  g_array_unref (s->losses);
  g_array_unref (s->spike_extra);
  g_array_unref (s->spike_region);
  g_array_unref (s->slow_delay);
  g_array_unref (s->slow_node);
  g_free (s);
}

const CsFaultEvent *
cs_fault_schedule_events (const CsFaultSchedule *s, guint *n_events)
{
  *n_events = s->events->len;
  return (const CsFaultEvent *) s->events->data;
}

guint32
cs_fault_schedule_n_nodes (const CsFaultSchedule *s)
{
  return s->n_nodes;
}

CsTime
cs_fault_schedule_horizon (const CsFaultSchedule *s)
{
  return s->horizon;
}

gboolean
cs_fault_schedule_is_member (const CsFaultSchedule *s, guint32 node)
{
  g_return_val_if_fail (node < s->n_nodes, FALSE);
  return s->member[node] != 0;
}

const guint32 *
cs_fault_schedule_partition_groups (const CsFaultSchedule *s, guint index)
{
  g_return_val_if_fail (index < s->partition_groups->len, NULL);
  return g_array_index (s->partition_groups, guint32 *, index);
}

double
cs_fault_schedule_loss (const CsFaultSchedule *s, guint index)
{
  g_return_val_if_fail (index < s->losses->len, 0);
  return g_array_index (s->losses, double, index);
}

CsTime
cs_fault_schedule_spike_extra (const CsFaultSchedule *s, guint index)
{
  g_return_val_if_fail (index < s->spike_extra->len, 0);
  return g_array_index (s->spike_extra, CsTime, index);
}

gint
cs_fault_schedule_spike_region (const CsFaultSchedule *s, guint index)
{
  g_return_val_if_fail (index < s->spike_region->len, -1);
  return g_array_index (s->spike_region, gint, index);
}

CsTime
cs_fault_schedule_slow_delay (const CsFaultSchedule *s, guint index)
{
  g_return_val_if_fail (index < s->slow_delay->len, 0);
  return g_array_index (s->slow_delay, CsTime, index);
}

guint32
cs_fault_schedule_slow_node (const CsFaultSchedule *s, guint index)
{
  g_return_val_if_fail (index < s->slow_node->len, CS_FAULT_LEADER);
  return g_array_index (s->slow_node, guint32, index);
}

CsTime
cs_fault_schedule_last_heal (const CsFaultSchedule *s)
{
  if (s->unhealed)
    return CS_TIME_NEVER;
  return s->events->len ? g_array_index (s->events, CsFaultEvent, s->events->len - 1).time : 0;
}

guint64
cs_fault_schedule_loss_key (const CsFaultSchedule *s)
{
  return s->loss_key;
}

double
cs_fault_schedule_node_uptime (const CsFaultSchedule *s, guint32 node, CsTime until)
{
  g_return_val_if_fail (node < s->n_nodes && until > 0, NAN);
  CsTime down = 0;
  for (gsize i = s->period_offsets[node]; i < s->period_offsets[node + 1]; i++)
    {
      const Period *p = &s->periods[i];
      if (p->start >= until)
        break;
      down += MIN (p->end, until) - p->start;
    }
  return 1.0 - (double) down / (double) until;
}

void
cs_fault_schedule_stats (const CsFaultSchedule *s, CsFaultStats *stats)
{
  *stats = s->stats;
}

static const char *const kind_names[] = {
  "down", "up", "partition", "heal", "loss_start", "loss_end", "spike_start", "spike_end",
  "slow_start", "slow_end",
};

void
cs_fault_schedule_write_csv (const CsFaultSchedule *s, GString *out)
{
  const char *cols[] = { "time_s", "event", "node", "region", "detail", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  for (guint i = 0; i < s->events->len; i++)
    {
      const CsFaultEvent *ev = &g_array_index (s->events, CsFaultEvent, i);
      gboolean node_event = ev->kind == CS_FAULT_NODE_DOWN || ev->kind == CS_FAULT_NODE_UP;
      cs_csv_double (csv, cs_time_to_s (ev->time));
      cs_csv_string (csv, kind_names[ev->kind]);
      if (node_event)
        {
          cs_csv_int (csv, ev->index);
          cs_csv_string (csv, s->region_names[s->node_region[ev->index]]);
        }
      else
        {
          cs_csv_string (csv, "");
          cs_csv_string (csv, "");
        }
      g_autoptr (GString) detail = g_string_new (NULL);
      if (node_event)
        {
          if (ev->flags & CS_FAULT_ABSENT)
            g_string_append (detail, ev->kind == CS_FAULT_NODE_UP ? "join" : "absent");
          if (ev->flags & CS_FAULT_DISK_LOST)
            g_string_append (detail, detail->len ? " disk_lost" : "disk_lost");
          if (ev->flags & CS_FAULT_PERMANENT)
            g_string_append (detail, detail->len ? " permanent" : "permanent");
        }
      else if (ev->kind == CS_FAULT_LOSS_START)
        g_string_append_printf (detail, "burst %u loss %g", ev->index,
                                cs_fault_schedule_loss (s, ev->index));
      else if (ev->kind == CS_FAULT_SPIKE_START)
        {
          gint r = cs_fault_schedule_spike_region (s, ev->index);
          g_string_append_printf (detail, "spike %u extra %gs %s", ev->index,
                                  cs_time_to_s (cs_fault_schedule_spike_extra (s, ev->index)),
                                  r < 0 ? "all" : s->region_names[r]);
        }
      else if (ev->kind == CS_FAULT_SLOW_START)
        {
          guint32 node = cs_fault_schedule_slow_node (s, ev->index);
          g_string_append_printf (detail, "slow %u delay %gs ", ev->index,
                                  cs_time_to_s (cs_fault_schedule_slow_delay (s, ev->index)));
          if (node == CS_FAULT_LEADER)
            g_string_append (detail, "leader");
          else
            g_string_append_printf (detail, "node %u", node);
        }
      else
        {
          static const char *const what[] = {
            [CS_FAULT_PARTITION] = "partition", [CS_FAULT_HEAL] = "partition",
            [CS_FAULT_LOSS_END] = "burst", [CS_FAULT_SPIKE_END] = "spike",
            [CS_FAULT_SLOW_END] = "slow",
          };
          g_string_append_printf (detail, "%s %u", what[ev->kind], ev->index);
        }
      cs_csv_string (csv, detail->str);
      cs_csv_end_row (csv);
    }
}
