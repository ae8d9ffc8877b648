/* cs-raft.h: Raft (Ongaro and Ousterhout, 2014) over the node context, for crash faults only:
 * leader election with randomized timeouts, log replication, commit on a majority. Client
 * transactions (submit_tx, or a CS_CONSENSUS_TIMER_SUBMIT timer) are batched by the leader into
 * blocks of the chain code, one block per log entry: the entry at log index i is the block at
 * height i, built on the block of entry i-1 (index 0 is the genesis), so the committed log is a
 * real hash-linked chain that followers validate with cs_block_validate.
 *
 * Replicas are nodes 0..n-1 (n = the chain log's n_nodes); messages go to replica ids directly.
 * Persistent state (current term, vote, log, and the index up to which commits were reported)
 * lives in a per-node CsRaftDisk owned by the shared data: a crash (clear) loses the node's
 * memory, not its disk, and recover with disk_lost FALSE reloads it; disk_lost TRUE starts over
 * from an empty log. Writes are synchronous (written before any message that depends on them).
 *
 * Metrics: CS_CHAIN_BLOCK_CREATED by the leader, CS_CHAIN_BLOCK_ACCEPTED when a follower appends
 * an entry, CS_CHAIN_COMMIT once per (node, height), CS_CHAIN_TX_SUBMITTED, CS_RAFT_ELECTION when
 * a node becomes candidate and CS_RAFT_LEADER when it wins (key: term).
 *
 * Complexity: per heartbeat the leader sends n-1 appends; a follower's append costs O(entries);
 * commit advance is O(n log n) (sorting match indexes). Memory: the log, one pointer per block. */
#pragma once

#include "consensus/cs-consensus.h"
#include "scenario/cs-schema.h"

enum
{
  CS_RAFT_ELECTION = CS_CHAIN_METRIC_END + 10, /* node became candidate (key: term) */
  CS_RAFT_LEADER,                              /* node became leader (key: term) */
};

/* Message types. */
enum
{
  CS_RAFT_MSG_REQUEST_VOTE = 1,
  CS_RAFT_MSG_VOTE,
  CS_RAFT_MSG_APPEND,
  CS_RAFT_MSG_APPEND_REPLY,
  CS_RAFT_MSG_FORWARD, /* a client transaction forwarded to the leader */
};

/* Timer kinds. */
enum
{
  CS_RAFT_TIMER_ELECTION = 1,
  CS_RAFT_TIMER_HEARTBEAT,
  CS_RAFT_TIMER_BATCH,
};

/* The `raft:` section of a scenario (raft-config.c: schema, defaults, checks). */
typedef struct
{
  CsTime election_min;     /* election timeout drawn uniformly in [min, max) (default 150ms) */
  CsTime election_max;     /* (default 300ms) */
  CsTime heartbeat;        /* leader's append interval when idle (default 50ms) */
  CsTime batch;            /* a leader waits this long after the first pending tx (default 10ms) */
  gint64 max_block_tx;     /* transactions per block at most (default 1000) */
  gint64 max_entries;      /* entries per append message at most (default 64) */
  double tx_rate;          /* workload: client transactions per second, Poisson, over all
                            * replicas, each sent to a uniformly drawn replica (default 100) */
  guint64 tx_size;         /* workload: bytes per transaction (default 250B) */
} CsRaftConfig;

extern const CsSchema cs_raft_schema;

void cs_raft_config_init (CsRaftConfig *c);

#include "chain/cs-validate.h"

typedef struct _CsRaftDisk CsRaftDisk;
typedef struct _CsRaftShared CsRaftShared;

/* Shared data: starts with the chain log (cs-consensus.h convention). */
struct _CsRaftShared
{
  CsChainLog log;            /* genesis and every block created */
  CsRaftConfig config;       /* copied */
  CsValidateParams validate; /* fixed difficulty, no size limit */
  CsRaftDisk **disks;        /* per replica: its stable storage (simulator-side, survives a crash) */
  gpointer user;             /* the simulator's own (the world's probe); never read by nodes */
};

/* Shared data for @n_nodes replicas: an easy fixed-target genesis. */
CsRaftShared *cs_raft_shared_new (const CsRaftConfig *config, guint32 n_nodes);
void cs_raft_shared_free (CsRaftShared *s);

extern const CsConsensusClass cs_raft_class;

/* Inspection, for tests and checkers (state is a node's raft state). */
guint64 cs_raft_term (gpointer state);
gboolean cs_raft_is_leader (gpointer state);
guint64 cs_raft_commit_index (gpointer state);
guint64 cs_raft_log_len (gpointer state); /* entries after the genesis */
