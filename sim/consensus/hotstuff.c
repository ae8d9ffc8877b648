/* hotstuff.c: chained HotStuff over the node context (cs-hotstuff.h). */
#include "consensus/cs-hotstuff.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define HS_BITS 0x207fffffu

/* ---- configuration ---- */

static gboolean
hotstuff_check (const void *config, CsCheck *check)
{
  const CsHotstuffConfig *c = config;
  if (c->view_timeout <= c->batch)
    return cs_check_fail (check, "view_timeout", "view_timeout must be longer than batch");
  return TRUE;
}

static const CsField hotstuff_fields[] = {
  { .key = "batch", .type = CS_T_DURATION, .offset = offsetof (CsHotstuffConfig, batch),
    .default_text = "10ms", .min = 0, .max = 1e15,
    .help = "a leader with nothing to extend waits this long for transactions before proposing" },
  { .key = "view_timeout", .type = CS_T_DURATION,
    .offset = offsetof (CsHotstuffConfig, view_timeout), .default_text = "1s", .min = 1e3,
    .max = 1e15, .help = "pacemaker: base view timeout, doubled per consecutive timeout" },
  { .key = "max_block_tx", .type = CS_T_INT, .offset = offsetof (CsHotstuffConfig, max_block_tx),
    .default_text = "1000", .min = 1, .max = 1e7, .help = "transactions per block at most" },
  { .key = "tx_rate", .type = CS_T_DOUBLE, .offset = offsetof (CsHotstuffConfig, tx_rate),
    .default_text = "100", .min = 0, .max = 1e7,
    .help = "client transactions per second (Poisson), each to a uniformly drawn replica" },
  { .key = "tx_size", .type = CS_T_SIZE, .offset = offsetof (CsHotstuffConfig, tx_size),
    .default_text = "250B", .min = 60, .max = 1e9, .help = "bytes per client transaction" },
  { NULL }
};

const CsSchema cs_hotstuff_schema = {
  .name = "hotstuff",
  .struct_size = sizeof (CsHotstuffConfig),
  .fields = hotstuff_fields,
  .check = hotstuff_check,
};

void
cs_hotstuff_config_init (CsHotstuffConfig *c)
{
  *c = (CsHotstuffConfig) {
    .batch = 10 * CS_MSEC, .view_timeout = CS_SEC, .max_block_tx = 1000, .tx_rate = 100,
    .tx_size = 250,
  };
}

CsHotstuffShared *
cs_hotstuff_shared_new (const CsHotstuffConfig *config, guint32 n_nodes)
{
  CsHotstuffShared *s = g_new0 (CsHotstuffShared, 1);
  s->config = *config;
  s->f = (n_nodes - 1) / 3;
  cs_validate_params_init (&s->validate);
  s->validate.max_block_size = 0;
  CsBlockTemplate tmpl = {
    .version = 1, .bits = HS_BITS, .miner = G_MAXUINT32, .n_tx = 1, .simulated_pow = TRUE,
  };
  g_autoptr (CsBlock) genesis = cs_block_new (NULL, &tmpl, &s->log.next_serial);
  cs_chain_log_init (&s->log, genesis, n_nodes);
  s->disk_voted = g_new0 (guint64, n_nodes);
  s->disk_locked = g_new0 (CsBlock *, n_nodes);
  s->disk_locked_view = g_new0 (guint64, n_nodes);
  return s;
}

void
cs_hotstuff_shared_free (CsHotstuffShared *s)
{
  if (!s)
    return;
  for (guint32 i = 0; i < s->log.n_nodes; i++)
    if (s->disk_locked[i])
      cs_block_unref (s->disk_locked[i]);
  g_free (s->disk_voted);
  g_free (s->disk_locked);
  g_free (s->disk_locked_view);
  cs_chain_log_clear (&s->log);
  g_free (s);
}

/* ---- state ---- */

/* A quorum certificate: 2f+1 votes for @block in @view (the voters are not kept). */
typedef struct
{
  guint64 view;
  CsBlock *block; /* borrowed from the node's block table */
} Qc;

