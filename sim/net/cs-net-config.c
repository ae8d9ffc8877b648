/* cs-net-config.c: the schema, presets and consistency checks of the `network:` section. The
 * checks are written once against a small reporter so that the scenario loader (located errors
 * through cs_check_fail) and C callers (GError through cs_net_config_validate) get the same rules.
 * Cost: O(regions^2 + cdf length); nothing here depends on the node count. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>

#include "net/cs-net-config.h"

G_DEFINE_QUARK (cs-net-error-quark, cs_net_error)

/* Tolerance on the sum of the region shares and on the last CDF entry. */
#define SHARE_TOLERANCE 1e-6
#define CDF_TOLERANCE 1e-9

/* Largest accepted values: node ids are guint32 and region ids guint16. */
#define MAX_NODES 100000000
#define MAX_REGIONS 1024
#define MAX_DEGREE 1000

/* ------------------------------------------------------------------------------------------ */
/* Schema tables */

static const char *const jitter_choices[] = {
  "pareto", "exponential", "lognormal", "uniform", "none", "pareto-simblock", NULL
};

static const char *const bandwidth_choices[] = { "serialized", "none", NULL };

/* One region (an element of `regions:`). */
static const CsField region_fields[] = {
  { .key = "name", .type = CS_T_STRING, .offset = offsetof (CsNetRegion, name),
    .required = TRUE, .min = NAN, .max = NAN,
    .help = "region label, unique (e.g. NA)" },
  { .key = "share", .type = CS_T_FRACTION, .offset = offsetof (CsNetRegion, share),
    .required = TRUE, .min = 0, .max = 1,
    .help = "fraction of the nodes placed in this region; the shares sum to 1" },
  { .key = "upload", .type = CS_T_BITRATE, .offset = offsetof (CsNetRegion, upload),
    .min = 1, .max = NAN,
    .help = "uplink of each node of the region (needed by bandwidth_model: serialized)" },
  { .key = "download", .type = CS_T_BITRATE, .offset = offsetof (CsNetRegion, download),
    .min = 1, .max = NAN,
    .help = "downlink of each node of the region (needed by bandwidth_model: serialized)" },
  { NULL }
};

static const CsSchema region_schema = {
  .name = "region",
  .struct_size = sizeof (CsNetRegion),
  .fields = region_fields,
};

/* Items of lists. */
static const CsField region_item = {
  .type = CS_T_SECTION, .section = &region_schema, .min = NAN, .max = NAN,
};

static const CsField latency_entry_item = {
  .type = CS_T_DURATION, .min = 0, .max = (double) (1000 * G_GINT64_CONSTANT (1000000000)),
};

static const CsField latency_row_item = {
  .type = CS_T_LIST, .item = &latency_entry_item, .min = NAN, .max = NAN,
  .min_len = 1, .max_len = MAX_REGIONS,
};

static const CsField cdf_item = {
  .type = CS_T_FRACTION, .min = 0, .max = 1,
};

static gboolean cs_net_peers_check (const void *config, CsCheck *check);

static const CsField peers_fields[] = {
  { .key = "outbound", .type = CS_T_INT, .offset = offsetof (CsNetPeersConfig, outbound),
    .default_text = "8", .min = 1, .max = MAX_DEGREE,
    .help = "connections each node opens (Bitcoin Core: 8); unused when outbound_cdf is set" },
  { .key = "outbound_cdf", .type = CS_T_LIST,
    .offset = offsetof (CsNetPeersConfig, outbound_cdf), .item = &cdf_item,
    .min = NAN, .max = NAN, .min_len = 0, .max_len = MAX_DEGREE,
    .help = "P(outbound degree <= d) for d = 1, 2, ...; non-decreasing, ends at 1" },
  { .key = "max_inbound", .type = CS_T_INT, .offset = offsetof (CsNetPeersConfig, max_inbound),
    .default_text = "125", .min = 0, .max = 1000000,
    .help = "inbound connections a node accepts (Bitcoin Core: 125 connections in all)" },
  { NULL }
};

static const CsSchema peers_schema = {
  .name = "peers",
  .struct_size = sizeof (CsNetPeersConfig),
  .fields = peers_fields,
  .check = cs_net_peers_check,
};

