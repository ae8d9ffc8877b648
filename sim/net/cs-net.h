/* cs-net.h: the network model. A pure model, ignorant of the event queue and of what messages
 * mean: it places nodes in regions, draws the peer graph, and answers "a transfer of B bytes sent
 * at time t from a to b arrives at time T (or is lost)". The world layer schedules the arrival
 * events. Everything is deterministic given the seed and the order of calls.
 *
 * Transfer model (bandwidth_model: serialized), integer ns throughout:
 *   up_start = max (now, up_free[src]);  up_end = up_start + bytes*8/upload[src]
 *   lat      = one latency sample (region matrix mean, jitter), plus any extra delay in force
 *              (delay spikes, slow senders: cs_net_set_delay and friends)
 *   first    = up_start + lat                 (the first byte reaches dst; an event there)
 *   down     = max (down_free[dst], first) + bytes*8/download[dst]  (-> down_free[dst])
 *   arrival  = max (down, up_end + lat + slow)  (the time the LAST byte arrives)
 *   slow     = TCP slow start, when tcp_initial_window > 0: (w - 1) round trips for the
 *              w = ceil(log2(bytes/IW + 1)) congestion windows the bytes need
 * The uplink is a FIFO: a node sending a block to 8 peers sends them one after the other. The
 * downlink is a capacity account: it carries each transfer's bytes at its own rate once their
 * first byte has arrived, so two slow senders can share a fast downlink while two fast senders
 * queue on a slow one. The downlink is booked when the first byte arrives, so in arrival order
 * (cs_net_transfer_send / cs_net_transfer_arrive).
 *
 * Small messages (interleave_max > 0, bytes <= interleave_max; cs_net_transfer_interleaved):
 *   arrival  = now + lat + max (bytes*8/upload[src], bytes*8/download[dst]) + slow
 * A message that fits in a few packets goes out between the packets of the transfers in progress
 * on both links (TCP flows share a link packet by packet), so it waits for neither queue and
 * takes neither: an inv does not wait behind the whole of a 1 MB block that the same downlink is
 * receiving, only behind the packets queued at that moment, which this model neglects. SimBlock
 * gives its inv and getdata latency only, likewise. One event per message instead of two. The
 * small message's bytes are not counted against either link's capacity: right while such
 * messages are a small share of the traffic; a workload of small messages that fills its links
 * needs interleave_max = 0. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "engine/cs-time.h"
#include "net/cs-net-config.h"

/* Stream indices (of kind CS_STREAM_WORLD) that cs_net_new() draws from. */
#define CS_NET_STREAM_PLACEMENT G_GUINT64_CONSTANT (0x6e6574000000) /* "net" << 24 */
#define CS_NET_STREAM_GRAPH (CS_NET_STREAM_PLACEMENT + 1)

typedef struct _CsNet CsNet;

/* Builds the network of @config (validated with cs_net_config_validate(); the config may be freed
 * afterwards): places the nodes, draws the peer graph. Randomness comes from the streams
 * CS_NET_STREAM_* of @seed only. Returns NULL and sets @error if the config is inconsistent. */
CsNet *cs_net_new (const CsNetConfig *config, guint64 seed, GError **error);
void cs_net_free (CsNet *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsNet, cs_net_free)

/* ---- Nodes and regions ---- */

guint32 cs_net_n_nodes (const CsNet *net);
guint cs_net_n_regions (const CsNet *net);
const char *cs_net_region_name (const CsNet *net, guint region);
/* Nodes placed in @region: the largest-remainder apportionment of the node count by share. */
guint32 cs_net_region_n_nodes (const CsNet *net, guint region);
guint cs_net_node_region (const CsNet *net, guint32 node);
/* A node's uplink and downlink, bit/s (from its region unless overridden; 0: unlimited). */
double cs_net_node_upload (const CsNet *net, guint32 node);
double cs_net_node_download (const CsNet *net, guint32 node);
/* Overrides one node's rates (bit/s, 0: unlimited). */
void cs_net_set_node_bandwidth (CsNet *net, guint32 node, double upload, double download);

/* ---- Peer graph (undirected, compact: one array of peer ids plus offsets) ---- */

/* The peers of @node, sorted by id; @n_peers receives their count. Valid while @net lives. */
const guint32 *cs_net_peers (const CsNet *net, guint32 node, guint32 *n_peers);
/* Whether @a and @b are linked (binary search). */
gboolean cs_net_are_peers (const CsNet *net, guint32 a, guint32 b);
/* How many of @node's links it opened itself (not counting links added to join components). */
guint32 cs_net_n_outbound (const CsNet *net, guint32 node);

/* Summary of the peer graph. */
typedef struct
{
  guint64 n_links;             /* undirected links */
  double mean_degree;          /* mean links per node */
  guint32 min_degree;          /* fewest links of a node */
  guint32 max_degree;          /* most links of a node */
  guint32 components;          /* connected components of the drawn graph, before joining */
  guint32 links_joining;       /* links added to connect them (components - 1) */
  guint64 outbound_shortfall;  /* outbound connections not opened because every candidate was
                                * full (max_inbound) or already linked */
} CsNetGraphStats;

void cs_net_graph_stats (const CsNet *net, CsNetGraphStats *stats);

/* ---- Latency and transfers ---- */

/* The mean one-way latency from @a's region to @b's region. */
CsTime cs_net_latency_mean (const CsNet *net, guint32 a, guint32 b);

/* One latency from @a to @b: the mean jittered by the configured distribution, rounded to the
 * nearest ns. A zero mean gives 0 without drawing. */
CsTime cs_net_latency_sample (const CsNet *net, guint32 a, guint32 b, gsl_rng *rng);