typedef struct
{
  CsHotstuffShared *s;
  guint32 id;              /* this replica */
  guint64 view;            /* current view */
  guint64 last_voted;      /* highest view voted in */
  guint64 proposed;        /* highest view this replica proposed in */
  guint64 ready;           /* a view this replica leads and may propose in */
  Qc high_qc, locked_qc;
  CsBlock *exec_block;     /* last committed (reference) */
  GHashTable *justify;     /* CsBlock* -> Qc* (its proposal's justify); owns a block reference
                            * (key) and the Qc; lookups only, never iterated */
  guint64 seen_tx_height;  /* highest height of a block with transactions proposed to this
                            * replica: blocks are proposed (empty ones too) until it commits */
  /* votes being collected (as the leader of vote_view + 1) */
  guint64 vote_view;
  CsBlock *vote_block;
  guint8 *voted;
  guint vote_count;
  gboolean vote_certified; /* the QC of vote_block was formed */
  GHashTable *nvs;         /* view (>= this replica's) -> NvSet: NEW-VIEW senders */
  GArray *pending;         /* CsTx: to propose */
  GHashTable *waiting;     /* tx key -> CsTx*: submitted here, not yet committed */
  CsNodeTimer view_timer;
  CsNodeTimer batch_timer;
  guint timeouts;          /* consecutive view timeouts */
} HsNode;

typedef struct { guint64 view; CsBlock *block; guint64 qc_view; CsBlock *qc_block; } Proposal;
typedef struct { guint64 view; CsBlock *block; } VoteMsg;
typedef struct { guint64 view; guint64 qc_view; CsBlock *qc_block; } NewView;
typedef struct { CsTx tx; guint hops; } Forward;
typedef struct { guint count; guint8 seen[]; } NvSet;

static guint32 n_of (HsNode *h) { return h->s->log.n_nodes; }
/* A quorum: ceil((n + f + 1) / 2) replicas, so that any two share f + 1 (one correct at least);
 * 2f + 1 when n = 3f + 1, more when n is not of that form (2f + 1 of 6 replicas, f = 1, would let
 * two disjoint halves each certify a different block). */
static guint32 quorum (HsNode *h) { return (n_of (h) + h->s->f + 2) / 2; }
static guint32 leader (HsNode *h, guint64 v) { return (guint32) (v % n_of (h)); }
static guint64 tx_key (const CsTx *tx) { return ((guint64) tx->sender << 32) | (tx->nonce & 0xffffffffu); }

static void
proposal_free (gpointer x)
{
  Proposal *p = x;
  cs_block_unref (p->block);
  cs_block_unref (p->qc_block);
  g_free (p);
}

static void
vote_free (gpointer x)
{
  VoteMsg *v = x;
  cs_block_unref (v->block);
  g_free (v);
}

static void
newview_free (gpointer x)
{
  NewView *v = x;
  cs_block_unref (v->qc_block);
  g_free (v);
}

static void
send_to (CsNodeCtx *ctx, guint32 peer, guint16 type, guint64 size, gpointer body,
         GDestroyNotify body_free)
{
  g_autoptr (CsMsg) m = cs_msg_new (type, size, body, body_free);
  cs_send (ctx, peer, m);
}

/* Work outstanding: transactions to order or wait for, or blocks proposed and not committed. */
static gboolean
outstanding (HsNode *h)
{
  return h->pending->len || g_hash_table_size (h->waiting)
    || h->seen_tx_height > cs_block_height (h->exec_block);
}

static void
arm_view_timer (CsNodeCtx *ctx, HsNode *h, gboolean restart)
{
  if (h->view_timer && !restart)
    return;
  if (h->view_timer)
    cs_timer_cancel (ctx, h->view_timer);
  h->view_timer = 0;
  if (!outstanding (h))
    return;
  CsTime d = h->s->config.view_timeout << MIN (h->timeouts, 3u); /* capped at 8x */
  h->view_timer = cs_timer_start (ctx, d, CS_HOTSTUFF_TIMER_VIEW, NULL);
}

/* Blocks to propose, empty or not: transactions pending here, a block with transactions not yet
 * committed, or the QC that commits it not yet shown to the others (the proposal that carries a
 * QC for the block two above the last one with transactions lets every replica commit it). */
static gboolean
chain_work (HsNode *h)
{
  return h->seen_tx_height > cs_block_height (h->exec_block)
    || (h->seen_tx_height > 0 && cs_block_height (h->high_qc.block) <= h->seen_tx_height + 2);
}

static gboolean
has_work (HsNode *h)
{
  return h->pending->len || chain_work (h);
}

/* ---- commit, QCs ---- */

static Qc *
justify_of (HsNode *h, CsBlock *b)
{
  return g_hash_table_lookup (h->justify, b);
}

