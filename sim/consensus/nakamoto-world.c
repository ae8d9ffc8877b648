/* nakamoto-world.c: building a Nakamoto run over a network model: the shared data from the
 * network's nodes (degrees and regions, for pool placement), pool nodes' own bandwidth, and the
 * chain probe. World-building only: the node logic (nakamoto.c) never sees the network. */
#include "consensus/cs-nakamoto-world.h"

CsNakamotoShared *
cs_nakamoto_shared_from_net (const CsNakamotoConfig *config, CsNet *net, guint64 seed,
                             GError **error)
{
  guint32 n = cs_net_n_nodes (net);
  guint n_regions = cs_net_n_regions (net);
  g_autofree guint32 *degree = g_new (guint32, n);
  g_autofree gint *region = g_new (gint, n);
  g_autofree const char **names = g_new0 (const char *, n_regions + 1);

  for (guint r = 0; r < n_regions; r++)
    names[r] = cs_net_region_name (net, r);
  for (guint32 i = 0; i < n; i++)
    {
      cs_net_peers (net, i, &degree[i]);
      region[i] = (gint) cs_net_node_region (net, i);
    }
  CsNakamotoShared *s = cs_nakamoto_shared_new (config, n, degree, region, names, seed, error);
  if (!s)
    return NULL;
  if (config->pool_upload > 0 || config->pool_download > 0)
    for (guint i = 0; i < s->n_pool_nodes; i++)
      {
        guint32 node = s->pool_nodes[i];
        double up = config->pool_upload > 0 ? config->pool_upload : cs_net_node_upload (net, node);
        double down = config->pool_download > 0 ? config->pool_download
                                                : cs_net_node_download (net, node);
        cs_net_set_node_bandwidth (net, node, up, down);
      }
  return s;
}

CsChainProbe *
cs_nakamoto_probe_new (const CsNakamotoShared *shared)
{
  const CsNakamotoConfig *c = shared->config;
  CsTime settle = c->settle > 0 ? c->settle : 3 * c->interval;
  return cs_chain_probe_new (&shared->log, shared->n_nodes, settle, (guint32) c->confirmations);
}
