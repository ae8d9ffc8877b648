/* nakamoto-shared.c: what every Nakamoto node shares: the chain log with its genesis block, the
 * consensus rules, and where the hash power sits (pool placement). Built once per run, before
 * the nodes start; O(nodes log nodes) for best-connected placement, O(nodes) otherwise. */
#include "consensus/cs-nakamoto.h"

#include "engine/cs-rng.h"

#include <string.h>

G_DEFINE_QUARK (cs-nakamoto-error-quark, cs_nakamoto_error)

/* One holder of hash power to place. */
typedef struct
{
  double share;        /* normalized */
  const char *region;  /* NULL: anywhere */
} Holder;

static gint
compare_u64 (gconstpointer x, gconstpointer y)
{
  guint64 u = *(const guint64 *) x, v = *(const guint64 *) y;
  return u < v ? -1 : u > v;
}

/* The order in which nodes are offered to holders. */
static guint32 *
placement_order (const CsNakamotoConfig *c, guint32 n, const guint32 *degree, guint64 seed)
{
  guint32 *order = g_new (guint32, n);
  for (guint32 i = 0; i < n; i++)
    order[i] = i;
  if (c->placement == CS_PLACE_RANDOM)
    {
      /* Fisher-Yates from the mining stream: the order is a uniform permutation. */
      g_autoptr (gsl_rng) rng = cs_rng_new (seed, cs_stream_id (CS_STREAM_MINING, 0));
      for (guint32 i = n - 1; i > 0; i--)
        {
          guint32 j = (guint32) gsl_rng_uniform_int (rng, (unsigned long) i + 1);
          guint32 t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
    }
  else if (degree)
    {
      /* Most peers first, ties to the lower id: a stable sort of the identity by degree. */
      g_autoptr (GArray) a = g_array_new (FALSE, FALSE, sizeof (guint64));
      for (guint32 i = 0; i < n; i++)
        {
          guint64 key = ((guint64) (G_MAXUINT32 - degree[i]) << 32) | i;
          g_array_append_val (a, key);
        }
      g_array_sort (a, compare_u64);
      for (guint32 i = 0; i < n; i++)
        order[i] = (guint32) (g_array_index (a, guint64, i) & 0xffffffffu);
    }
  return order;
}

static gint
region_index (const char *name, const char *const *region_names)
{
  if (!name || !*name)
    return -1;
  for (gint r = 0; region_names && region_names[r]; r++)
    if (strcmp (region_names[r], name) == 0)
      return r;
  return -2; /* unknown */
}

/* Places @holders on distinct nodes following @order; FALSE when one cannot be placed. */
static gboolean
place (CsNakamotoShared *s, const Holder *holders, guint n_holders, const guint32 *order,
       const gint *region, const char *const *region_names, GError **error)
{
  guint8 *taken = g_new0 (guint8, s->n_nodes);
  guint cursor = 0; /* every node before it in @order is taken */
  gboolean ok = TRUE;

  for (guint h = 0; h < n_holders && ok; h++)
    {
      gint want = region_index (holders[h].region, region_names);
      guint32 chosen = G_MAXUINT32;
      if (want == -2)
        {
          g_set_error (error, CS_NAKAMOTO_ERROR, 0,
                       "nakamoto.pools[%u]: unknown region '%s'", h, holders[h].region);
          ok = FALSE;
          break;
        }
      for (guint k = want < 0 ? cursor : 0; k < s->n_nodes; k++)
        {
          guint32 node = order[k];
          if (taken[node] || (want >= 0 && (!region || region[node] != want)))
            continue;
          chosen = node;
          break;
        }
      if (chosen == G_MAXUINT32)
        {
          g_set_error (error, CS_NAKAMOTO_ERROR, 0,
                       "nakamoto.pools[%u]: no free node left%s%s", h,
                       want >= 0 ? " in region " : "", want >= 0 ? holders[h].region : "");
          ok = FALSE;
          break;
        }
      taken[chosen] = 1;
      s->share[chosen] += holders[h].share;
      while (cursor < s->n_nodes && taken[order[cursor]])
        cursor++;
    }
  g_free (taken);
  return ok;
}

CsNakamotoShared *
cs_nakamoto_shared_new (const CsNakamotoConfig *c, guint32 n_nodes, const guint32 *degree,
                        const gint *region, const char *const *region_names, guint64 seed,
                        GError **error)
{
  g_autoptr (CsNakamotoShared) s = g_new0 (CsNakamotoShared, 1);
  guint32 bits;
  gboolean neg, over;
  CsU256 target;

  g_return_val_if_fail (c != NULL && n_nodes > 0, NULL);
  s->config = c;
  s->n_nodes = n_nodes;
  s->share = g_new0 (double, n_nodes);

  if (!cs_nakamoto_parse_bits (c->genesis_bits, &bits))
    {
      g_set_error (error, CS_NAKAMOTO_ERROR, 0,
                   "nakamoto.genesis_bits: '%s' is not a compact target", c->genesis_bits);
      return NULL;
    }
  cs_u256_from_compact (&target, bits, &neg, &over);
  if (neg || over || cs_u256_is_zero (&target))
    {
      g_set_error (error, CS_NAKAMOTO_ERROR, 0,
                   "nakamoto.genesis_bits: 0x%08x is not a valid target", bits);
      return NULL;
    }
  cs_u256_work (&s->genesis_work, &target);

  /* The rules: Bitcoin's, with the configured size limit and, when asked, retargeting whose
   * easiest target is the genesis one (as Bitcoin's powLimit is). */
  cs_validate_params_init (&s->validate);
  s->validate.max_block_size = c->max_block_size;
  s->retarget.interval = (guint32) c->retarget_interval;
  s->retarget.spacing = c->interval;
  s->retarget.pow_limit = target;
  if (c->retarget_interval > 0)
    {
      s->validate.expected_bits = cs_retarget_expected_bits;
      s->validate.expected_bits_data = &s->retarget;
    }

  /* Genesis: trusted by every node, never validated. */
  CsBlockTemplate tmpl = {
    .version = 1, .bits = bits, .timestamp = 0, .miner = G_MAXUINT32, .n_tx = 1,
    .simulated_pow = TRUE,
  };
  g_autoptr (CsBlock) genesis = cs_block_new (NULL, &tmpl, &s->log.next_serial);
  cs_chain_log_init (&s->log, genesis, n_nodes);

  /* Hash power. */
  g_autofree Holder *holders = NULL;
  guint n_holders = 0;
  if (c->hash_power == CS_HASH_POOLS)
    {
      double sum = 0;
      n_holders = c->pools ? c->pools->len : 0;
      holders = g_new0 (Holder, MAX (n_holders, 1));
      for (guint i = 0; i < n_holders; i++)
        sum += g_array_index (c->pools, CsPoolConfig, i).share;
      if (n_holders == 0 || !(sum > 0))
        {
          g_set_error (error, CS_NAKAMOTO_ERROR, 0,
                       "nakamoto.pools: no hash power");
          return NULL;
        }
      for (guint i = 0; i < n_holders; i++)
        {
          const CsPoolConfig *p = &g_array_index (c->pools, CsPoolConfig, i);
          holders[i].share = p->share / sum;
          holders[i].region = p->region;
        }
    }
  else if (c->miners > 0 && (guint64) c->miners < n_nodes)
    {
      n_holders = (guint) c->miners;
      holders = g_new0 (Holder, n_holders);
      for (guint i = 0; i < n_holders; i++)
        holders[i].share = 1.0 / n_holders;
    }
  else
    {
      /* Every node mines: nothing to place. */
      for (guint32 i = 0; i < n_nodes; i++)
        s->share[i] = 1.0 / n_nodes;
    }
  if (n_holders > n_nodes)
    {
      g_set_error (error, CS_NAKAMOTO_ERROR, 0,
                   "nakamoto: %u pools or miners but only %u nodes", n_holders, n_nodes);
      return NULL;
    }
  if (n_holders > 0)
    {
      g_autofree guint32 *order = placement_order (c, n_nodes, degree, seed);
      if (!place (s, holders, n_holders, order, region, region_names, error))
        return NULL;
    }

  for (guint32 i = 0; i < n_nodes; i++)
    s->n_pool_nodes += s->share[i] > 0;
  s->pool_nodes = g_new (guint32, MAX (s->n_pool_nodes, 1));
  for (guint32 i = 0, k = 0; i < n_nodes; i++)
    if (s->share[i] > 0)
      s->pool_nodes[k++] = i;
  return g_steal_pointer (&s);
}

void
cs_nakamoto_shared_free (CsNakamotoShared *s)
{
  if (!s)
    return;
  cs_chain_log_clear (&s->log);
  g_free (s->share);
  g_free (s->pool_nodes);
  g_free (s);
}