static void
commit_to (CsNodeCtx *ctx, HsNode *h, CsBlock *b)
{
  guint32 top = cs_block_height (b);
  guint32 done = cs_block_height (h->exec_block);
  if (top <= done || cs_block_get_ancestor (b, done) != h->exec_block)
    return;
  for (guint32 i = done + 1; i <= top; i++)
    {
      CsBlock *x = cs_block_get_ancestor (b, i);
      cs_block_unref (h->exec_block);
      h->exec_block = cs_block_ref (x);
      cs_emit (ctx, CS_CHAIN_COMMIT, cs_block_serial (x), i);
      guint n;
      const CsTx *txs = cs_block_txs (x, &n);
      for (guint k = 0; k < n; k++)
        {
          guint64 key = tx_key (&txs[k]);
          g_hash_table_remove (h->waiting, &key);
        }
    }
}

/* A QC seen (in a proposal, a NEW-VIEW, or formed from votes): the highest QC, the lock on the
 * two-chain and the commit on the three-chain. */
static void
update_qc (CsNodeCtx *ctx, HsNode *h, guint64 view, CsBlock *block)
{
  if (view > h->high_qc.view)
    h->high_qc = (Qc) { view, block };
  CsBlock *b2 = block;                 /* b'' */
  Qc *q2 = justify_of (h, b2);
  if (!q2)
    return;
  CsBlock *b1 = q2->block;             /* b' */
  if (q2->view > h->locked_qc.view)
    {
      h->locked_qc = *q2;
      CsBlock **disk = &h->s->disk_locked[h->id];
      cs_block_ref (q2->block);
      if (*disk)
        cs_block_unref (*disk);
      *disk = q2->block;
      h->s->disk_locked_view[h->id] = q2->view;
    }
  Qc *q1 = justify_of (h, b1);
  if (!q1)
    return;
  CsBlock *b0 = q1->block;             /* b */
  if (cs_block_parent (b2) == b1 && cs_block_parent (b1) == b0)
    commit_to (ctx, h, b0);
}

/* Keeps @b (and the QC it carries) in the block table. */
static void
remember (HsNode *h, CsBlock *b, guint64 qc_view, CsBlock *qc_block)
{
  if (g_hash_table_lookup (h->justify, b))
    return;
  /* the QC's block stays alive as a key of the table: a block this replica never saw proposed
   * (it was down) is kept without a QC */
  if (!g_hash_table_contains (h->justify, qc_block))
    g_hash_table_insert (h->justify, cs_block_ref (qc_block), NULL);
  Qc *q = g_new (Qc, 1);
  *q = (Qc) { qc_view, qc_block };
  g_hash_table_insert (h->justify, cs_block_ref (b), q); /* replaces a NULL (the new key is
                                                          * unreffed, the old one kept) */
}

/* ---- proposing ---- */

static void process_proposal (CsNodeCtx *ctx, HsNode *h, guint64 view, CsBlock *b,
                              guint64 qc_view, CsBlock *qc_block);

static void
propose (CsNodeCtx *ctx, HsNode *h)
{
  guint64 v = h->view;
  if (leader (h, v) != ctx->id || h->ready != v || h->proposed >= v)
    return;
  if (!has_work (h))
    return; /* idle: nothing to order, nothing to commit */
  CsHotstuffShared *s = h->s;
  CsBlock *parent = h->high_qc.block;
  guint n = (guint) MIN ((gint64) h->pending->len, s->config.max_block_tx);
  CsTime now = cs_now (ctx);
  CsBlockTemplate tmpl = {
    .version = 1, .bits = HS_BITS,
    .timestamp = MAX (now, cs_block_median_time_past (parent, s->validate.median_span) + 1),
    .miner = ctx->id, .n_tx = n, .txs = n ? (const CsTx *) h->pending->data : NULL, .n_txs = n,
    .simulated_pow = TRUE,
  };
  CsBlock *b = cs_block_new (parent, &tmpl, &s->log.next_serial);
  cs_chain_log_add (&s->log, b);
  cs_emit (ctx, CS_CHAIN_BLOCK_CREATED, cs_block_serial (b), cs_block_height (b));
  if (n)
    g_array_remove_range (h->pending, 0, n);
  h->proposed = v;
  Proposal *m = g_new (Proposal, 1);
  *m = (Proposal) { v, cs_block_ref (b), h->high_qc.view, cs_block_ref (h->high_qc.block) };
  g_autoptr (CsMsg) msg = cs_msg_new (CS_HOTSTUFF_MSG_PROPOSAL, 128 + cs_block_size (b), m,
                                      proposal_free);
  for (guint32 i = 0; i < n_of (h); i++)
    if (i != ctx->id)
      cs_send (ctx, i, msg);
  process_proposal (ctx, h, v, b, m->qc_view, m->qc_block);
  cs_block_unref (b);
}

