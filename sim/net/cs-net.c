/* cs-net.c: the network model (see cs-net.h): node placement by largest remainder, latency
 * sampling, the serialized bandwidth model, outages and partitions. The peer graph is drawn in
 * cs-peer-graph.c.
 *
 * Cost: cs_net_new() is O(N * d^2) (the graph) plus O(N) (placement); a latency sample or a
 * transfer is O(1) with a handful of floating-point operations and at most two draws. Memory per
 * node: about 50 bytes of state plus 8 bytes per link end. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "engine/cs-rng.h"
#include "net/cs-net-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Integer-ns helpers */

/* @ns rounded to the nearest integer, clamped to [0, CS_TIME_NEVER] (NaN gives NEVER). */
static CsTime
ns_round (double ns)
{
  if (!(ns < 9.2e18))
    return CS_TIME_NEVER;
  if (ns <= 0)
    return 0;
  return (CsTime) (ns + 0.5);
}

/* @a + @b for non-negative times, saturated at CS_TIME_NEVER. */
static CsTime
time_add (CsTime a, CsTime b)
{
  return a > CS_TIME_NEVER - b ? CS_TIME_NEVER : a + b;
}

/* Time to push @bytes through a link of @rate bit/s, rounded to the nearest ns (0: unlimited). */
static CsTime
serialization_time (guint64 bytes, double rate)
{
  if (!(rate > 0))
    return 0;
  return ns_round ((double) bytes * 8e9 / rate);
}

/* ------------------------------------------------------------------------------------------ */
/* Construction */

/* Counts per region by the largest-remainder method (Hamilton): each region first gets the
 * integer part of its quota share * N, then the seats left go to the largest fractional parts,
 * the first region winning ties. Regions with share 0 get no node. */
static void
apportion (const CsNetConfig *config, guint32 n, guint32 *count)
{
  guint n_regions = config->regions->len;
  g_autofree double *rem = g_new (double, n_regions);
  double sum = 0;
  guint64 assigned = 0;

  for (guint r = 0; r < n_regions; r++)
    sum += g_array_index (config->regions, CsNetRegion, r).share;
  for (guint r = 0; r < n_regions; r++)
    {
      double share = g_array_index (config->regions, CsNetRegion, r).share;
      double quota = share / sum * n;
      double base = floor (quota);
      count[r] = (guint32) MIN (base, (double) n);
      rem[r] = share > 0 ? quota - base : -1;
      assigned += count[r];
    }
  while (assigned < n)
    {
      guint best = 0;
      for (guint r = 1; r < n_regions; r++)
        if (rem[r] > rem[best])
          best = r;
      count[best]++;
      rem[best] = -1;
      assigned++;
    }
  /* Rounding cannot overshoot (the floors sum to at most N), but stay safe. */
  for (guint r = n_regions; assigned > n && r-- > 0;)
    while (count[r] > 0 && assigned > n)
      {
        count[r]--;
        assigned--;
      }
}

/* Places the nodes: exact counts by apportionment, then a seeded shuffle of which node id lands
 * in which region. */
static void
place_nodes (CsNet *net, const CsNetConfig *config, guint64 seed)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (seed, cs_stream_id (CS_STREAM_WORLD,
                                                            CS_NET_STREAM_PLACEMENT));
  guint32 v = 0;

  apportion (config, net->n_nodes, net->region_n_nodes);
  for (guint r = 0; r < net->n_regions; r++)
    for (guint32 i = 0; i < net->region_n_nodes[r]; i++)
      net->node_region[v++] = (guint16) r;
  g_assert (v == net->n_nodes);
  gsl_ran_shuffle (rng, net->node_region, net->n_nodes, sizeof (guint16));
}