static const CsField net_fields[] = {
  { .key = "nodes", .type = CS_T_INT, .offset = offsetof (CsNetConfig, nodes),
    .required = TRUE, .min = 2, .max = MAX_NODES,
    .help = "number of nodes" },
  { .key = "regions", .type = CS_T_LIST, .offset = offsetof (CsNetConfig, regions),
    .required = TRUE, .item = &region_item, .min = NAN, .max = NAN,
    .min_len = 1, .max_len = MAX_REGIONS,
    .help = "regions: name, share, upload, download" },
  { .key = "latency", .type = CS_T_LIST, .offset = offsetof (CsNetConfig, latency),
    .required = TRUE, .item = &latency_row_item, .min = NAN, .max = NAN,
    .min_len = 1, .max_len = MAX_REGIONS,
    .help = "mean one-way latency, row: sender's region, column: receiver's (regions' order)" },
  { .key = "jitter", .type = CS_T_ENUM, .offset = offsetof (CsNetConfig, jitter),
    .default_text = "pareto", .choices = jitter_choices, .min = NAN, .max = NAN,
    .help = "distribution of a message's latency around the mean" },
  { .key = "pareto_shape", .type = CS_T_DOUBLE, .offset = offsetof (CsNetConfig, pareto_shape),
    .default_text = "1.25", .min = 1, .max = 1000,
    .help = "Pareto shape k > 1; scale = mean (k-1)/k (1.25: scale = mean/5, Gervais et al.)" },
  { .key = "jitter_sigma", .type = CS_T_DOUBLE, .offset = offsetof (CsNetConfig, jitter_sigma),
    .default_text = "0.5", .min = 0, .max = 10,
    .help = "lognormal jitter: standard deviation of the log-latency" },
  { .key = "jitter_spread", .type = CS_T_FRACTION,
    .offset = offsetof (CsNetConfig, jitter_spread), .default_text = "0.1", .min = 0, .max = 1,
    .help = "uniform jitter: half-width as a fraction of the mean" },
  { .key = "peers", .type = CS_T_SECTION, .offset = offsetof (CsNetConfig, peers),
    .section = &peers_schema, .min = NAN, .max = NAN,
    .help = "peer graph: outbound, outbound_cdf, max_inbound" },
  { .key = "loss", .type = CS_T_FRACTION, .offset = offsetof (CsNetConfig, loss),
    .default_text = "0", .min = 0, .max = 1,
    .help = "probability that a transfer is lost" },
  { .key = "tcp_initial_window", .type = CS_T_SIZE,
    .offset = offsetof (CsNetConfig, tcp_initial_window), .default_text = "0B", .min = 0,
    .max = 1e9,
    .help = "TCP slow start: first congestion window (14600B: 10 segments, RFC 6928); 0B: off" },
  { .key = "interleave_max", .type = CS_T_SIZE,
    .offset = offsetof (CsNetConfig, interleave_max), .default_text = "0B", .min = 0,
    .max = 1e9,
    .help = "messages up to this size go out between other transfers' packets instead of "
            "queueing behind them (14600B: one initial TCP window); 0B: every message queues" },
  { .key = "bandwidth_model", .type = CS_T_ENUM,
    .offset = offsetof (CsNetConfig, bandwidth_model), .default_text = "serialized",
    .choices = bandwidth_choices, .min = NAN, .max = NAN,
    .help = "serialized: uplink queue + latency + downlink capacity; none: latency only" },
  { NULL }
};

/* ------------------------------------------------------------------------------------------ */
/* Presets. Region order everywhere: NA, EU, SA, AP, JP, AU (shared/data/FIGURES.md section 1). */

/* Latency matrices, mean one-way, ms. */
#define LATENCY_2015 \
  /* Gervais et al., CCS 2016, Bitcoin-Simulator bitcoin-topology-helper.cc (FIGURES.md s.1) */ \
  "latency:\n" \
  "  - [35.5ms, 119.49ms, 254.79ms, 310.11ms, 154.36ms, 207.91ms]\n" \
  "  - [119.49ms, 11.61ms, 221.08ms, 241.9ms, 266.45ms, 350.07ms]\n" \
  "  - [254.79ms, 221.08ms, 137.09ms, 346.65ms, 255.95ms, 268.91ms]\n" \
  "  - [310.11ms, 241.9ms, 346.65ms, 99.46ms, 172.24ms, 277.8ms]\n" \
  "  - [154.36ms, 266.45ms, 255.95ms, 172.24ms, 8.76ms, 162.59ms]\n" \
  "  - [207.91ms, 350.07ms, 268.91ms, 277.8ms, 162.59ms, 21.72ms]\n"

