/* cs-pbft.h: PBFT (Castro and Liskov, OSDI 1999) over the node context: n >= 3f+1 replicas,
 * pre-prepare / prepare / commit with quorums of 2f+1 (of ceil((n+f+1)/2) when n > 3f+1, so
 * that two quorums always share a correct replica), periodic checkpoints (which also bring a
 * lagging or recovered replica up to date: 2f+1 matching checkpoints certify a block and, the
 * chain being hash-linked, all its ancestors), and view changes on timeout. Client transactions
 * are batched by the primary (replica v mod n of view v) into blocks of the chain code: the block
 * at sequence number s is at height s, built on the block of s-1, so the committed log is a
 * hash-linked chain.
 *
 * Simplifications, stated: one sequence number is in flight at a time (the primary proposes s+1
 * once it has executed s; no watermark window) and a replica prepares only the sequence number
 * above the one it executed, so a view change carries at most one prepared certificate per
 * replica (its highest-view one, kept in stable storage across views); VIEW-CHANGE messages are
 * truthful and NEW-VIEW proofs (the quorum of VIEW-CHANGE messages) are not re-verified by
 * backups, so a Byzantine replica is never a lying new primary (it is silent or equivocates).
 * The new primary starts its view from the highest block a replica of its quorum executed
 * (committed: a real VIEW-CHANGE would carry the certificate) and proposes again the prepared
 * block above it of the highest view; a replica that executed that block already votes for it.
 * Every replica, the primary included, multicasts PREPARE: a decision costs n-1 pre-prepares and
 * n(n-1) prepares and n(n-1) commits, the count the issue states (2n(n-1) + n-1).
 *
 * Byzantine replicas (ids 0..byzantine-1, so that the first primary is one): `silent` ones never
 * send; `equivocate` ones, as primary, send a different block to each half of the backups, and
 * as backups send PREPARE and COMMIT for every digest they see (f+1 of them break safety, which
 * the checker must catch).
 *
 * Recovery: a replica's stable storage (simulator-side, in the shared data) holds its view floor
 * (above), its last executed block and its prepared certificate; a crash keeps them, and the
 * replica asks for a view above the floor and is passive until one starts (it still executes
 * what gathers a commit certificate, and catches up by checkpoints). A crash that loses the disk
 * (disk_lost) restarts it from genesis with only the floor: PBFT assumes no such amnesia, and
 * more than f of them can break safety.
 *
 * Complexity: O(n) per message (votes are scanned), O(n^2) messages per decision. */
#pragma once

#include "consensus/cs-consensus.h"
#include "chain/cs-validate.h"
#include "scenario/cs-schema.h"

enum
{
  CS_PBFT_VIEW_CHANGE = CS_CHAIN_METRIC_END + 20, /* a replica moved to a new view (key: view) */
  CS_PBFT_NEW_VIEW,                               /* a new primary started its view (key: view) */
};

enum
{
  CS_PBFT_MSG_PRE_PREPARE = 1,
  CS_PBFT_MSG_PREPARE,
  CS_PBFT_MSG_COMMIT,
  CS_PBFT_MSG_CHECKPOINT,
  CS_PBFT_MSG_VIEW_CHANGE,
  CS_PBFT_MSG_NEW_VIEW,
  CS_PBFT_MSG_FORWARD,
};

enum
{
  CS_PBFT_TIMER_BATCH = 1,
  CS_PBFT_TIMER_VIEW,
  CS_PBFT_TIMER_RESEND,  /* changing views: the VIEW-CHANGE is sent again (it may be lost) */
};

typedef enum
{
  CS_PBFT_BYZ_SILENT,
  CS_PBFT_BYZ_EQUIVOCATE,
} CsPbftByzantineMode;

/* The `pbft:` section of a scenario. */
typedef struct
{
  CsTime batch;             /* the primary waits this long after a transaction (default 10ms) */
  CsTime view_timeout;      /* no progress for this long with work outstanding: view change,
                             * doubled at each further view change without progress, up to
                             * 8x (1s) */
  gint64 checkpoint_interval; /* a checkpoint every this many sequence numbers (default 16) */
  gint64 max_block_tx;      /* transactions per block at most (default 1000) */
  gint64 byzantine;         /* Byzantine replicas, ids 0..byzantine-1 (default 0) */
  int byzantine_mode;       /* CsPbftByzantineMode (default silent) */
  double tx_rate;           /* workload: client transactions per second (default 100) */
  guint64 tx_size;          /* workload: bytes per transaction (default 250B) */
} CsPbftConfig;

extern const CsSchema cs_pbft_schema;
void cs_pbft_config_init (CsPbftConfig *c);

typedef struct
{
  CsChainLog log;            /* first: the chain log convention */
  CsPbftConfig config;
  CsValidateParams validate;
  guint32 f;                 /* (n - 1) / 3 */
  guint64 *view_floor;       /* per replica, its stable storage: the highest view it sent anything
                              * in (written before sending). A recovering replica rejoins only in
                              * a later view, so it never contradicts votes it forgot. */
  CsBlock **disk_exec;       /* per replica, stable storage: its last executed block (reference) */
  CsBlock **disk_prep;       /* per replica, stable storage: the block it prepared above it */
  guint64 *disk_prep_view;   /* and the view it was prepared in */
  gpointer user;             /* the simulator's own */
} CsPbftShared;

CsPbftShared *cs_pbft_shared_new (const CsPbftConfig *config, guint32 n_nodes);
void cs_pbft_shared_free (CsPbftShared *s);

extern const CsConsensusClass cs_pbft_class;

guint64 cs_pbft_view (gpointer state);
guint64 cs_pbft_executed (gpointer state);
gboolean cs_pbft_is_byzantine (const CsPbftShared *s, guint32 node);
