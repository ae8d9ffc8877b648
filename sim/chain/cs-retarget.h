/* cs-retarget.h: Bitcoin's difficulty retargeting, as pure functions.
 *
 * Every @interval blocks (Bitcoin: 2016) the target becomes
 *     new = old * actual_timespan / expected_timespan,
 * with actual_timespan clamped to [expected / 4, expected * 4] and the result capped at the proof
 * of work limit, then rounded down to compact form (as Bitcoin stores it). expected_timespan =
 * interval * spacing (two weeks). As in Bitcoin (pow.cpp), actual_timespan is measured from the
 * first block of the window to its last, interval - 1 block intervals (the known off-by-one kept
 * for fidelity). Times are chainsim nanoseconds; scaling both spans by 10^9 leaves the exact
 * integer result unchanged, so Bitcoin's own test vectors hold. */
#pragma once

#include <glib.h>
#include "chain/cs-block.h"

typedef struct _CsRetargetParams CsRetargetParams;

struct _CsRetargetParams
{
  guint32 interval;   /* blocks between adjustments (Bitcoin: 2016); 0 disables retargeting */
  CsTime spacing;     /* intended time between blocks (Bitcoin: 600 s) */
  CsU256 pow_limit;   /* easiest allowed target (Bitcoin: 2^224 - 1) */
};

/* Bitcoin mainnet: 2016 blocks, 600 s, limit 2^224 - 1. */
void cs_retarget_params_init_bitcoin (CsRetargetParams *params);

/* new = clamp (old * clamp (actual) / expected, <= limit) exactly (320-bit intermediate);
 * @expected > 0. */
void cs_retarget (const CsU256 *old_target, CsTime actual_timespan, CsTime expected_timespan,
                  const CsU256 *pow_limit, CsU256 *new_target);

/* The same on compact targets: decodes @old_bits, retargets, encodes. */
guint32 cs_retarget_bits (guint32 old_bits, CsTime actual_timespan, CsTime expected_timespan,
                          const CsU256 *pow_limit);

/* The bits required of a child of @parent: the parent's bits unless the child starts a new
 * window (height % interval == 0), else retargeted over the window that @parent ends. */
guint32 cs_retarget_next_bits (const CsBlock *parent, const CsRetargetParams *params);

/* cs_retarget_next_bits() as a CsExpectedBitsFunc (cs-validate.h); @user_data is a
 * const CsRetargetParams*. */
guint32 cs_retarget_expected_bits (const CsBlock *parent, gpointer user_data);