#define LATENCY_2019 \
  /* SimBlock's default (Aoki et al., ICBC 2019, NetworkConfiguration.java) (FIGURES.md s.1) */ \
  "latency:\n" \
  "  - [32ms, 124ms, 184ms, 198ms, 151ms, 189ms]\n" \
  "  - [124ms, 11ms, 227ms, 237ms, 252ms, 294ms]\n" \
  "  - [184ms, 227ms, 88ms, 325ms, 301ms, 322ms]\n" \
  "  - [198ms, 237ms, 325ms, 85ms, 58ms, 198ms]\n" \
  "  - [151ms, 252ms, 301ms, 58ms, 12ms, 126ms]\n" \
  "  - [189ms, 294ms, 322ms, 198ms, 126ms, 16ms]\n"

/* Per-message jitter: SimBlock's Network.getLatency draws Pareto with shape 0.2 x mean (ms) and
 * scale mean - 5 ms, whose mean is exactly the table entry with a spread of a few ms (FIGURES.md
 * reads it as "scale mean/5", which would be a far heavier tail). TCP slow start with Linux's
 * initial window of 10 segments of 1460 B (RFC 6928), as in the ns-3 model of Gervais et al.:
 * without it a 500 KB block crosses a 200 ms link about 5 round trips too fast. Messages that fit
 * in that first window (inv, getdata, headers, votes) interleave with the transfers in progress
 * instead of queueing behind a whole block (cs-net.h; SimBlock too gives them latency only). */
#define JITTER_GERVAIS \
  "jitter: pareto-simblock\n" \
  "tcp_initial_window: 14600B\n" \
  "interleave_max: 14600B\n"

/* One region line; bandwidth from SimBlock's 2015 / 2019 tables (FIGURES.md s.1). */
#define REGION(name, share, up, down) \
  "  - {name: " name ", share: " share ", upload: " up "Mbit/s, download: " down "Mbit/s}\n"

/* SimBlock 2015 bandwidth (up, down Mbit/s) per region. */
#define BW15_NA "4.7", "25"
#define BW15_EU "8.1", "24"
#define BW15_SA "1.8", "6.5"
#define BW15_AP "5.3", "10"
#define BW15_JP "3.4", "17.5"
#define BW15_AU "5.2", "14"
/* SimBlock 2019 bandwidth (up, down Mbit/s) per region. */
#define BW19_NA "19.2", "52"
#define BW19_EU "20.7", "40"
#define BW19_SA "5.8", "18"
#define BW19_AP "15.7", "22.8"
#define BW19_JP "10.2", "22.8"
#define BW19_AU "11.3", "29.9"

/* Two-step expansion so that BWxx_yy splits into two macro arguments. */
#define REGION_(...) REGION (__VA_ARGS__)

/* Outbound-degree CDF over degrees 1..20, Bitcoin 2015: Miller et al. 2015, via SimBlock. */
#define PEERS_MILLER_2015 \
  "peers:\n" \
  "  outbound_cdf: [0.025, 0.050, 0.075, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.85,\n" \
  "                 0.90, 0.95, 0.97, 0.97, 0.98, 0.99, 0.995, 1.0]\n" \
  "  max_inbound: 125\n"

/* Bitcoin Core's defaults: 8 outbound (the default of `outbound`, left unwritten so that a user
 * may still choose outbound_cdf), at most 125 connections. */
#define PEERS_CORE \
  "peers:\n" \
  "  max_inbound: 125\n"

