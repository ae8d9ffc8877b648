/* test-world.c: tests of sim/world: the node context over engine and network, checked end to end
 * against an independent reference. With a fixed latency L, no bandwidth limit and a processing
 * delay P, flooding gossip must reach a node at hop distance d from the origin at exactly
 * d*L + (d-1)*P after origination, where d comes from a breadth-first search of the peer graph
 * done here, outside the simulator. Also: identical traces for identical seeds. */
#include "engine/cs-rng.h"
#include "gossip/cs-gossip.h"
#include "net/cs-net.h"
#include "world/cs-world.h"

typedef struct
{
  GArray *arrival;   /* CsTime per node, -1 before the message arrives */
  guint received;    /* RECEIVED emits */
  guint duplicates;  /* DUPLICATE emits */
  GChecksum *trace;  /* every emit, in order */
} Recorder;

static void
record (guint32 node, CsTime now, guint metric, guint64 key, double value, gpointer user_data)
{
  Recorder *r = user_data;
  if (metric == CS_GOSSIP_RECEIVED || metric == CS_GOSSIP_ORIGINATED)
    {
      CsTime *slot = &g_array_index (r->arrival, CsTime, node);
      g_assert_cmpint (*slot, ==, -1); /* each node receives a message once */
      *slot = now;
      r->received += metric == CS_GOSSIP_RECEIVED;
    }
  else if (metric == CS_GOSSIP_DUPLICATE)
    r->duplicates++;
  gint64 rec[4] = { node, now, metric, (gint64) key };
  g_checksum_update (r->trace, (const guchar *) rec, sizeof rec);
}

/* A one-region network of @n nodes with the given jitter and no bandwidth limit. */
static void
make_config (CsNetConfig *c, guint n, CsTime latency, int jitter, gint64 outbound)
{
  *c = (CsNetConfig) { .nodes = n, .jitter = jitter, .pareto_shape = 1.25,
                       .bandwidth_model = CS_BANDWIDTH_NONE };
  c->regions = g_array_new (FALSE, TRUE, sizeof (CsNetRegion));
  CsNetRegion region = { .name = g_strdup ("ONE"), .share = 1.0 };
  g_array_append_val (c->regions, region);
  c->latency = g_array_new (FALSE, FALSE, sizeof (GArray *));
  GArray *row = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (row, latency);
  g_array_append_val (c->latency, row);
  c->peers.outbound = outbound;
  c->peers.max_inbound = 125;
}

static void
clear_config (CsNetConfig *c)
{
  g_free (g_array_index (c->regions, CsNetRegion, 0).name);
  g_array_unref (c->regions);
  g_array_unref (g_array_index (c->latency, GArray *, 0));
  g_array_unref (c->latency);
}

/* Hop distances from @origin by breadth-first search over the network's peer lists. */
static GArray *
bfs (CsNet *net, guint32 origin)
{
  guint n = cs_net_n_nodes (net);
  GArray *dist = g_array_new (FALSE, FALSE, sizeof (gint));
  g_array_set_size (dist, n);
  for (guint i = 0; i < n; i++)
    g_array_index (dist, gint, i) = -1;
  g_autoptr (GQueue) queue = g_queue_new ();
  g_array_index (dist, gint, origin) = 0;
  g_queue_push_tail (queue, GUINT_TO_POINTER (origin));
  while (!g_queue_is_empty (queue))
    {
      guint32 u = GPOINTER_TO_UINT (g_queue_pop_head (queue));
      guint32 k;
      const guint32 *peers = cs_net_peers (net, u, &k);
      for (guint i = 0; i < k; i++)
        if (g_array_index (dist, gint, peers[i]) < 0)
          {
            g_array_index (dist, gint, peers[i]) = g_array_index (dist, gint, u) + 1;
            g_queue_push_tail (queue, GUINT_TO_POINTER (peers[i]));
          }
    }
  return dist;
}

