/* cs-fault-config.c: the schema and checks of the `faults:` section (cs-fault-config.h). */
#include "fault/cs-fault-config.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* Most nodes a burst can fail (node ids are guint32; the network bounds it further). */
#define MAX_BURST_NODES 100000000

static const char *const start_names[] = { "stationary", "up", NULL };

/* ---- crash_recover ---- */

static gboolean
crash_recover_check (const void *config, CsCheck *check)
{
  const CsCrashRecoverConfig *c = config;
  gboolean written = cs_check_has_key (check, "nodes") || cs_check_has_key (check, "up")
    || cs_check_has_key (check, "down") || cs_check_has_key (check, "start")
    || cs_check_has_key (check, "disk_loss");

  if (!written)
    return TRUE;
  if (!cs_dist_given (&c->up))
    return cs_check_fail (check, NULL, "missing 'up', the distribution of the time between a "
                          "recovery and the next crash (e.g. up: {dist: exponential, mean: 1d})");
  if (!cs_dist_given (&c->down))
    return cs_check_fail (check, NULL, "missing 'down', the distribution of the time a crashed "
                          "node stays down (e.g. down: {dist: exponential, mean: 1h})");
  return TRUE;
}

static const CsField crash_recover_fields[] = {
  { .key = "nodes", .type = CS_T_FRACTION, .offset = offsetof (CsCrashRecoverConfig, nodes),
    .default_text = "100%", .min = 0, .max = 1,
    .help = "fraction of the nodes that alternate up and down (a random subset)" },
  { .key = "up", .type = CS_T_SECTION, .offset = offsetof (CsCrashRecoverConfig, up),
    .section = &cs_dist_schema, .min = NAN, .max = NAN,
    .help = "time up between crashes: {dist, mean, shape|sigma}" },
  { .key = "down", .type = CS_T_SECTION, .offset = offsetof (CsCrashRecoverConfig, down),
    .section = &cs_dist_schema, .min = NAN, .max = NAN,
    .help = "time down after a crash: {dist, mean, shape|sigma}" },
  { .key = "start", .type = CS_T_ENUM, .offset = offsetof (CsCrashRecoverConfig, start),
    .default_text = "stationary", .choices = start_names, .min = NAN, .max = NAN,
    .help = "stationary: begin in the steady state; up: every node up and fresh at time 0" },
  { .key = "disk_loss", .type = CS_T_FRACTION,
    .offset = offsetof (CsCrashRecoverConfig, disk_loss), .default_text = "0", .min = 0, .max = 1,
    .help = "probability that a crash also destroys the node's stored data" },
  { NULL }
};

static const CsSchema crash_recover_schema = {
  .name = "crash_recover",
  .struct_size = sizeof (CsCrashRecoverConfig),
  .fields = crash_recover_fields,
  .check = crash_recover_check,
};

/* ---- crash_stop ---- */

static gboolean
crash_stop_check (const void *config, CsCheck *check)
{
  const CsCrashStopConfig *c = config;
  gboolean written = cs_check_has_key (check, "nodes") || cs_check_has_key (check, "at");

  if (written && !cs_check_has_key (check, "nodes"))
    return cs_check_fail (check, NULL, "missing 'nodes', the fraction of the nodes that crash "
                          "for good (e.g. nodes: 5%%)");
  if (written && !cs_dist_given (&c->at))
    return cs_check_fail (check, NULL, "missing 'at', the distribution of the crash times "
                          "(e.g. at: {dist: exponential, mean: 10d})");
  return TRUE;
}

static const CsField crash_stop_fields[] = {
  { .key = "nodes", .type = CS_T_FRACTION, .offset = offsetof (CsCrashStopConfig, nodes),
    .default_text = "0", .min = 0, .max = 1,
    .help = "fraction of the nodes that crash once and never return" },
  { .key = "at", .type = CS_T_SECTION, .offset = offsetof (CsCrashStopConfig, at),
    .section = &cs_dist_schema, .min = NAN, .max = NAN,
    .help = "when each of them crashes, from time 0: {dist, mean, ...}" },
  { NULL }
};