/* The leader of @view may propose from now on (it holds a QC of view-1 or 2f+1 NEW-VIEWs). */
static void
become_ready (CsNodeCtx *ctx, HsNode *h, guint64 view)
{
  if (view < h->view || leader (h, view) != ctx->id)
    return;
  if (view > h->view)
    h->view = view;
  h->ready = view;
  if (has_work (h))
    {
      if (!chain_work (h))
        {
          /* only new transactions: batch them for a moment */
          if (!h->batch_timer)
            h->batch_timer = cs_timer_start (ctx, h->s->config.batch, CS_HOTSTUFF_TIMER_BATCH,
                                             NULL);
        }
      else
        propose (ctx, h);
    }
}

static void on_vote (CsNodeCtx *ctx, HsNode *h, guint32 from, guint64 view, CsBlock *b);
static void certify (CsNodeCtx *ctx, HsNode *h);

static void
process_proposal (CsNodeCtx *ctx, HsNode *h, guint64 view, CsBlock *b, guint64 qc_view,
                  CsBlock *qc_block)
{
  if (cs_block_parent (b) != qc_block
      || cs_block_validate (b, qc_block, cs_now (ctx), &h->s->validate) != CS_BLOCK_VALID)
    {
      cs_emit (ctx, CS_CHAIN_INVALID, cs_block_serial (b), 0);
      return;
    }
  remember (h, b, qc_view, qc_block);
  certify (ctx, h); /* the votes for it may have come first */
  if (cs_block_n_tx (b))
    h->seen_tx_height = MAX (h->seen_tx_height, cs_block_height (b));
  update_qc (ctx, h, qc_view, qc_block);
  if (view < h->view && view <= h->last_voted)
    return;
  cs_emit (ctx, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b), cs_block_height (b));
  gboolean extends = cs_block_height (b) >= cs_block_height (h->locked_qc.block)
    && cs_block_get_ancestor (b, cs_block_height (h->locked_qc.block)) == h->locked_qc.block;
  if (view > h->last_voted && view >= h->view && (extends || qc_view > h->locked_qc.view))
    {
      h->last_voted = view;
      h->s->disk_voted[ctx->id] = view; /* written before the vote is sent */
      h->timeouts = 0;
      guint32 next = leader (h, view + 1);
      if (next == ctx->id)
        on_vote (ctx, h, ctx->id, view, b);
      else
        {
          VoteMsg *m = g_new (VoteMsg, 1);
          *m = (VoteMsg) { view, cs_block_ref (b) };
          send_to (ctx, next, CS_HOTSTUFF_MSG_VOTE, 80, m, vote_free);
        }
    }
  if (view + 1 > h->view)
    h->view = view + 1;
  arm_view_timer (ctx, h, TRUE);
  if (h->ready == h->view)
    propose (ctx, h);
}

static void
on_vote (CsNodeCtx *ctx, HsNode *h, guint32 from, guint64 view, CsBlock *b)
{
  if (leader (h, view + 1) != ctx->id || view < h->vote_view)
    return;
  if (view > h->vote_view || h->vote_block != b)
    {
      if (view == h->vote_view && h->vote_count >= quorum (h))
        return; /* already certified */
      h->vote_view = view;
      h->vote_block = b;
      memset (h->voted, 0, n_of (h));
      h->vote_count = 0;
      h->vote_certified = FALSE;
    }
  if (h->voted[from])
    return;
  h->voted[from] = 1;
  h->vote_count++;
  certify (ctx, h);
}

/* Forms the QC of the votes collected once they are a quorum and the proposal itself is known.
 * The votes may arrive first (they travel two hops to the proposal's one, but jittered WAN
 * latencies do not keep that order): the proposal's arrival then forms it. */
static void
certify (CsNodeCtx *ctx, HsNode *h)
{
  if (h->vote_certified || h->vote_count < quorum (h) || !h->vote_block
      || !g_hash_table_contains (h->justify, h->vote_block))
    return;
  h->vote_certified = TRUE;
  update_qc (ctx, h, h->vote_view, h->vote_block);
  become_ready (ctx, h, h->vote_view + 1);
}

static void send_new_view (CsNodeCtx *ctx, HsNode *h);