CsNet *
cs_net_new (const CsNetConfig *config, guint64 seed, GError **error)
{
  CsNet *net;
  guint32 n;
  guint n_regions;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!cs_net_config_validate (config, error))
    return NULL;

  n = (guint32) config->nodes;
  n_regions = config->regions->len;
  net = g_new0 (CsNet, 1);
  net->n_nodes = n;
  net->n_regions = n_regions;
  net->region_names = g_new0 (char *, n_regions + 1);
  net->region_n_nodes = g_new0 (guint32, n_regions);
  net->latency = g_new (CsTime, (gsize) n_regions * n_regions);
  for (guint r = 0; r < n_regions; r++)
    {
      const GArray *row = g_array_index (config->latency, GArray *, r);
      net->region_names[r] = g_strdup (g_array_index (config->regions, CsNetRegion, r).name);
      for (guint c = 0; c < n_regions; c++)
        net->latency[r * n_regions + c] = g_array_index (row, gint64, c);
    }

  net->jitter = (CsJitter) config->jitter;
  net->pareto_shape = config->pareto_shape;
  net->jitter_sigma = config->jitter_sigma;
  net->jitter_spread = config->jitter_spread;
  net->loss = config->loss;
  net->bandwidth_model = (CsBandwidthModel) config->bandwidth_model;
  net->tcp_initial_window = config->tcp_initial_window;
  net->interleave_max = config->interleave_max;

  net->node_region = g_new (guint16, n);
  net->upload = g_new (double, n);
  net->download = g_new (double, n);
  net->up_free = g_new0 (CsTime, n);
  net->down_free = g_new0 (CsTime, n);
  net->node_down = g_new0 (guint8, n);
  net->node_group = g_new0 (guint32, n);

  place_nodes (net, config, seed);
  for (guint32 v = 0; v < n; v++)
    {
      const CsNetRegion *reg = &g_array_index (config->regions, CsNetRegion,
                                               net->node_region[v]);
      net->upload[v] = reg->upload;
      net->download[v] = reg->download;
    }

  {
    g_autoptr (gsl_rng) rng = cs_rng_new (seed, cs_stream_id (CS_STREAM_WORLD,
                                                              CS_NET_STREAM_GRAPH));
    cs__peer_graph_build (&net->graph, n, &config->peers, rng);
  }
  return net;
}

void
cs_net_free (CsNet *net)
{
  if (net == NULL)
    return;
  if (net->filter_destroy != NULL)
    net->filter_destroy (net->filter_data);
  g_strfreev (net->region_names);
  g_free (net->region_n_nodes);
  g_free (net->latency);
  g_free (net->node_region);
  g_free (net->upload);
  g_free (net->download);
  g_free (net->up_free);
  g_free (net->down_free);
  g_free (net->node_down);
  g_free (net->node_group);
  g_free (net->region_delay);
  g_free (net->node_delay);
  cs__peer_graph_clear (&net->graph);
  g_free (net);
}

/* ------------------------------------------------------------------------------------------ */
/* Nodes and regions */

guint32
cs_net_n_nodes (const CsNet *net)
{
  g_return_val_if_fail (net != NULL, 0);
  return net->n_nodes;
}

guint
cs_net_n_regions (const CsNet *net)
{
  g_return_val_if_fail (net != NULL, 0);
  return net->n_regions;
}

const char *
cs_net_region_name (const CsNet *net, guint region)
{
  g_return_val_if_fail (net != NULL && region < net->n_regions, NULL);
  return net->region_names[region];
}

guint32
cs_net_region_n_nodes (const CsNet *net, guint region)
{
  g_return_val_if_fail (net != NULL && region < net->n_regions, 0);
  return net->region_n_nodes[region];
}

guint
cs_net_node_region (const CsNet *net, guint32 node)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, 0);
  return net->node_region[node];
}

double
cs_net_node_upload (const CsNet *net, guint32 node)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, 0);
  return net->upload[node];
}

double
cs_net_node_download (const CsNet *net, guint32 node)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, 0);
  return net->download[node];
}

void
cs_net_set_node_bandwidth (CsNet *net, guint32 node, double upload, double download)
{
  g_return_if_fail (net != NULL && node < net->n_nodes);
  g_return_if_fail (upload >= 0 && download >= 0);
  net->upload[node] = upload;
  net->download[node] = download;
}

/* ------------------------------------------------------------------------------------------ */
/* Peer graph */

const guint32 *
cs_net_peers (const CsNet *net, guint32 node, guint32 *n_peers)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, NULL);
  g_return_val_if_fail (n_peers != NULL, NULL);
  *n_peers = (guint32) (net->graph.offsets[node + 1] - net->graph.offsets[node]);
  return net->graph.peers + net->graph.offsets[node];
}