/* Runs one message from @origin at t = 1 s; returns the recorder (arrival per node). */
static void
run_one (CsNet *net, CsGossipConfig *gossip, guint64 seed, guint32 origin, Recorder *r)
{
  guint n = cs_net_n_nodes (net);
  r->arrival = g_array_new (FALSE, FALSE, sizeof (CsTime));
  g_array_set_size (r->arrival, n);
  for (guint i = 0; i < n; i++)
    g_array_index (r->arrival, CsTime, i) = -1;
  r->trace = g_checksum_new (G_CHECKSUM_SHA256);
  cs_net_reset_links (net); /* each run starts its clock at 0 again */
  g_autoptr (CsWorld) world = cs_world_new (net, &cs_gossip_class, gossip, seed, record, r);
  cs_world_start (world);
  cs_world_inject_timer (world, origin, CS_SEC, CS_GOSSIP_TIMER_ORIGINATE, GSIZE_TO_POINTER (0));
  CsStopReason reason = cs_engine_run (cs_world_engine (world), 100 * CS_SEC, 0);
  g_assert_cmpint (reason, ==, CS_STOP_EMPTY);
  CsWorldTraffic t;
  cs_world_traffic (world, &t);
  /* Every node forwards once to all its peers but the sender; the origin to all. */
  g_assert_cmpuint (t.messages_lost, ==, 0);
  g_assert_cmpuint (t.messages_delivered, ==, t.messages_sent);
  g_assert_cmpuint (t.messages_delivered, ==, r->received + r->duplicates);
}

static void
recorder_clear (Recorder *r)
{
  g_array_unref (r->arrival);
  g_checksum_free (r->trace);
}

static void
test_flood_matches_bfs (void)
{
  cs_gsl_init ();
  const CsTime L = 40 * CS_MSEC, P = 3 * CS_MSEC;
  CsNetConfig c;
  make_config (&c, 500, L, CS_JITTER_NONE, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsNet) net = cs_net_new (&c, 7, &error);
  g_assert_no_error (error);
  CsGossipConfig gossip = { .messages = 1, .size = 1000, .processing_delay = P };
  for (guint32 origin = 0; origin < 500; origin += 123)
    {
      Recorder r = { 0 };
      run_one (net, &gossip, 7, origin, &r);
      g_autoptr (GArray) dist = bfs (net, origin);
      gint max_d = 0;
      for (guint i = 0; i < 500; i++)
        {
          gint d = g_array_index (dist, gint, i);
          g_assert_cmpint (d, >=, 0);
          max_d = MAX (max_d, d);
          CsTime expect = CS_SEC + (d == 0 ? 0 : d * L + (d - 1) * P);
          g_assert_cmpint (g_array_index (r.arrival, CsTime, i), ==, expect);
        }
      g_assert_cmpint (max_d, >=, 3); /* a real multi-hop flood, not a star */
      g_assert_cmpuint (r.received, ==, 499);
      recorder_clear (&r);
    }
  clear_config (&c);
}

static void
test_same_seed_same_trace (void)
{
  cs_gsl_init ();
  CsNetConfig c;
  make_config (&c, 300, 50 * CS_MSEC, CS_JITTER_PARETO, 8);
  CsGossipConfig gossip = { .messages = 1, .size = 1000, .processing_delay = CS_MSEC };
  char *digest[3];
  for (guint k = 0; k < 3; k++)
    {
      guint64 seed = k < 2 ? 11 : 12;
      g_autoptr (CsNet) net = cs_net_new (&c, seed, NULL);
      Recorder r = { 0 };
      run_one (net, &gossip, seed, 0, &r);
      digest[k] = g_strdup (g_checksum_get_string (r.trace));
      recorder_clear (&r);
    }
  g_assert_cmpstr (digest[0], ==, digest[1]);
  g_assert_cmpstr (digest[0], !=, digest[2]);
  for (guint k = 0; k < 3; k++)
    g_free (digest[k]);
  clear_config (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/world/gossip/flood-matches-bfs", test_flood_matches_bfs);
  g_test_add_func ("/world/gossip/same-seed-same-trace", test_same_seed_same_trace);
  return g_test_run ();
}