/* A NEW-VIEW (a timeout) for m->view from @from. Every replica counts those of the highest view
 * above its own: f+1 of them (one correct replica at least) make it jump to that view and send
 * its own (view synchronization); the view's leader starts proposing with 2f+1. */
static void
on_new_view (CsNodeCtx *ctx, HsNode *h, guint32 from, const NewView *m)
{
  if (g_hash_table_lookup (h->justify, m->qc_block) || m->qc_block == h->s->log.genesis)
    update_qc (ctx, h, m->qc_view, m->qc_block);
  if (m->view < h->view)
    return;
  NvSet *set = g_hash_table_lookup (h->nvs, &m->view);
  if (!set)
    {
      set = g_malloc0 (sizeof (NvSet) + n_of (h));
      g_hash_table_insert (h->nvs, g_memdup2 (&m->view, sizeof m->view), set);
    }
  if (set->seen[from])
    return;
  set->seen[from] = 1;
  set->count++;
  if (set->count >= h->s->f + 1 && h->view < m->view)
    {
      /* forget the sets of the views skipped */
      for (guint64 v = h->view; v < m->view && g_hash_table_size (h->nvs) > 1; v++)
        g_hash_table_remove (h->nvs, &v);
      h->view = m->view;
      send_new_view (ctx, h);
      arm_view_timer (ctx, h, TRUE);
      return;
    }
  if (set->count == quorum (h) && h->view == m->view)
    become_ready (ctx, h, m->view);
}

/* Sends this replica's NEW-VIEW for its view to every replica (itself included). */
static void
send_new_view (CsNodeCtx *ctx, HsNode *h)
{
  NewView nv = { h->view, h->high_qc.view, h->high_qc.block };
  NewView *m = g_new (NewView, 1);
  *m = nv;
  cs_block_ref (m->qc_block);
  g_autoptr (CsMsg) msg = cs_msg_new (CS_HOTSTUFF_MSG_NEW_VIEW, 96, m, newview_free);
  for (guint32 i = 0; i < n_of (h); i++)
    if (i != ctx->id)
      cs_send (ctx, i, msg);
  on_new_view (ctx, h, ctx->id, &nv);
}

/* Pacemaker: the view timed out; on to the next, telling everyone (with the highest QC). */
static void
view_timeout (CsNodeCtx *ctx, HsNode *h)
{
  cs_emit (ctx, CS_HOTSTUFF_TIMEOUT, h->view, 1);
  h->timeouts++;
  h->view++;
  guint32 next = leader (h, h->view);
  send_new_view (ctx, h);
  /* transactions still waiting go to that leader too */
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, h->waiting);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      if (next == ctx->id)
        {
          g_array_append_val (h->pending, *(CsTx *) v);
          continue;
        }
      Forward *f = g_new (Forward, 1);
      *f = (Forward) { *(CsTx *) v, 2 };
      send_to (ctx, next, CS_HOTSTUFF_MSG_FORWARD, f->tx.size, f, g_free);
    }
  arm_view_timer (ctx, h, TRUE);
}

/* A transaction arrives (from a client, hops 0, or forwarded). */
static void
route_tx (CsNodeCtx *ctx, HsNode *h, const CsTx *tx, guint hops)
{
  gboolean mine = (leader (h, h->view) == ctx->id && h->proposed < h->view)
    || leader (h, h->view + 1) == ctx->id || hops >= 2;
  if (mine)
    {
      g_array_append_val (h->pending, *tx);
      if (h->ready == h->view)
        become_ready (ctx, h, h->view);
      arm_view_timer (ctx, h, FALSE);
      return;
    }
  guint32 to = leader (h, hops == 0 ? h->view : h->view + 1);
  if (to == ctx->id)
    to = leader (h, h->view + 1);
  Forward *f = g_new (Forward, 1);
  *f = (Forward) { *tx, hops + 1 };
  send_to (ctx, to, CS_HOTSTUFF_MSG_FORWARD, tx->size, f, g_free);
}

/* ---- the class ---- */

static void
hs_submit_tx (CsNodeCtx *ctx, gpointer state, const CsTx *tx)
{
  HsNode *h = state;
  guint64 k = tx_key (tx);
  cs_emit (ctx, CS_CHAIN_TX_SUBMITTED, k, tx->size);
  if (!g_hash_table_contains (h->waiting, &k))
    g_hash_table_insert (h->waiting, g_memdup2 (&k, sizeof k), g_memdup2 (tx, sizeof *tx));
  route_tx (ctx, h, tx, 0);
  arm_view_timer (ctx, h, FALSE);
}