static const CsSchema crash_stop_schema = {
  .name = "crash_stop",
  .struct_size = sizeof (CsCrashStopConfig),
  .fields = crash_stop_fields,
  .check = crash_stop_check,
};

/* ---- churn ---- */

static gboolean
churn_check (const void *config, CsCheck *check)
{
  const CsChurnConfig *c = config;

  if (c->joiners > 0 && !cs_dist_given (&c->join))
    return cs_check_fail (check, "joiners", "joiners need 'join', the distribution of their "
                          "join times (e.g. join: {dist: exponential, mean: 1d})");
  if (c->joiners == 0 && cs_dist_given (&c->join))
    return cs_check_fail (check, "join", "'join' is unused without joiners (e.g. joiners: 10%%)");
  return TRUE;
}

static const CsField churn_fields[] = {
  { .key = "session", .type = CS_T_SECTION, .offset = offsetof (CsChurnConfig, session),
    .section = &cs_dist_schema, .min = NAN, .max = NAN,
    .help = "how long a member stays before leaving for good (absent: nobody leaves)" },
  { .key = "joiners", .type = CS_T_FRACTION, .offset = offsetof (CsChurnConfig, joiners),
    .default_text = "0", .min = 0, .max = 1,
    .help = "fraction of the nodes absent at time 0 that join later, with no data" },
  { .key = "join", .type = CS_T_SECTION, .offset = offsetof (CsChurnConfig, join),
    .section = &cs_dist_schema, .min = NAN, .max = NAN,
    .help = "when each joiner joins, from time 0: {dist, mean, ...}" },
  { NULL }
};

static const CsSchema churn_schema = {
  .name = "churn",
  .struct_size = sizeof (CsChurnConfig),
  .fields = churn_fields,
  .check = churn_check,
};

/* ---- list elements ---- */

/* A scheduled event has `at`, a random one `every`; never both. */
static gboolean
check_at_every (CsCheck *check, CsTime every)
{
  if (cs_check_has_key (check, "at") && cs_check_has_key (check, "every"))
    return cs_check_fail (check, "every", "give either 'at' (one scheduled event) or 'every' "
                          "(random events, exponential gaps of this mean), not both");
  if (!cs_check_has_key (check, "at") && every == 0)
    return cs_check_fail (check, NULL, "missing 'at' (a scheduled time) or 'every' (the mean "
                          "gap of random events)");
  return TRUE;
}

static gboolean
region_outage_check (const void *config, CsCheck *check)
{
  const CsRegionOutageConfig *c = config;
  return check_at_every (check, c->every);
}

static const CsField region_outage_fields[] = {
  { .key = "region", .type = CS_T_STRING, .offset = offsetof (CsRegionOutageConfig, region),
    .min = NAN, .max = NAN,
    .help = "the region's name (absent: a region drawn at random for each outage)" },
  { .key = "at", .type = CS_T_DURATION, .offset = offsetof (CsRegionOutageConfig, at),
    .min = 0, .max = 1e18, .help = "start of a scheduled outage" },
  { .key = "every", .type = CS_T_DURATION, .offset = offsetof (CsRegionOutageConfig, every),
    .min = 1, .max = 1e18, .help = "random outages: mean gap (exponential)" },
  { .key = "duration", .type = CS_T_DURATION,
    .offset = offsetof (CsRegionOutageConfig, duration), .required = TRUE, .min = 1, .max = 1e18,
    .help = "how long every node of the region stays down" },
  { .key = "disk_loss", .type = CS_T_FRACTION,
    .offset = offsetof (CsRegionOutageConfig, disk_loss), .default_text = "0", .min = 0, .max = 1,
    .help = "fraction of the region's nodes whose stored data the outage destroys" },
  { NULL }
};

static const CsSchema region_outage_schema = {
  .name = "regional outage",
  .struct_size = sizeof (CsRegionOutageConfig),
  .fields = region_outage_fields,
  .check = region_outage_check,
};