const CsPreset cs_net_presets[] = {
  { .name = "bitcoin-2015",
    /* Shares: Bitcoin 2015 (FIGURES.md s.1, from SimBlock); bandwidth: SimBlock 2015; latency:
     * Gervais et al. 2015; degree: Miller et al. 2015. */
    .yaml =
      "regions:\n"
      REGION_ ("NA", "0.3869", BW15_NA)
      REGION_ ("EU", "0.5159", BW15_EU)
      REGION_ ("SA", "0.0113", BW15_SA)
      REGION_ ("AP", "0.0574", BW15_AP)
      REGION_ ("JP", "0.0119", BW15_JP)
      REGION_ ("AU", "0.0166", BW15_AU)
      LATENCY_2015
      JITTER_GERVAIS
      PEERS_MILLER_2015,
    .source = "latency: Gervais et al. CCS 2016 (Bitcoin-Simulator); bandwidth and region "
              "shares: SimBlock 2015 (Aoki et al. ICBC 2019); outbound degrees: Miller et al. "
              "2015 via SimBlock" },
  { .name = "bitcoin-2019",
    /* Shares: Bitcoin 2019; bandwidth and latency: SimBlock 2019 defaults; degree: Bitcoin
     * Core's 8 outbound. */
    .yaml =
      "regions:\n"
      REGION_ ("NA", "0.3316", BW19_NA)
      REGION_ ("EU", "0.4998", BW19_EU)
      REGION_ ("SA", "0.0090", BW19_SA)
      REGION_ ("AP", "0.1177", BW19_AP)
      REGION_ ("JP", "0.0224", BW19_JP)
      REGION_ ("AU", "0.0195", BW19_AU)
      LATENCY_2019
      JITTER_GERVAIS
      PEERS_CORE,
    .source = "latency, bandwidth and region shares: SimBlock 2019 defaults (Aoki et al. ICBC "
              "2019, no source cited there); outbound: Bitcoin Core default 8, 125 connections" },
  { .name = "litecoin",
    /* Shares: Litecoin (FIGURES.md s.1). Latency and bandwidth: the 2015 tables, because the
     * Litecoin figures this preset is validated against (Gervais et al. Table 1: 1.02 s median
     * propagation, 0.273% stale) were measured then, and SimBlock's Litecoin validation used
     * its 2015 parameters. Degree: Litecoin Core is a Bitcoin Core fork and keeps 8 outbound;
     * no measured degree CDF exists for it in FIGURES.md. */
    .yaml =
      "regions:\n"
      REGION_ ("NA", "0.3661", BW15_NA)
      REGION_ ("EU", "0.4791", BW15_EU)
      REGION_ ("SA", "0.0149", BW15_SA)
      REGION_ ("AP", "0.1022", BW15_AP)
      REGION_ ("JP", "0.0238", BW15_JP)
      REGION_ ("AU", "0.0139", BW15_AU)
      LATENCY_2015
      JITTER_GERVAIS
      PEERS_CORE,
    .source = "region shares: Litecoin (SimBlock); latency: Gervais et al. 2015; bandwidth: "
              "SimBlock 2015 (the era of the Gervais et al. Litecoin measurements); outbound: "
              "8 (Litecoin Core = Bitcoin Core defaults)" },
  { .name = "dogecoin",
    /* Shares: Dogecoin (FIGURES.md s.1). Latency and bandwidth 2015 and 8 outbound, for the
     * same reasons as litecoin (Gervais et al. Table 1: 0.85 s median, 0.619% stale). */
    .yaml =
      "regions:\n"
      REGION_ ("NA", "0.3924", BW15_NA)
      REGION_ ("EU", "0.4879", BW15_EU)
      REGION_ ("SA", "0.0212", BW15_SA)
      REGION_ ("AP", "0.0697", BW15_AP)
      REGION_ ("JP", "0.0106", BW15_JP)
      REGION_ ("AU", "0.0182", BW15_AU)
      LATENCY_2015
      JITTER_GERVAIS
      PEERS_CORE,
    .source = "region shares: Dogecoin (SimBlock); latency: Gervais et al. 2015; bandwidth: "
              "SimBlock 2015 (the era of the Gervais et al. Dogecoin measurements); outbound: "
              "8 (Dogecoin Core = Bitcoin Core defaults)" },
  { NULL }
};

const CsSchema cs_net_schema = {
  .name = "network",
  .struct_size = sizeof (CsNetConfig),
  .fields = net_fields,
  .presets = cs_net_presets,
  .check = cs_net_config_check,
};

/* ------------------------------------------------------------------------------------------ */
/* Checks */

/* Where a failed check goes: the loader's CsCheck, or a GError. */
typedef struct
{
  CsCheck *check;      /* loader context; NULL for cs_net_config_validate() */
  GError **error;      /* cs_net_config_validate()'s error */
  const char *prefix;  /* section path for GError messages: "network", "network.peers" */
} Reporter;

/* Reports a problem at @key (NULL: the section), at list element @index when >= 0. Returns
 * FALSE. */
