/* test-raft.c: Raft (sim/consensus/raft.c) on a small hand-written simulator (an event list, a
 * uniform one-way delay, crashes that keep or lose the disk, partitions), checked by the safety
 * and liveness checkers of cs-safety.h: election, replication into a hash-linked chain, commit
 * latency and message counts against theory, leader crash and recovery, partitions, and
 * randomized fault runs over many seeds. */
#include "consensus/cs-raft.h"
#include "consensus/cs-safety.h"
#include "engine/cs-rng.h"

#include <gsl/gsl_randist.h>
#include <string.h>

enum { EV_MSG, EV_TIMER };

typedef struct
{
  CsTime at;
  guint64 seq;
  int kind;
  guint32 node, from;
  CsMsg *msg;
  guint16 tkind;
  gpointer arg;
  CsNodeTimer id;
  guint32 epoch;
} Ev;

typedef struct
{
  guint32 n;
  CsTime now, delay;
  guint64 seq;
  GArray *evs;            /* Ev, unsorted: popped by a scan for the least (at, seq) */
  GArray *cancelled;      /* guint8 by timer id */
  CsNodeCtx *ctx;
  gpointer *state;
  gboolean *up;
  guint32 *epoch;
  int *group;             /* partition group per node; messages cross no group boundary */
  CsRaftShared *shared;
  CsSafety *safety;
  guint64 msgs, bytes, msgs_by_type[8];
  guint64 elections;
  GPtrArray *txs;         /* CsTx* submitted (owned) */
  GHashTable *submit_at;  /* tx key -> CsTime* */
  GArray *latency;        /* double: commit latency at the first committer, per tx */
  GHashTable *committed_tx; /* tx key seen committed (first commit only) */
  CsTime *last_commit;    /* per node */
  CsTime last_send;       /* when anything was last sent */
} Sim;

static CsTime sim_now (CsNodeCtx *ctx) { return ((Sim *) ctx->impl)->now; }

static void
push (Sim *s, Ev e)
{
  e.seq = s->seq++;
  g_array_append_val (s->evs, e);
}

static void
sim_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg)
{
  Sim *s = ctx->impl;
  s->msgs++;
  s->last_send = s->now;
  s->bytes += msg->size;
  s->msgs_by_type[msg->type & 7]++;
  if (s->group[ctx->id] != s->group[peer])
    return;
  push (s, (Ev) { .at = s->now + s->delay, .kind = EV_MSG, .node = peer, .from = ctx->id,
                  .msg = cs_msg_ref (msg), .epoch = s->epoch[peer] });
}

static const guint32 *
sim_peers (CsNodeCtx *ctx, guint *n)
{
  *n = 0;
  return NULL;
}

static CsNodeTimer
sim_timer_start (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg)
{
  Sim *s = ctx->impl;
  guint8 zero = 0;
  g_array_append_val (s->cancelled, zero);
  CsNodeTimer id = s->cancelled->len; /* ids from 1 */
  push (s, (Ev) { .at = s->now + delay, .kind = EV_TIMER, .node = ctx->id, .tkind = kind,
                  .arg = arg, .id = id, .epoch = s->epoch[ctx->id] });
  return id;
}

static gboolean
sim_timer_cancel (CsNodeCtx *ctx, CsNodeTimer t)
{
  Sim *s = ctx->impl;
  g_assert (t >= 1 && t <= s->cancelled->len);
  gboolean was = !g_array_index (s->cancelled, guint8, t - 1);
  g_array_index (s->cancelled, guint8, t - 1) = 1;
  return was;
}

static guint64 tx_key (const CsTx *tx) { return ((guint64) tx->sender << 32) | (tx->nonce & 0xffffffffu); }