static gboolean
burst_check (const void *config, CsCheck *check)
{
  const CsBurstConfig *c = config;
  if (!check_at_every (check, c->every))
    return FALSE;
  if (!cs_dist_given (&c->down))
    return cs_check_fail (check, NULL, "a burst needs 'down', how long each failed node stays "
                          "down (e.g. down: {dist: fixed, mean: 1h})");
  return TRUE;
}

static const CsField burst_fields[] = {
  { .key = "nodes", .type = CS_T_INT, .offset = offsetof (CsBurstConfig, nodes),
    .required = TRUE, .min = 1, .max = MAX_BURST_NODES,
    .help = "how many distinct nodes fail together" },
  { .key = "at", .type = CS_T_DURATION, .offset = offsetof (CsBurstConfig, at),
    .min = 0, .max = 1e18, .help = "start of a scheduled burst" },
  { .key = "every", .type = CS_T_DURATION, .offset = offsetof (CsBurstConfig, every),
    .min = 1, .max = 1e18, .help = "random bursts: mean gap (exponential)" },
  { .key = "window", .type = CS_T_DURATION, .offset = offsetof (CsBurstConfig, window),
    .default_text = "120s", .min = 0, .max = 1e18,
    .help = "the failures fall uniformly within this window (Ford et al.: 120 s)" },
  { .key = "down", .type = CS_T_SECTION, .offset = offsetof (CsBurstConfig, down),
    .section = &cs_dist_schema, .min = NAN, .max = NAN,
    .help = "how long each failed node stays down: {dist, mean, ...}" },
  { .key = "disk_loss", .type = CS_T_FRACTION, .offset = offsetof (CsBurstConfig, disk_loss),
    .default_text = "0", .min = 0, .max = 1,
    .help = "probability that a failed node's stored data is destroyed" },
  { NULL }
};

static const CsSchema burst_schema = {
  .name = "burst",
  .struct_size = sizeof (CsBurstConfig),
  .fields = burst_fields,
  .check = burst_check,
};

static const CsField region_name_item = {
  .type = CS_T_STRING, .min = NAN, .max = NAN,
};

static const CsField group_item = {
  .type = CS_T_LIST, .item = &region_name_item, .min = NAN, .max = NAN, .min_len = 1,
  .max_len = 1024,
};

static const CsField partition_fields[] = {
  { .key = "at", .type = CS_T_DURATION, .offset = offsetof (CsPartitionConfig, at),
    .required = TRUE, .min = 0, .max = 1e18, .help = "when the network splits" },
  { .key = "duration", .type = CS_T_DURATION, .offset = offsetof (CsPartitionConfig, duration),
    .required = TRUE, .min = 1, .max = 1e18, .help = "how long until it heals" },
  { .key = "groups", .type = CS_T_LIST, .offset = offsetof (CsPartitionConfig, groups),
    .required = TRUE, .item = &group_item, .min = NAN, .max = NAN, .min_len = 1, .max_len = 1024,
    .help = "lists of region names; each list is cut off from the others and from the rest" },
  { NULL }
};

static const CsSchema partition_schema = {
  .name = "partition",
  .struct_size = sizeof (CsPartitionConfig),
  .fields = partition_fields,
};

static const CsField loss_burst_fields[] = {
  { .key = "at", .type = CS_T_DURATION, .offset = offsetof (CsLossBurstConfig, at),
    .required = TRUE, .min = 0, .max = 1e18, .help = "start" },
  { .key = "duration", .type = CS_T_DURATION, .offset = offsetof (CsLossBurstConfig, duration),
    .required = TRUE, .min = 1, .max = 1e18, .help = "length" },
  { .key = "loss", .type = CS_T_FRACTION, .offset = offsetof (CsLossBurstConfig, loss),
    .required = TRUE, .min = 0, .max = 1,
    .help = "probability that a transfer started during the burst is lost" },
  { NULL }
};

static const CsSchema loss_burst_schema = {
  .name = "loss burst",
  .struct_size = sizeof (CsLossBurstConfig),
  .fields = loss_burst_fields,
};

