/* cs-consensus-probe.h: the `consensus` object of summary.json for the ordering protocols (Raft,
 * PBFT, HotStuff), from the measurements of cs-consensus.h, with the safety checker of
 * cs-safety.h fed by every CS_CHAIN_COMMIT as it arrives and the liveness verdict of
 * cs-liveness.h at the end. cs_consensus_probe_report fails (an error naming the violation and
 * the seed) when safety or liveness was violated.
 *
 * Definitions:
 *  - committed_blocks: heights committed by at least one correct replica (genesis excluded);
 *  - throughput_tps: distinct client transactions committed (each once, even if a leader ordered
 *    it twice), over the simulated duration;
 *  - commit_latency_s: per committed client transaction, from its submission (TX_SUBMITTED) to
 *    the first commit of the block carrying it at any correct replica; p50, p90, p99;
 *  - view_changes: the protocol's view-change (Raft: election start) measurements;
 *  - messages_total, bytes_total: transfers handed to the network (the world's traffic);
 *    messages_per_commit = messages_total / committed_blocks;
 *  - liveness (cs-liveness.h): the verdict's name; last_fault_healed_s (null: not within the
 *    run), liveness_bound_s, liveness_checked (correct replicas up at the end),
 *    liveness_violations (those with no new commit within the bound, when judged violated, else
 *    0), liveness_recovery_s (the longest wait from the heal to a checked replica's first new
 *    commit; null when one has none).
 * Memory: one hash and a few words per committed height; 16 bytes per pending transaction. */
#pragma once

#include "consensus/cs-consensus.h"
#include "consensus/cs-liveness.h"
#include "consensus/cs-safety.h"
#include "metrics/cs-json.h"

/* Errors of cs_consensus_probe_report: a checker found a violation. */
#define CS_CONSENSUS_ERROR (cs_consensus_error_quark ())
GQuark cs_consensus_error_quark (void);
typedef enum
{
  CS_CONSENSUS_ERROR_SAFETY,    /* two correct replicas committed different blocks at a height */
  CS_CONSENSUS_ERROR_LIVENESS,  /* a correct replica committed nothing new within the bound */
} CsConsensusError;

typedef struct _CsConsensusProbe CsConsensusProbe;

/* @view_change_metric: the metric id counted as view changes (G_MAXUINT: none). */
CsConsensusProbe *cs_consensus_probe_new (const CsChainLog *log, guint32 n_nodes, guint64 seed,
                                          guint view_change_metric);
void cs_consensus_probe_free (CsConsensusProbe *p);

void cs_consensus_probe_emit (CsConsensusProbe *p, guint32 node, CsTime now, guint metric,
                              guint64 key, double value);

/* The traffic to report (set before the report). */
void cs_consensus_probe_set_traffic (CsConsensusProbe *p, guint64 messages, guint64 bytes);

CsSafety *cs_consensus_probe_safety (CsConsensusProbe *p);

/* Liveness is judged from @heal (the last fault healed; CS_TIME_NEVER: not within the run) with
 * @bound, for a protocol that tolerates @tolerated faulty replicas. Call before the run. */
void cs_consensus_probe_set_liveness (CsConsensusProbe *p, CsTime heal, CsTime bound,
                                      guint32 tolerated);

/* Writes the `consensus` member into @summary (an open object); @duration: the simulated time,
 * @up: whether each replica is up at the end. Returns FALSE with @error (CS_CONSENSUS_ERROR,
 * safety first) when safety or liveness was violated; the member is written all the same. */
gboolean cs_consensus_probe_report (CsConsensusProbe *p, CsTime duration, const gboolean *up,
                                    CsJson *summary, GError **error);

/* The liveness verdict (after cs_consensus_probe_report). */
const CsLivenessResult *cs_consensus_probe_liveness (const CsConsensusProbe *p);