gboolean
cs_net_are_peers (const CsNet *net, guint32 a, guint32 b)
{
  guint32 n, lo = 0, hi;
  const guint32 *row;

  g_return_val_if_fail (net != NULL && a < net->n_nodes && b < net->n_nodes, FALSE);
  row = cs_net_peers (net, a, &n);
  hi = n;
  while (lo < hi)  /* binary search in the sorted row */
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (row[mid] < b)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < n && row[lo] == b;
}

guint32
cs_net_n_outbound (const CsNet *net, guint32 node)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, 0);
  return net->graph.n_out[node];
}

void
cs_net_graph_stats (const CsNet *net, CsNetGraphStats *stats)
{
  const CsPeerGraph *g;

  g_return_if_fail (net != NULL && stats != NULL);
  g = &net->graph;
  memset (stats, 0, sizeof *stats);
  stats->min_degree = G_MAXUINT32;
  for (guint32 v = 0; v < net->n_nodes; v++)
    {
      guint32 d = (guint32) (g->offsets[v + 1] - g->offsets[v]);
      stats->min_degree = MIN (stats->min_degree, d);
      stats->max_degree = MAX (stats->max_degree, d);
    }
  stats->n_links = g->offsets[net->n_nodes] / 2;
  stats->mean_degree = (double) g->offsets[net->n_nodes] / net->n_nodes;
  stats->components = g->components;
  stats->links_joining = g->links_joining;
  stats->outbound_shortfall = g->outbound_shortfall;
}

/* ------------------------------------------------------------------------------------------ */
/* Latency and transfers */

CsTime
cs_net_latency_mean (const CsNet *net, guint32 a, guint32 b)
{
  g_return_val_if_fail (net != NULL && a < net->n_nodes && b < net->n_nodes, 0);
  return net->latency[net->node_region[a] * net->n_regions + net->node_region[b]];
}

CsTime
cs_net_latency_sample (const CsNet *net, guint32 a, guint32 b, gsl_rng *rng)
{
  double mean, x;

  g_return_val_if_fail (net != NULL && a < net->n_nodes && b < net->n_nodes, 0);
  g_return_val_if_fail (rng != NULL, 0);

  mean = (double) net->latency[net->node_region[a] * net->n_regions + net->node_region[b]];
  if (mean <= 0)
    return 0;
  switch (net->jitter)
    {
    case CS_JITTER_PARETO:
      {
        /* Mean of Pareto(k, xm) is k xm / (k - 1): xm = mean (k - 1) / k. */
        double k = net->pareto_shape;
        x = gsl_ran_pareto (rng, k, mean * (k - 1) / k);
        break;
      }
    case CS_JITTER_EXPONENTIAL:
      x = gsl_ran_exponential (rng, mean);  /* GSL takes the mean */
      break;
    case CS_JITTER_LOGNORMAL:
      {
        /* E[lognormal(mu, s)] = exp(mu + s^2/2). */
        double s = net->jitter_sigma;
        x = gsl_ran_lognormal (rng, log (mean) - s * s / 2, s);
        break;
      }
    case CS_JITTER_UNIFORM:
      x = gsl_ran_flat (rng, mean * (1 - net->jitter_spread), mean * (1 + net->jitter_spread));
      break;
    case CS_JITTER_PARETO_SIMBLOCK:
      {
        /* Shape 0.2 x mean in ms, scale mean - 5 ms: mean (m-5)(m/5)/(m/5-1) = m exactly. */
        double k = 0.2 * mean / 1e6;
        x = k > 1 ? gsl_ran_pareto (rng, k, mean - 5e6) : mean;
        break;
      }
    case CS_JITTER_NONE:
    default:
      x = mean;
      break;
    }
  return ns_round (x);
}

/* Checks that calls come in time order (one thread's engine order), and records @now. With
 * several threads (cs_net_set_concurrent) each has its own order: nothing is checked or kept. */
static inline gboolean
note_now (CsNet *net, CsTime now)
{
  if (net->concurrent)
    return TRUE;
  g_return_val_if_fail (now >= net->last_now, FALSE);
  net->last_now = now;
  return TRUE;
}

