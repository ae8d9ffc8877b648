/* test-pbft.c: PBFT (sim/consensus/pbft.c) on the small hand-written simulator of test-raft.c (an
 * event list, a uniform one-way delay, crashes, partitions), checked by the safety and liveness
 * checkers of cs-safety.h: normal case, message counts (n-1 pre-prepares + 2n(n-1) prepares and
 * commits per decision) and commit latency (3 one-way delays) against theory, a silent primary
 * (view change), f equivocating replicas (safe) and f+1 (the checker catches it), crash and
 * catch-up through checkpoints, randomized fault runs. */
#include "consensus/cs-pbft.h"
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
  CsPbftShared *shared;
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
  if (metric == CS_PBFT_VIEW_CHANGE)
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
sim_new (guint32 n, guint64 seed, CsTime delay, const CsPbftConfig *config)
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
  s->shared = cs_pbft_shared_new (config, n);
  s->safety = cs_safety_new (n);
  s->txs = g_ptr_array_new_with_free_func (g_free);
  s->submit_at = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  s->committed_tx = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  s->latency = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint32 i = 0; i < n; i++)
    {
      s->ctx[i] = (CsNodeCtx) { .ops = &sim_ops, .id = i, .rng = cs_rng_new (seed, 1000 + i),
                                .shared = s->shared, .impl = s };
      s->state[i] = g_malloc0 (cs_pbft_class.base.state_size);
      s->up[i] = TRUE;
      cs_pbft_class.base.start (&s->ctx[i], s->state[i]);
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
        cs_pbft_class.base.clear (s->state[i]);
      g_free (s->state[i]);
      gsl_rng_free (s->ctx[i].rng);
    }
  g_free (s->ctx);
  g_free (s->state);
  g_free (s->up);
  g_free (s->epoch);
  g_free (s->group);
  g_free (s->last_commit);
  cs_pbft_shared_free (s->shared);
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
  cs_pbft_class.base.clear (s->state[i]);
  memset (s->state[i], 0, cs_pbft_class.base.state_size);
}

static void
sim_recover (Sim *s, guint32 i, gboolean disk_lost)
{
  if (s->up[i])
    return;
  s->up[i] = TRUE;
  cs_pbft_class.base.recover (&s->ctx[i], s->state[i], disk_lost);
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
            cs_pbft_class.base.on_message (&s->ctx[v], s->state[v], e.from, e.msg);
          cs_msg_unref (e.msg);
        }
      else if (e.tkind == CS_CONSENSUS_TIMER_SUBMIT)
        {
          if (s->up[v]) /* a client of a down node gets no answer */
            cs_pbft_class.base.on_timer (&s->ctx[v], s->state[v], e.tkind, e.arg);
        }
      else if (s->up[v] && e.epoch == s->epoch[v]
               && !g_array_index (s->cancelled, guint8, e.id - 1))
        {
          g_array_index (s->cancelled, guint8, e.id - 1) = 1;
          cs_pbft_class.base.on_timer (&s->ctx[v], s->state[v], e.tkind, e.arg);
        }
    }
  s->now = until;
}


static CsPbftConfig
config (void)
{
  CsPbftConfig c;
  cs_pbft_config_init (&c);
  return c;
}

static Sim *
pbft_sim (guint32 n, guint64 seed, CsTime delay, const CsPbftConfig *c)
{
  Sim *s = sim_new (n, seed, delay, c);
  for (guint32 i = 0; i < n; i++)
    cs_safety_set_faulty (s->safety, i, cs_pbft_is_byzantine (s->shared, i));
  return s;
}

/* Correct up replicas agree on the executed chain, hash-linked. */
static guint64
check_agree (Sim *s)
{
  guint64 best = 0;
  CsBlock *top = NULL;
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && !cs_pbft_is_byzantine (s->shared, i))
      {
        CsBlock *b = cs_pbft_class.final (s->state[i]);
        for (CsBlock *x = b; cs_block_parent (x); x = cs_block_parent (x))
          g_assert_true (cs_hash_equal (cs_block_prev_hash (x), cs_block_hash (cs_block_parent (x))));
        if (!top || cs_block_height (b) > cs_block_height (top))
          top = b;
        best = MAX (best, cs_pbft_executed (s->state[i]));
      }
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && !cs_pbft_is_byzantine (s->shared, i))
      {
        CsBlock *b = cs_pbft_class.final (s->state[i]);
        g_assert_true (cs_block_get_ancestor (top, cs_block_height (b)) == b);
      }
  g_assert_cmpuint (cs_safety_violations (s->safety), ==, 0);
  return best;
}