static void
sim_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value)
{
  Sim *s = ctx->impl;
  if (metric == CS_RAFT_ELECTION)
    s->elections++;
  if (metric != CS_CHAIN_COMMIT)
    return;
  CsBlock *b = cs_chain_log_get (&s->shared->log, key);
  g_assert_nonnull (b);
  g_assert_cmpuint (cs_block_height (b), ==, (guint) value);
  if (!cs_safety_commit (s->safety, ctx->id, b, s->now))
    g_test_message ("safety: %s", cs_safety_first_violation (s->safety));
  s->last_commit[ctx->id] = s->now;
  guint n;
  const CsTx *txs = cs_block_txs (b, &n);
  for (guint i = 0; i < n; i++)
    {
      guint64 k = tx_key (&txs[i]);
      CsTime *at = g_hash_table_lookup (s->submit_at, &k);
      if (at && !g_hash_table_contains (s->committed_tx, &k))
        {
          g_hash_table_add (s->committed_tx, g_memdup2 (&k, sizeof k));
          double l = (double) (s->now - *at) / CS_SEC;
          g_array_append_val (s->latency, l);
        }
    }
}

static const CsNodeCtxOps sim_ops = {
  sim_now, sim_send, sim_peers, sim_timer_start, sim_timer_cancel, sim_emit,
};

static Sim *
sim_new (guint32 n, guint64 seed, CsTime delay, const CsRaftConfig *config)
{
  Sim *s = g_new0 (Sim, 1);
  s->n = n;
  s->delay = delay;
  s->evs = g_array_new (FALSE, FALSE, sizeof (Ev));
  s->cancelled = g_array_new (FALSE, FALSE, 1);
  s->ctx = g_new0 (CsNodeCtx, n);
  s->state = g_new0 (gpointer, n);
  s->up = g_new0 (gboolean, n);
  s->epoch = g_new0 (guint32, n);
  s->group = g_new0 (int, n);
  s->last_commit = g_new0 (CsTime, n);
  s->shared = cs_raft_shared_new (config, n);
  s->safety = cs_safety_new (n);
  s->txs = g_ptr_array_new_with_free_func (g_free);
  s->submit_at = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  s->committed_tx = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  s->latency = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint32 i = 0; i < n; i++)
    {
      s->ctx[i] = (CsNodeCtx) { .ops = &sim_ops, .id = i, .rng = cs_rng_new (seed, 1000 + i),
                                .shared = s->shared, .impl = s };
      s->state[i] = g_malloc0 (cs_raft_class.base.state_size);
      s->up[i] = TRUE;
      cs_raft_class.base.start (&s->ctx[i], s->state[i]);
    }
  return s;
}

static void
sim_free (Sim *s)
{
  for (guint i = 0; i < s->evs->len; i++)
    if (g_array_index (s->evs, Ev, i).msg)
      cs_msg_unref (g_array_index (s->evs, Ev, i).msg);
  g_array_unref (s->evs);
  g_array_unref (s->cancelled);
  for (guint32 i = 0; i < s->n; i++)
    {
      if (s->up[i])
        cs_raft_class.base.clear (s->state[i]);
      g_free (s->state[i]);
      gsl_rng_free (s->ctx[i].rng);
    }
  g_free (s->ctx);
  g_free (s->state);
  g_free (s->up);
  g_free (s->epoch);
  g_free (s->group);
  g_free (s->last_commit);
  cs_raft_shared_free (s->shared);
  cs_safety_free (s->safety);
  g_ptr_array_unref (s->txs);
  g_hash_table_unref (s->submit_at);
  g_hash_table_unref (s->committed_tx);
  g_array_unref (s->latency);
  g_free (s);
}

static void
sim_crash (Sim *s, guint32 i)
{
  if (!s->up[i])
    return;
  s->up[i] = FALSE;
  s->epoch[i]++;
  cs_raft_class.base.clear (s->state[i]);
  memset (s->state[i], 0, cs_raft_class.base.state_size);
}

static void
sim_recover (Sim *s, guint32 i, gboolean disk_lost)
{
  if (s->up[i])
    return;
  s->up[i] = TRUE;
  cs_raft_class.base.recover (&s->ctx[i], s->state[i], disk_lost);
}

/* A client transaction submitted at @node at @at. */
static void
sim_submit (Sim *s, guint32 node, CsTime at)
{
  CsTx *tx = g_new (CsTx, 1);
  cs_tx_init (tx, 1000 + node, s->txs->len, 1, 2, 1000, 250, 250);
  g_ptr_array_add (s->txs, tx);
  guint64 k = tx_key (tx);
  CsTime *t = g_new (CsTime, 1);
  *t = at;
  g_hash_table_insert (s->submit_at, g_memdup2 (&k, sizeof k), t);
  push (s, (Ev) { .at = at, .kind = EV_TIMER, .node = node, .tkind = CS_CONSENSUS_TIMER_SUBMIT,
                  .arg = tx, .id = 0, .epoch = G_MAXUINT32 });
}

