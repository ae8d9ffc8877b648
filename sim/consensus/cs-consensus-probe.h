/* cs-consensus-probe.h: the `consensus` object of summary.json for the ordering protocols (Raft;
 * PBFT and HotStuff to come), from the measurements of cs-consensus.h, with the safety checker
 * of cs-safety.h fed by every CS_CHAIN_COMMIT as it arrives. A safety violation is printed at
 * once with the seed, and cs_consensus_probe_report then exits with status 1.
 *
 * Definitions:
 *  - committed_blocks: heights committed by at least one correct replica (genesis excluded);
 *  - throughput_tps: distinct client transactions committed (each once, even if a leader ordered
 *    it twice), over the simulated duration;
 *  - commit_latency_s: per committed client transaction, from its submission (TX_SUBMITTED) to
 *    the first commit of the block carrying it at any correct replica; p50, p90, p99;
 *  - view_changes: the protocol's view-change (Raft: election start) measurements;
 *  - messages_total, bytes_total: transfers handed to the network (the world's traffic);
 *    messages_per_commit = messages_total / committed_blocks.
 * Memory: one hash and a few words per committed height; 16 bytes per pending transaction. */
#pragma once

#include "consensus/cs-consensus.h"
#include "consensus/cs-safety.h"
#include "metrics/cs-json.h"

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

/* Writes the `consensus` member into @summary (an open object); @duration: the simulated time.
 * Exits with status 1 after writing when safety was violated. */
void cs_consensus_probe_report (CsConsensusProbe *p, CsTime duration, CsJson *summary);