static const CsField delay_spike_fields[] = {
  { .key = "at", .type = CS_T_DURATION, .offset = offsetof (CsDelaySpikeConfig, at),
    .required = TRUE, .min = 0, .max = 1e18, .help = "start" },
  { .key = "duration", .type = CS_T_DURATION, .offset = offsetof (CsDelaySpikeConfig, duration),
    .required = TRUE, .min = 1, .max = 1e18, .help = "length" },
  { .key = "extra", .type = CS_T_DURATION, .offset = offsetof (CsDelaySpikeConfig, extra),
    .required = TRUE, .min = 1, .max = 1e15,
    .help = "latency added to every transfer started during the spike" },
  { .key = "region", .type = CS_T_STRING, .offset = offsetof (CsDelaySpikeConfig, region),
    .min = NAN, .max = NAN,
    .help = "only the links from or to this region (absent: every link)" },
  { NULL }
};

static const CsSchema delay_spike_schema = {
  .name = "delay spike",
  .struct_size = sizeof (CsDelaySpikeConfig),
  .fields = delay_spike_fields,
};

/* The keys of a slow episode; slow_nodes adds `node`. */
#define SLOW_FIELDS \
  { .key = "at", .type = CS_T_DURATION, .offset = offsetof (CsSlowNodeConfig, at), \
    .required = TRUE, .min = 0, .max = 1e18, .help = "start" }, \
  { .key = "duration", .type = CS_T_DURATION, .offset = offsetof (CsSlowNodeConfig, duration), \
    .required = TRUE, .min = 1, .max = 1e18, .help = "length" }, \
  { .key = "delay", .type = CS_T_DURATION, .offset = offsetof (CsSlowNodeConfig, delay), \
    .required = TRUE, .min = 1, .max = 1e15, \
    .help = "every transfer the node starts meanwhile leaves this late" }

static const CsField slow_node_fields[] = {
  SLOW_FIELDS,
  { .key = "node", .type = CS_T_INT, .offset = offsetof (CsSlowNodeConfig, node),
    .required = TRUE, .min = 0, .max = 4294967294.0, .help = "the slow node's id" },
  { NULL }
};

static const CsSchema slow_node_schema = {
  .name = "slow node",
  .struct_size = sizeof (CsSlowNodeConfig),
  .fields = slow_node_fields,
};

static const CsField slow_leader_fields[] = {
  SLOW_FIELDS,
  { NULL }
};

static const CsSchema slow_leader_schema = {
  .name = "slow leader",
  .struct_size = sizeof (CsSlowNodeConfig),
  .fields = slow_leader_fields,
};

static const CsField region_outage_item = {
  .type = CS_T_SECTION, .section = &region_outage_schema, .min = NAN, .max = NAN,
};
static const CsField burst_item = {
  .type = CS_T_SECTION, .section = &burst_schema, .min = NAN, .max = NAN,
};
static const CsField partition_item = {
  .type = CS_T_SECTION, .section = &partition_schema, .min = NAN, .max = NAN,
};
static const CsField loss_burst_item = {
  .type = CS_T_SECTION, .section = &loss_burst_schema, .min = NAN, .max = NAN,
};
static const CsField delay_spike_item = {
  .type = CS_T_SECTION, .section = &delay_spike_schema, .min = NAN, .max = NAN,
};
static const CsField slow_node_item = {
  .type = CS_T_SECTION, .section = &slow_node_schema, .min = NAN, .max = NAN,
};
static const CsField slow_leader_item = {
  .type = CS_T_SECTION, .section = &slow_leader_schema, .min = NAN, .max = NAN,
};

/* ---- the section ---- */

/* Partitions are a network-wide state: two at once would have to be merged, so they may not
 * overlap. */
