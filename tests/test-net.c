/* tests/test-net.c: unit tests of sim/net: configuration checks, exact placement by share, the
 * peer graph's invariants (no self or duplicate links, symmetric, sorted, connected, max_inbound,
 * outbound degrees following the CDF), latency distributions against closed forms, exact transfer
 * times of the serialized bandwidth model, loss, outages and partitions, determinism. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "engine/cs-rng.h"
#include "net/cs-net.h"
#include "scenario/cs-config.h"

/* ------------------------------------------------------------------------------------------ */
/* Building configurations in C */

/* FIGURES.md section 1: region order NA, EU, SA, AP, JP, AU. */
static const char *const six_names[] = { "NA", "EU", "SA", "AP", "JP", "AU" };
static const double shares_2015[] = { 0.3869, 0.5159, 0.0113, 0.0574, 0.0119, 0.0166 };
static const double latency_2015_ms[] = {
  35.5, 119.49, 254.79, 310.11, 154.36, 207.91,
  119.49, 11.61, 221.08, 241.9, 266.45, 350.07,
  254.79, 221.08, 137.09, 346.65, 255.95, 268.91,
  310.11, 241.9, 346.65, 99.46, 172.24, 277.8,
  154.36, 266.45, 255.95, 172.24, 8.76, 162.59,
  207.91, 350.07, 268.91, 277.8, 162.59, 21.72,
};
static const double miller_cdf[] = {
  0.025, 0.050, 0.075, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.85, 0.90, 0.95, 0.97,
  0.97, 0.98, 0.99, 0.995, 1.0
};

/* A config of @nodes nodes in @n_regions regions (names, shares, latency matrix in ms, row-major),
 * every region with the same @up/@down bit/s. Defaults: jitter none, 8 outbound, max_inbound
 * 125, no loss, serialized bandwidth. */
static CsNetConfig *
config_new (gint64 nodes, guint n_regions, const char *const *names, const double *shares,
            const double *latency_ms, double up, double down)
{
  CsNetConfig *c = g_new0 (CsNetConfig, 1);

  c->nodes = nodes;
  c->regions = g_array_new (FALSE, TRUE, sizeof (CsNetRegion));
  c->latency = g_array_new (FALSE, TRUE, sizeof (GArray *));
  for (guint r = 0; r < n_regions; r++)
    {
      CsNetRegion reg = { g_strdup (names[r]), shares[r], up, down };
      GArray *row = g_array_new (FALSE, TRUE, sizeof (gint64));
      g_array_append_val (c->regions, reg);
      for (guint j = 0; j < n_regions; j++)
        {
          gint64 ns = (gint64) llround (latency_ms[r * n_regions + j] * 1e6);
          g_array_append_val (row, ns);
        }
      g_array_append_val (c->latency, row);
    }
  c->jitter = CS_JITTER_NONE;
  c->pareto_shape = 1.25;
  c->jitter_sigma = 0.5;
  c->jitter_spread = 0.1;
  c->peers.outbound = 8;
  c->peers.max_inbound = 125;
  c->loss = 0;
  c->bandwidth_model = CS_BANDWIDTH_SERIALIZED;
  return c;
}

/* One region "R", latency @lat_ms. */
static CsNetConfig *
config_one_region (gint64 nodes, double lat_ms, double up, double down)
{
  static const char *const name[] = { "R" };
  static const double share[] = { 1.0 };

  return config_new (nodes, 1, name, share, &lat_ms, up, down);
}

static void
config_set_cdf (CsNetConfig *c, const double *cdf, guint k)
{
  if (c->peers.outbound_cdf == NULL)
    c->peers.outbound_cdf = g_array_new (FALSE, TRUE, sizeof (double));
  g_array_set_size (c->peers.outbound_cdf, 0);
  g_array_append_vals (c->peers.outbound_cdf, cdf, k);
}

static void
config_free (CsNetConfig *c)
{
  for (guint r = 0; r < c->regions->len; r++)
    g_free (g_array_index (c->regions, CsNetRegion, r).name);
  for (guint r = 0; r < c->latency->len; r++)
    g_array_unref (g_array_index (c->latency, GArray *, r));
  g_array_unref (c->regions);
  g_array_unref (c->latency);
  if (c->peers.outbound_cdf != NULL)
    g_array_unref (c->peers.outbound_cdf);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsNetConfig, config_free)

static CsNet *
net_new_ok (const CsNetConfig *c, guint64 seed)
{
  g_autoptr (GError) error = NULL;
  CsNet *net = cs_net_new (c, seed, &error);

  g_assert_no_error (error);
  g_assert_nonnull (net);
  return net;
}

/* FNV-1a over the graph and the placement. */
static guint64
net_checksum (const CsNet *net)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (guint32 v = 0; v < cs_net_n_nodes (net); v++)
    {
      guint32 n;
      const guint32 *p = cs_net_peers (net, v, &n);
      guint32 words[2] = { n, cs_net_node_region (net, v) };
      for (guint i = 0; i < 2 + n; i++)
        {
          guint32 w = i < 2 ? words[i] : p[i - 2];
          for (int b = 0; b < 4; b++)
            {
              h ^= (w >> (8 * b)) & 0xff;
              h *= G_GUINT64_CONSTANT (0x100000001b3);
            }
        }
    }
  return h;
}

/* ------------------------------------------------------------------------------------------ */
/* Configuration checks */

/* Expects cs_net_config_validate() and cs_net_new() to fail with a message starting with
 * @prefix. */
