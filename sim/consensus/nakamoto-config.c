/* nakamoto-config.c: the `nakamoto:` section of a scenario: its schema, defaults and checks, and
 * the small pure helpers that read it (compact target parsing, validation cost). */
#include "consensus/cs-nakamoto.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

const char *const cs_relay_mode_names[] = { "inv-getdata", "unsolicited", "compact", NULL };
static const char *const hash_power_names[] = { "pools", "uniform", NULL };
static const char *const placement_names[] = { "random", "best-connected", NULL };

/* The largest transaction cs_tx_init_random() makes: 3 inputs, 2 outputs (cs-tx.h). */
#define MAX_RANDOM_TX_SIZE (10 + 3 * 148 + 2 * 34)

/* real_pow searches at most this many hashes per block on average: beyond, a run would spend
 * its time hashing (2^20 double SHA-256 take about a second). */
#define REAL_POW_MAX_LOG2_WORK 20

static const CsField pool_fields[] = {
  { .key = "share", .type = CS_T_DOUBLE, .offset = offsetof (CsPoolConfig, share),
    .required = TRUE, .min = 0, .max = 1e9,
    .help = "the pool's hash power; shares are normalized over all pools" },
  { .key = "region", .type = CS_T_STRING, .offset = offsetof (CsPoolConfig, region),
    .min = NAN, .max = NAN,
    .help = "network region the pool's node is in (a name of network.regions); default: any" },
  { NULL }
};

static const CsSchema pool_schema = {
  .name = "pool",
  .struct_size = sizeof (CsPoolConfig),
  .fields = pool_fields,
};

static const CsField pool_item = {
  .type = CS_T_SECTION, .section = &pool_schema, .min = NAN, .max = NAN,
};

static gboolean nakamoto_check (const void *config, CsCheck *check);

