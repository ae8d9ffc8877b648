/* cs-mini-sim.h: the small hand-written simulator that the consensus unit tests (test-raft,
 * test-pbft, test-hotstuff) run a protocol on, with no network and no world: n nodes driven
 * through the node context (cs-node.h), an event list, one uniform one-way delay, crashes that
 * keep or lose the disk, partitions into groups, client transactions, and every commit fed to
 * the safety checker (cs-safety.h). A test reads and sets the fields of CsMiniSim directly. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "consensus/cs-consensus.h"
#include "consensus/cs-safety.h"

typedef struct _CsMiniSim CsMiniSim;

/* What differs between protocols. */
typedef struct
{
  const CsConsensusClass *cls;
  guint election_metric;           /* the metric counted in CsMiniSim.elections */
  void (*shared_free) (gpointer shared);
  /* Called on every emit before the simulator handles it; may be NULL. */
  void (*emit) (CsMiniSim *s, guint32 node, guint metric, guint64 key, double value);
} CsMiniSimProtocol;

struct _CsMiniSim
{
  const CsMiniSimProtocol *proto;
  guint32 n;
  CsTime now, delay;
  guint64 seq;
  GArray *evs;            /* events, unsorted: popped by a scan for the least (at, seq) */
  GArray *cancelled;      /* guint8 by timer id */
  CsNodeCtx *ctx;
  gpointer *state;
  gboolean *up;
  guint32 *epoch;
  int *group;             /* partition group per node; messages cross no group boundary */
  gpointer shared;        /* the protocol's shared data (starts with a CsChainLog), owned */
  CsSafety *safety;
  guint64 msgs, bytes, msgs_by_type[8];
  guint64 elections;      /* emits of proto->election_metric */
  GPtrArray *txs;         /* CsTx* submitted (owned) */
  GHashTable *submit_at;  /* tx key -> CsTime* */
  GArray *latency;        /* double: commit latency at the first committer, per tx */
  GHashTable *committed_tx; /* tx key seen committed (first commit only) */
  CsTime *last_commit;    /* per node */
  CsTime last_send;       /* when anything was last sent */
};

/* @n nodes of @proto over @shared (taken), started at time 0; node i draws from
 * cs_rng_new (@seed, 1000 + i); every message takes @delay. */
CsMiniSim *cs_mini_sim_new (const CsMiniSimProtocol *proto, gpointer shared, guint32 n,
                            guint64 seed, CsTime delay);
void cs_mini_sim_free (CsMiniSim *s);

/* Runs events up to @until; the clock is then @until. */
void cs_mini_sim_run (CsMiniSim *s, CsTime until);

/* Crashes node @i (its memory is lost, its pending messages and timers dropped); no-op if down. */
void cs_mini_sim_crash (CsMiniSim *s, guint32 i);
/* Brings node @i back, with or without its disk; no-op if up. */
void cs_mini_sim_recover (CsMiniSim *s, guint32 i, gboolean disk_lost);

/* A client transaction submitted at @node at @at (dropped if @node is down then). */
void cs_mini_sim_submit (CsMiniSim *s, guint32 node, CsTime at);

/* Random faults every 200 ms from 0 to 6 s, drawn from @rng: each step draws u and a node v;
 * u < 0.15 crashes v (while fewer than @max_down are down), u < 0.35 recovers v (disk kept),
 * u < @split_below splits the nodes into two random groups, u < 0.55 heals the partition.
 * Then, at 6 s, every node is recovered, the partition healed and the heal marked in the
 * safety checker. */
void cs_mini_sim_random_faults (CsMiniSim *s, gsl_rng *rng, guint32 max_down, double split_below);

/* Checks that the final chains of the up nodes (@skip: except those it returns TRUE for; may be
 * NULL) are hash-linked and lie on one chain, and that the safety checker saw no violation.
 * Returns the highest final block (NULL with no node checked). */
CsBlock *cs_mini_sim_check_agree (CsMiniSim *s, gboolean (*skip) (CsMiniSim *s, guint32 i));

/* Calls @run (seed, n) for seeds 1 to @quick (to 300 under -m slow), or for $CS_TEST_SEED alone
 * when it is set; n is @n_odd for an odd seed, @n_even for an even one. */
void cs_mini_sim_each_seed (guint quick, guint32 n_odd, guint32 n_even,
                            void (*run) (guint64 seed, guint32 n));

/* For the randomized runs: g_error (naming the protocol and @seed) when the safety checker saw a
 * violation, or when an up node committed nothing within @bound of the heal. */
void cs_mini_sim_assert_safe (CsMiniSim *s, guint64 seed);
void cs_mini_sim_assert_live (CsMiniSim *s, guint64 seed, CsTime bound);