static void
test_normal (void)
{
  CsPbftConfig c = config ();
  Sim *s = pbft_sim (4, 1, 10 * CS_MSEC, &c);
  for (int i = 0; i < 200; i++)
    sim_submit (s, i % 4, 100 * CS_MSEC + i * 5 * CS_MSEC);
  sim_run (s, 3 * CS_SEC);
  check_agree (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 200);
  for (guint32 i = 0; i < 4; i++)
    {
      g_assert_cmpuint (cs_pbft_view (s->state[i]), ==, 0);
      g_assert_true (cs_pbft_class.final (s->state[i]) == cs_pbft_class.final (s->state[0]));
    }
  g_assert_cmpuint (s->elections, ==, 0);
  sim_free (s);
}

/* One decision, fault-free: n-1 pre-prepares, n(n-1) prepares, n(n-1) commits; the primary
 * commits batch + 3 one-way delays after the request (pre-prepare, prepare, commit). */
static void
test_messages_latency (void)
{
  for (guint32 n = 4; n <= 16; n += 3)
    {
      CsPbftConfig c = config ();
      c.checkpoint_interval = 1000;
      CsTime d = 20 * CS_MSEC;
      Sim *s = pbft_sim (n, 2, d, &c);
      CsTime t0 = 10 * CS_MSEC;
      sim_submit (s, 0, t0);
      sim_run (s, t0 + c.batch + 3 * d - 1);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 0);
      sim_run (s, t0 + c.batch + 3 * d);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 1);
      g_assert_cmpfloat (g_array_index (s->latency, double, 0), ==,
                         (double) (c.batch + 3 * d) / CS_SEC);
      sim_run (s, CS_SEC);
      g_assert_cmpuint (s->msgs_by_type[CS_PBFT_MSG_PRE_PREPARE], ==, n - 1);
      g_assert_cmpuint (s->msgs_by_type[CS_PBFT_MSG_PREPARE], ==, n * (n - 1));
      g_assert_cmpuint (s->msgs_by_type[CS_PBFT_MSG_COMMIT], ==, n * (n - 1));
      g_assert_cmpuint (s->msgs, ==, (n - 1) + 2 * n * (n - 1));
      for (guint32 i = 0; i < n; i++)
        g_assert_cmpuint (cs_pbft_executed (s->state[i]), ==, 1);
      g_test_message ("pbft n=%u: %" G_GUINT64_FORMAT " messages per decision (theory %u), "
                      "latency %.3f s", n, s->msgs, (n - 1) + 2 * n * (n - 1),
                      g_array_index (s->latency, double, 0));
      sim_free (s);
    }
}

/* A silent primary: the backups time out, move to view 1 and order what they hold. */
static void
test_silent_primary (void)
{
  CsPbftConfig c = config ();
  c.byzantine = 1;
  Sim *s = pbft_sim (4, 3, 10 * CS_MSEC, &c);
  for (int i = 0; i < 60; i++)
    sim_submit (s, 1 + i % 3, 100 * CS_MSEC + i * 10 * CS_MSEC);
  sim_run (s, 6 * CS_SEC);
  check_agree (s);
  for (guint32 i = 1; i < 4; i++)
    g_assert_cmpuint (cs_pbft_view (s->state[i]), >=, 1);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 60);
  sim_free (s);
}

/* f equivocating replicas (the first primary among them): no violation, progress. */
static void
test_equivocate_f (void)
{
  for (guint32 n = 4; n <= 10; n += 3)
    for (guint64 seed = 1; seed <= 5; seed++)
      {
        CsPbftConfig c = config ();
        c.byzantine = (n - 1) / 3;
        c.byzantine_mode = CS_PBFT_BYZ_EQUIVOCATE;
        Sim *s = pbft_sim (n, seed, (5 + seed) * CS_MSEC, &c);
        for (int i = 0; i < 100; i++)
          sim_submit (s, c.byzantine + i % (n - c.byzantine), 50 * CS_MSEC + i * 20 * CS_MSEC);
        sim_run (s, 10 * CS_SEC);
        if (cs_safety_violations (s->safety))
          g_error ("pbft: safety violation with f=%u equivocating, seed %" G_GUINT64_FORMAT ": %s",
                   (guint) c.byzantine, seed, cs_safety_first_violation (s->safety));
        guint64 top = check_agree (s);
        g_assert_cmpuint (top, >=, 1);
        g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 100);
        sim_free (s);
      }
}

