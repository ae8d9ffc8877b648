/* hotstuff.c: chained HotStuff over the node context (cs-hotstuff.h). */
#include "consensus/cs-hotstuff.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define HS_BITS 0x207fffffu

/* ---- configuration ---- */

static const char *const byz_mode_names[] = { "silent", "equivocate", NULL };

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
  { .key = "byzantine", .type = CS_T_INT, .offset = offsetof (CsHotstuffConfig, byzantine),
    .default_text = "0", .min = 0, .max = 1e6,
    .help = "Byzantine replicas (ids 0..byzantine-1; not checked for safety; more than "
            "(n-1)/3 of them may break safety)" },
  { .key = "byzantine_mode", .type = CS_T_ENUM,
    .offset = offsetof (CsHotstuffConfig, byzantine_mode), .default_text = "silent",
    .choices = byz_mode_names, .min = NAN, .max = NAN,
    .help = "silent: send nothing; equivocate: as leader two blocks per view, one to each half "
            "of the replicas, and a vote for every proposal seen (more than (n-1)/3 of them "
            "collude to drive both branches)" },
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
    .batch = 10 * CS_MSEC, .view_timeout = CS_SEC, .max_block_tx = 1000, .byzantine = 0,
    .byzantine_mode = CS_HOTSTUFF_BYZ_SILENT, .tx_rate = 100, .tx_size = 250,
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
  s->tx_blocks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) g_slist_free);
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
  g_clear_pointer (&s->tx_blocks, g_hash_table_unref);
  cs_chain_log_clear (&s->log);
  g_free (s);
}

gboolean
cs_hotstuff_is_byzantine (const CsHotstuffShared *s, guint32 node)
{
  return node < (guint64) s->config.byzantine;
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
  guint64 nv_high;         /* highest view of a NEW-VIEW from another replica */
  guint64 progress;        /* highest view of a proposal received (or made) */
  guint64 nv_ready;        /* a view this replica leads that a NEW-VIEW quorum opened */
  /* an equivocating replica only */
  GHashTable *tallies;     /* CsBlock* (reference) -> Tally: the votes it collects, per block */
  GHashTable *byz_voted;   /* CsBlock* (reference): the blocks it voted for */
  Qc side[2];              /* the highest QC on each half's branch (references) */
  guint64 attack_sent;     /* the attack: the highest view it sent a round to */
} HsNode;

/* Votes for one block (an equivocating collector). */
typedef struct { guint64 view; guint count; gboolean certified; guint halves; guint8 voters[]; } Tally;
/* The attack: the QCs of both sides, to the leader of @view. */
typedef struct { guint64 view; Qc side[2]; } Collude;

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
static gint
cmp_tx_key (gconstpointer a, gconstpointer b)
{
  guint64 x = tx_key (a), y = tx_key (b);
  return x < y ? -1 : x > y;
}

/* Byzantine replicas: ids 0..n_byz-1. */
static guint32 n_byz (HsNode *h) { return (guint32) MIN ((guint64) h->s->config.byzantine, n_of (h)); }
static gboolean is_byz (HsNode *h, guint32 i) { return cs_hotstuff_is_byzantine (h->s, i); }
static gboolean
silent (HsNode *h)
{
  return is_byz (h, h->id) && h->s->config.byzantine_mode == CS_HOTSTUFF_BYZ_SILENT;
}
static gboolean
equivocator (HsNode *h)
{
  return is_byz (h, h->id) && h->s->config.byzantine_mode == CS_HOTSTUFF_BYZ_EQUIVOCATE;
}
/* More than f equivocating replicas collude: the attack. */
static gboolean attacking (HsNode *h) { return equivocator (h) && n_byz (h) > h->s->f; }
/* The half (0 or 1) of correct replica @i: by the parity of its rank among the correct ones. */
static guint half_of (HsNode *h, guint32 i) { return (i - n_byz (h)) % 2; }

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

/* Work outstanding: transactions to order or wait for, blocks proposed and not committed, or
 * another replica's NEW-VIEW for a view no proposal has reached yet (it timed out with work of its
 * own: joining its view change, when this replica times out too, makes the quorum the new leader
 * needs even where this replica itself is idle). */
