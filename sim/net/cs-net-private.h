/* cs-net-private.h: internals shared by the files of sim/net (not for other modules): the CsNet
 * struct and the peer-graph builder of cs-peer-graph.c. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "net/cs-net.h"

/* An undirected peer graph in compressed sparse row form. */
typedef struct
{
  guint32 n_nodes;             /* number of nodes */
  gsize *offsets;              /* n_nodes + 1: node v's peers are peers[offsets[v] .. offsets[v+1]) */
  guint32 *peers;              /* every node's peers, sorted by id within a node */
  guint32 *n_out;              /* links each node opened itself */
  guint32 components;          /* components of the drawn graph before joining */
  guint32 links_joining;       /* links added to join them */
  guint64 outbound_shortfall;  /* outbound links wanted but not possible */
} CsPeerGraph;

/* Draws the peer graph of @n_nodes nodes described by @config from @rng (see cs-peer-graph.c).
 * @config must be valid (cs_net_config_validate). */
void cs__peer_graph_build (CsPeerGraph *graph, guint32 n_nodes, const CsNetPeersConfig *config,
                           gsl_rng *rng);
void cs__peer_graph_clear (CsPeerGraph *graph);

struct _CsNet
{
  guint32 n_nodes;              /* number of nodes */
  guint n_regions;              /* number of regions */
  char **region_names;          /* n_regions names (a NULL-terminated strv) */
  guint32 *region_n_nodes;      /* nodes placed in each region */
  CsTime *latency;              /* n_regions x n_regions mean latencies, row: sender's region */

  CsJitter jitter;              /* latency distribution */
  double pareto_shape;          /* Pareto shape k */
  double jitter_sigma;          /* lognormal log-sd */
  double jitter_spread;         /* uniform half-width / mean */
  double loss;                  /* loss probability */
  CsBandwidthModel bandwidth_model; /* serialized or latency only */
  guint64 tcp_initial_window;   /* slow start's first window, bytes (0: not modelled) */
  guint64 interleave_max;       /* transfers this small share the links (cs_net_interleaves) */

  guint16 *node_region;         /* each node's region */
  double *upload;               /* each node's uplink, bit/s (0: unlimited) */
  double *download;             /* each node's downlink, bit/s (0: unlimited) */
  CsTime *up_free;              /* when each node's uplink has sent all it was given */
  CsTime *down_free;            /* when each node's downlink has carried all it was given */
  CsTime last_now;              /* the latest `now` passed to cs_net_transfer() */
  gboolean concurrent;          /* several threads call (cs_net_set_concurrent) */

  CsPeerGraph graph;            /* the peer graph */

  guint8 *node_down;            /* 1 for a node that is down */
  guint32 *node_group;          /* partition group of each node (0 for all: no partition) */
  CsNetLinkFilter filter;       /* user rule, or NULL */
  gpointer filter_data;         /* its user data */
  GDestroyNotify filter_destroy; /* frees filter_data, or NULL */

  guint64 n_delays;             /* extra delays below that are not 0 (a fast path when none) */
  CsTime delay;                 /* network-wide extra latency */
  CsTime *region_delay;         /* per region, or NULL (all 0) */
  CsTime *node_delay;           /* per sending node, or NULL (all 0) */
};
