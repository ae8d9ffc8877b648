/* cs-validate.c: block validation; the intrinsic part is computed once per block. */
#include "chain/cs-validate.h"

static const char *const status_names[CS_BLOCK_N_STATUS] = {
  [CS_BLOCK_VALID] = "valid",
  [CS_BLOCK_BAD_LINK] = "bad-link",
  [CS_BLOCK_BAD_POW] = "bad-pow",
  [CS_BLOCK_BAD_BODY] = "bad-body",
  [CS_BLOCK_BAD_TX] = "bad-tx",
  [CS_BLOCK_BAD_MERKLE] = "bad-merkle",
  [CS_BLOCK_BAD_TARGET] = "bad-target",
  [CS_BLOCK_TIME_TOO_OLD] = "time-too-old",
  [CS_BLOCK_TIME_TOO_NEW] = "time-too-new",
  [CS_BLOCK_TOO_LARGE] = "too-large",
  [CS_BLOCK_BAD_PARENT] = "bad-parent",
};

const char *
cs_block_status_to_string (CsBlockStatus status)
{
  if ((guint) status >= CS_BLOCK_N_STATUS)
    return "unknown";
  return status_names[status];
}

void
cs_validate_params_init (CsValidateParams *params)
{
  params->max_block_size = 1000000;
  params->max_future = 2 * CS_HOUR;
  params->median_span = 11;
  params->expected_bits = NULL;
  params->expected_bits_data = NULL;
}

static CsBlockStatus
check_intrinsic_uncached (const CsBlock *block)
{
  const CsBlockHeader *h = cs_block_header (block);
  guint n;
  const CsTx *txs = cs_block_txs (block, &n);
  guint64 sampled_size = CS_BLOCK_HEADER_SIZE;
  CsHash root;

  /* Proof of work first, as Bitcoin does: the cheapest check, and the one that costs an
   * attacker. */
  if (cs_u256_is_zero (cs_block_target (block)))
    return CS_BLOCK_BAD_POW;
  if (!cs_block_simulated_pow (block)
      && !cs_hash_meets_target (cs_block_hash (block), cs_block_target (block)))
    return CS_BLOCK_BAD_POW;

  for (guint i = 0; i < n; i++)
    sampled_size += txs[i].size;
  if (n > cs_block_n_tx (block) || cs_block_size (block) < sampled_size
      || h->time != cs_block_time_seconds (cs_block_timestamp (block)))
    return CS_BLOCK_BAD_BODY;

  for (guint i = 0; i < n; i++)
    if (!cs_tx_id_valid (&txs[i]))
      return CS_BLOCK_BAD_TX;

  cs_block_compute_merkle_root (block, &root);
  if (!cs_hash_equal (&root, &h->merkle_root))
    return CS_BLOCK_BAD_MERKLE;
  return CS_BLOCK_VALID;
}

CsBlockStatus
cs_block_check_intrinsic (const CsBlock *block)
{
  gint memo = cs__block_get_memo (block);
  CsBlockStatus s;

  if (memo)
    return (CsBlockStatus) (memo - 1);
  /* Deterministic in the block's bytes: a race between threads could only store the same value
   * twice. */
  s = check_intrinsic_uncached (block);
  cs__block_set_memo (block, (gint) s + 1);
  return s;
}

CsBlockStatus
cs_block_validate (const CsBlock *block, const CsBlock *parent, CsTime now,
                   const CsValidateParams *params)
{
  CsBlockStatus s;
  guint32 expected;

  g_return_val_if_fail (block != NULL && params != NULL, CS_BLOCK_BAD_LINK);
  if (!parent || !cs_hash_equal (cs_block_prev_hash (block), cs_block_hash (parent)))
    return CS_BLOCK_BAD_LINK;

  s = cs_block_check_intrinsic (block);
  if (s != CS_BLOCK_VALID)
    return s;

  expected = params->expected_bits
               ? params->expected_bits (parent, params->expected_bits_data)
               : cs_block_bits (parent);
  if (cs_block_bits (block) != expected)
    return CS_BLOCK_BAD_TARGET;

  if (cs_block_timestamp (block)
      <= cs_block_median_time_past (parent, MAX (params->median_span, 1)))
    return CS_BLOCK_TIME_TOO_OLD;

  if (params->max_future != CS_TIME_NEVER
      && cs_block_timestamp (block) > now
      && cs_block_timestamp (block) - now > params->max_future)
    return CS_BLOCK_TIME_TOO_NEW;

  if (params->max_block_size && cs_block_size (block) > params->max_block_size)
    return CS_BLOCK_TOO_LARGE;
  return CS_BLOCK_VALID;
}