static gboolean report (Reporter *r, const char *key, gint index, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
report (Reporter *r, const char *key, gint index, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);

  if (r->check != NULL)
    {
      if (index >= 0)
        return cs_check_fail_at_index (r->check, key, (guint) index, "%s", msg);
      return cs_check_fail (r->check, key, "%s", msg);
    }
  if (key == NULL)
    g_set_error (r->error, CS_NET_ERROR, CS_NET_ERROR_INVALID, "%s: %s", r->prefix, msg);
  else if (index >= 0)
    g_set_error (r->error, CS_NET_ERROR, CS_NET_ERROR_INVALID, "%s.%s[%d]: %s", r->prefix, key,
                 index, msg);
  else
    g_set_error (r->error, CS_NET_ERROR, CS_NET_ERROR_INVALID, "%s.%s: %s", r->prefix, key, msg);
  return FALSE;
}

/* Whether @key was written in the file, a preset or --set. Only the loader knows; a config
 * filled in C has no such record, so there nothing counts as written. */
static gboolean
has_key (Reporter *r, const char *key)
{
  return r->check != NULL && cs_check_has_key (r->check, key);
}

static guint
list_len (const GArray *a)
{
  return a != NULL ? a->len : 0;
}

/* The largest outbound degree the peers section can ask for. */
static guint
peers_max_degree (const CsNetPeersConfig *p)
{
  guint k = list_len (p->outbound_cdf);

  if (k == 0)
    return (guint) MAX (p->outbound, 0);
  for (guint d = 1; d <= k; d++)
    if (g_array_index (p->outbound_cdf, double, d - 1) >= 1.0 - CDF_TOLERANCE)
      return d;
  return k;
}

static gboolean
check_peers (const CsNetPeersConfig *p, Reporter *r)
{
  guint k = list_len (p->outbound_cdf);
  double prev = 0;

  if (k > 0 && has_key (r, "outbound"))
    return report (r, "outbound", -1,
                   "give either outbound or outbound_cdf, not both (a preset may have set "
                   "outbound_cdf: write `outbound_cdf: []` to use a fixed outbound count)");
  if (k == 0 && (p->outbound < 1 || p->outbound > MAX_DEGREE))
    return report (r, "outbound", -1, "must be between 1 and %d, not %" G_GINT64_FORMAT,
                   MAX_DEGREE, p->outbound);
  if (k > MAX_DEGREE)
    return report (r, "outbound_cdf", -1, "has %u entries, more than %d", k, MAX_DEGREE);
  for (guint i = 0; i < k; i++)
    {
      double c = g_array_index (p->outbound_cdf, double, i);
      if (!(c >= 0 && c <= 1))
        return report (r, "outbound_cdf", (gint) i, "%g is not a probability", c);
      if (c < prev)
        return report (r, "outbound_cdf", (gint) i,
                       "a CDF cannot decrease: %g after %g (degree %u)", c, prev, i + 1);
      prev = c;
    }
  if (k > 0 && fabs (prev - 1.0) > CDF_TOLERANCE)
    return report (r, "outbound_cdf", (gint) k - 1,
                   "the CDF must end at 1 (P(degree <= %u)), not %g", k, prev);
  if (p->max_inbound < 0)
    return report (r, "max_inbound", -1, "cannot be negative");
  return TRUE;
}

static gboolean
cs_net_peers_check (const void *config, CsCheck *check)
{
  Reporter r = { .check = check, .prefix = "network.peers" };
  return check_peers (config, &r);
}