/* What every transfer draws when it is handed to the network at @now: NEVER when @src cannot
 * reach @dst (nothing drawn); otherwise one latency sample (plus the extra delay in force), then
 * one uniform when loss > 0, which sets *@lost. */
static CsTime
path_latency (CsNet *net, CsTime now, guint32 src, guint32 dst, gsl_rng *rng, gboolean *lost)
{
  if (!cs_net_can_reach (net, now, src, dst))
    return CS_TIME_NEVER;
  CsTime lat = cs_net_latency_sample (net, src, dst, rng);
  if (net->n_delays)
    lat = time_add (lat, cs_net_extra_delay (net, src, dst));
  *lost = net->loss > 0 && gsl_rng_uniform (rng) < net->loss;
  return lat;
}

CsTime
cs_net_transfer_send (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes,
                      gsl_rng *rng)
{
  CsTime lat, up_start, up_end;
  gboolean lost;

  g_return_val_if_fail (net != NULL && rng != NULL, CS_TIME_NEVER);
  g_return_val_if_fail (src < net->n_nodes && dst < net->n_nodes && src != dst, CS_TIME_NEVER);
  g_return_val_if_fail (now >= 0 && now != CS_TIME_NEVER, CS_TIME_NEVER);
  if (!note_now (net, now))
    return CS_TIME_NEVER;

  lat = path_latency (net, now, src, dst, rng, &lost);
  if (lat == CS_TIME_NEVER)
    return CS_TIME_NEVER;
  if (net->bandwidth_model == CS_BANDWIDTH_NONE)
    return lost ? CS_TIME_NEVER : time_add (now, lat);

  /* The uplink sends its transfers one after the other; a lost one was still sent. */
  up_start = MAX (now, net->up_free[src]);
  up_end = time_add (up_start, serialization_time (bytes, net->upload[src]));
  net->up_free[src] = up_end;
  if (lost)
    return CS_TIME_NEVER;
  return time_add (up_start, lat);
}

/* The time TCP slow start adds to a transfer of @bytes from @src to @dst: it takes
 * w = ceil(log2(bytes / IW + 1)) congestion windows (IW, 2 IW, 4 IW, ...), each sent one round
 * trip (twice the mean one-way latency) after the previous one, so (w - 1) round trips more than
 * the bytes alone. Every transfer starts from the initial window, as a connection idle for longer
 * than its retransmission timeout does (RFC 5681 s.4.1): blocks are minutes apart. */
static CsTime
slow_start_delay (const CsNet *net, guint32 src, guint32 dst, guint64 bytes)
{
  if (net->tcp_initial_window == 0 || bytes <= net->tcp_initial_window)
    return 0;
  guint windows = 0;
  for (guint64 sent = 0, w = net->tcp_initial_window; sent < bytes; w *= 2)
    {
      sent += w;
      windows++;
    }
  return (CsTime) (windows - 1) * 2 * cs_net_latency_mean (net, src, dst);
}

CsTime
cs_net_transfer_arrive (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes)
{
  g_return_val_if_fail (net != NULL, CS_TIME_NEVER);
  g_return_val_if_fail (src < net->n_nodes && dst < net->n_nodes, CS_TIME_NEVER);
  if (!note_now (net, now))
    return CS_TIME_NEVER;
  if (net->bandwidth_model == CS_BANDWIDTH_NONE)
    return now;
  /* The downlink carries the bytes from their first arrival at its own rate, after what it
   * already carries; the last byte cannot arrive before it has left the sender (which sent it at
   * the sender's rate from the moment the first byte left) plus the latency. */
  CsTime down_start = MAX (net->down_free[dst], now);
  net->down_free[dst] = time_add (down_start, serialization_time (bytes, net->download[dst]));
  return MAX (net->down_free[dst],
              time_add (now, serialization_time (bytes, net->upload[src])
                             + slow_start_delay (net, src, dst, bytes)));
}

gboolean
cs_net_interleaves (const CsNet *net, guint64 bytes)
{
  return net->bandwidth_model != CS_BANDWIDTH_NONE && net->interleave_max > 0
         && bytes <= net->interleave_max;
}

