/* cs-mini-sim.c: the small hand-written simulator of the consensus unit tests (cs-mini-sim.h):
 * one event list scanned for the least (time, sequence), a node context that sends with one
 * fixed delay within a partition group, timers cancelled by id, crashes counted in per-node
 * epochs (what was sent to or set by a node before its crash is dropped). */
#include "cs-mini-sim.h"

#include "engine/cs-rng.h"

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

static CsTime sim_now (CsNodeCtx *ctx) { return ((CsMiniSim *) ctx->impl)->now; }

static void
push (CsMiniSim *s, Ev e)
{
  e.seq = s->seq++;
  g_array_append_val (s->evs, e);
}

static void
sim_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg)
{
  CsMiniSim *s = ctx->impl;
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
  CsMiniSim *s = ctx->impl;
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
  CsMiniSim *s = ctx->impl;
  g_assert (t >= 1 && t <= s->cancelled->len);
  gboolean was = !g_array_index (s->cancelled, guint8, t - 1);
  g_array_index (s->cancelled, guint8, t - 1) = 1;
  return was;
}

static guint64 tx_key (const CsTx *tx) { return ((guint64) tx->sender << 32) | (tx->nonce & 0xffffffffu); }

static void
sim_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value)
{
  CsMiniSim *s = ctx->impl;
  if (metric == s->proto->election_metric)
    s->elections++;
  if (s->proto->emit)
    s->proto->emit (s, ctx->id, metric, key, value);
  if (metric != CS_CHAIN_COMMIT)
    return;
  CsBlock *b = cs_chain_log_get (cs_chain_log_of (s->shared), key);
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

CsMiniSim *
cs_mini_sim_new (const CsMiniSimProtocol *proto, gpointer shared, guint32 n, guint64 seed,
                 CsTime delay)
{
  const CsProtocolClass *cls = &proto->cls->base;
  CsMiniSim *s = g_new0 (CsMiniSim, 1);
  s->proto = proto;
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
  s->shared = shared;
  s->safety = cs_safety_new (n);
  s->txs = g_ptr_array_new_with_free_func (g_free);
  s->submit_at = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  s->committed_tx = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  s->latency = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint32 i = 0; i < n; i++)
    {
      s->ctx[i] = (CsNodeCtx) { .ops = &sim_ops, .id = i, .rng = cs_rng_new (seed, 1000 + i),
                                .shared = s->shared, .impl = s };
      s->state[i] = g_malloc0 (cls->state_size);
      s->up[i] = TRUE;
      cls->start (&s->ctx[i], s->state[i]);
    }
  return s;
}

void
cs_mini_sim_free (CsMiniSim *s)
{
  const CsProtocolClass *cls = &s->proto->cls->base;
  for (guint i = 0; i < s->evs->len; i++)
    if (g_array_index (s->evs, Ev, i).msg)
      cs_msg_unref (g_array_index (s->evs, Ev, i).msg);
  g_array_unref (s->evs);
  g_array_unref (s->cancelled);
  for (guint32 i = 0; i < s->n; i++)
    {
      if (s->up[i])
        cls->clear (s->state[i]);
      g_free (s->state[i]);
      gsl_rng_free (s->ctx[i].rng);
    }
  g_free (s->ctx);
  g_free (s->state);
  g_free (s->up);
  g_free (s->epoch);
  g_free (s->group);
  g_free (s->last_commit);
  s->proto->shared_free (s->shared);
  cs_safety_free (s->safety);
  g_ptr_array_unref (s->txs);
  g_hash_table_unref (s->submit_at);
  g_hash_table_unref (s->committed_tx);
  g_array_unref (s->latency);
  g_free (s);
}

void
cs_mini_sim_crash (CsMiniSim *s, guint32 i)
{
  const CsProtocolClass *cls = &s->proto->cls->base;
  if (!s->up[i])
    return;
  s->up[i] = FALSE;
  s->epoch[i]++;
  cls->clear (s->state[i]);
  memset (s->state[i], 0, cls->state_size);
}

void
cs_mini_sim_recover (CsMiniSim *s, guint32 i, gboolean disk_lost)
{
  if (s->up[i])
    return;
  s->up[i] = TRUE;
  s->proto->cls->base.recover (&s->ctx[i], s->state[i], disk_lost);
}

void
cs_mini_sim_submit (CsMiniSim *s, guint32 node, CsTime at)
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