/* Runs events up to @until. */
static void
sim_run (Sim *s, CsTime until)
{
  for (;;)
    {
      guint best = G_MAXUINT;
      for (guint i = 0; i < s->evs->len; i++)
        {
          Ev *e = &g_array_index (s->evs, Ev, i);
          if (best == G_MAXUINT)
            best = i;
          else
            {
              Ev *b = &g_array_index (s->evs, Ev, best);
              if (e->at < b->at || (e->at == b->at && e->seq < b->seq))
                best = i;
            }
        }
      if (best == G_MAXUINT || g_array_index (s->evs, Ev, best).at > until)
        break;
      Ev e = g_array_index (s->evs, Ev, best);
      g_array_remove_index_fast (s->evs, best);
      s->now = e.at;
      guint32 v = e.node;
      if (e.kind == EV_MSG)
        {
          if (s->up[v] && e.epoch == s->epoch[v] && s->group[e.from] == s->group[v])
            cs_raft_class.base.on_message (&s->ctx[v], s->state[v], e.from, e.msg);
          cs_msg_unref (e.msg);
        }
      else if (e.tkind == CS_CONSENSUS_TIMER_SUBMIT)
        {
          if (s->up[v]) /* a client of a down node gets no answer */
            cs_raft_class.base.on_timer (&s->ctx[v], s->state[v], e.tkind, e.arg);
        }
      else if (s->up[v] && e.epoch == s->epoch[v]
               && !g_array_index (s->cancelled, guint8, e.id - 1))
        {
          g_array_index (s->cancelled, guint8, e.id - 1) = 1;
          cs_raft_class.base.on_timer (&s->ctx[v], s->state[v], e.tkind, e.arg);
        }
    }
  s->now = until;
}

static gint32
sim_leader (Sim *s)
{
  gint32 leader = -1;
  guint64 term = 0;
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && cs_raft_is_leader (s->state[i]) && cs_raft_term (s->state[i]) >= term)
      {
        term = cs_raft_term (s->state[i]);
        leader = i;
      }
  return leader;
}

/* Every up node's committed chain is hash-linked and the same up to the least commit index. */
static void
check_chains (Sim *s)
{
  for (guint32 i = 0; i < s->n; i++)
    {
      if (!s->up[i])
        continue;
      CsBlock *f = cs_raft_class.final (s->state[i]);
      for (CsBlock *b = f; cs_block_parent (b); b = cs_block_parent (b))
        g_assert_true (cs_hash_equal (cs_block_prev_hash (b), cs_block_hash (cs_block_parent (b))));
      g_assert_cmpuint (cs_block_height (f), ==, cs_raft_commit_index (s->state[i]));
    }
  g_assert_cmpuint (cs_safety_violations (s->safety), ==, 0);
}

static CsRaftConfig
config (void)
{
  CsRaftConfig c;
  cs_raft_config_init (&c);
  return c;
}

static void
test_elect (void)
{
  CsRaftConfig c = config ();
  Sim *s = sim_new (5, 1, 10 * CS_MSEC, &c);
  sim_run (s, 2 * CS_SEC);
  gint32 leader = sim_leader (s);
  g_assert_cmpint (leader, >=, 0);
  guint leaders = 0;
  for (guint32 i = 0; i < 5; i++)
    {
      leaders += cs_raft_is_leader (s->state[i]);
      g_assert_cmpuint (cs_raft_term (s->state[i]), ==, cs_raft_term (s->state[leader]));
      g_assert_cmpuint (cs_raft_commit_index (s->state[i]), >=, 1); /* the leader's first block */
    }
  g_assert_cmpuint (leaders, ==, 1);
  check_chains (s);
  sim_free (s);
}