static gboolean
outstanding (HsNode *h)
{
  return h->pending->len || g_hash_table_size (h->waiting)
    || h->seen_tx_height > cs_block_height (h->exec_block) || h->nv_high > h->progress;
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

/* ---- transactions in blocks ---- */

/* Records the transactions of a block just created (the index of the shared data). */
static void
index_block_txs (CsHotstuffShared *s, CsBlock *b)
{
  guint n;
  const CsTx *txs = cs_block_txs (b, &n);
  for (guint k = 0; k < n; k++)
    {
      guint64 key = tx_key (&txs[k]);
      GSList *l = g_hash_table_lookup (s->tx_blocks, &key);
      if (l)
        l = g_slist_append (l, b); /* non-empty: the head, in the table, stays the same */
      else
        g_hash_table_insert (s->tx_blocks, g_memdup2 (&key, sizeof key), g_slist_prepend (NULL, b));
    }
}

/* Whether the transaction @key is in @tip or one of its ancestors: what a replica holding @tip
 * (and so its ancestors) can tell on its own; the index only spares it the walk. */
static gboolean
in_branch (HsNode *h, CsBlock *tip, guint64 key)
{
  guint32 top = cs_block_height (tip);
  for (GSList *l = g_hash_table_lookup (h->s->tx_blocks, &key); l; l = l->next)
    {
      CsBlock *b = l->data;
      if (cs_block_height (b) <= top && cs_block_get_ancestor (tip, cs_block_height (b)) == b)
        return TRUE;
    }
  return FALSE;
}

/* Drops from the transactions to propose those already in the branch of @tip and the repeats
 * (a transaction is forwarded again on every view change until its submitter commits it). */
static void
prune_pending (HsNode *h, CsBlock *tip)
{
  if (!h->pending->len)
    return;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree guint64 *keys = g_new (guint64, h->pending->len); /* the set's keys */
  guint kept = 0;
  for (guint i = 0; i < h->pending->len; i++)
    {
      CsTx *tx = &g_array_index (h->pending, CsTx, i);
      keys[i] = tx_key (tx);
      if (g_hash_table_contains (seen, &keys[i]) || in_branch (h, tip, keys[i]))
        continue;
      g_hash_table_add (seen, &keys[i]);
      if (kept != i)
        g_array_index (h->pending, CsTx, kept) = *tx;
      kept++;
    }
  g_array_set_size (h->pending, kept);
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

static void equivocate (CsNodeCtx *ctx, HsNode *h, guint64 v);
static void byz_on_proposal (CsNodeCtx *ctx, HsNode *h, guint64 view, CsBlock *b);
static void byz_on_vote (CsNodeCtx *ctx, HsNode *h, guint32 from, guint64 view, CsBlock *b);

static void
propose (CsNodeCtx *ctx, HsNode *h)
{
  guint64 v = h->view;
  if (leader (h, v) != ctx->id || h->ready != v || h->proposed >= v)
    return;
  if (equivocator (h))
    {
      if (has_work (h) && !attacking (h))
        equivocate (ctx, h, v);
      return;
    }
  CsBlock *parent = h->high_qc.block;
  prune_pending (h, parent);
  /* idle: nothing to order, nothing to commit, unless a NEW-VIEW quorum opened the view */
  if (!has_work (h) && h->nv_ready != v)
    return;
  CsHotstuffShared *s = h->s;
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
  index_block_txs (s, b);
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
  if (has_work (h) || h->nv_ready == view)
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
  h->progress = MAX (h->progress, view);
  certify (ctx, h); /* the votes for it may have come first */
  if (cs_block_n_tx (b))
    h->seen_tx_height = MAX (h->seen_tx_height, cs_block_height (b));
  update_qc (ctx, h, qc_view, qc_block);
  if (equivocator (h))
    {
      byz_on_proposal (ctx, h, view, b);
      return;
    }
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
  if (equivocator (h))
    {
      byz_on_vote (ctx, h, from, view, b);
      return;
    }
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

/* ---- Byzantine: equivocation (cs-hotstuff.h) ---- */

static void
collude_free (gpointer x)
{
  Collude *m = x;
  for (guint k = 0; k < 2; k++)
    if (m->side[k].block)
      cs_block_unref (m->side[k].block);
  g_free (m);
}

static void
set_side (HsNode *h, guint k, guint64 view, CsBlock *block)
{
  if (h->side[k].block && view <= h->side[k].view)
    return;
  cs_block_ref (block);
  if (h->side[k].block)
    cs_block_unref (h->side[k].block);
  h->side[k] = (Qc) { view, block };
}

/* Whether half @k of the correct replicas and the Byzantine ones make a quorum. */
static gboolean
feasible (HsNode *h, guint k)
{
  guint32 correct = n_of (h) - n_byz (h);
  guint32 size = k == 0 ? (correct + 1) / 2 : correct / 2;
  return size + n_byz (h) >= quorum (h);
}

/* The first view after @v that a Byzantine replica leads and another collects (the votes of view
 * w go to the leader of w + 1); G_MAXUINT64 when there is none. */
static guint64
attack_view (HsNode *h, guint64 v)
{
  for (guint64 w = v + 1; w <= v + n_of (h); w++)
    if (is_byz (h, leader (h, w)) && is_byz (h, leader (h, w + 1)))
      return w;
  return G_MAXUINT64;
}

/* Two blocks for view @v, one to each half of the correct replicas (both to the Byzantine ones):
 * with the attack on, each extends its half's side, otherwise both the highest QC. */
static void
equivocate (CsNodeCtx *ctx, HsNode *h, guint64 v)
{
  CsHotstuffShared *s = h->s;
  Qc tip[2];
  for (guint k = 0; k < 2; k++)
    tip[k] = attacking (h) && h->side[k].block ? h->side[k] : h->high_qc;
  guint n = (guint) MIN ((gint64) h->pending->len, s->config.max_block_tx);
  CsTime now = cs_now (ctx);
  CsBlock *b[2];
  CsMsg *msg[2];
  for (guint k = 0; k < 2; k++)
    {
      CsBlock *parent = tip[k].block;
      CsBlockTemplate tmpl = {
        .version = 1, .bits = HS_BITS,
        .timestamp = MAX (now, cs_block_median_time_past (parent, s->validate.median_span) + 1) + k,
        .miner = ctx->id, .n_tx = n, .txs = n ? (const CsTx *) h->pending->data : NULL,
        .n_txs = n, .simulated_pow = TRUE,
      };
      b[k] = cs_block_new (parent, &tmpl, &s->log.next_serial);
      cs_chain_log_add (&s->log, b[k]);
      index_block_txs (s, b[k]);
      cs_emit (ctx, CS_CHAIN_BLOCK_CREATED, cs_block_serial (b[k]), cs_block_height (b[k]));
      Proposal *m = g_new (Proposal, 1);
      *m = (Proposal) { v, cs_block_ref (b[k]), tip[k].view, cs_block_ref (parent) };
      msg[k] = cs_msg_new (CS_HOTSTUFF_MSG_PROPOSAL, 128 + cs_block_size (b[k]), m, proposal_free);
    }
  if (n)
    g_array_remove_range (h->pending, 0, n);
  h->proposed = MAX (h->proposed, v);
  for (guint32 i = 0; i < n_of (h); i++)
    {
      if (i == ctx->id)
        continue;
      if (is_byz (h, i))
        for (guint k = 0; k < 2; k++)
          cs_send (ctx, i, msg[k]);
      else
        cs_send (ctx, i, msg[half_of (h, i)]);
    }
  for (guint k = 0; k < 2; k++)
    {
      const Proposal *m = msg[k]->body;
      process_proposal (ctx, h, v, b[k], m->qc_view, m->qc_block);
    }
  for (guint k = 0; k < 2; k++)
    {
      cs_msg_unref (msg[k]);
      cs_block_unref (b[k]);
    }
}

/* The attack: once every side that can be certified was in view @v, its QCs go to the leader of
 * the next view a Byzantine replica both leads and collects. */
static void
attack_round (CsNodeCtx *ctx, HsNode *h, guint64 v)
{
  for (guint k = 0; k < 2; k++)
    if (feasible (h, k) && (!h->side[k].block || h->side[k].view < v))
      return; /* wait for the other side's QC */
  guint64 w = attack_view (h, v);
  if (w == G_MAXUINT64 || w <= h->attack_sent)
    return;
  h->attack_sent = w;
  if (leader (h, w) == ctx->id)
    {
      if (w > h->proposed)
        equivocate (ctx, h, w);
      return;
    }
  Collude *m = g_new0 (Collude, 1);
  m->view = w;
  for (guint k = 0; k < 2; k++)
    if (h->side[k].block)
      m->side[k] = (Qc) { h->side[k].view, cs_block_ref (h->side[k].block) };
  send_to (ctx, leader (h, w), CS_HOTSTUFF_MSG_COLLUDE, 160, m, collude_free);
}

static void
on_collude (CsNodeCtx *ctx, HsNode *h, const Collude *m)
{
  for (guint k = 0; k < 2; k++)
    if (m->side[k].block)
      set_side (h, k, m->side[k].view, m->side[k].block);
  if (leader (h, m->view) == ctx->id && m->view > h->proposed)
    equivocate (ctx, h, m->view);
}

/* Forms the QC of @b once its votes are a quorum and the block is known; records it as the side of
 * each half that voted for it. */
static void
byz_certify (CsNodeCtx *ctx, HsNode *h, CsBlock *b)
{
  Tally *t = g_hash_table_lookup (h->tallies, b);
  if (!t || t->certified || t->count < quorum (h) || !g_hash_table_contains (h->justify, b))
    return;
  t->certified = TRUE;
  update_qc (ctx, h, t->view, b);
  for (guint k = 0; k < 2; k++)
    if (t->halves & (1u << k))
      set_side (h, k, t->view, b);
  if (attacking (h))
    attack_round (ctx, h, t->view);
  else
    become_ready (ctx, h, t->view + 1);
}

/* Votes are counted per block: every block with a quorum is certified. */
static void
byz_on_vote (CsNodeCtx *ctx, HsNode *h, guint32 from, guint64 view, CsBlock *b)
{
  if (leader (h, view + 1) != ctx->id)
    return;
  Tally *t = g_hash_table_lookup (h->tallies, b);
  if (!t)
    {
      t = g_malloc0 (sizeof (Tally) + n_of (h));
      t->view = view;
      g_hash_table_insert (h->tallies, cs_block_ref (b), t);
    }
  if (t->view != view || t->voters[from])
    return;
  t->voters[from] = 1;
  t->count++;
  if (!is_byz (h, from))
    t->halves |= 1u << half_of (h, from);
  byz_certify (ctx, h, b);
}

/* A vote for every proposal seen, once per block, whatever its view or the lock. */
static void
byz_on_proposal (CsNodeCtx *ctx, HsNode *h, guint64 view, CsBlock *b)
{
  byz_certify (ctx, h, b); /* the votes may have come first */
  if (!g_hash_table_contains (h->byz_voted, b))
    {
      g_hash_table_add (h->byz_voted, cs_block_ref (b));
      guint32 next = leader (h, view + 1);
      if (next == ctx->id)
        byz_on_vote (ctx, h, ctx->id, view, b);
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
  if (!attacking (h) && h->ready == h->view)
    propose (ctx, h);
}

static void send_new_view (CsNodeCtx *ctx, HsNode *h);
static void reforward (CsNodeCtx *ctx, HsNode *h);

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
  if (from != ctx->id && m->view > h->nv_high)
    {
      /* another replica wants a view change (it timed out with work): keep the view timer
       * running until a proposal reaches that view (outstanding) */
      h->nv_high = m->view;
      arm_view_timer (ctx, h, FALSE);
    }
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
      reforward (ctx, h);
      arm_view_timer (ctx, h, TRUE);
      return;
    }
  if (set->count == quorum (h) && h->view == m->view)
    {
      /* a view change made by a quorum: its leader proposes even with nothing of its own to
       * order (someone timed out with work; the block carries the highest QC) */
      if (leader (h, m->view) == ctx->id)
        h->nv_ready = m->view;
      become_ready (ctx, h, m->view);
    }
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
  send_new_view (ctx, h);
  reforward (ctx, h);
  arm_view_timer (ctx, h, TRUE);
}

/* The pacemaker moved this replica to a new view (a timeout or f+1 NEW-VIEWs): the previous
 * leader may have failed, so the transactions submitted here and not yet committed go to the new
 * one (it keeps them: hops 2), except those already certified in this replica's branch. Sorted by
 * key, for a deterministic order of messages. */
static void
reforward (CsNodeCtx *ctx, HsNode *h)
{
  guint32 next = leader (h, h->view);
  g_autoptr (GArray) txs = g_array_new (FALSE, FALSE, sizeof (CsTx));
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, h->waiting);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!in_branch (h, h->high_qc.block, *(guint64 *) k))
      g_array_append_val (txs, *(CsTx *) v);
  g_array_sort (txs, cmp_tx_key);
  for (guint i = 0; i < txs->len; i++)
    {
      const CsTx *tx = &g_array_index (txs, CsTx, i);
      if (next == ctx->id)
        {
          g_array_append_val (h->pending, *tx);
          continue;
        }
      Forward *f = g_new (Forward, 1);
      *f = (Forward) { *tx, 2 };
      send_to (ctx, next, CS_HOTSTUFF_MSG_FORWARD, f->tx.size, f, g_free);
    }
  if (next == ctx->id && txs->len && h->ready == h->view)
    become_ready (ctx, h, h->view);
}