static const CsField nakamoto_fields[] = {
  { .key = "interval", .type = CS_T_DURATION, .offset = offsetof (CsNakamotoConfig, interval),
    .default_text = "600s", .min = 1e6, .max = 1e18,
    .help = "target time between blocks (Bitcoin 600s, Litecoin 150s, Dogecoin 60s)" },
  { .key = "block_size", .type = CS_T_SIZE, .offset = offsetof (CsNakamotoConfig, block_size),
    .default_text = "500KB", .min = 100, .max = 1e10,
    .help = "bytes of every block on the wire, header included" },
  { .key = "tx_size", .type = CS_T_SIZE, .offset = offsetof (CsNakamotoConfig, tx_size),
    .default_text = "500B", .min = 1, .max = 1e9,
    .help = "mean transaction size: a block stands for block_size / tx_size transactions" },
  { .key = "tx_sample", .type = CS_T_INT, .offset = offsetof (CsNakamotoConfig, tx_sample),
    .default_text = "4", .min = 0, .max = 1000,
    .help = "real transactions carried and hashed into each block's Merkle root" },
  { .key = "max_block_size", .type = CS_T_SIZE,
    .offset = offsetof (CsNakamotoConfig, max_block_size), .default_text = "0", .min = 0,
    .max = 1e12, .help = "consensus block size limit (Bitcoin: 1MB); 0: none" },
  { .key = "relay", .type = CS_T_ENUM, .offset = offsetof (CsNakamotoConfig, relay),
    .default_text = "inv-getdata", .choices = cs_relay_mode_names, .min = NAN, .max = NAN,
    .help = "block relay: inv-getdata (announce, request, send), unsolicited (push blocks), "
            "compact (BIP152 compact blocks)" },
  { .key = "compact_high_bandwidth", .type = CS_T_BOOL,
    .offset = offsetof (CsNakamotoConfig, compact_high_bandwidth), .default_text = "true",
    .min = NAN, .max = NAN,
    .help = "compact: push compact blocks (high-bandwidth); false: announce, send on request" },
  { .key = "compact_miss_rate", .type = CS_T_FRACTION,
    .offset = offsetof (CsNakamotoConfig, compact_miss_rate), .default_text = "0", .min = 0,
    .max = 1, .help = "compact: fraction of a block's transactions the receiver lacks and "
                      "fetches in one more round trip" },
  { .key = "hash_power", .type = CS_T_ENUM, .offset = offsetof (CsNakamotoConfig, hash_power),
    .default_text = "uniform", .choices = hash_power_names, .min = NAN, .max = NAN,
    .help = "pools: the `pools` list; uniform: `miners` nodes with equal shares" },
  { .key = "pools", .type = CS_T_LIST, .offset = offsetof (CsNakamotoConfig, pools),
    .item = &pool_item, .min = NAN, .max = NAN, .min_len = 0, .max_len = 100000,
    .help = "mining pools: {share, region}; each sits on one node" },
  { .key = "miners", .type = CS_T_INT, .offset = offsetof (CsNakamotoConfig, miners),
    .default_text = "0", .min = 0, .max = 100000000,
    .help = "uniform: how many nodes mine, with equal shares (0: every node)" },
  { .key = "placement", .type = CS_T_ENUM, .offset = offsetof (CsNakamotoConfig, placement),
    .default_text = "random", .choices = placement_names, .min = NAN, .max = NAN,
    .help = "which nodes hold pools or miners: random, or best-connected (most peers)" },
  { .key = "pool_mesh", .type = CS_T_BOOL, .offset = offsetof (CsNakamotoConfig, pool_mesh),
    .default_text = "false", .min = NAN, .max = NAN,
    .help = "pools also send blocks directly to every other pool (miners' interconnection)" },
  { .key = "known_filter", .type = CS_T_BOOL, .offset = offsetof (CsNakamotoConfig, known_filter),
    .default_text = "true", .min = NAN, .max = NAN,
    .help = "no announcement of a block to a peer that announced it to this node first (Bitcoin "
            "Core's PeerHasHeader check); false: to every peer but the sender, as SimBlock does" },
  { .key = "pool_upload", .type = CS_T_BITRATE,
    .offset = offsetof (CsNakamotoConfig, pool_upload), .min = 1, .max = NAN,
    .help = "uplink of pool nodes (default: their region's)" },
  { .key = "pool_download", .type = CS_T_BITRATE,
    .offset = offsetof (CsNakamotoConfig, pool_download), .min = 1, .max = NAN,
    .help = "downlink of pool nodes (default: their region's)" },
  { .key = "validation_fixed", .type = CS_T_DURATION,
    .offset = offsetof (CsNakamotoConfig, validation_fixed), .default_text = "0", .min = 0,
    .max = 1e15, .help = "simulated time to validate a block: this..." },
  { .key = "validation_per_kb", .type = CS_T_DURATION,
    .offset = offsetof (CsNakamotoConfig, validation_per_kb), .default_text = "0", .min = 0,
    .max = 1e15, .help = "...plus this per 1000 bytes of block..." },
  { .key = "validation_per_tx", .type = CS_T_DURATION,
    .offset = offsetof (CsNakamotoConfig, validation_per_tx), .default_text = "0", .min = 0,
    .max = 1e15, .help = "...plus this per transaction" },
  { .key = "retarget_interval", .type = CS_T_INT,
    .offset = offsetof (CsNakamotoConfig, retarget_interval), .default_text = "0", .min = 0,
    .max = 1000000, .help = "blocks between difficulty adjustments (Bitcoin 2016); 0: fixed" },
  { .key = "hashrate_scale", .type = CS_T_DOUBLE,
    .offset = offsetof (CsNakamotoConfig, hashrate_scale), .default_text = "1", .min = 1e-6,
    .max = 1e6, .help = "network hash rate over the one the genesis target expects" },
  { .key = "genesis_bits", .type = CS_T_STRING,
    .offset = offsetof (CsNakamotoConfig, genesis_bits), .default_text = "0x1d00ffff",
    .min = NAN, .max = NAN,
    .help = "compact target of the genesis block, hex (Bitcoin 0x1d00ffff; easy: 0x207fffff)" },
  { .key = "real_pow", .type = CS_T_BOOL, .offset = offsetof (CsNakamotoConfig, real_pow),
    .default_text = "false", .min = NAN, .max = NAN,
    .help = "miners search nonces for real (needs an easy genesis_bits, e.g. 0x207fffff)" },
  { .key = "invalid_fraction", .type = CS_T_FRACTION,
    .offset = offsetof (CsNakamotoConfig, invalid_fraction), .default_text = "0", .min = 0,
    .max = 1, .help = "probability that a mined block is invalid (bad Merkle root)" },
  { .key = "request_timeout", .type = CS_T_DURATION,
    .offset = offsetof (CsNakamotoConfig, request_timeout), .default_text = "60s", .min = 1e6,
    .max = 1e18, .help = "a block requested this long ago may be requested from another peer" },
  { .key = "confirmations", .type = CS_T_INT,
    .offset = offsetof (CsNakamotoConfig, confirmations), .default_text = "6", .min = 0,
    .max = 100000, .help = "depth at which a block counts as committed (0: never)" },
  { .key = "settle", .type = CS_T_DURATION, .offset = offsetof (CsNakamotoConfig, settle),
    .default_text = "0", .min = 0, .max = 1e18,
    .help = "blocks mined this close to the end are left out of stale accounting (0: 3 "
            "intervals)" },
  { NULL }
};

const CsSchema cs_nakamoto_schema = {
  .name = "nakamoto",
  .struct_size = sizeof (CsNakamotoConfig),
  .fields = nakamoto_fields,
  .check = nakamoto_check,
};

gboolean
cs_nakamoto_parse_bits (const char *text, guint32 *bits)
{
  const char *p = text;
  guint64 v = 0;

  if (!text)
    return FALSE;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    p += 2;
  if (*p == '\0' || strlen (p) > 8)
    return FALSE;
  for (; *p; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return FALSE;
      v = v * 16 + (guint64) g_ascii_xdigit_value (*p);
    }
  *bits = (guint32) v;
  return TRUE;
}