gboolean
cs_fault_config_check (const void *config, CsCheck *check)
{
  const CsFaultConfig *c = config;
  guint n = c->partitions ? c->partitions->len : 0;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        const CsPartitionConfig *a = &g_array_index (c->partitions, CsPartitionConfig, i);
        const CsPartitionConfig *b = &g_array_index (c->partitions, CsPartitionConfig, j);
        if (i != j && a->at <= b->at && b->at < a->at + a->duration && (a->at < b->at || i < j))
          return cs_check_fail_at_index (check, "partitions", j, "this partition starts while "
                                         "partition %u is still in force; partitions may not "
                                         "overlap", i);
      }
  return TRUE;
}

const CsField cs_fault_fields[] = {
  { .key = "crash_recover", .type = CS_T_SECTION,
    .offset = offsetof (CsFaultConfig, crash_recover), .section = &crash_recover_schema,
    .min = NAN, .max = NAN, .help = "nodes alternate up and down: nodes, up, down, start, "
    "disk_loss" },
  { .key = "crash_stop", .type = CS_T_SECTION, .offset = offsetof (CsFaultConfig, crash_stop),
    .section = &crash_stop_schema, .min = NAN, .max = NAN,
    .help = "nodes crash for good: nodes, at" },
  { .key = "churn", .type = CS_T_SECTION, .offset = offsetof (CsFaultConfig, churn),
    .section = &churn_schema, .min = NAN, .max = NAN,
    .help = "members leave for good, joiners arrive: session, joiners, join" },
  { .key = "regional_outages", .type = CS_T_LIST,
    .offset = offsetof (CsFaultConfig, regional_outages), .item = &region_outage_item,
    .min = NAN, .max = NAN, .max_len = 1000,
    .help = "every node of a region down: region, at|every, duration, disk_loss" },
  { .key = "bursts", .type = CS_T_LIST, .offset = offsetof (CsFaultConfig, bursts),
    .item = &burst_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "k nodes failing within a window: nodes, at|every, window, down, disk_loss" },
  { .key = "partitions", .type = CS_T_LIST, .offset = offsetof (CsFaultConfig, partitions),
    .item = &partition_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "groups of regions cut off, then healed: at, duration, groups" },
  { .key = "loss_bursts", .type = CS_T_LIST, .offset = offsetof (CsFaultConfig, loss_bursts),
    .item = &loss_burst_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "periods of message loss: at, duration, loss" },
  { .key = "delay_spikes", .type = CS_T_LIST, .offset = offsetof (CsFaultConfig, delay_spikes),
    .item = &delay_spike_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "periods of extra latency on every link or a region's: at, duration, extra, region" },
  { .key = "slow_nodes", .type = CS_T_LIST, .offset = offsetof (CsFaultConfig, slow_nodes),
    .item = &slow_node_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "a node sends everything late: at, duration, delay, node" },
  { .key = "slow_leader", .type = CS_T_LIST, .offset = offsetof (CsFaultConfig, slow_leader),
    .item = &slow_leader_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "the replica leading at 'at' sends everything late (raft, pbft, hotstuff): at, "
            "duration, delay" },
  { NULL }
};

const CsSchema cs_fault_schema = {
  .name = "faults",
  .struct_size = sizeof (CsFaultConfig),
  .fields = cs_fault_fields,
  .check = cs_fault_config_check,
};

static guint
len_of (const GArray *a)
{
  return a ? a->len : 0;
}

gboolean
cs_fault_config_any (const CsFaultConfig *c)
{
  return (c->crash_recover.nodes > 0 && cs_dist_given (&c->crash_recover.up))
    || (c->crash_stop.nodes > 0 && cs_dist_given (&c->crash_stop.at))
    || cs_dist_given (&c->churn.session) || c->churn.joiners > 0
    || len_of (c->regional_outages) > 0 || len_of (c->bursts) > 0
    || len_of (c->partitions) > 0 || len_of (c->loss_bursts) > 0
    || len_of (c->delay_spikes) > 0 || len_of (c->slow_nodes) > 0 || len_of (c->slow_leader) > 0;
}

