/* cs-fault-runner.c: playing a fault schedule into an engine and a network (cs-fault-runner.h). */
#include "fault/cs-fault-runner.h"

#include "engine/cs-rng.h"

struct _CsFaultRunner
{
  const CsFaultSchedule *schedule; /* borrowed */
  const CsFaultEvent *events;      /* the schedule's events */
  guint n_events;                  /* their count */
  guint next;                      /* the first event not yet applied */
  CsEngine *engine;                /* borrowed */
  CsNet *net;                      /* borrowed */
  guint16 kind;                    /* this runner's engine event kind */
  CsFaultNodeFunc node_func;       /* crash / recover callback, or NULL */
  CsFaultLeaderFunc leader_func;   /* who leads, for slow_leader episodes, or NULL */
  gpointer user_data;              /* its data */
  GArray *active_losses;           /* guint indices of the loss bursts in force */
  double loss;                     /* largest loss in force */
  guint64 loss_key;                /* hash key of per-transfer loss decisions */
  CsTime spike_all;                /* sum of the network-wide spikes in force */
  CsTime *spike_region;            /* per region: sum of its spikes in force (NULL until one) */
  CsTime *slow_sum;                /* per node: sum of its slow episodes in force (NULL until one) */
  GArray *slowed;                  /* guint32 per slow episode started: the node slowed */
};

/* Link filter of the loss bursts: a transfer passes unless its hash falls below the loss. */
static gboolean
loss_filter (guint32 src, guint32 dst, CsTime now, gpointer user_data)
{
  const CsFaultRunner *r = user_data;
  guint64 h = cs_mix64 (r->loss_key ^ cs_mix64 (((guint64) src << 32 | dst) ^ cs_mix64 (now)));
  double u = (double) (h >> 11) * (1.0 / 9007199254740992.0); /* 53 bits in [0, 1) */
  return !(u < r->loss);
}

static void
update_loss (CsFaultRunner *r)
{
  double loss = 0;
  for (guint i = 0; i < r->active_losses->len; i++)
    loss = MAX (loss, cs_fault_schedule_loss (r->schedule,
                                              g_array_index (r->active_losses, guint, i)));
  gboolean was = r->loss > 0;
  r->loss = loss;
  if (loss > 0 && !was)
    cs_net_set_link_filter (r->net, loss_filter, r, NULL);
  else if (loss == 0 && was)
    cs_net_set_link_filter (r->net, NULL, NULL, NULL);
}

/* Delay spike @index starts (@sign 1) or ends (-1). */
static void
apply_spike (CsFaultRunner *r, guint index, int sign)
{
  CsTime extra = sign * cs_fault_schedule_spike_extra (r->schedule, index);
  gint region = cs_fault_schedule_spike_region (r->schedule, index);
  if (region < 0)
    {
      r->spike_all += extra;
      cs_net_set_delay (r->net, r->spike_all);
      return;
    }
  if (!r->spike_region)
    r->spike_region = g_new0 (CsTime, cs_net_n_regions (r->net));
  r->spike_region[region] += extra;
  cs_net_set_region_delay (r->net, (guint) region, r->spike_region[region]);
}

/* Slow episode @index starts (@sign 1: its node is chosen now) or ends (-1). */
static void
apply_slow (CsFaultRunner *r, guint index, int sign)
{
  if (index >= r->slowed->len)
    {
      guint old = r->slowed->len;
      g_array_set_size (r->slowed, index + 1);
      for (guint i = old; i <= index; i++)
        g_array_index (r->slowed, guint32, i) = CS_FAULT_LEADER;
    }
  guint32 *node = &g_array_index (r->slowed, guint32, index);
  if (sign > 0)
    {
      *node = cs_fault_schedule_slow_node (r->schedule, index);
      if (*node == CS_FAULT_LEADER && r->leader_func)
        *node = r->leader_func (r->user_data);
    }
  if (*node == CS_FAULT_LEADER || *node >= cs_net_n_nodes (r->net))
    return;
  if (!r->slow_sum)
    r->slow_sum = g_new0 (CsTime, cs_net_n_nodes (r->net));
  r->slow_sum[*node] += sign * cs_fault_schedule_slow_delay (r->schedule, index);
  cs_net_set_node_delay (r->net, *node, r->slow_sum[*node]);
}