CsTime
cs_net_transfer_interleaved (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes,
                             gsl_rng *rng)
{
  gboolean lost;

  g_return_val_if_fail (net != NULL && rng != NULL, CS_TIME_NEVER);
  g_return_val_if_fail (src < net->n_nodes && dst < net->n_nodes && src != dst, CS_TIME_NEVER);
  g_return_val_if_fail (now >= 0 && now != CS_TIME_NEVER, CS_TIME_NEVER);
  g_return_val_if_fail (cs_net_interleaves (net, bytes), CS_TIME_NEVER);
  if (!note_now (net, now))
    return CS_TIME_NEVER;

  CsTime lat = path_latency (net, now, src, dst, rng, &lost);
  if (lat == CS_TIME_NEVER || lost)
    return CS_TIME_NEVER;
  /* Its packets go out between those of the transfers in progress: neither link's queue is
   * waited for or taken, only the message's own bytes at the slower of the two rates. */
  CsTime bytes_time = MAX (serialization_time (bytes, net->upload[src]),
                           serialization_time (bytes, net->download[dst]));
  return time_add (now, time_add (lat, bytes_time + slow_start_delay (net, src, dst, bytes)));
}

void
cs_net_prefetch_arrive (const CsNet *net, guint32 src, guint32 dst)
{
  if (src >= net->n_nodes || dst >= net->n_nodes)
    return;
  __builtin_prefetch (&net->down_free[dst]);
  __builtin_prefetch (&net->download[dst]);
  __builtin_prefetch (&net->upload[src]);
  __builtin_prefetch (&net->node_region[src]);
  __builtin_prefetch (&net->node_region[dst]);
}

void
cs_net_prefetch_peers (const CsNet *net, guint32 node, guint stage)
{
  if (node >= net->n_nodes)
    return;
  if (stage == 0)
    __builtin_prefetch (&net->graph.offsets[node]);
  else
    __builtin_prefetch (net->graph.peers + net->graph.offsets[node]);
}

CsTime
cs_net_transfer (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes, gsl_rng *rng)
{
  if (cs_net_interleaves (net, bytes))
    return cs_net_transfer_interleaved (net, now, src, dst, bytes, rng);
  CsTime first = cs_net_transfer_send (net, now, src, dst, bytes, rng);
  if (first == CS_TIME_NEVER)
    return CS_TIME_NEVER;
  /* Reserving the downlink now, for a first byte that arrives later, is exact only while the
   * receiver gets one transfer at a time: see cs_net_transfer_arrive(). */
  CsTime saved = net->last_now;
  net->last_now = first;
  CsTime last = cs_net_transfer_arrive (net, first, src, dst, bytes);
  net->last_now = saved;
  return last;
}

void
cs_net_set_concurrent (CsNet *net, gboolean concurrent)
{
  g_return_if_fail (net != NULL);
  net->concurrent = concurrent;
}

CsTime
cs_net_min_latency (const CsNet *net)
{
  g_return_val_if_fail (net != NULL, 0);
  double least = G_MAXDOUBLE;
  for (guint i = 0; i < net->n_regions * net->n_regions; i++)
    {
      if (net->region_n_nodes[i / net->n_regions] == 0
          || net->region_n_nodes[i % net->n_regions] == 0)
        continue;
      double mean = (double) net->latency[i], low;
      if (mean <= 0)
        return 0;
      switch (net->jitter)
        {
        case CS_JITTER_PARETO:
          low = mean * (net->pareto_shape - 1) / net->pareto_shape;
          break;
        case CS_JITTER_PARETO_SIMBLOCK:
          low = 0.2 * mean / 1e6 > 1 ? mean - 5e6 : mean;
          break;
        case CS_JITTER_UNIFORM:
          low = mean * (1 - net->jitter_spread);
          break;
        case CS_JITTER_NONE:
          low = mean;
          break;
        case CS_JITTER_EXPONENTIAL:
        case CS_JITTER_LOGNORMAL:
        default:
          low = 0;
          break;
        }
      least = MIN (least, low);
    }
  if (least == G_MAXDOUBLE || !(least >= 1))
    return 0;
  /* A sample is rounded to the nearest ns; one ns less covers the rounding. */
  return (CsTime) floor (least) - 1;
}