/* The index of region @name in @net, or -1. */
static gint
region_index (const CsNetConfig *net, const char *name)
{
  for (guint i = 0; i < len_of (net->regions); i++)
    if (g_strcmp0 (g_array_index (net->regions, CsNetRegion, i).name, name) == 0)
      return (gint) i;
  return -1;
}

/* "NA, EU, SA" */
static char *
region_list (const CsNetConfig *net)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < len_of (net->regions); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
                            g_array_index (net->regions, CsNetRegion, i).name);
  return g_string_free (s, FALSE);
}

/* Reports a problem with element @index of list @list: at the element when @check is the
 * section's, at @section_key (with the path in the message) when it is the scenario's. */
static gboolean fail_item (CsCheck *check, const char *section_key, const char *list,
                           guint index, const char *format, ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail_item (CsCheck *check, const char *section_key, const char *list, guint index,
           const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (section_key)
    return cs_check_fail (check, section_key, "%s.%s[%u]: %s", section_key, list, index, msg);
  return cs_check_fail_at_index (check, list, index, "%s", msg);
}

gboolean
cs_fault_config_check_network (const CsFaultConfig *c, const CsNetConfig *net, CsCheck *check,
                               const char *section_key)
{
  for (guint i = 0; i < len_of (c->regional_outages); i++)
    {
      const CsRegionOutageConfig *o = &g_array_index (c->regional_outages,
                                                      CsRegionOutageConfig, i);
      if (o->region != NULL && region_index (net, o->region) < 0)
        {
          g_autofree char *names = region_list (net);
          return fail_item (check, section_key, "regional_outages", i,
                            "no region '%s' in the network (regions: %s)", o->region, names);
        }
    }
  for (guint i = 0; i < len_of (c->bursts); i++)
    {
      const CsBurstConfig *b = &g_array_index (c->bursts, CsBurstConfig, i);
      if (b->nodes > net->nodes)
        return fail_item (check, section_key, "bursts", i, "a burst of %" G_GINT64_FORMAT
                          " nodes, but the network has only %" G_GINT64_FORMAT, b->nodes,
                          net->nodes);
    }
  for (guint i = 0; i < len_of (c->delay_spikes); i++)
    {
      const CsDelaySpikeConfig *d = &g_array_index (c->delay_spikes, CsDelaySpikeConfig, i);
      if (d->region != NULL && region_index (net, d->region) < 0)
        {
          g_autofree char *names = region_list (net);
          return fail_item (check, section_key, "delay_spikes", i,
                            "no region '%s' in the network (regions: %s)", d->region, names);
        }
    }
  for (guint i = 0; i < len_of (c->slow_nodes); i++)
    {
      const CsSlowNodeConfig *sn = &g_array_index (c->slow_nodes, CsSlowNodeConfig, i);
      if (sn->node >= net->nodes)
        return fail_item (check, section_key, "slow_nodes", i, "no node %" G_GINT64_FORMAT
                          ": the network has %" G_GINT64_FORMAT " nodes (ids 0 to %"
                          G_GINT64_FORMAT ")", sn->node, net->nodes, net->nodes - 1);
    }
  for (guint i = 0; i < len_of (c->partitions); i++)
    {
      const CsPartitionConfig *p = &g_array_index (c->partitions, CsPartitionConfig, i);
      g_autofree guint8 *seen = g_new0 (guint8, len_of (net->regions) + 1);
      for (guint g = 0; g < len_of (p->groups); g++)
        {
          GArray *group = g_array_index (p->groups, GArray *, g);
          for (guint k = 0; k < len_of (group); k++)
            {
              const char *name = g_array_index (group, char *, k);
              gint r = region_index (net, name);
              if (r < 0)
                {
                  g_autofree char *names = region_list (net);
                  return fail_item (check, section_key, "partitions", i,
                                    "no region '%s' in the network (regions: %s)", name, names);
                }
              if (seen[r])
                return fail_item (check, section_key, "partitions", i,
                                  "region '%s' is named twice: a region belongs to one group",
                                  name);
              seen[r] = 1;
            }
        }
    }
  return TRUE;
}