static void
expect_invalid (const CsNetConfig *c, const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;

  g_assert_false (cs_net_config_validate (c, &error));
  g_assert_error (error, CS_NET_ERROR, CS_NET_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("expected '%s...', got '%s'", prefix, error->message);
  g_assert_null (cs_net_new (c, 1, &error2));
  g_assert_cmpstr (error2->message, ==, error->message);
}

static void
test_config_check (void)
{
  g_autoptr (CsNetConfig) c = config_new (100, 6, six_names, shares_2015, latency_2015_ms, 1e6,
                                          1e6);
  char *saved;
  double d;

  g_assert_true (cs_net_config_validate (c, NULL));

  /* Shares that do not sum to 1 (and that sum to 0). */
  g_array_index (c->regions, CsNetRegion, 0).share = 0.3;
  expect_invalid (c, "network.regions: the region shares sum to");
  for (guint r = 0; r < 6; r++)
    g_array_index (c->regions, CsNetRegion, r).share = 0;
  expect_invalid (c, "network.regions: the region shares sum to 0");
  for (guint r = 0; r < 6; r++)
    g_array_index (c->regions, CsNetRegion, r).share = shares_2015[r];

  /* A repeated region name, located at the second one. */
  saved = g_array_index (c->regions, CsNetRegion, 4).name;
  g_array_index (c->regions, CsNetRegion, 4).name = (char *) "EU";
  expect_invalid (c, "network.regions[4]: region name 'EU' is already used by region 1");
  g_array_index (c->regions, CsNetRegion, 4).name = saved;

  /* Missing bandwidth under the serialized model, fine under none. */
  g_array_index (c->regions, CsNetRegion, 2).upload = 0;
  expect_invalid (c, "network.regions[2]: region 'SA' needs upload");
  c->bandwidth_model = CS_BANDWIDTH_NONE;
  g_assert_true (cs_net_config_validate (c, NULL));
  c->bandwidth_model = CS_BANDWIDTH_SERIALIZED;
  g_array_index (c->regions, CsNetRegion, 2).upload = 1e6;

  /* A short latency row, then a missing row. */
  g_array_set_size (g_array_index (c->latency, GArray *, 3), 5);
  expect_invalid (c, "network.latency[3]: row 3 (region 'AP') has 5 entries, expected 6");
  g_array_unref (g_array_index (c->latency, GArray *, 5));
  g_array_set_size (c->latency, 5);
  expect_invalid (c, "network.latency: has 5 rows but there are 6 regions");
  {
    GArray *row = g_array_new (FALSE, TRUE, sizeof (gint64));
    g_array_set_size (g_array_index (c->latency, GArray *, 3), 6);
    g_array_set_size (row, 6);
    g_array_append_val (c->latency, row);
  }
  g_assert_true (cs_net_config_validate (c, NULL));

  /* Pareto shape 1 has no mean. */
  c->jitter = CS_JITTER_PARETO;
  c->pareto_shape = 1.0;
  expect_invalid (c, "network.pareto_shape: must be greater than 1");
  c->pareto_shape = 1.25;

  /* Outbound degree must stay below the node count. */
  c->nodes = 8;
  expect_invalid (c, "network.peers.outbound: a node may open 8 outbound connections");
  c->nodes = 100;
  config_set_cdf (c, miller_cdf, G_N_ELEMENTS (miller_cdf));
  c->nodes = 20;
  expect_invalid (c, "network.peers.outbound_cdf: a node may open 20 outbound");
  c->nodes = 21;
  g_assert_true (cs_net_config_validate (c, NULL));

  /* A decreasing CDF, and one that does not end at 1. */
  d = 0.5;
  g_array_index (c->peers.outbound_cdf, double, 7) = 0.05;
  {
    g_autoptr (GError) error = NULL;
    g_assert_false (cs_net_config_validate (c, &error));
    g_assert_true (g_str_has_prefix (error->message,
                                     "network.peers.outbound_cdf[7]: a CDF cannot decrease"));
  }
  g_array_index (c->peers.outbound_cdf, double, 7) = d;
  g_array_index (c->peers.outbound_cdf, double, 19) = 0.999;
  {
    g_autoptr (GError) error = NULL;
    g_assert_false (cs_net_config_validate (c, &error));
    g_assert_true (g_str_has_prefix (error->message,
                                     "network.peers.outbound_cdf[19]: the CDF must end at 1"));
  }
  g_array_index (c->peers.outbound_cdf, double, 19) = 1.0;
  g_assert_true (cs_net_config_validate (c, NULL));

}

/* ------------------------------------------------------------------------------------------ */
/* Loading through the scenario loader: presets and located errors */

static const double latency_2019_ms[] = {
  32, 124, 184, 198, 151, 189,
  124, 11, 227, 237, 252, 294,
  184, 227, 88, 325, 301, 322,
  198, 237, 325, 85, 58, 198,
  151, 252, 301, 58, 12, 126,
  189, 294, 322, 198, 126, 16,
};

/* Loads @yaml as a `network:` section. */
static gboolean
load (const char *yaml, CsNetConfig *c, GError **error)
{
  memset (c, 0, sizeof *c);
  return cs_config_load_data (&cs_net_schema, c, "test.yaml", yaml, strlen (yaml), NULL, error);
}

static void
assert_load_error (const char *yaml, const char *expected)
{
  g_autoptr (GError) error = NULL;
  CsNetConfig c;

  g_assert_false (load (yaml, &c, &error));
  g_assert_error (error, CS_CONFIG_ERROR, CS_CONFIG_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Every preset against FIGURES.md section 1: the whole latency matrix (6 x 6, region order NA EU
 * SA AP JP AU), the shares, the bandwidth, the degrees; and each builds a network. */
static void
test_presets (void)
{
  const struct
  {
    const char *name;          /* preset */
    const double *latency_ms;  /* its matrix */
    double share[6];           /* its shares */
    double up_na, down_jp;     /* two bandwidth figures, Mbit/s */
    guint cdf_len;             /* outbound CDF entries (0: fixed 8) */
  } cases[] = {
    { "bitcoin-2015", latency_2015_ms, { 0.3869, 0.5159, 0.0113, 0.0574, 0.0119, 0.0166 },
      4.7, 17.5, 20 },
    { "bitcoin-2019", latency_2019_ms, { 0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195 },
      19.2, 22.8, 0 },
    { "litecoin", latency_2015_ms, { 0.3661, 0.4791, 0.0149, 0.1022, 0.0238, 0.0139 },
      4.7, 17.5, 0 },
    { "dogecoin", latency_2015_ms, { 0.3924, 0.4879, 0.0212, 0.0697, 0.0106, 0.0182 },
      4.7, 17.5, 0 },
  };
  guint n_presets = 0;

  for (const CsPreset *p = cs_net_presets; p->name != NULL; p++)
    {
      g_assert_nonnull (p->source);
      n_presets++;
    }
  g_assert_cmpuint (n_presets, ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *yaml = g_strdup_printf ("preset: %s\nnodes: 2000\n", cases[i].name);
      g_autoptr (GError) error = NULL;
      g_autoptr (CsNet) net = NULL;
      CsNetConfig c;

      if (!load (yaml, &c, &error))
        g_error ("%s: %s", cases[i].name, error->message);
      g_assert_cmpint (c.nodes, ==, 2000);
      g_assert_cmpuint (c.regions->len, ==, 6);
      g_assert_cmpuint (c.latency->len, ==, 6);
      for (guint r = 0; r < 6; r++)
        {
          const CsNetRegion *reg = &g_array_index (c.regions, CsNetRegion, r);
          GArray *row = g_array_index (c.latency, GArray *, r);
          g_assert_cmpstr (reg->name, ==, six_names[r]);
          g_assert_cmpfloat (reg->share, ==, cases[i].share[r]);
          g_assert_cmpuint (row->len, ==, 6);
          for (guint j = 0; j < 6; j++)
            g_assert_cmpint (g_array_index (row, gint64, j), ==,
                             llround (cases[i].latency_ms[r * 6 + j] * 1e6));
        }
      g_assert_cmpfloat (g_array_index (c.regions, CsNetRegion, 0).upload, ==,
                         cases[i].up_na * 1e6);
      g_assert_cmpfloat (g_array_index (c.regions, CsNetRegion, 4).download, ==,
                         cases[i].down_jp * 1e6);
      g_assert_cmpint (c.jitter, ==, CS_JITTER_PARETO_SIMBLOCK);
      g_assert_cmpuint (c.tcp_initial_window, ==, 14600);
      g_assert_cmpint (c.bandwidth_model, ==, CS_BANDWIDTH_SERIALIZED);
      g_assert_cmpfloat (c.loss, ==, 0);
      g_assert_cmpint (c.peers.max_inbound, ==, 125);
      g_assert_cmpuint (c.peers.outbound_cdf->len, ==, cases[i].cdf_len);
      for (guint d = 0; d < cases[i].cdf_len; d++)
        g_assert_cmpfloat (g_array_index (c.peers.outbound_cdf, double, d), ==, miller_cdf[d]);
      if (cases[i].cdf_len == 0)
        g_assert_cmpint (c.peers.outbound, ==, 8);

      net = cs_net_new (&c, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cs_net_n_nodes (net), ==, 2000);
      g_assert_cmpint (cs_net_latency_mean (net, 0, 0), >, 0);
      cs_config_clear (&cs_net_schema, &c);
    }

  /* Spot checks written out from FIGURES.md, independent of the tables above. */
  {
    CsNetConfig c;
    g_assert_true (load ("preset: bitcoin-2015\nnodes: 100\n", &c, NULL));
    g_assert_cmpint (g_array_index (g_array_index (c.latency, GArray *, 1), gint64, 5), ==,
                     350070000);  /* EU -> AU 350.07 ms */
    g_assert_cmpint (g_array_index (g_array_index (c.latency, GArray *, 4), gint64, 4), ==,
                     8760000);  /* JP -> JP 8.76 ms */
    g_assert_cmpfloat (g_array_index (c.regions, CsNetRegion, 2).upload, ==, 1.8e6);
    cs_config_clear (&cs_net_schema, &c);
    g_assert_true (load ("preset: bitcoin-2019\nnodes: 100\n", &c, NULL));
    g_assert_cmpint (g_array_index (g_array_index (c.latency, GArray *, 3), gint64, 4), ==,
                     58000000);  /* AP -> JP 58 ms */
    g_assert_cmpfloat (g_array_index (c.regions, CsNetRegion, 0).download, ==, 52e6);
    g_assert_cmpfloat (g_array_index (c.regions, CsNetRegion, 1).upload, ==, 20.7e6);
    cs_config_clear (&cs_net_schema, &c);
  }

  /* Overrides: a fixed outbound count over bitcoin-2015 needs its CDF cleared. */
  {
    CsNetConfig c;
    g_autoptr (GError) error = NULL;
    if (!load ("preset: bitcoin-2015\nnodes: 100\nloss: 1%\njitter: none\n"
               "peers: {outbound: 4, outbound_cdf: []}\n", &c, &error))
      g_error ("%s", error->message);
    g_assert_cmpint (c.peers.outbound, ==, 4);
    g_assert_cmpuint (c.peers.outbound_cdf->len, ==, 0);
    g_assert_cmpfloat (c.loss, ==, 0.01);
    g_assert_cmpint (c.jitter, ==, CS_JITTER_NONE);
    g_assert_cmpuint (c.regions->len, ==, 6);
    cs_config_clear (&cs_net_schema, &c);
  }
}

/* Inconsistencies are reported at the key, or list element, that causes them. */
static void
test_config_located (void)
{
  /* Three regions, a 2 x 2 matrix. */
  assert_load_error ("nodes: 10\n"
                     "regions:\n"
                     "  - {name: A, share: 0.5, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "  - {name: B, share: 0.25, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "  - {name: C, share: 0.25, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "latency:\n"
                     "  - [1ms, 2ms]\n"
                     "  - [2ms, 1ms]\n",
                     "test.yaml:7:3: error: has 2 rows but there are 3 regions (one row and one "
                     "column per region, in the regions' order)");
  /* A short row. */
  assert_load_error ("nodes: 10\n"
                     "regions:\n"
                     "  - {name: A, share: 0.5, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "  - {name: B, share: 0.5, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "latency:\n"
                     "  - [1ms, 2ms]\n"
                     "  - [2ms]\n",
                     "test.yaml:7:5: error: row 1 (region 'B') has 1 entries, expected 2");
  /* A repeated name. */
  assert_load_error ("nodes: 10\n"
                     "regions:\n"
                     "  - {name: A, share: 0.5, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "  - {name: A, share: 0.5, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "latency: [[1ms, 2ms], [2ms, 1ms]]\n",
                     "test.yaml:4:5: error: region name 'A' is already used by region 0");
  /* Shares summing to 0.9, and to 0. */
  assert_load_error ("nodes: 10\n"
                     "regions:\n"
                     "  - {name: A, share: 0.5, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "  - {name: B, share: 40%, upload: 1Mbit/s, download: 1Mbit/s}\n"
                     "latency: [[1ms, 2ms], [2ms, 1ms]]\n",
                     "test.yaml:3:3: error: the region shares sum to 0.9; they must sum to 1");
  assert_load_error ("nodes: 10\n"
                     "regions: [{name: A, share: 0, upload: 1Mbit/s, download: 1Mbit/s}]\n"
                     "latency: [[1ms]]\n",
                     "test.yaml:2:10: error: the region shares sum to 0; they must sum to 1");
  /* No bandwidth under the serialized model; fine with bandwidth_model: none. */
  assert_load_error ("nodes: 10\n"
                     "regions: [{name: A, share: 1}]\n"
                     "latency: [[1ms]]\n",
                     "test.yaml:2:11: error: region 'A' needs upload and download rates for "
                     "bandwidth_model: serialized (or set bandwidth_model: none)");
  {
    CsNetConfig c;
    g_autoptr (GError) error = NULL;
    g_autoptr (CsNet) net = NULL;
    if (!load ("nodes: 10\nregions: [{name: A, share: 1}]\nlatency: [[1ms]]\n"
               "bandwidth_model: none\n", &c, &error))
      g_error ("%s", error->message);
    net = cs_net_new (&c, 1, &error);
    g_assert_no_error (error);
    cs_config_clear (&cs_net_schema, &c);
  }
  /* A CDF that decreases, or ends below 1. */
  assert_load_error ("preset: bitcoin-2019\nnodes: 100\n"
                     "peers:\n"
                     "  outbound_cdf: [0.5, 0.4, 1]\n",
                     "test.yaml:4:23: error: a CDF cannot decrease: 0.4 after 0.5 (degree 2)");
  assert_load_error ("preset: bitcoin-2019\nnodes: 100\n"
                     "peers:\n"
                     "  outbound_cdf: [0.5, 0.9]\n",
                     "test.yaml:4:23: error: the CDF must end at 1 (P(degree <= 2)), not 0.9");
  /* Both a fixed count and the preset's CDF. */
  assert_load_error ("preset: bitcoin-2015\nnodes: 100\n"
                     "peers:\n"
                     "  outbound: 4\n",
                     "test.yaml:4:13: error: give either outbound or outbound_cdf, not both (a "
                     "preset may have set outbound_cdf: write `outbound_cdf: []` to use a fixed "
                     "outbound count)");
  /* More outbound connections than other nodes. */
  assert_load_error ("preset: bitcoin-2015\nnodes: 20\n",
                     "test.yaml:1:9: error: a node may open 20 outbound connections but there "
                     "are only 20 nodes (the outbound degree must be below the node count)");
  /* Pareto shape 1. */
  assert_load_error ("preset: bitcoin-2019\nnodes: 100\njitter: pareto\npareto_shape: 1\n",
                     "test.yaml:4:15: error: must be greater than 1 for the Pareto mean to exist, "
                     "not 1");
}

/* ------------------------------------------------------------------------------------------ */
/* Placement */

static void
test_placement_exact (void)
{
  /* 1000 nodes at the Bitcoin 2015 shares: quotas 386.9 515.9 11.3 57.4 11.9 16.6, floors sum
   * to 996, the 4 seats left go to the remainders .9 .9 .9 .6 (NA, EU, JP, AU). */
  static const guint32 expected[] = { 387, 516, 11, 57, 12, 17 };
  g_autoptr (CsNetConfig) c = config_new (1000, 6, six_names, shares_2015, latency_2015_ms, 1e6,
                                          1e6);
  g_autoptr (CsNet) net = net_new_ok (c, 42);
  guint32 tally[6] = { 0 };
  guint32 first_run = 0;

  g_assert_cmpuint (cs_net_n_regions (net), ==, 6);
  for (guint32 v = 0; v < 1000; v++)
    tally[cs_net_node_region (net, v)]++;
  for (guint r = 0; r < 6; r++)
    {
      g_assert_cmpstr (cs_net_region_name (net, r), ==, six_names[r]);
      g_assert_cmpuint (cs_net_region_n_nodes (net, r), ==, expected[r]);
      g_assert_cmpuint (tally[r], ==, expected[r]);
    }
  /* The shuffle: node ids are not laid out region by region. */
  while (first_run < 1000 && cs_net_node_region (net, first_run) == 0)
    first_run++;
  g_assert_cmpuint (first_run, <, 20);

  /* Every count within 1 of its quota, whatever N (largest remainder). */
  for (gint64 n = 2; n < 300; n += 7)
    {
      g_autoptr (CsNet) m = NULL;
      guint64 total = 0;
      c->nodes = n;
      c->peers.outbound = 1;
      m = net_new_ok (c, (guint64) n);
      for (guint r = 0; r < 6; r++)
        {
          double quota = shares_2015[r] * (double) n;
          g_assert_cmpfloat (fabs (cs_net_region_n_nodes (m, r) - quota), <, 1.0);
          total += cs_net_region_n_nodes (m, r);
        }
      g_assert_cmpuint (total, ==, n);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Peer graph */

/* No self link, no duplicate, sorted, symmetric; returns the number of components. */
static guint32
check_graph (const CsNet *net)
{
  guint32 n = cs_net_n_nodes (net);
  g_autofree guint32 *seen = g_new0 (guint32, n);
  g_autofree guint32 *queue = g_new (guint32, n);
  guint32 components = 0;

  for (guint32 v = 0; v < n; v++)
    {
      guint32 d;
      const guint32 *p = cs_net_peers (net, v, &d);
      for (guint32 i = 0; i < d; i++)
        {
          g_assert_cmpuint (p[i], <, n);
          g_assert_cmpuint (p[i], !=, v);
          if (i > 0)
            g_assert_cmpuint (p[i - 1], <, p[i]);  /* sorted, hence no duplicates */
          g_assert_true (cs_net_are_peers (net, p[i], v));  /* symmetric */
        }
    }
  for (guint32 s = 0; s < n; s++)
    {
      guint32 head = 0, tail = 0;
      if (seen[s])
        continue;
      components++;
      seen[s] = 1;
      queue[tail++] = s;
      while (head < tail)
        {
          guint32 d, v = queue[head++];
          const guint32 *p = cs_net_peers (net, v, &d);
          for (guint32 i = 0; i < d; i++)
            if (!seen[p[i]])
              {
                seen[p[i]] = 1;
                queue[tail++] = p[i];
              }
        }
    }
  return components;
}

static void
test_graph_fixed (void)
{
  g_autoptr (CsNetConfig) c = config_one_region (2000, 10, 1e6, 1e6);
  g_autoptr (CsNet) net = net_new_ok (c, 7);
  CsNetGraphStats st;
  guint64 degree_sum = 0;

  g_assert_cmpuint (check_graph (net), ==, 1);
  cs_net_graph_stats (net, &st);
  g_assert_cmpuint (st.outbound_shortfall, ==, 0);
  g_assert_cmpuint (st.n_links, ==, 2000 * 8 + st.links_joining);
  for (guint32 v = 0; v < 2000; v++)
    {
      guint32 d;
      cs_net_peers (net, v, &d);
      g_assert_cmpuint (cs_net_n_outbound (net, v), ==, 8);
      g_assert_cmpuint (d, >=, 8);
      g_assert_cmpuint (d, >=, st.min_degree);
      g_assert_cmpuint (d, <=, st.max_degree);
      degree_sum += d;
    }
  g_assert_cmpfloat (fabs (st.mean_degree - (double) degree_sum / 2000), <, 1e-12);
  g_assert_cmpuint (st.min_degree, >=, 8);
  g_assert_false (cs_net_are_peers (net, 0, 0));
}

/* A tight max_inbound is respected; the demand it cannot meet is reported. */
static void
test_graph_max_inbound (void)
{
  for (gint64 cap = 0; cap <= 12; cap += 3)
    {
      g_autoptr (CsNetConfig) c = config_one_region (500, 10, 1e6, 1e6);
      g_autoptr (CsNet) net = NULL;
      CsNetGraphStats st;
      guint64 opened = 0;

      c->peers.max_inbound = cap;
      net = net_new_ok (c, 3);
      g_assert_cmpuint (check_graph (net), ==, 1);
      cs_net_graph_stats (net, &st);
      for (guint32 v = 0; v < 500; v++)
        {
          guint32 d;
          cs_net_peers (net, v, &d);
          /* Links a node did not open are inbound ones, or one of the joining links. */
          g_assert_cmpuint (d - cs_net_n_outbound (net, v), <=, cap + st.links_joining);
          if (st.links_joining == 0)
            g_assert_cmpuint (d - cs_net_n_outbound (net, v), <=, cap);
          opened += cs_net_n_outbound (net, v);
        }
      g_assert_cmpuint (opened + st.outbound_shortfall, ==, 500 * 8);
      g_assert_cmpuint (opened, <=, 500 * (guint64) cap);
      if (cap == 0)
        {
          g_assert_cmpuint (opened, ==, 0);
          g_assert_cmpuint (st.components, ==, 500);
          g_assert_cmpuint (st.links_joining, ==, 499);
        }
      if (cap >= 9)
        g_assert_cmpuint (st.outbound_shortfall, ==, 0);
    }
}

/* Outbound degrees follow the Miller et al. CDF: chi-square goodness of fit at level 0.001
 * (bins of expected count below 5 would be merged; at N = 20000 the smallest is 100; degree 16
 * has probability 0 and must never occur). The seed is fixed, so the outcome is too; the level
 * says how unlikely a failure would be for a correct sampler. */
static void
test_graph_cdf (void)
{
  const guint32 n = 20000;
  g_autoptr (CsNetConfig) c = config_one_region (n, 10, 1e6, 1e6);
  g_autoptr (CsNet) net = NULL;
  guint32 count[21] = { 0 };
  double chi2 = 0;
  guint bins = 0;
  CsNetGraphStats st;

  config_set_cdf (c, miller_cdf, G_N_ELEMENTS (miller_cdf));
  net = net_new_ok (c, 11);
  g_assert_cmpuint (check_graph (net), ==, 1);
  cs_net_graph_stats (net, &st);
  g_assert_cmpuint (st.outbound_shortfall, ==, 0);
  for (guint32 v = 0; v < n; v++)
    {
      guint32 d = cs_net_n_outbound (net, v);
      g_assert_cmpuint (d, >=, 1);
      g_assert_cmpuint (d, <=, 20);
      count[d]++;
    }
  for (guint d = 1; d <= 20; d++)
    {
      double p = miller_cdf[d - 1] - (d > 1 ? miller_cdf[d - 2] : 0);
      double e = p * n;
      if (p < 1e-12)
        {
          g_assert_cmpuint (count[d], ==, 0);
          continue;
        }
      g_assert_cmpfloat (e, >=, 5);
      chi2 += (count[d] - e) * (count[d] - e) / e;
      bins++;
    }
  g_test_message ("chi2 = %.2f, df = %u, p = %.3g", chi2, bins - 1,
                  gsl_cdf_chisq_Q (chi2, bins - 1));
  g_assert_cmpfloat (gsl_cdf_chisq_Q (chi2, bins - 1), >, 0.001);
}

/* One outbound link per node leaves several components; they are joined and reported. */
static void
test_graph_connect (void)
{
  g_autoptr (CsNetConfig) c = config_one_region (3000, 10, 1e6, 1e6);
  guint joined_somewhere = 0;

  c->peers.outbound = 1;
  for (guint64 seed = 1; seed <= 5; seed++)
    {
      g_autoptr (CsNet) net = net_new_ok (c, seed);
      CsNetGraphStats st;
      g_assert_cmpuint (check_graph (net), ==, 1);
      cs_net_graph_stats (net, &st);
      g_assert_cmpuint (st.links_joining + 1, ==, st.components);
      g_assert_cmpuint (st.n_links, ==, 3000 + st.links_joining);
      if (st.components > 1)
        joined_somewhere++;
    }
  g_assert_cmpuint (joined_somewhere, >, 0);

  /* Two nodes: one link, the second node's wish cannot be met. */
  {
    g_autoptr (CsNetConfig) two = config_one_region (2, 10, 1e6, 1e6);
    g_autoptr (CsNet) net = NULL;
    CsNetGraphStats st;
    two->peers.outbound = 1;
    net = net_new_ok (two, 1);
    cs_net_graph_stats (net, &st);
    g_assert_cmpuint (st.n_links, ==, 1);
    g_assert_cmpuint (st.outbound_shortfall, ==, 1);
    g_assert_true (cs_net_are_peers (net, 0, 1));
  }
}

static void
test_graph_determinism (void)
{
  g_autoptr (CsNetConfig) c = config_new (5000, 6, six_names, shares_2015, latency_2015_ms, 1e6,
                                          1e6);
  g_autoptr (CsNet) a = NULL, b = NULL, d = NULL;

  config_set_cdf (c, miller_cdf, G_N_ELEMENTS (miller_cdf));
  a = net_new_ok (c, 2024);
  b = net_new_ok (c, 2024);
  d = net_new_ok (c, 2025);
  g_assert_cmpuint (net_checksum (a), ==, net_checksum (b));
  g_assert_cmpuint (net_checksum (a), !=, net_checksum (d));
}

/* 100,000 nodes at the Miller CDF: built, connected, and small. */
static void
test_graph_large (void)
{
  g_autoptr (CsNetConfig) c = config_new (100000, 6, six_names, shares_2015, latency_2015_ms, 1e6,
                                          1e6);
  g_autoptr (CsNet) net = NULL;
  CsNetGraphStats st;
  gint64 t0 = g_get_monotonic_time ();

  config_set_cdf (c, miller_cdf, G_N_ELEMENTS (miller_cdf));
  net = net_new_ok (c, 5);
  g_test_message ("100k nodes built in %.3f s", (g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpuint (check_graph (net), ==, 1);
  cs_net_graph_stats (net, &st);
  g_test_message ("links %" G_GUINT64_FORMAT ", degree mean %.2f min %u max %u", st.n_links,
                  st.mean_degree, st.min_degree, st.max_degree);
  /* Mean outbound of the CDF: sum of d (cdf[d-1] - cdf[d-2]) = 8.645; standard error of the
   * mean of 10^5 draws about 0.01 (sd 3.3). */
  g_assert_cmpuint (st.links_joining, ==, 0);
  g_assert_cmpfloat (fabs (st.mean_degree / 2 - 8.645), <, 0.05);
}

/* ------------------------------------------------------------------------------------------ */
/* Latency */

/* Two regions, 100 ms across, 10 ms within. */
static CsNetConfig *
config_two_regions (gint64 nodes)
{
  static const char *const names[] = { "A", "B" };
  static const double shares[] = { 0.5, 0.5 };
  static const double lat[] = { 10, 100, 100, 10 };

  return config_new (nodes, 2, names, shares, lat, 8e6, 16e6);
}

/* Two nodes of different regions of @net. */
static void
pick_cross (const CsNet *net, guint32 *a, guint32 *b)
{
  *a = 0;
  *b = 1;
  while (cs_net_node_region (net, *b) == cs_net_node_region (net, *a))
    (*b)++;
}

static int
cmp_double (const void *p, const void *q)
{
  double u = *(const double *) p, v = *(const double *) q;

  return (u > v) - (u < v);
}

/* Pareto with shape 1.25 has an infinite variance, so its sample mean has no usable confidence
 * interval. Compared instead: the sample median with the closed form xm 2^(1/k) (asymptotic
 * standard error 1 / (2 f(m) sqrt(n)) = xm 2^(1/k) / (k sqrt(n)), tolerance 4 standard errors),
 * the fraction of samples below the mean with gsl_cdf_pareto_P (binomial, 4 standard errors),
 * and the support (no sample below xm). */
static void
test_latency_pareto (void)
{
  const guint n = 100000;
  g_autoptr (CsNetConfig) c = config_two_regions (100);
  g_autoptr (CsNet) net = NULL;
  g_autoptr (gsl_rng) rng = cs_rng_new (99, cs_stream_id (CS_STREAM_NET, 0));
  g_autofree double *x = g_new (double, n);
  const double k = 1.25, mean = 100e6, xm = mean * (k - 1) / k;
  double median, se, p_below, below = 0, m_expected;
  guint32 a, b;

  c->jitter = CS_JITTER_PARETO;
  net = net_new_ok (c, 1);
  pick_cross (net, &a, &b);
  g_assert_cmpint (cs_net_latency_mean (net, a, b), ==, 100 * CS_MSEC);
  for (guint i = 0; i < n; i++)
    {
      CsTime t = cs_net_latency_sample (net, a, b, rng);
      g_assert_cmpint (t, >=, (CsTime) xm);
      x[i] = (double) t;
      below += x[i] <= mean;
    }
  qsort (x, n, sizeof (double), cmp_double);
  median = (x[n / 2 - 1] + x[n / 2]) / 2;
  m_expected = xm * pow (2, 1 / k);
  se = m_expected / (k * sqrt (n));
  g_test_message ("median %.0f ns, expected %.0f +- %.0f", median, m_expected, se);
  g_assert_cmpfloat (fabs (median - m_expected), <, 4 * se);
  p_below = gsl_cdf_pareto_P (mean, k, xm);
  g_assert_cmpfloat (fabs (below / n - p_below), <, 4 * sqrt (p_below * (1 - p_below) / n));
}

/* The other jitters have finite variance: their sample mean is within 4 standard errors of the
 * table mean (exponential sd = mean; lognormal sd = mean sqrt(e^{s^2} - 1); uniform sd =
 * spread mean / sqrt 3); none gives exactly the mean. */
static void
test_latency_others (void)
{
  const guint n = 100000;
  const double mean = 100e6;
  g_autoptr (CsNetConfig) c = config_two_regions (100);
  const struct
  {
    CsJitter jitter;  /* distribution */
    double sd;        /* its standard deviation */
    double lo, hi;    /* its support */
  } cases[] = {
    { CS_JITTER_EXPONENTIAL, mean, 0, INFINITY },
    { CS_JITTER_LOGNORMAL, mean * sqrt (exp (0.25) - 1), 0, INFINITY },
    { CS_JITTER_UNIFORM, 0.1 * mean / sqrt (3), 0.9 * mean, 1.1 * mean },
    { CS_JITTER_NONE, 0, mean, mean },
  };

  for (guint j = 0; j < G_N_ELEMENTS (cases); j++)
    {
      g_autoptr (CsNet) net = NULL;
      g_autoptr (gsl_rng) rng = cs_rng_new (5, cs_stream_id (CS_STREAM_NET, j));
      double sum = 0;
      guint32 a, b;
      c->jitter = cases[j].jitter;
      net = net_new_ok (c, 1);
      pick_cross (net, &a, &b);
      for (guint i = 0; i < n; i++)
        {
          double t = (double) cs_net_latency_sample (net, a, b, rng);
          g_assert_cmpfloat (t, >=, cases[j].lo - 0.5);
          g_assert_cmpfloat (t, <=, cases[j].hi + 0.5);
          sum += t;
        }
      g_test_message ("jitter %d: mean %.0f", cases[j].jitter, sum / n);
      g_assert_cmpfloat (fabs (sum / n - mean), <=, 4 * cases[j].sd / sqrt (n) + 1);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Transfers */

#define MB G_GUINT64_CONSTANT (1000000)

/* A network of @nodes in one region, latency 50 ms exactly, up/down in bit/s. */
static CsNet *
net_fixed (guint32 nodes, double up, double down)
{
  g_autoptr (CsNetConfig) c = config_one_region (nodes, 50, up, down);

  c->peers.outbound = 1;
  return net_new_ok (c, 1);
}

static void
test_transfer_exact (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 1);
  g_autoptr (CsNet) net = net_fixed (10, 8e6, 16e6);

  /* 1 MB = 8 Mbit: 1 s on an 8 Mbit/s uplink, 0.5 s on a 16 Mbit/s downlink, the downlink
   * follows the sender: last byte at 1 s + 50 ms. */
  g_assert_cmpint (cs_net_transfer (net, 0, 0, 1, MB, rng), ==, 1050 * CS_MSEC);
  /* An idle uplink later: from 5 s. */
  g_assert_cmpint (cs_net_transfer (net, 5 * CS_SEC, 0, 1, MB, rng), ==, 6050 * CS_MSEC);
  /* Zero bytes: latency only. */
  g_assert_cmpint (cs_net_transfer (net, 7 * CS_SEC, 2, 3, 0, rng), ==, 7050 * CS_MSEC);

  /* A slow downlink is the bottleneck: 8 Mbit at 4 Mbit/s from the first byte (50 ms): 2.05 s. */
  {
    g_autoptr (CsNet) slow = net_fixed (10, 8e6, 4e6);
    g_assert_cmpint (cs_net_transfer (slow, 0, 0, 1, MB, rng), ==, 2050 * CS_MSEC);
  }
  /* Rounding: 1 byte at 3 bit/s is 2.666... s, rounded to the nearest ns. */
  {
    g_autoptr (CsNet) odd = net_fixed (10, 3, 1e12);
    g_assert_cmpint (cs_net_transfer (odd, 0, 0, 1, 1, rng), ==, 2666666667 + 50 * CS_MSEC);
  }
  /* Per-node override. */
  cs_net_set_node_bandwidth (net, 4, 80e6, 0);
  g_assert_cmpfloat (cs_net_node_upload (net, 4), ==, 80e6);
  g_assert_cmpfloat (cs_net_node_download (net, 4), ==, 0);
  g_assert_cmpint (cs_net_transfer (net, 10 * CS_SEC, 4, 5, MB, rng),
                   ==, 10 * CS_SEC + 500 * CS_MSEC + 50 * CS_MSEC);  /* 5's downlink: 0.5 s */
  g_assert_cmpint (cs_net_transfer (net, 20 * CS_SEC, 5, 4, MB, rng),
                   ==, 21 * CS_SEC + 50 * CS_MSEC);  /* 4's downlink unlimited */
}

/* A block sent to 8 peers queues on the sender's uplink: the k-th arrives at k s + 50 ms. */
static void
test_transfer_uplink_queue (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 2);
  g_autoptr (CsNet) net = net_fixed (10, 8e6, 16e6);

  for (guint32 k = 1; k <= 8; k++)
    g_assert_cmpint (cs_net_transfer (net, 0, 0, k, MB, rng), ==, k * CS_SEC + 50 * CS_MSEC);
  /* A message handed over at 3 s waits until 8 s. */
  g_assert_cmpint (cs_net_transfer (net, 3 * CS_SEC, 0, 9, 0, rng), ==, 8050 * CS_MSEC);
}

/* Downlink contention: two fast senders queue on a downlink of the same speed; two slow senders
 * share a faster downlink without delaying each other. */
static void
test_transfer_downlink (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 3);
  g_autoptr (CsNet) net = net_fixed (10, 16e6, 16e6);
  g_autoptr (CsNet) net2 = net_fixed (10, 8e6, 16e6);

  /* 8 Mbit each at 16 Mbit/s: the first ends at 50 + 500 ms, the second 500 ms later. */
  g_assert_cmpint (cs_net_transfer (net, 0, 1, 0, MB, rng), ==, 550 * CS_MSEC);
  g_assert_cmpint (cs_net_transfer (net, 0, 2, 0, MB, rng), ==, 1050 * CS_MSEC);
  /* A third at 2 s finds the downlink idle. */
  g_assert_cmpint (cs_net_transfer (net, 2 * CS_SEC, 3, 0, MB, rng), ==, 2550 * CS_MSEC);

  /* Two senders at 8 Mbit/s fill a 16 Mbit/s downlink together: both end at 1.05 s. */
  g_assert_cmpint (cs_net_transfer (net2, 0, 1, 0, MB, rng), ==, 1050 * CS_MSEC);
  g_assert_cmpint (cs_net_transfer (net2, 0, 2, 0, MB, rng), ==, 1050 * CS_MSEC);
  /* A third is then behind 16 Mbit of downlink work from 50 ms: 1.05 + 0.5 s. */
  g_assert_cmpint (cs_net_transfer (net2, 0, 3, 0, MB, rng), ==, 1550 * CS_MSEC);

  /* After a reset the links are idle again. */
  cs_net_reset_links (net);
  g_assert_cmpint (cs_net_transfer (net, 0, 1, 0, MB, rng), ==, 550 * CS_MSEC);
}

/* Small messages interleave: with interleave_max = 1000 B, a 500 B message sent while the
 * uplink and the receiver's downlink are busy with 1 MB transfers arrives after its latency and
 * its own bytes only, and the queued transfers are not delayed by it; a 1001 B message still
 * queues. With interleave_max = 0 the same small message waits behind the block. */
static void
test_transfer_interleave (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 5);
  g_autoptr (CsNetConfig) c = config_one_region (10, 50, 8e6, 16e6);
  g_autoptr (CsNet) off = NULL, on = NULL;

  c->peers.outbound = 1;
  off = net_new_ok (c, 1);
  c->interleave_max = 1000;
  on = net_new_ok (c, 1);
  g_assert_false (cs_net_interleaves (off, 500));
  g_assert_true (cs_net_interleaves (on, 500));
  g_assert_true (cs_net_interleaves (on, 1000));
  g_assert_false (cs_net_interleaves (on, 1001));

  /* Queued: node 0's uplink is busy until 1 s; 500 B (0.5 ms on the 8 Mbit/s uplink, the slower
   * link) then leave at 1 s. */
  g_assert_cmpint (cs_net_transfer (off, 0, 0, 1, MB, rng), ==, 1050 * CS_MSEC);
  g_assert_cmpint (cs_net_transfer (off, 0, 0, 2, 500, rng), ==, 1050 * CS_MSEC + 500 * CS_USEC);

  /* Interleaved: 500 B at 0 arrive at 50 ms + 0.5 ms, whatever the queues hold... */
  g_assert_cmpint (cs_net_transfer (on, 0, 0, 1, MB, rng), ==, 1050 * CS_MSEC);
  g_assert_cmpint (cs_net_transfer (on, 0, 0, 2, 500, rng), ==, 50 * CS_MSEC + 500 * CS_USEC);
  g_assert_cmpint (cs_net_transfer_interleaved (on, 0, 0, 1, 500, rng),
                   ==, 50 * CS_MSEC + 500 * CS_USEC);
  /* ...and take nothing from them: the next block on 0's uplink still starts at 1 s. */
  g_assert_cmpint (cs_net_transfer (on, 0, 0, 3, MB, rng), ==, 2050 * CS_MSEC);
  /* 1001 B are not small: they wait for the uplink (free at 2 s). */
  g_assert_cmpint (cs_net_transfer (on, 0, 0, 4, 1001, rng), ==, 2050 * CS_MSEC + 1001 * CS_USEC);
  /* A receiver's downlink: 1 is receiving the block until 1.05 s; a small message from 5 is not
   * held back by it (5's uplink is idle: 16 Mbit/s down, 8 up: 0.5 ms). */
  g_assert_cmpint (cs_net_transfer_interleaved (on, 0, 6, 1, 500, rng),
                   ==, 50 * CS_MSEC + 500 * CS_USEC);
}

/* The least latency, the lookahead of cs-world's threads: each jitter's floor, less 1 ns. */
static void
test_min_latency (void)
{
  static const struct { int jitter; double lat_ms; CsTime want; } cases[] = {
    { CS_JITTER_NONE, 50, 50 * CS_MSEC - 1 },
    { CS_JITTER_PARETO, 50, 10 * CS_MSEC - 1 },          /* shape 1.25: scale = mean / 5 */
    { CS_JITTER_PARETO_SIMBLOCK, 11, 6 * CS_MSEC - 1 },  /* mean - 5 ms */
    { CS_JITTER_PARETO_SIMBLOCK, 4, 4 * CS_MSEC - 1 },   /* shape < 1: the mean itself */
    { CS_JITTER_UNIFORM, 50, 45 * CS_MSEC - 1 },         /* spread 0.1 */
    { CS_JITTER_EXPONENTIAL, 50, 0 },
    { CS_JITTER_LOGNORMAL, 50, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CsNetConfig) c = config_one_region (20, cases[i].lat_ms, 8e6, 16e6);
      c->jitter = cases[i].jitter;
      c->pareto_shape = 1.25;
      c->jitter_spread = 0.1;
      c->jitter_sigma = 0.5;
      g_autoptr (CsNet) net = net_new_ok (c, 1);
      g_assert_cmpint (cs_net_min_latency (net), ==, cases[i].want);
      /* No sample is below it. */
      g_autoptr (gsl_rng) rng = cs_rng_new (3, i);
      for (guint k = 0; k < 20000; k++)
        g_assert_cmpint (cs_net_latency_sample (net, 0, 1, rng), >, cases[i].want);
    }
}

/* Loss rate within 4 standard errors of the configured 10%; lost transfers still use the
 * uplink. */
static void
test_transfer_loss (void)
{
  const guint n = 100000;
  g_autoptr (CsNetConfig) c = config_one_region (10, 50, 8e6, 16e6);
  g_autoptr (CsNet) net = NULL, net2 = NULL;
  g_autoptr (gsl_rng) rng = cs_rng_new (4, 4);
  guint lost = 0;
  gboolean queued_behind_lost = FALSE;
  CsTime t;

  c->loss = 0.1;
  c->bandwidth_model = CS_BANDWIDTH_NONE;
  net = net_new_ok (c, 1);
  for (guint i = 0; i < n; i++)
    {
      t = cs_net_transfer (net, i, i % 10, (i + 1) % 10, MB, rng);
      if (t == CS_TIME_NEVER)
        lost++;
      else
        g_assert_cmpint (t, ==, (CsTime) i + 50 * CS_MSEC);  /* sizes ignored */
    }
  g_test_message ("lost %u of %u", lost, n);
  g_assert_cmpfloat (fabs ((double) lost / n - 0.1), <, 4 * sqrt (0.1 * 0.9 / n));

  /* Serialized, loss 1/2: node 0 sends 1 MB to 8 peers at 0; the i-th, when delivered, still
   * arrives at (i+1) s + 50 ms, behind the lost ones that used the uplink before it. */
  c->loss = 0.5;
  c->bandwidth_model = CS_BANDWIDTH_SERIALIZED;
  net2 = net_new_ok (c, 1);
  lost = 0;
  for (guint32 i = 0; i < 8; i++)
    {
      t = cs_net_transfer (net2, 0, 0, i + 1, MB, rng);
      if (t == CS_TIME_NEVER)
        lost++;
      else
        {
          g_assert_cmpint (t, ==, (i + 1) * CS_SEC + 50 * CS_MSEC);
          if (lost > 0)
            queued_behind_lost = TRUE;
        }
    }
  g_assert_true (queued_behind_lost);
}

/* ------------------------------------------------------------------------------------------ */
/* Faults */

/* Blocks transfers from node 3 to node 4 only. */
static gboolean
block_3_to_4 (guint32 src, guint32 dst, CsTime now, gpointer user_data)
{
  (*(guint *) user_data)++;
  return !(src == 3 && dst == 4);
}

static void
test_partitions (void)
{
  g_autoptr (CsNetConfig) c = config_two_regions (20);
  g_autoptr (CsNet) net = NULL;
  g_autoptr (gsl_rng) rng = cs_rng_new (6, 6);
  g_autoptr (gsl_rng) copy = NULL;
  static const guint32 split[] = { 0, 1 };
  guint32 a, b, a2 = 0, calls = 0;
  CsTime now = 0;

  c->jitter = CS_JITTER_NONE;
  c->bandwidth_model = CS_BANDWIDTH_NONE;
  net = net_new_ok (c, 1);
  pick_cross (net, &a, &b);
  while (a2 == a || cs_net_node_region (net, a2) != cs_net_node_region (net, a))
    a2++;

  g_assert_cmpint (cs_net_transfer (net, now, a, b, 1, rng), ==, now + 100 * CS_MSEC);
  cs_net_partition_regions (net, split);
  g_assert_cmpuint (cs_net_node_group (net, a), !=, cs_net_node_group (net, b));
  /* Blocked across the partition, in both directions, drawing nothing. */
  copy = gsl_rng_clone (rng);
  g_assert_false (cs_net_can_reach (net, now, a, b));
  g_assert_cmpint (cs_net_transfer (net, now, a, b, 1, rng), ==, CS_TIME_NEVER);
  g_assert_cmpint (cs_net_transfer (net, now, b, a, 1, rng), ==, CS_TIME_NEVER);
  g_assert_cmpuint (gsl_rng_get (rng), ==, gsl_rng_get (copy));
  /* Fine within a side. */
  g_assert_cmpint (cs_net_transfer (net, now, a, a2, 1, rng), ==, now + 10 * CS_MSEC);
  cs_net_heal (net);
  g_assert_cmpint (cs_net_transfer (net, now, a, b, 1, rng), ==, now + 100 * CS_MSEC);

  /* A single node isolated by group. */
  cs_net_set_node_group (net, b, 7);
  g_assert_cmpint (cs_net_transfer (net, now, a, b, 1, rng), ==, CS_TIME_NEVER);
  cs_net_set_node_group (net, b, 0);

  /* A down node neither sends nor receives. */
  now = CS_SEC;
  cs_net_set_node_up (net, a, FALSE);
  g_assert_false (cs_net_node_is_up (net, a));
  g_assert_cmpint (cs_net_transfer (net, now, a, b, 1, rng), ==, CS_TIME_NEVER);
  g_assert_cmpint (cs_net_transfer (net, now, b, a, 1, rng), ==, CS_TIME_NEVER);
  cs_net_set_node_up (net, a, TRUE);
  g_assert_cmpint (cs_net_transfer (net, now, b, a, 1, rng), ==, now + 100 * CS_MSEC);

  /* A link filter. */
  cs_net_set_link_filter (net, block_3_to_4, &calls, NULL);
  g_assert_cmpint (cs_net_transfer (net, now, 3, 4, 1, rng), ==, CS_TIME_NEVER);
  g_assert_cmpint (cs_net_transfer (net, now, 4, 3, 1, rng), !=, CS_TIME_NEVER);
  g_assert_cmpuint (calls, ==, 2);
  cs_net_set_link_filter (net, NULL, NULL, NULL);
  g_assert_cmpint (cs_net_transfer (net, now, 3, 4, 1, rng), !=, CS_TIME_NEVER);

  /* A filter's data is freed with the network. */
  cs_net_set_link_filter (net, block_3_to_4, g_new0 (guint, 1), g_free);

  /* A blocked transfer does not occupy the uplink. */
  {
    g_autoptr (CsNet) bw = net_fixed (4, 8e6, 16e6);
    cs_net_set_node_up (bw, 1, FALSE);
    g_assert_cmpint (cs_net_transfer (bw, 0, 0, 1, MB, rng), ==, CS_TIME_NEVER);
    g_assert_cmpint (cs_net_transfer (bw, 0, 0, 2, MB, rng), ==, 1050 * CS_MSEC);
  }
}

/* The downlink is taken in arrival order. Regions A and B (10 ms within, 100 ms across; 8 Mbit/s
 * up, 16 down) and a 10 s latency from region C to the others: a C node sends 1 MB to an A node
 * at t = 0 (its first byte arrives at 10 s), then an A node sends 1 MB to the same receiver at
 * 1 ms (first byte at 11 ms). The second must finish at 11 ms + 1 s (its sender's 8 Mbit/s
 * bounds it), not queue behind the slow one: a receiver's downlink is not booked by a transfer
 * whose bytes have not arrived. The slow one then arrives at 10 s + 1 s. */
static void
test_transfer_arrival_order (void)
{
  static const char *const names[] = { "A", "B", "C" };
  static const double shares[] = { 0.4, 0.4, 0.2 };
  static const double lat[] = { 10, 100, 10000, 100, 10, 10000, 10000, 10000, 10 };
  g_autoptr (CsNetConfig) c = config_new (10, 3, names, shares, lat, 8e6, 16e6);
  g_autoptr (CsNet) net = net_new_ok (c, 3);
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 1);
  guint32 a[3] = { 0 }, n_a = 0, far = G_MAXUINT32;

  for (guint32 v = 0; v < 10; v++)
    {
      if (cs_net_node_region (net, v) == 0 && n_a < 3)
        a[n_a++] = v;
      if (cs_net_node_region (net, v) == 2 && far == G_MAXUINT32)
        far = v;
    }
  g_assert_cmpuint (n_a, ==, 3);
  g_assert_cmpuint (far, !=, G_MAXUINT32);

  CsTime slow_first = cs_net_transfer_send (net, 0, far, a[0], 1000000, rng);
  g_assert_cmpint (slow_first, ==, 10 * CS_SEC);
  CsTime fast_first = cs_net_transfer_send (net, CS_MSEC, a[1], a[0], 1000000, rng);
  g_assert_cmpint (fast_first, ==, 11 * CS_MSEC);
  /* Events in time order: the fast transfer's first byte, then the slow one's. */
  g_assert_cmpint (cs_net_transfer_arrive (net, fast_first, a[1], a[0], 1000000), ==,
                   11 * CS_MSEC + CS_SEC);
  g_assert_cmpint (cs_net_transfer_arrive (net, slow_first, far, a[0], 1000000), ==,
                   11 * CS_SEC);
}

/* SimBlock's jitter (Network.getLatency): Pareto with shape 0.2 x mean (ms) and scale mean - 5
 * ms. For a 100 ms link the shape is 20, so the variance is finite (xm^2 k / ((k-1)^2 (k-2)))
 * and the sample mean of 10^5 draws must lie within 4 standard errors of 100 ms; no draw is below
 * the scale (95 ms). A link of 5 ms or less gets exactly its mean (shape <= 1 has no mean). */
static void
test_latency_pareto_simblock (void)
{
  static const char *const names[] = { "A", "B" };
  static const double shares[] = { 0.5, 0.5 };
  static const double lat[] = { 4, 100, 100, 4 };
  g_autoptr (CsNetConfig) c = config_new (10, 2, names, shares, lat, 8e6, 16e6);
  c->jitter = CS_JITTER_PARETO_SIMBLOCK;
  g_autoptr (CsNet) net = net_new_ok (c, 5);
  g_autoptr (gsl_rng) rng = cs_rng_new (5, 1);
  guint32 a, b, a2 = 1;
  const guint n = 100000;
  const double k = 20, xm = 95e6;
  double sum = 0, min = INFINITY;

  pick_cross (net, &a, &b);
  for (guint i = 0; i < n; i++)
    {
      double x = (double) cs_net_latency_sample (net, a, b, rng);
      sum += x;
      min = MIN (min, x);
    }
  double sd = xm * sqrt (k / (k - 2)) / (k - 1);
  g_assert_cmpfloat (fabs (sum / n - 100e6), <, 4 * sd / sqrt (n));
  g_assert_cmpfloat (min, >=, xm - 1);
  while (cs_net_node_region (net, a2) != cs_net_node_region (net, a))
    a2++;
  g_assert_cmpint (cs_net_latency_sample (net, a, a2, rng), ==, 4 * CS_MSEC);
}

/* TCP slow start: 1 MB with a 14,600 B initial window needs 7 windows (14,600 x (2^7 - 1) =
 * 1,854,200 >= 10^6 > 919,800), so 6 round trips of 2 x 50 ms more than without: the 1 MB at
 * 8 Mbit/s over 50 ms of the exact case arrives at 1.050 + 0.6 = 1.650 s. A message within the
 * first window is not delayed. */
static void
test_transfer_slow_start (void)
{
  g_autoptr (CsNetConfig) c = config_one_region (2, 50, 8e6, 16e6);
  c->tcp_initial_window = 14600;
  c->peers.outbound = 1;
  g_autoptr (CsNet) net = net_new_ok (c, 1);
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 1);
  g_assert_cmpint (cs_net_transfer (net, 0, 0, 1, 1000000, rng), ==, 1650 * CS_MSEC);
  cs_net_reset_links (net);
  /* 1000 B: 1 ms at 8 Mbit/s, plus 50 ms. */
  g_assert_cmpint (cs_net_transfer (net, 0, 0, 1, 1000, rng), ==, 51 * CS_MSEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cs_gsl_init ();

  g_test_add_func ("/net/config/check", test_config_check);
  g_test_add_func ("/net/config/presets", test_presets);
  g_test_add_func ("/net/config/located", test_config_located);
  g_test_add_func ("/net/placement/exact", test_placement_exact);
  g_test_add_func ("/net/graph/fixed", test_graph_fixed);
  g_test_add_func ("/net/graph/max-inbound", test_graph_max_inbound);
  g_test_add_func ("/net/graph/cdf", test_graph_cdf);
  g_test_add_func ("/net/graph/connect", test_graph_connect);
  g_test_add_func ("/net/graph/determinism", test_graph_determinism);
  g_test_add_func ("/net/graph/large", test_graph_large);
  g_test_add_func ("/net/latency/pareto", test_latency_pareto);
  g_test_add_func ("/net/latency/others", test_latency_others);
  g_test_add_func ("/net/transfer/exact", test_transfer_exact);
  g_test_add_func ("/net/transfer/uplink-queue", test_transfer_uplink_queue);
  g_test_add_func ("/net/transfer/downlink", test_transfer_downlink);
  g_test_add_func ("/net/transfer/arrival-order", test_transfer_arrival_order);
  g_test_add_func ("/net/transfer/slow-start", test_transfer_slow_start);
  g_test_add_func ("/net/latency/pareto-simblock", test_latency_pareto_simblock);
  g_test_add_func ("/net/transfer/loss", test_transfer_loss);
  g_test_add_func ("/net/transfer/interleave", test_transfer_interleave);
  g_test_add_func ("/net/latency/min", test_min_latency);
  g_test_add_func ("/net/faults/partitions", test_partitions);
  return g_test_run ();
}