/* A transfer of @bytes from @src to @dst handed to the network at @now, in two stages so that
 * each link is used in time order:
 *
 * cs_net_transfer_send(), at @now: the sender's uplink queue, one latency sample, loss. Returns
 * the time the FIRST byte reaches @dst, or CS_TIME_NEVER when the transfer is lost or blocked
 * (node down, partition, link filter). Draws from @rng: one latency sample, then one uniform if
 * loss > 0. A lost transfer still occupies the sender's uplink; a blocked one changes nothing
 * and draws nothing.
 *
 * cs_net_transfer_arrive(), called AT that first-byte time (an event): the receiver's downlink.
 * Returns the time the LAST byte arrives. Because it is called when the bytes arrive, transfers
 * take the downlink in arrival order: a slow transfer (a heavy-tailed latency sample) cannot
 * book a receiver's downlink ahead of transfers that arrive before it.
 *
 * Calls of both must come in non-decreasing time (the engine's order). */
CsTime cs_net_transfer_send (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes,
                             gsl_rng *rng);
CsTime cs_net_transfer_arrive (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes);

/* Whether a message of @bytes is small enough to interleave (see the top of this file): then
 * cs_net_transfer_interleaved() replaces the two stages. */
gboolean cs_net_interleaves (const CsNet *net, guint64 bytes);

/* A small message (cs_net_interleaves() is TRUE) handed to the network at @now: returns the time
 * its last byte reaches @dst, or CS_TIME_NEVER when lost or blocked. The same draws as
 * cs_net_transfer_send(); no link queue is read or changed. */
CsTime cs_net_transfer_interleaved (CsNet *net, CsTime now, guint32 src, guint32 dst,
                                    guint64 bytes, gsl_rng *rng);

/* Whether transfers take time for their bytes (bandwidth_model serialized); when not,
 * cs_net_transfer_arrive() returns its @now and the second stage can be skipped. */
gboolean cs_net_has_bandwidth (const CsNet *net);

/* Both stages at once, for callers without an event queue (tests, tools): the downlink is booked
 * at send time, which is exact only while the receiver gets one transfer at a time. */
CsTime cs_net_transfer (CsNet *net, CsTime now, guint32 src, guint32 dst, guint64 bytes,
                        gsl_rng *rng);

/* The least latency any transfer can have (the lowest value of the jitter distribution over
 * the region pairs that have nodes, minus 1 ns of rounding): no message sent at t arrives before
 * t + this. 0 when the jitter has no positive floor (exponential, lognormal). The lookahead of
 * cs-world's threads. */
CsTime cs_net_min_latency (const CsNet *net);

/* Several threads use the network, each for its own nodes' uplinks and downlinks (cs-world's
 * threads): the time order of calls is then per thread and is not checked. */
void cs_net_set_concurrent (CsNet *net, gboolean concurrent);

/* Forgets every queued transfer (all links idle, time may restart at 0). */
void cs_net_reset_links (CsNet *net);

/* ---- Faults: node outages, partitions, and a general link filter ---- */

/* A hint for speed only: start loading what cs_net_transfer_arrive() will read of @dst's
 * downlink and @src's uplink. Changes nothing. */
void cs_net_prefetch_arrive (const CsNet *net, guint32 src, guint32 dst);

/* Speed hint only: @node's peer list is about to be read (cs_net_peers). At @stage 0, where it
 * starts; at stage 1 (later), the list itself. */
void cs_net_prefetch_peers (const CsNet *net, guint32 node, guint stage);

/* A down node neither sends nor receives (transfers from or to it are blocked). */
void cs_net_set_node_up (CsNet *net, guint32 node, gboolean up);
gboolean cs_net_node_is_up (const CsNet *net, guint32 node);

/* Partition groups: transfers between nodes of different groups are blocked. All nodes start in
 * group 0. */
void cs_net_set_node_group (CsNet *net, guint32 node, guint32 group);
guint32 cs_net_node_group (const CsNet *net, guint32 node);
/* Puts every node of region r in group @region_group[r] (cs_net_n_regions() entries). */
void cs_net_partition_regions (CsNet *net, const guint32 *region_group);
/* Every node back in group 0. */
void cs_net_heal (CsNet *net);

/* A user rule on top: returns FALSE to block the transfer from @src to @dst at @now. */
typedef gboolean (*CsNetLinkFilter) (guint32 src, guint32 dst, CsTime now, gpointer user_data);
/* Installs @filter (NULL removes it); @destroy (may be NULL) frees @user_data when replaced or
 * when @net is freed. */
void cs_net_set_link_filter (CsNet *net, CsNetLinkFilter filter, gpointer user_data,
                             GDestroyNotify destroy);

/* Extra latency (delay spikes, slow nodes): every transfer started while it is set takes this
 * much longer to arrive, on top of its latency sample (no random stream is consumed). A
 * transfer from @src to @dst gets the sum of: the network-wide delay, the larger of its two ends'
 * region delays, and @src's own sending delay. All start at 0; per-node and per-region tables are
 * allocated at first use (none is kept until a delay is set). */
void cs_net_set_delay (CsNet *net, CsTime extra);
void cs_net_set_region_delay (CsNet *net, guint region, CsTime extra);
void cs_net_set_node_delay (CsNet *net, guint32 node, CsTime extra);
/* The extra latency of a transfer from @src to @dst started now. */
CsTime cs_net_extra_delay (const CsNet *net, guint32 src, guint32 dst);

/* Whether a transfer from @src to @dst at @now would pass (both up, same group, filter). */
gboolean cs_net_can_reach (const CsNet *net, CsTime now, guint32 src, guint32 dst);
