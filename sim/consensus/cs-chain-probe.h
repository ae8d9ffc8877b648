/* cs-chain-probe.h: turns the measurements of any chain protocol (cs-consensus.h metric ids) into
 * results: the `chain` object of summary.json, blocks.csv (one row per block) and
 * propagation.csv (the CDF of block arrival delays).
 *
 * Definitions (deterministic):
 *  - a block reaches a node when the node can build on it: when it mined it (CREATED) or accepted
 *    it after validation (ACCEPTED). Per block, t50/t90/t100 are the delays from its creation to
 *    reaching 50/90/100% of the nodes; propagation_s.pXX is their median over all valid blocks, a
 *    block that never got there counting as infinitely late (null when that is the median);
 *  - the main chain is the chain of the tip held by most nodes at the end (ties: more work, then
 *    the block created first);
 *  - a valid block off the main chain is stale only if it was mined at least `settle` before the
 *    last measurement: younger ones may still be racing and are reported as unsettled.
 *    stale_rate = stale / (valid blocks mined before that horizon);
 *  - propagation.csv is over the settled main-chain blocks, which reach every node (Bitcoin
 *    relays only new tips, so stale blocks stop part way by design);
 *  - mean_delay_main_s, the mean arrival delay over those (block, node) pairs, is the integral of
 *    (1 - f(t)) dt of the Decker-Wattenhofer estimate, f the propagation curve.
 * Memory: per block ~64 bytes plus 4 bytes per node of the run (its arrival delays, reserved at
 * creation); per node 8 bytes (its tip): 10^4 nodes x 10^3 blocks = 40 MB. */
#pragma once

#include <glib.h>

#include "consensus/cs-consensus.h"
#include "engine/cs-time.h"
#include "metrics/cs-json.h"
#include "metrics/cs-output.h"

typedef struct _CsChainProbe CsChainProbe;

/* Headline figures (seconds, counts); NAN where undefined. */
typedef struct
{
  guint64 blocks_total;       /* blocks created, genesis excluded, invalid ones included */
  guint64 blocks_main;        /* on the main chain, genesis excluded */
  guint64 blocks_stale;       /* valid, off the main chain, settled */
  guint64 blocks_unsettled;   /* valid, off the main chain, mined within settle of the end */
  guint64 blocks_settled;     /* valid blocks mined before the horizon: stale_rate's base */
  double stale_rate;          /* blocks_stale / blocks_settled */
  double stale_ci_low;        /* 95% Clopper-Pearson interval of stale_rate (binomial) */
  double stale_ci_high;
  guint64 reorgs;             /* tip changes off a node's former chain, over all nodes */
  guint32 max_reorg_depth;    /* deepest of them */
  guint64 deep_reorgs;        /* reorgs at least `confirmations` deep (commits taken back) */
  guint32 main_chain_height;  /* height of the main tip */
  guint64 invalid_blocks;     /* distinct blocks some node rejected */
  guint64 invalid_rejections; /* rejections, over all nodes */
  guint64 duplicates;         /* complete copies received again */
  double duplicate_bytes;     /* their bytes */
  double p50, p90, p100;      /* propagation_s: medians over valid blocks */
  double mean_delay_main_s;   /* mean arrival delay over settled main blocks x nodes */
  guint64 main_settled;       /* settled main blocks (the base of the two above) */
  double commit_p50_s;        /* median over main blocks of the delay to 50% of nodes committing */
} CsChainFigures;

/* The two-sided Clopper-Pearson interval of @k successes in @n trials at @confidence (e.g.
 * 0.95): exact for a binomial count. Computed by bisection on the beta CDF (GSL's inverse beta
 * CDF fails to converge for some small counts). @n = 0 gives [0, 1]. */
void cs_binomial_interval (guint64 k, guint64 n, double confidence, double *low, double *high);

/* A probe over a run of @n_nodes nodes whose blocks are recorded in @log (borrowed; it must
 * outlive the probe). @settle: see above; @confirmations: the protocol's commit depth (0:
 * none), to count reorgs that undo commits. */
CsChainProbe *cs_chain_probe_new (const CsChainLog *log, guint32 n_nodes, CsTime settle,
                                  guint32 confirmations);
void cs_chain_probe_free (CsChainProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsChainProbe, cs_chain_probe_free)

/* One measurement by node @node at @now (a CsProbeFunc's arguments); calls come in time order. */
void cs_chain_probe_emit (CsChainProbe *probe, guint32 node, CsTime now, guint metric,
                          guint64 key, double value);

void cs_chain_probe_figures (CsChainProbe *probe, CsChainFigures *out);

/* Writes the `chain` member into @summary (an open object) and blocks.csv, propagation.csv. */
void cs_chain_probe_report (CsChainProbe *probe, CsJson *summary, CsOutput *out);