void
cs_mini_sim_run (CsMiniSim *s, CsTime until)
{
  const CsProtocolClass *cls = &s->proto->cls->base;
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
            cls->on_message (&s->ctx[v], s->state[v], e.from, e.msg);
          cs_msg_unref (e.msg);
        }
      else if (e.tkind == CS_CONSENSUS_TIMER_SUBMIT)
        {
          if (s->up[v]) /* a client of a down node gets no answer */
            cls->on_timer (&s->ctx[v], s->state[v], e.tkind, e.arg);
        }
      else if (s->up[v] && e.epoch == s->epoch[v]
               && !g_array_index (s->cancelled, guint8, e.id - 1))
        {
          g_array_index (s->cancelled, guint8, e.id - 1) = 1;
          cls->on_timer (&s->ctx[v], s->state[v], e.tkind, e.arg);
        }
    }
  s->now = until;
}

void
cs_mini_sim_random_faults (CsMiniSim *s, gsl_rng *rng, guint32 max_down, double split_below)
{
  guint32 n = s->n;
  for (CsTime t = 0; t < 6 * CS_SEC; t += 200 * CS_MSEC)
    {
      cs_mini_sim_run (s, t);
      double u = gsl_rng_uniform (rng);
      guint32 v = gsl_rng_uniform_int (rng, n);
      guint32 down = 0;
      for (guint32 i = 0; i < n; i++)
        down += !s->up[i];
      if (u < 0.15 && down < max_down)
        cs_mini_sim_crash (s, v);
      else if (u < 0.35)
        cs_mini_sim_recover (s, v, FALSE);
      else if (u < split_below)
        for (guint32 i = 0; i < n; i++)
          s->group[i] = gsl_rng_uniform_int (rng, 2);
      else if (u < 0.55)
        for (guint32 i = 0; i < n; i++)
          s->group[i] = 0;
    }
  cs_mini_sim_run (s, 6 * CS_SEC);
  for (guint32 i = 0; i < n; i++)
    {
      cs_mini_sim_recover (s, i, FALSE);
      s->group[i] = 0;
    }
  cs_safety_mark_heal (s->safety, s->now);
}

CsBlock *
cs_mini_sim_check_agree (CsMiniSim *s, gboolean (*skip) (CsMiniSim *s, guint32 i))
{
  CsBlock *(*final) (gpointer state) = s->proto->cls->final;
  CsBlock *top = NULL;
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && !(skip && skip (s, i)))
      {
        CsBlock *b = final (s->state[i]);
        for (CsBlock *x = b; cs_block_parent (x); x = cs_block_parent (x))
          g_assert_true (cs_hash_equal (cs_block_prev_hash (x), cs_block_hash (cs_block_parent (x))));
        if (!top || cs_block_height (b) > cs_block_height (top))
          top = b;
      }
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && !(skip && skip (s, i)))
      {
        CsBlock *b = final (s->state[i]);
        g_assert_true (cs_block_get_ancestor (top, cs_block_height (b)) == b);
      }
  g_assert_cmpuint (cs_safety_violations (s->safety), ==, 0);
  return top;
}

void
cs_mini_sim_each_seed (guint quick, guint32 n_odd, guint32 n_even,
                       void (*run) (guint64 seed, guint32 n))
{
  guint seeds = g_test_slow () ? 300 : quick;
  const char *only = g_getenv ("CS_TEST_SEED");
  if (only)
    {
      guint64 seed = g_ascii_strtoull (only, NULL, 10);
      run (seed, seed % 2 ? n_odd : n_even);
      return;
    }
  for (guint64 seed = 1; seed <= seeds; seed++)
    run (seed, seed % 2 ? n_odd : n_even);
}

void
cs_mini_sim_assert_safe (CsMiniSim *s, guint64 seed)
{
  if (cs_safety_violations (s->safety))
    g_error ("%s: safety violation with seed %" G_GUINT64_FORMAT ": %s",
             s->proto->cls->base.name, seed, cs_safety_first_violation (s->safety));
}

void
cs_mini_sim_assert_live (CsMiniSim *s, guint64 seed, CsTime bound)
{
  guint32 late = 0;
  if (cs_safety_liveness (s->safety, bound, s->up, &late))
    g_error ("%s: liveness: node %u committed nothing within %g s of the heal (seed %"
             G_GUINT64_FORMAT ")", s->proto->cls->base.name, late, (double) bound / CS_SEC, seed);
}