static void
test_replicate (void)
{
  CsRaftConfig c = config ();
  Sim *s = sim_new (5, 2, 10 * CS_MSEC, &c);
  gsl_rng *rng = cs_rng_new (2, 99);
  CsTime t = CS_SEC;
  for (int i = 0; i < 300; i++)
    {
      t += (CsTime) (gsl_ran_exponential (rng, 0.01) * CS_SEC);
      sim_submit (s, gsl_rng_uniform_int (rng, 5), t);
    }
  gsl_rng_free (rng);
  sim_run (s, t + 2 * CS_SEC);
  check_chains (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 300);
  /* Every replica holds the same committed chain, carrying every transaction once. */
  CsBlock *f0 = cs_raft_class.final (s->state[0]);
  guint64 n_tx = 0;
  for (CsBlock *b = f0; b; b = cs_block_parent (b))
    n_tx += cs_block_parent (b) ? cs_block_n_tx (b) : 0;
  g_assert_cmpuint (n_tx, ==, 300);
  for (guint32 i = 1; i < 5; i++)
    g_assert_true (cs_raft_class.final (s->state[i]) == f0);
  sim_free (s);
}

/* Fault-free, with the followers up to date: a block costs n-1 appends and n-1 replies, and a
 * transaction submitted at the leader commits there after the batch wait plus 2 one-way delays
 * (append out, reply back). */
static void
test_messages_latency (void)
{
  for (guint32 n = 3; n <= 9; n += 2)
    {
      CsRaftConfig c = config ();
      c.heartbeat = CS_SEC; /* slow heartbeats, none inside the measured window */
      c.election_min = 3 * CS_SEC;
      c.election_max = 6 * CS_SEC;
      c.batch = 5 * CS_MSEC;
      CsTime d = 20 * CS_MSEC;
      Sim *s = sim_new (n, 3, d, &c);
      sim_run (s, 10 * CS_SEC);
      gint32 leader = sim_leader (s);
      g_assert_cmpint (leader, >=, 0);
      /* the last heartbeat's replies were sent 20 ms after it: the next one is 1 s after it */
      CsTime t0 = s->last_send - d + CS_SEC + 100 * CS_MSEC;
      sim_run (s, t0 - 1);
      guint64 before = s->msgs;
      sim_submit (s, leader, t0);
      sim_run (s, t0 + c.batch + 2 * d - 1);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 0);
      sim_run (s, t0 + c.batch + 2 * d);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 1);
      g_assert_cmpfloat (g_array_index (s->latency, double, 0), ==,
                         (double) (c.batch + 2 * d) / CS_SEC);
      g_assert_cmpuint (s->msgs - before, ==, 2 * (n - 1));
      g_test_message ("raft n=%u: %" G_GUINT64_FORMAT " messages per block, latency %.3f s",
                      n, s->msgs - before, g_array_index (s->latency, double, 0));
      sim_free (s);
    }
}

static void
test_leader_crash (void)
{
  CsRaftConfig c = config ();
  Sim *s = sim_new (5, 4, 10 * CS_MSEC, &c);
  for (int i = 0; i < 400; i++)
    sim_submit (s, i % 5, CS_SEC + i * 10 * CS_MSEC);
  sim_run (s, 2 * CS_SEC);
  gint32 old = sim_leader (s);
  g_assert_cmpint (old, >=, 0);
  guint64 old_term = cs_raft_term (s->state[old]);
  sim_crash (s, old);
  sim_run (s, 3 * CS_SEC);
  gint32 leader = sim_leader (s);
  g_assert_cmpint (leader, >=, 0);
  g_assert_cmpint (leader, !=, old);
  g_assert_cmpuint (cs_raft_term (s->state[leader]), >, old_term);
  sim_recover (s, old, FALSE);
  /* the recovered node keeps its term and log */
  g_assert_cmpuint (cs_raft_term (s->state[old]), >=, old_term);
  g_assert_cmpuint (cs_raft_log_len (s->state[old]), >=, 1);
  cs_safety_mark_heal (s->safety, s->now);
  sim_run (s, 8 * CS_SEC);
  check_chains (s);
  g_assert_cmpuint (cs_safety_liveness (s->safety, 2 * CS_SEC, s->up, NULL), ==, 0);
  for (guint32 i = 0; i < 5; i++)
    g_assert_true (cs_raft_class.final (s->state[i]) == cs_raft_class.final (s->state[leader]));
  sim_free (s);
}