static gboolean
check_network (const CsNetConfig *c, Reporter *r)
{
  guint n_regions = list_len (c->regions);
  double sum = 0;
  guint max_degree;

  if (c->nodes < 2 || c->nodes > MAX_NODES)
    return report (r, "nodes", -1, "must be between 2 and %d, not %" G_GINT64_FORMAT,
                   MAX_NODES, c->nodes);

  /* Regions: names, shares, bandwidth. */
  if (n_regions == 0)
    return report (r, "regions", -1, "at least one region is needed");
  if (n_regions > MAX_REGIONS)
    return report (r, "regions", -1, "%u regions, more than %d", n_regions, MAX_REGIONS);
  for (guint i = 0; i < n_regions; i++)
    {
      const CsNetRegion *reg = &g_array_index (c->regions, CsNetRegion, i);
      if (reg->name == NULL || reg->name[0] == '\0')
        return report (r, "regions", (gint) i, "a region needs a name");
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (g_array_index (c->regions, CsNetRegion, j).name, reg->name) == 0)
          return report (r, "regions", (gint) i, "region name '%s' is already used by region %u",
                         reg->name, j);
      if (!(reg->share >= 0 && reg->share <= 1))
        return report (r, "regions", (gint) i, "share %g of region '%s' is not a fraction",
                       reg->share, reg->name);
      if (c->bandwidth_model == CS_BANDWIDTH_SERIALIZED
          && !(reg->upload > 0 && reg->download > 0 && isfinite (reg->upload)
               && isfinite (reg->download)))
        return report (r, "regions", (gint) i,
                       "region '%s' needs upload and download rates for bandwidth_model: "
                       "serialized (or set bandwidth_model: none)", reg->name);
      sum += reg->share;
    }
  /* Shares must describe a partition of the nodes: a sum other than 1 is far more often a typo
   * than an intent, so it is rejected rather than silently normalised. */
  if (fabs (sum - 1.0) > SHARE_TOLERANCE)
    return report (r, "regions", -1, "the region shares sum to %.9g; they must sum to 1", sum);

  /* Latency matrix: square, one row and column per region. */
  if (list_len (c->latency) != n_regions)
    return report (r, "latency", -1, "has %u rows but there are %u regions (one row and one "
                   "column per region, in the regions' order)", list_len (c->latency),
                   n_regions);
  for (guint i = 0; i < n_regions; i++)
    {
      const GArray *row = g_array_index (c->latency, GArray *, i);
      if (list_len (row) != n_regions)
        return report (r, "latency", (gint) i, "row %u (region '%s') has %u entries, expected %u",
                       i, g_array_index (c->regions, CsNetRegion, i).name, list_len (row),
                       n_regions);
      for (guint j = 0; j < n_regions; j++)
        if (g_array_index (row, gint64, j) < 0)
          return report (r, "latency", (gint) i, "entry %u of row %u is negative", j, i);
    }

  /* Jitter. */
  switch (c->jitter)
    {
    case CS_JITTER_PARETO:
      if (!(c->pareto_shape > 1 && isfinite (c->pareto_shape)))
        return report (r, "pareto_shape", -1,
                       "must be greater than 1 for the Pareto mean to exist, not %g",
                       c->pareto_shape);
      break;
    case CS_JITTER_LOGNORMAL:
      if (!(c->jitter_sigma >= 0 && c->jitter_sigma <= 10))
        return report (r, "jitter_sigma", -1, "must be between 0 and 10, not %g",
                       c->jitter_sigma);
      break;
    case CS_JITTER_UNIFORM:
      if (!(c->jitter_spread >= 0 && c->jitter_spread <= 1))
        return report (r, "jitter_spread", -1, "must be between 0 and 1, not %g",
                       c->jitter_spread);
      break;
    case CS_JITTER_EXPONENTIAL:
    case CS_JITTER_NONE:
    case CS_JITTER_PARETO_SIMBLOCK:
      break;
    default:
      return report (r, "jitter", -1, "unknown jitter %d", c->jitter);
    }
  if (c->bandwidth_model != CS_BANDWIDTH_SERIALIZED && c->bandwidth_model != CS_BANDWIDTH_NONE)
    return report (r, "bandwidth_model", -1, "unknown bandwidth model %d", c->bandwidth_model);
  if (!(c->loss >= 0 && c->loss <= 1))
    return report (r, "loss", -1, "must be a fraction, not %g", c->loss);

  /* Peers: the section's own rules (repeated here for C-filled configs), then the node count. */
  if (r->check == NULL)
    {
      Reporter pr = { .error = r->error, .prefix = "network.peers" };
      if (!check_peers (&c->peers, &pr))
        return FALSE;
    }
  max_degree = peers_max_degree (&c->peers);
  if ((gint64) max_degree >= c->nodes)
    return report (r, c->peers.outbound_cdf && c->peers.outbound_cdf->len > 0
                        ? "peers.outbound_cdf" : "peers.outbound", -1,
                   "a node may open %u outbound connections but there are only %" G_GINT64_FORMAT
                   " nodes (the outbound degree must be below the node count)", max_degree,
                   c->nodes);
  return TRUE;
}

gboolean
cs_net_config_check (const void *config, CsCheck *check)
{
  Reporter r = { .check = check, .prefix = "network" };
  return check_network (config, &r);
}

gboolean
cs_net_config_validate (const CsNetConfig *config, GError **error)
{
  Reporter r = { .error = error, .prefix = "network" };

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return check_network (config, &r);
}