/* f+1 equivocating replicas: correct replicas commit different blocks; the checker sees it. */
static void
test_equivocate_f_plus_1 (void)
{
  CsPbftConfig c = config ();
  c.byzantine = 2;
  c.byzantine_mode = CS_PBFT_BYZ_EQUIVOCATE;
  Sim *s = pbft_sim (4, 4, 10 * CS_MSEC, &c);
  for (int i = 0; i < 10; i++)
    sim_submit (s, 2 + i % 2, 50 * CS_MSEC + i * 20 * CS_MSEC);
  sim_run (s, 2 * CS_SEC);
  g_assert_cmpuint (cs_safety_violations (s->safety), >, 0);
  g_test_message ("caught: %s", cs_safety_first_violation (s->safety));
  sim_free (s);
}

/* A crashed backup recovers from genesis and catches up through checkpoints. */
static void
test_crash_catch_up (void)
{
  CsPbftConfig c = config ();
  c.checkpoint_interval = 4;
  Sim *s = pbft_sim (4, 5, 10 * CS_MSEC, &c);
  for (int i = 0; i < 300; i++)
    sim_submit (s, i % 4, 50 * CS_MSEC + i * 10 * CS_MSEC);
  sim_run (s, CS_SEC);
  sim_crash (s, 3);
  sim_run (s, 2 * CS_SEC);
  sim_recover (s, 3, TRUE);
  sim_run (s, 5 * CS_SEC);
  check_agree (s);
  g_assert_cmpuint (cs_pbft_executed (s->state[3]) + c.checkpoint_interval, >,
                    cs_pbft_executed (s->state[0]));
  g_assert_cmpuint (cs_pbft_executed (s->state[3]), >, 0);
  sim_free (s);
}

/* Randomized: up to f replicas crash at once (and recover with their disk), partitions come
 * and go; all heal at 6 s. */
static void
run_random (guint64 seed, guint32 n)
{
  CsPbftConfig c = config ();
  c.checkpoint_interval = 8;
  Sim *s = pbft_sim (n, seed, 5 * CS_MSEC + seed % 20 * CS_MSEC, &c);
  guint32 f = (n - 1) / 3;
  gsl_rng *rng = cs_rng_new (seed, 7);
  for (int i = 0; i < 200; i++)
    sim_submit (s, gsl_rng_uniform_int (rng, n), (CsTime) (gsl_rng_uniform (rng) * 9 * CS_SEC));
  for (CsTime t = 0; t < 6 * CS_SEC; t += 200 * CS_MSEC)
    {
      sim_run (s, t);
      double u = gsl_rng_uniform (rng);
      guint32 v = gsl_rng_uniform_int (rng, n);
      guint32 down = 0;
      for (guint32 i = 0; i < n; i++)
        down += !s->up[i];
      if (u < 0.15 && down < f)
        sim_crash (s, v);
      else if (u < 0.35)
        sim_recover (s, v, FALSE);
      else if (u < 0.42)
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
  sim_run (s, 12 * CS_SEC);
  if (cs_safety_violations (s->safety))
    g_error ("pbft: safety violation with seed %" G_GUINT64_FORMAT ": %s", seed,
             cs_safety_first_violation (s->safety));
  check_agree (s);
  guint32 late = 0;
  for (guint32 i = 0; i < n; i++)
    g_test_message ("node %u: view %" G_GUINT64_FORMAT " executed %" G_GUINT64_FORMAT, i,
                    cs_pbft_view (s->state[i]), cs_pbft_executed (s->state[i]));
  if (cs_safety_liveness (s->safety, 6 * CS_SEC, s->up, &late))
    g_error ("pbft: liveness: node %u committed nothing within 6 s of the heal (seed %"
             G_GUINT64_FORMAT ")", late, seed);
  gsl_rng_free (rng);
  sim_free (s);
}

static void
test_random (void)
{
  guint seeds = g_test_slow () ? 300 : 10;
  const char *only = g_getenv ("CS_TEST_SEED");
  if (only)
    {
      guint64 seed = g_ascii_strtoull (only, NULL, 10);
      run_random (seed, seed % 2 ? 4 : 7);
      return;
    }
  for (guint64 seed = 1; seed <= seeds; seed++)
    run_random (seed, seed % 2 ? 4 : 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cs_gsl_init ();
  g_test_add_func ("/pbft/normal", test_normal);
  g_test_add_func ("/pbft/messages-latency", test_messages_latency);
  g_test_add_func ("/pbft/silent-primary", test_silent_primary);
  g_test_add_func ("/pbft/equivocate-f", test_equivocate_f);
  g_test_add_func ("/pbft/equivocate-f-plus-1", test_equivocate_f_plus_1);
  g_test_add_func ("/pbft/crash-catch-up", test_crash_catch_up);
  g_test_add_func ("/pbft/random", test_random);
  return g_test_run ();
}