static void
test_partition (void)
{
  CsRaftConfig c = config ();
  Sim *s = sim_new (5, 5, 10 * CS_MSEC, &c);
  sim_run (s, 2 * CS_SEC);
  gint32 old = sim_leader (s);
  g_assert_cmpint (old, >=, 0);
  /* The old leader and one follower on one side, three on the other. */
  guint32 buddy = (old + 1) % 5;
  s->group[old] = s->group[buddy] = 1;
  guint32 minority_commit = cs_raft_commit_index (s->state[old]);
  for (int i = 0; i < 100; i++)
    sim_submit (s, i % 5, 2 * CS_SEC + i * 20 * CS_MSEC);
  sim_run (s, 5 * CS_SEC);
  g_assert_cmpuint (cs_raft_commit_index (s->state[old]), ==, minority_commit);
  gint32 leader = -1;
  for (guint32 i = 0; i < 5; i++)
    if (s->group[i] == 0 && cs_raft_is_leader (s->state[i]))
      leader = i;
  g_assert_cmpint (leader, >=, 0);
  g_assert_cmpuint (cs_raft_commit_index (s->state[leader]), >, minority_commit);
  for (guint32 i = 0; i < 5; i++)
    s->group[i] = 0;
  cs_safety_mark_heal (s->safety, s->now);
  for (int i = 0; i < 20; i++)
    sim_submit (s, i % 5, 5 * CS_SEC + i * 50 * CS_MSEC);
  sim_run (s, 9 * CS_SEC);
  check_chains (s);
  g_assert_cmpuint (cs_safety_liveness (s->safety, 2 * CS_SEC, s->up, NULL), ==, 0);
  gint32 final_leader = sim_leader (s);
  for (guint32 i = 0; i < 5; i++)
    g_assert_true (cs_raft_class.final (s->state[i])
                   == cs_raft_class.final (s->state[final_leader]));
  sim_free (s);
}

/* Randomized crash / recovery (disk kept) and partition runs; the last fault heals at 6 s. */
static void
run_random (guint64 seed, guint32 n)
{
  CsRaftConfig c = config ();
  Sim *s = sim_new (n, seed, 5 * CS_MSEC + seed % 20 * CS_MSEC, &c);
  gsl_rng *rng = cs_rng_new (seed, 7);
  for (int i = 0; i < 300; i++)
    sim_submit (s, gsl_rng_uniform_int (rng, n), (CsTime) (gsl_rng_uniform (rng) * 9 * CS_SEC));
  for (CsTime t = 0; t < 6 * CS_SEC; t += 200 * CS_MSEC)
    {
      sim_run (s, t);
      double u = gsl_rng_uniform (rng);
      guint32 v = gsl_rng_uniform_int (rng, n);
      if (u < 0.15)
        sim_crash (s, v);
      else if (u < 0.35)
        sim_recover (s, v, FALSE);
      else if (u < 0.45)
        for (guint32 i = 0; i < n; i++)
          s->group[i] = gsl_rng_uniform_int (rng, 2);
      else if (u < 0.55)
        for (guint32 i = 0; i < n; i++)
          s->group[i] = 0;
    }
  sim_run (s, 6 * CS_SEC);
  for (guint32 i = 0; i < n; i++)
    {
      sim_recover (s, i, FALSE);
      s->group[i] = 0;
    }
  cs_safety_mark_heal (s->safety, s->now);
  sim_run (s, 10 * CS_SEC);
  if (cs_safety_violations (s->safety))
    g_error ("raft: safety violation with seed %" G_GUINT64_FORMAT ": %s", seed,
             cs_safety_first_violation (s->safety));
  check_chains (s);
  guint32 late = 0;
  if (cs_safety_liveness (s->safety, 3 * CS_SEC, s->up, &late))
    g_error ("raft: liveness: node %u committed nothing within 3 s of the heal (seed %"
             G_GUINT64_FORMAT ")", late, seed);
  gsl_rng_free (rng);
  sim_free (s);
}

