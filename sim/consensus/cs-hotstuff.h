/* cs-hotstuff.h: chained HotStuff (Yin et al., PODC 2019) over the node context: n >= 3f+1
 * replicas, a rotating leader (view v: replica v mod n), quorum certificates of 2f+1 votes
 * (ceil((n+f+1)/2) when n > 3f+1, so that two quorums always share a correct replica),
 * a pacemaker (a view timer; on timeout a replica sends NEW-VIEW with its highest QC to every
 * replica; f+1 NEW-VIEWs for a higher view make a replica jump to it, and its leader proposes once
 * it holds 2f+1 of them or a fresh QC), the locking rule on the
 * two-chain and commit on the three-chain (b <- b' <- b'' linked by parent, each certified).
 * Every proposal is a block of the chain code built on the highest certified block, so the
 * committed log is a hash-linked chain; a leader proposes while transactions or uncommitted
 * blocks remain (empty blocks drive the commit of earlier ones), and idles otherwise.
 *
 * Normal case, per view: n-1 proposals and n-1 votes (to the next leader): 2(n-1) messages per
 * committed block, linear in n. A block commits at the replicas when the proposal three views
 * later arrives: 7 one-way delays after it was proposed (6 at the leader that forms the third QC).
 *
 * Client transactions: the replica a client submits to forwards it to the current (or next) leader
 * and keeps it until it commits it; on each view change by the pacemaker (a timeout, or f+1
 * NEW-VIEWs) it forwards what it still holds to the new view's leader, which leaves out those
 * already in the branch it extends. A replica that holds such transactions, or has seen another's
 * NEW-VIEW for a view no proposal has reached yet, keeps its view timer running, so that view
 * changes are made by a quorum, not by one replica alone (with f silent replicas a view needs
 * every correct one); the leader of a view reached by a NEW-VIEW quorum proposes, with nothing
 * else to do an empty block (it carries the highest QC, and settles the pacemaker).
 *
 * Simplifications: no client retransmission (a transaction submitted to a replica that crashes
 * before it commits may be lost); QC signatures are not modelled (a QC is the set of
 * voters, trusted); a recovering replica keeps its stable storage (the highest view it voted in,
 * its lock) unless the disk is lost, restarts from genesis otherwise and catches up from the blocks
 * it is shown (their ancestors come with them).
 *
 * Byzantine replicas (ids 0..byzantine-1, so that the leader of view 1 is one when byzantine >= 2;
 * cs_hotstuff_is_byzantine): `silent` ones never send anything. `equivocate` ones, as leaders,
 * propose two blocks for the same view and height (they differ in timestamp), one to each half of
 * the correct replicas (split by id parity) and both to the other Byzantine replicas; as voters they
 * vote for every proposal they see, once per block (conflicting ones included: double votes); as
 * collectors they count votes per block and form a QC for every block that gets a quorum. With at
 * most f of them that is all (their leader extends its highest QC on both sides). With more than f
 * they collude (the attack): the collector of an equivocating view sends the QC it formed on each
 * side to the leader of the next view w that a Byzantine replica leads and a Byzantine replica
 * collects (a COLLUDE message), and that leader proposes for w at once, extending each side's QC
 * for that side's half. The correct replicas follow their rules: they accept a proposal for a later
 * view (f+1 Byzantine NEW-VIEWs could move them there anyway), each half locks and commits its own
 * three-chain, and the safety checker, which skips Byzantine replicas (cs-protocols.c), sees two
 * blocks committed at one height. */
#pragma once

#include "consensus/cs-consensus.h"
#include "chain/cs-validate.h"
#include "scenario/cs-schema.h"

enum
{
  CS_HOTSTUFF_TIMEOUT = CS_CHAIN_METRIC_END + 30, /* a replica's view timed out (key: view) */
};

enum
{
  CS_HOTSTUFF_MSG_PROPOSAL = 1,
  CS_HOTSTUFF_MSG_VOTE,
  CS_HOTSTUFF_MSG_NEW_VIEW,
  CS_HOTSTUFF_MSG_FORWARD,
  CS_HOTSTUFF_MSG_COLLUDE,  /* between Byzantine replicas only (the attack) */
};

enum
{
  CS_HOTSTUFF_TIMER_VIEW = 1,
  CS_HOTSTUFF_TIMER_BATCH,
  CS_HOTSTUFF_TIMER_ATTACK, /* a Byzantine leader opens the attack */
};

typedef enum
{
  CS_HOTSTUFF_BYZ_SILENT,
  CS_HOTSTUFF_BYZ_EQUIVOCATE,
} CsHotstuffByzantineMode;

typedef struct
{
  CsTime batch;          /* a leader with nothing certified to extend waits this long for
                          * transactions before proposing (default 10ms) */
  CsTime view_timeout;   /* pacemaker: base view timeout, doubled per consecutive timeout (1s) */
  gint64 max_block_tx;   /* transactions per block at most (default 1000) */
  gint64 byzantine;      /* Byzantine replicas, ids 0..byzantine-1 (default 0) */
  int byzantine_mode;    /* CsHotstuffByzantineMode (default silent) */
  double tx_rate;        /* workload: client transactions per second (default 100) */
  guint64 tx_size;       /* workload: bytes per transaction (default 250B) */
} CsHotstuffConfig;

extern const CsSchema cs_hotstuff_schema;
void cs_hotstuff_config_init (CsHotstuffConfig *c);

typedef struct
{
  CsChainLog log;        /* first: the chain log convention */
  CsHotstuffConfig config;
  CsValidateParams validate;
  guint32 f;
  guint64 *disk_voted;       /* per replica, stable storage: the highest view it voted in */
  CsBlock **disk_locked;     /* and its locked QC's block (reference) */
  guint64 *disk_locked_view; /* and view */
  GHashTable *tx_blocks;     /* tx key -> GSList of the blocks holding it (borrowed from the log):
                              * lets a leader tell, in O(log height), whether a transaction is
                              * already in the branch it extends (the ancestors it holds) */
  gpointer user;         /* the simulator's own */
} CsHotstuffShared;

CsHotstuffShared *cs_hotstuff_shared_new (const CsHotstuffConfig *config, guint32 n_nodes);
void cs_hotstuff_shared_free (CsHotstuffShared *s);

extern const CsConsensusClass cs_hotstuff_class;

guint64 cs_hotstuff_view (gpointer state);
guint64 cs_hotstuff_committed (gpointer state);
gboolean cs_hotstuff_is_byzantine (const CsHotstuffShared *s, guint32 node);