/* A transaction arrives (from a client, hops 0, or forwarded). */
static void
route_tx (CsNodeCtx *ctx, HsNode *h, const CsTx *tx, guint hops)
{
  gboolean mine = (leader (h, h->view) == ctx->id && h->proposed < h->view)
    || leader (h, h->view + 1) == ctx->id || hops >= 3;
  if (mine)
    {
      g_array_append_val (h->pending, *tx);
      if (h->ready == h->view)
        become_ready (ctx, h, h->view);
      arm_view_timer (ctx, h, FALSE);
      return;
    }
  guint32 to = leader (h, h->view + hops);
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
  if (silent (h))
    return;
  if (!g_hash_table_contains (h->waiting, &k))
    g_hash_table_insert (h->waiting, g_memdup2 (&k, sizeof k), g_memdup2 (tx, sizeof *tx));
  route_tx (ctx, h, tx, 0);
  arm_view_timer (ctx, h, FALSE);
}

static void
hs_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  HsNode *h = state;
  if (silent (h))
    return;
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
    case CS_HOTSTUFF_MSG_COLLUDE:
      if (equivocator (h) && is_byz (h, from))
        on_collude (ctx, h, msg->body);
      break;
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
    case CS_HOTSTUFF_TIMER_ATTACK:
      {
        guint64 w = attack_view (h, 0);
        if (w != G_MAXUINT64 && h->proposed < w)
          equivocate (ctx, h, w);
        break;
      }
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
  h->tallies = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                      (GDestroyNotify) cs_block_unref, g_free);
  h->byz_voted = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                        (GDestroyNotify) cs_block_unref, NULL);
}

/* The class's start: hs_start, and the leader of the first attack view opens the attack (a recovered
 * replica does not). */
static void
hs_begin (CsNodeCtx *ctx, gpointer state)
{
  HsNode *h = state;
  hs_start (ctx, state);
  guint64 w = attacking (h) ? attack_view (h, 0) : G_MAXUINT64;
  if (w != G_MAXUINT64 && leader (h, w) == ctx->id)
    cs_timer_start (ctx, h->s->config.batch, CS_HOTSTUFF_TIMER_ATTACK, NULL);
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
  g_clear_pointer (&h->tallies, g_hash_table_unref);
  g_clear_pointer (&h->byz_voted, g_hash_table_unref);
  for (guint k = 0; k < 2; k++)
    g_clear_pointer (&h->side[k].block, cs_block_unref);
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
    .start = hs_begin,
    .on_message = hs_on_message,
    .on_timer = hs_on_timer,
    .clear = hs_clear,
    .recover = hs_recover,
  },
  .submit_tx = hs_submit_tx,
  .head = hs_head,
  .final = hs_final,
};