static void
test_random (void)
{
  guint seeds = g_test_slow () ? 300 : 12;
  for (guint64 seed = 1; seed <= seeds; seed++)
    run_random (seed, seed % 2 ? 5 : 3);
}

static void
test_disk_lost (void)
{
  CsRaftConfig c = config ();
  Sim *s = sim_new (3, 6, 10 * CS_MSEC, &c);
  for (int i = 0; i < 50; i++)
    sim_submit (s, i % 3, CS_SEC + i * 10 * CS_MSEC);
  sim_run (s, 2 * CS_SEC);
  guint32 v = (sim_leader (s) + 1) % 3;
  sim_crash (s, v);
  sim_recover (s, v, TRUE);
  g_assert_cmpuint (cs_raft_log_len (s->state[v]), ==, 0);
  sim_run (s, 4 * CS_SEC);
  for (guint32 i = 0; i < 3; i++)
    g_test_message ("node %u: leader %d term %" G_GUINT64_FORMAT " log %" G_GUINT64_FORMAT
                    " commit %" G_GUINT64_FORMAT " final %" G_GUINT64_FORMAT, i,
                    cs_raft_is_leader (s->state[i]),
                    cs_raft_term (s->state[i]), cs_raft_log_len (s->state[i]),
                    cs_raft_commit_index (s->state[i]),
                    cs_block_serial (cs_raft_class.final (s->state[i])));
  check_chains (s);
  g_assert_true (cs_raft_class.final (s->state[v]) == cs_raft_class.final (s->state[sim_leader (s)]));
  sim_free (s);
}

/* The checker itself: two different blocks committed at one height is a violation. */
static void
test_safety_checker (void)
{
  guint64 serial = 0;
  CsBlockTemplate t = { .bits = 0x207fffff, .simulated_pow = TRUE, .n_tx = 1 };
  g_autoptr (CsBlock) g = cs_block_new (NULL, &t, &serial);
  t.miner = 1;
  g_autoptr (CsBlock) a = cs_block_new (g, &t, &serial);
  t.miner = 2;
  g_autoptr (CsBlock) b = cs_block_new (g, &t, &serial);
  g_autoptr (CsSafety) c = cs_safety_new (3);
  g_assert_true (cs_safety_commit (c, 0, a, 1));
  g_assert_true (cs_safety_commit (c, 1, a, 2));
  cs_safety_set_faulty (c, 2, TRUE);
  g_assert_true (cs_safety_commit (c, 2, b, 3)); /* a faulty replica is not checked */
  g_assert_cmpuint (cs_safety_violations (c), ==, 0);
  cs_safety_set_faulty (c, 2, FALSE);
  g_assert_false (cs_safety_commit (c, 2, b, 4));
  g_assert_cmpuint (cs_safety_violations (c), ==, 1);
  g_assert_nonnull (strstr (cs_safety_first_violation (c), "height 1"));
  cs_safety_mark_heal (c, 10);
  g_assert_true (cs_safety_commit (c, 0, a, 11));
  guint32 late = 99;
  g_assert_cmpuint (cs_safety_liveness (c, 5, NULL, &late), ==, 2); /* nodes 1 and 2 */
  g_assert_cmpuint (late, ==, 1);
  gboolean up[3] = { TRUE, TRUE, FALSE };
  g_assert_cmpuint (cs_safety_liveness (c, 5, up, NULL), ==, 1); /* a down node is excused */
  g_assert_true (cs_safety_commit (c, 1, a, 16));
  g_assert_cmpuint (cs_safety_liveness (c, 5, up, NULL), ==, 1); /* too late: 6 > 5 */
  g_assert_cmpuint (cs_safety_liveness (c, 6, up, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cs_gsl_init ();
  g_test_add_func ("/raft/elect", test_elect);
  g_test_add_func ("/raft/replicate", test_replicate);
  g_test_add_func ("/raft/messages-latency", test_messages_latency);
  g_test_add_func ("/raft/leader-crash", test_leader_crash);
  g_test_add_func ("/raft/partition", test_partition);
  g_test_add_func ("/raft/disk-lost", test_disk_lost);
  g_test_add_func ("/raft/random", test_random);
  g_test_add_func ("/safety/checker", test_safety_checker);
  return g_test_run ();
}
