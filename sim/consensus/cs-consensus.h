/* cs-consensus.h: the consensus interface of DESIGN.md. A consensus protocol is a CsProtocolClass
 * (per-node logic over the node context, cs-node.h) plus a few conventions shared by every
 * chain-building protocol, so that one probe (cs-chain-probe.h), one set of checkers and one
 * workload interface serve them all:
 *
 *  - CsConsensusClass: the node logic, and submit_tx, the entry point of client transactions
 *    (a workload injects them with a CS_CONSENSUS_TIMER_SUBMIT timer, or a test calls it);
 *    head/final report a node's chain for end-of-run checkers.
 *  - CsChainLog: the protocol's shared data (ctx->shared) STARTS with one. It is the
 *    simulator-side record of the run: the block serial counter (blocks are numbered densely,
 *    cs-block.h), the genesis block, and every block created, by serial. Node logic uses it only
 *    to number the blocks it creates (what a real node would not need: a hash is a name); the
 *    probe reads block facts (height, miner, parent, time) from it.
 *  - The metric ids below, emitted with cs_emit (ctx, metric, block serial, value).
 *
 * How the protocols to come fit (PBFT, HotStuff, Raft, proof of stake):
 *  - leader and views/terms: node state; the leader of view v is a deterministic function of v
 *    (v mod n, or a stake-weighted draw from a stream of cs_rng_new (seed, ...));
 *  - view-change and election timeouts: node timers (cs_timer_start / cs_timer_cancel), redrawn
 *    from cs_rng (ctx) when randomized (Raft);
 *  - client requests: submit_tx at the node the client talks to; the leader orders pending
 *    transactions into blocks of the chain code (cs_block_new on its head, simulated_pow TRUE
 *    with a fixed easy target, numbered from the CsChainLog), which followers validate with
 *    cs_block_validate / CsBlockTree exactly like Nakamoto nodes do;
 *  - quorums: votes, prepare/commit certificates and Raft's append acks are messages; a node
 *    that sees 2f+1 matching votes (or a majority) emits CS_CHAIN_COMMIT for the block;
 *  - metrics: BLOCK_CREATED by the leader, BLOCK_ACCEPTED as replicas accept a proposal,
 *    NEW_TIP as a node's head moves, COMMIT when final. Stale blocks and reorgs should then be
 *    absent: a REORG below a committed height is a safety violation, which the probe counts.
 * Nakamoto (nakamoto.c) commits a block when it is `confirmations` deep in a node's main chain. */
#pragma once

#include <glib.h>

#include "chain/cs-block.h"
#include "chain/cs-tx.h"
#include "node/cs-node.h"

/* Measurements of a chain protocol: cs_emit (ctx, metric, key, value). The key is the serial of
 * the block concerned (TX_*: the transaction's sender << 32 | nonce low bits). Ids start at 100
 * so that they never collide with the gossip protocol's. */
enum
{
  CS_CHAIN_BLOCK_CREATED = 100, /* this node made the block (value: height); it is in the log */
  CS_CHAIN_BLOCK_RECEIVED,      /* first complete copy of the block at this node (value: height) */
  CS_CHAIN_BLOCK_DUPLICATE,     /* another complete copy arrived (value: bytes wasted) */
  CS_CHAIN_BLOCK_ACCEPTED,      /* validated and connected to the node's tree: the node can
                                 * build on it from now on (value: height) */
  CS_CHAIN_NEW_TIP,             /* the node's head moved to this block (value: height) */
  CS_CHAIN_REORG,               /* the head moved off its former chain (key: new head;
                                 * value: depth, blocks disconnected) */
  CS_CHAIN_INVALID,             /* the node rejected the block (value: CsBlockStatus) */
  CS_CHAIN_COMMIT,              /* the block became final at this node (value: height) */
  CS_CHAIN_TX_SUBMITTED,        /* a client transaction reached this node (value: its size) */
  CS_CHAIN_METRIC_END
};

/* Timer kinds at or above this are reserved for the conventions here; a protocol's own kinds stay
 * below. */
#define CS_CONSENSUS_TIMER_BASE 0xff00
/* A workload's transaction submission (arg: a CsTx* the workload owns until the run ends). */
#define CS_CONSENSUS_TIMER_SUBMIT (CS_CONSENSUS_TIMER_BASE + 1)

typedef struct _CsChainLog CsChainLog;

/* The simulator-side record of a chain run; first member of a chain protocol's shared data. */
struct _CsChainLog
{
  guint64 next_serial;  /* the serial of the next block created (cs_block_new's counter) */
  CsBlock *genesis;     /* serial 0, trusted by every node (strong reference) */
  GPtrArray *blocks;    /* CsBlock* by serial (strong references), genesis included */
  guint32 n_nodes;      /* nodes in the run */
};

/* Starts @log with @genesis (a block made with cs_block_new (NULL, ..., &log->next_serial) on a
 * zeroed log: serial 0). Takes a reference. */
void cs_chain_log_init (CsChainLog *log, CsBlock *genesis, guint32 n_nodes);
void cs_chain_log_clear (CsChainLog *log);
/* Records @block (just created with &log->next_serial); takes a reference. */
void cs_chain_log_add (CsChainLog *log, CsBlock *block);
/* The block of @serial (borrowed), NULL when unknown. */
CsBlock *cs_chain_log_get (const CsChainLog *log, guint64 serial);
/* Blocks recorded, genesis included. */
guint64 cs_chain_log_len (const CsChainLog *log);

/* The log at the start of a chain protocol's shared data (the convention above). */
static inline CsChainLog *
cs_chain_log_of (gpointer shared)
{
  return (CsChainLog *) shared;
}

/* A consensus protocol. */
typedef struct
{
  CsProtocolClass base;  /* node logic; base.name is the protocol's scenario name */
  /* A client transaction arrives at the node (a leader orders it; a Nakamoto miner puts it in
   * its next block). @tx is copied. */
  void (*submit_tx) (CsNodeCtx *ctx, gpointer state, const CsTx *tx);
  /* The node's head (Nakamoto: its tip; BFT: its last proposed or accepted block), borrowed. */
  CsBlock *(*head) (gpointer state);
  /* The node's last final block (borrowed; the genesis when none). */
  CsBlock *(*final) (gpointer state);
} CsConsensusClass;
