/* cs-retarget.c: Bitcoin's retarget rule (CalculateNextWorkRequired) on 256-bit targets. */
#include "chain/cs-retarget.h"

void
cs_retarget_params_init_bitcoin (CsRetargetParams *params)
{
  params->interval = 2016;
  params->spacing = 600 * CS_SEC;
  cs_u256_set_max (&params->pow_limit);
  cs_u256_shr (&params->pow_limit, &params->pow_limit, 32);
}

void
cs_retarget (const CsU256 *old_target, CsTime actual_timespan, CsTime expected_timespan,
             const CsU256 *pow_limit, CsU256 *new_target)
{
  CsTime lo, hi;

  g_return_if_fail (expected_timespan > 0);
  lo = expected_timespan / 4;
  hi = expected_timespan > G_MAXINT64 / 4 ? G_MAXINT64 : expected_timespan * 4;
  actual_timespan = CLAMP (actual_timespan, lo, hi);
  cs_u256_mul_div_u64 (new_target, old_target, (guint64) actual_timespan,
                       (guint64) expected_timespan);
  if (pow_limit && cs_u256_cmp (new_target, pow_limit) > 0)
    *new_target = *pow_limit;
}

guint32
cs_retarget_bits (guint32 old_bits, CsTime actual_timespan, CsTime expected_timespan,
                  const CsU256 *pow_limit)
{
  CsU256 old, nt;
  cs_u256_from_compact (&old, old_bits, NULL, NULL);
  cs_retarget (&old, actual_timespan, expected_timespan, pow_limit, &nt);
  return cs_u256_to_compact (&nt);
}

guint32
cs_retarget_next_bits (const CsBlock *parent, const CsRetargetParams *params)
{
  guint32 height = cs_block_height (parent) + 1;
  const CsBlock *first;

  if (params->interval == 0 || height % params->interval != 0)
    return cs_block_bits (parent);
  /* The window's first block: interval - 1 blocks back from the parent (Bitcoin's off-by-one). */
  first = cs_block_get_ancestor (parent, height - params->interval);
  g_return_val_if_fail (first != NULL, cs_block_bits (parent));
  return cs_retarget_bits (cs_block_bits (parent),
                           cs_block_timestamp (parent) - cs_block_timestamp (first),
                           (CsTime) params->interval * params->spacing, &params->pow_limit);
}

guint32
cs_retarget_expected_bits (const CsBlock *parent, gpointer user_data)
{
  return cs_retarget_next_bits (parent, user_data);
}