static void
apply (CsFaultRunner *r, const CsFaultEvent *ev)
{
  switch (ev->kind)
    {
    case CS_FAULT_NODE_DOWN:
      cs_net_set_node_up (r->net, ev->index, FALSE);
      if (r->node_func)
        r->node_func (ev->index, FALSE, ev->flags, r->user_data);
      break;
    case CS_FAULT_NODE_UP:
      cs_net_set_node_up (r->net, ev->index, TRUE);
      if (r->node_func)
        r->node_func (ev->index, TRUE, ev->flags, r->user_data);
      break;
    case CS_FAULT_PARTITION:
      cs_net_partition_regions (r->net, cs_fault_schedule_partition_groups (r->schedule,
                                                                            ev->index));
      break;
    case CS_FAULT_HEAL:
      cs_net_heal (r->net);
      break;
    case CS_FAULT_LOSS_START:
      g_array_append_val (r->active_losses, ev->index);
      update_loss (r);
      break;
    case CS_FAULT_LOSS_END:
      for (guint i = 0; i < r->active_losses->len; i++)
        if (g_array_index (r->active_losses, guint, i) == ev->index)
          {
            g_array_remove_index (r->active_losses, i);
            break;
          }
      update_loss (r);
      break;
    case CS_FAULT_SPIKE_START:
    case CS_FAULT_SPIKE_END:
      apply_spike (r, ev->index, ev->kind == CS_FAULT_SPIKE_START ? 1 : -1);
      break;
    case CS_FAULT_SLOW_START:
    case CS_FAULT_SLOW_END:
      apply_slow (r, ev->index, ev->kind == CS_FAULT_SLOW_START ? 1 : -1);
      break;
    default:
      g_return_if_reached ();
    }
}

/* Applies every event due by @now and schedules the next one. */
static void
advance (CsFaultRunner *r, CsTime now)
{
  while (r->next < r->n_events && r->events[r->next].time <= now)
    apply (r, &r->events[r->next++]);
  if (r->next < r->n_events)
    cs_engine_schedule (r->engine, r->events[r->next].time, CS_SRC_SYSTEM, 0, r->kind, 0, r);
}

static void
on_fault (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  advance (user_data, ev->time);
}

CsFaultRunner *
cs_fault_runner_new (const CsFaultSchedule *schedule, CsEngine *engine, CsNet *net,
                     CsFaultNodeFunc node_func, gpointer user_data)
{
  return cs_fault_runner_new_full (schedule, engine, net, node_func, NULL, user_data);
}

CsFaultRunner *
cs_fault_runner_new_full (const CsFaultSchedule *schedule, CsEngine *engine, CsNet *net,
                          CsFaultNodeFunc node_func, CsFaultLeaderFunc leader_func,
                          gpointer user_data)
{
  g_return_val_if_fail (cs_fault_schedule_n_nodes (schedule) == cs_net_n_nodes (net), NULL);
  CsFaultRunner *r = g_new0 (CsFaultRunner, 1);
  r->schedule = schedule;
  r->events = cs_fault_schedule_events (schedule, &r->n_events);
  r->engine = engine;
  r->net = net;
  r->node_func = node_func;
  r->leader_func = leader_func;
  r->slowed = g_array_new (FALSE, FALSE, sizeof (guint32));
  r->user_data = user_data;
  r->active_losses = g_array_new (FALSE, FALSE, sizeof (guint));
  r->loss_key = cs_fault_schedule_loss_key (schedule);
  r->kind = cs_engine_register (engine, on_fault, NULL, r);
  advance (r, cs_engine_now (engine));
  return r;
}

void
cs_fault_runner_free (CsFaultRunner *r)
{
  if (!r)
    return;
  g_array_unref (r->active_losses);
  g_array_unref (r->slowed);
  g_free (r->spike_region);
  g_free (r->slow_sum);
  g_free (r);
}

double
cs_fault_runner_loss (const CsFaultRunner *r)
{
  return r->loss;
}

guint32
cs_fault_runner_slowed (const CsFaultRunner *r, guint index)
{
  return index < r->slowed->len ? g_array_index (r->slowed, guint32, index) : CS_FAULT_LEADER;
}