static gboolean
nakamoto_check (const void *config, CsCheck *check)
{
  const CsNakamotoConfig *c = config;
  guint32 bits;
  CsU256 target, work;
  gboolean negative, overflow;

  if (!cs_nakamoto_parse_bits (c->genesis_bits, &bits))
    return cs_check_fail (check, "genesis_bits", "'%s' is not a compact target in hex "
                          "(e.g. 0x1d00ffff)", c->genesis_bits ? c->genesis_bits : "");
  cs_u256_from_compact (&target, bits, &negative, &overflow);
  if (negative || overflow || cs_u256_is_zero (&target))
    return cs_check_fail (check, "genesis_bits", "0x%08x is not a valid target (negative, "
                          "zero or overflowing)", bits);
  cs_u256_work (&work, &target);
  if (c->real_pow && cs_u256_bits (&work) > REAL_POW_MAX_LOG2_WORK)
    return cs_check_fail (check, "real_pow", "real_pow with genesis_bits 0x%08x needs about "
                          "2^%u hashes per block; use an easier target (e.g. 0x207fffff or "
                          "0x1f00ffff)", bits, cs_u256_bits (&work) - 1);
  if (c->hash_power == CS_HASH_POOLS)
    {
      double sum = 0;
      if (!c->pools || c->pools->len == 0)
        return cs_check_fail (check, "pools", "hash_power: pools needs at least one pool");
      for (guint i = 0; i < c->pools->len; i++)
        {
          double s = g_array_index (c->pools, CsPoolConfig, i).share;
          if (!(s > 0))
            return cs_check_fail_at_index (check, "pools", i, "a pool's share must be "
                                           "positive, not %g", s);
          sum += s;
        }
      if (!(sum > 0 && isfinite (sum)))
        return cs_check_fail (check, "pools", "the pool shares do not add up to a number");
    }
  if ((guint64) c->tx_sample * MAX_RANDOM_TX_SIZE + CS_BLOCK_HEADER_SIZE > c->block_size)
    return cs_check_fail (check, "tx_sample", "%" G_GINT64_FORMAT " sampled transactions (up to "
                          "%d bytes each) do not fit in a block of %" G_GUINT64_FORMAT " bytes",
                          c->tx_sample, MAX_RANDOM_TX_SIZE, c->block_size);
  if (c->max_block_size && c->block_size > c->max_block_size)
    return cs_check_fail (check, "block_size", "blocks of %" G_GUINT64_FORMAT " bytes are above "
                          "max_block_size (%" G_GUINT64_FORMAT "): every block would be invalid",
                          c->block_size, c->max_block_size);
  return TRUE;
}

gboolean
cs_nakamoto_check_network (const CsNakamotoConfig *c, const CsNetConfig *network,
                           CsCheck *check)
{
  guint n_regions = network->regions ? network->regions->len : 0;

  if (c->hash_power == CS_HASH_UNIFORM)
    {
      if (c->miners > network->nodes)
        return cs_check_fail (check, "nakamoto", "nakamoto.miners (%" G_GINT64_FORMAT ") is "
                              "above network.nodes (%" G_GINT64_FORMAT ")", c->miners,
                              network->nodes);
      return TRUE;
    }
  if (!c->pools)
    return TRUE;
  if ((gint64) c->pools->len > network->nodes)
    return cs_check_fail (check, "nakamoto", "%u pools need as many nodes, but network.nodes "
                          "is %" G_GINT64_FORMAT, c->pools->len, network->nodes);
  for (guint i = 0; i < c->pools->len; i++)
    {
      const char *region = g_array_index (c->pools, CsPoolConfig, i).region;
      gboolean found = FALSE;
      if (!region || !*region)
        continue;
      for (guint r = 0; r < n_regions && !found; r++)
        found = g_strcmp0 (g_array_index (network->regions, CsNetRegion, r).name, region) == 0;
      if (!found)
        return cs_check_fail (check, "nakamoto", "nakamoto.pools[%u]: no region '%s' in "
                              "network.regions", i, region);
    }
  /* Each region holds at least floor (share x nodes) nodes (largest-remainder apportionment):
   * its pools must fit in them. */
  for (guint r = 0; r < n_regions; r++)
    {
      const CsNetRegion *reg = &g_array_index (network->regions, CsNetRegion, r);
      guint wanted = 0;
      for (guint i = 0; i < c->pools->len; i++)
        wanted += g_strcmp0 (g_array_index (c->pools, CsPoolConfig, i).region, reg->name) == 0;
      if (wanted > 0 && (double) wanted > floor (reg->share * network->nodes))
        return cs_check_fail (check, "nakamoto", "%u pools are placed in region '%s', which "
                              "has only about %.0f nodes", wanted, reg->name,
                              floor (reg->share * network->nodes));
    }
  return TRUE;
}

CsTime
cs_nakamoto_validation_cost (const CsNakamotoConfig *c, const CsBlock *block)
{
  /* size * per_kb / 1000 in double (both factors may reach 10^10..10^15), truncated to ns. */
  return c->validation_fixed
         + (CsTime) ((double) cs_block_size (block) * (double) c->validation_per_kb / 1000.0)
         + (CsTime) cs_block_n_tx (block) * c->validation_per_tx;
}