static void
hs_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  HsNode *h = state;
  switch (msg->type)
    {
    case CS_HOTSTUFF_MSG_PROPOSAL:
      {
        const Proposal *p = msg->body;
        if (from == leader (h, p->view))
          process_proposal (ctx, h, p->view, p->block, p->qc_view, p->qc_block);
        break;
      }
    case CS_HOTSTUFF_MSG_VOTE:
      {
        const VoteMsg *v = msg->body;
        on_vote (ctx, h, from, v->view, v->block);
        break;
      }
    case CS_HOTSTUFF_MSG_NEW_VIEW:
      on_new_view (ctx, h, from, msg->body);
      break;
    case CS_HOTSTUFF_MSG_FORWARD:
      {
        const Forward *f = msg->body;
        route_tx (ctx, h, &f->tx, f->hops);
        break;
      }
    default:
      break;
    }
}

static void
hs_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  HsNode *h = state;
  switch (kind)
    {
    case CS_HOTSTUFF_TIMER_VIEW:
      h->view_timer = 0;
      if (outstanding (h))
        view_timeout (ctx, h);
      break;
    case CS_HOTSTUFF_TIMER_BATCH:
      h->batch_timer = 0;
      propose (ctx, h);
      break;
    case CS_CONSENSUS_TIMER_SUBMIT:
      hs_submit_tx (ctx, state, arg);
      break;
    default:
      break;
    }
}

static void
qc_free (gpointer q)
{
  g_free (q);
}

static void
hs_start (CsNodeCtx *ctx, gpointer state)
{
  HsNode *h = state;
  h->s = ctx->shared;
  h->id = ctx->id;
  CsBlock *g = h->s->log.genesis;
  h->view = 1;
  h->ready = leader (h, 1) == ctx->id ? 1 : 0;
  h->high_qc = h->locked_qc = (Qc) { 0, g };
  h->exec_block = cs_block_ref (g);
  h->justify = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                      (GDestroyNotify) cs_block_unref, qc_free);
  h->voted = g_new0 (guint8, n_of (h));
  h->nvs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  h->pending = g_array_new (FALSE, FALSE, sizeof (CsTx));
  h->waiting = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static void
hs_clear (gpointer state)
{
  HsNode *h = state;
  g_clear_pointer (&h->exec_block, cs_block_unref);
  g_clear_pointer (&h->justify, g_hash_table_unref);
  g_clear_pointer (&h->voted, g_free);
  g_clear_pointer (&h->nvs, g_hash_table_unref);
  g_clear_pointer (&h->pending, g_array_unref);
  g_clear_pointer (&h->waiting, g_hash_table_unref);
}

static void
hs_recover (CsNodeCtx *ctx, gpointer state, gboolean disk_lost)
{
  HsNode *h = state;
  CsHotstuffShared *s = ctx->shared;
  if (disk_lost)
    {
      s->disk_voted[ctx->id] = 0;
      if (s->disk_locked[ctx->id])
        cs_block_unref (s->disk_locked[ctx->id]);
      s->disk_locked[ctx->id] = NULL;
      s->disk_locked_view[ctx->id] = 0;
    }
  hs_start (ctx, state);
  h->last_voted = s->disk_voted[ctx->id];
  h->view = MAX (h->view, h->last_voted + 1);
  h->ready = 0;
  CsBlock *locked = s->disk_locked[ctx->id];
  if (locked)
    {
      /* the locked block stays alive as a key of the block table (no QC known for it) */
      g_hash_table_insert (h->justify, cs_block_ref (locked), NULL);
      h->locked_qc = (Qc) { s->disk_locked_view[ctx->id], locked };
      h->high_qc = h->locked_qc;
    }
}

static CsBlock *hs_head (gpointer state) { return ((HsNode *) state)->high_qc.block; }
static CsBlock *hs_final (gpointer state) { return ((HsNode *) state)->exec_block; }
guint64 cs_hotstuff_view (gpointer state) { return ((HsNode *) state)->view; }
guint64 cs_hotstuff_committed (gpointer state)
{
  return cs_block_height (((HsNode *) state)->exec_block);
}

const CsConsensusClass cs_hotstuff_class = {
  .base = {
    .name = "hotstuff",
    .state_size = sizeof (HsNode),
    .start = hs_start,
    .on_message = hs_on_message,
    .on_timer = hs_on_timer,
    .clear = hs_clear,
    .recover = hs_recover,
  },
  .submit_tx = hs_submit_tx,
  .head = hs_head,
  .final = hs_final,
};