gboolean
cs_net_has_bandwidth (const CsNet *net)
{
  return net->bandwidth_model != CS_BANDWIDTH_NONE;
}

void
cs_net_reset_links (CsNet *net)
{
  g_return_if_fail (net != NULL);
  memset (net->up_free, 0, net->n_nodes * sizeof (CsTime));
  memset (net->down_free, 0, net->n_nodes * sizeof (CsTime));
  net->last_now = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Faults */

void
cs_net_set_node_up (CsNet *net, guint32 node, gboolean up)
{
  g_return_if_fail (net != NULL && node < net->n_nodes);
  net->node_down[node] = up ? 0 : 1;
}

gboolean
cs_net_node_is_up (const CsNet *net, guint32 node)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, FALSE);
  return net->node_down[node] == 0;
}

void
cs_net_set_node_group (CsNet *net, guint32 node, guint32 group)
{
  g_return_if_fail (net != NULL && node < net->n_nodes);
  net->node_group[node] = group;
}

guint32
cs_net_node_group (const CsNet *net, guint32 node)
{
  g_return_val_if_fail (net != NULL && node < net->n_nodes, 0);
  return net->node_group[node];
}

void
cs_net_partition_regions (CsNet *net, const guint32 *region_group)
{
  g_return_if_fail (net != NULL && region_group != NULL);
  for (guint32 v = 0; v < net->n_nodes; v++)
    net->node_group[v] = region_group[net->node_region[v]];
}

void
cs_net_heal (CsNet *net)
{
  g_return_if_fail (net != NULL);
  memset (net->node_group, 0, net->n_nodes * sizeof (guint32));
}

void
cs_net_set_link_filter (CsNet *net, CsNetLinkFilter filter, gpointer user_data,
                        GDestroyNotify destroy)
{
  g_return_if_fail (net != NULL);
  if (net->filter_destroy != NULL)
    net->filter_destroy (net->filter_data);
  net->filter = filter;
  net->filter_data = user_data;
  net->filter_destroy = destroy;
}

/* Sets *@slot to @extra, keeping the count of non-zero delays (n_delays) up to date. */
static void
set_delay (CsNet *net, CsTime *slot, CsTime extra)
{
  if (*slot != 0)
    net->n_delays--;
  if (extra != 0)
    net->n_delays++;
  *slot = extra;
}

void
cs_net_set_delay (CsNet *net, CsTime extra)
{
  g_return_if_fail (net != NULL && extra >= 0);
  set_delay (net, &net->delay, extra);
}

void
cs_net_set_region_delay (CsNet *net, guint region, CsTime extra)
{
  g_return_if_fail (net != NULL && region < net->n_regions && extra >= 0);
  if (!net->region_delay)
    net->region_delay = g_new0 (CsTime, net->n_regions);
  set_delay (net, &net->region_delay[region], extra);
}

void
cs_net_set_node_delay (CsNet *net, guint32 node, CsTime extra)
{
  g_return_if_fail (net != NULL && node < net->n_nodes && extra >= 0);
  if (!net->node_delay)
    net->node_delay = g_new0 (CsTime, net->n_nodes);
  set_delay (net, &net->node_delay[node], extra);
}

CsTime
cs_net_extra_delay (const CsNet *net, guint32 src, guint32 dst)
{
  g_return_val_if_fail (net != NULL && src < net->n_nodes && dst < net->n_nodes, 0);
  CsTime d = net->delay;
  if (net->region_delay)
    d = time_add (d, MAX (net->region_delay[net->node_region[src]],
                          net->region_delay[net->node_region[dst]]));
  if (net->node_delay)
    d = time_add (d, net->node_delay[src]);
  return d;
}

gboolean
cs_net_can_reach (const CsNet *net, CsTime now, guint32 src, guint32 dst)
{
  g_return_val_if_fail (net != NULL && src < net->n_nodes && dst < net->n_nodes, FALSE);
  if (net->node_down[src] || net->node_down[dst])
    return FALSE;
  if (net->node_group[src] != net->node_group[dst])
    return FALSE;
  if (net->filter != NULL && !net->filter (src, dst, now, net->filter_data))
    return FALSE;
  return TRUE;
}
