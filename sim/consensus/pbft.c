/* pbft.c: PBFT over the node context (cs-pbft.h). */
#include "consensus/cs-pbft.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#define PBFT_BITS 0x207fffffu

/* ---- configuration ---- */

static const char *const byz_mode_names[] = { "silent", "equivocate", NULL };

static gboolean
pbft_check (const void *config, CsCheck *check)
{
  const CsPbftConfig *c = config;
  if (c->view_timeout <= c->batch)
    return cs_check_fail (check, "view_timeout", "view_timeout must be longer than batch");
  return TRUE;
}

static const CsField pbft_fields[] = {
  { .key = "batch", .type = CS_T_DURATION, .offset = offsetof (CsPbftConfig, batch),
    .default_text = "10ms", .min = 0, .max = 1e15,
    .help = "the primary waits this long after a transaction arrives before making a block" },
  { .key = "view_timeout", .type = CS_T_DURATION, .offset = offsetof (CsPbftConfig, view_timeout),
    .default_text = "1s", .min = 1e3, .max = 1e15,
    .help = "no progress for this long with work outstanding starts a view change (doubled at "
            "each further one, up to 8 times)" },
  { .key = "checkpoint_interval", .type = CS_T_INT,
    .offset = offsetof (CsPbftConfig, checkpoint_interval), .default_text = "16", .min = 1,
    .max = 1e9, .help = "a checkpoint every this many sequence numbers" },
  { .key = "max_block_tx", .type = CS_T_INT, .offset = offsetof (CsPbftConfig, max_block_tx),
    .default_text = "1000", .min = 1, .max = 1e7, .help = "transactions per block at most" },
  { .key = "byzantine", .type = CS_T_INT, .offset = offsetof (CsPbftConfig, byzantine),
    .default_text = "0", .min = 0, .max = 1e6,
    .help = "Byzantine replicas (ids 0..byzantine-1; replica 0 is the first primary)" },
  { .key = "byzantine_mode", .type = CS_T_ENUM, .offset = offsetof (CsPbftConfig, byzantine_mode),
    .default_text = "silent", .choices = byz_mode_names, .min = NAN, .max = NAN,
    .help = "silent: send nothing; equivocate: conflicting proposals and votes" },
  { .key = "tx_rate", .type = CS_T_DOUBLE, .offset = offsetof (CsPbftConfig, tx_rate),
    .default_text = "100", .min = 0, .max = 1e7,
    .help = "client transactions per second (Poisson), each to a uniformly drawn replica" },
  { .key = "tx_size", .type = CS_T_SIZE, .offset = offsetof (CsPbftConfig, tx_size),
    .default_text = "250B", .min = 60, .max = 1e9, .help = "bytes per client transaction" },
  { NULL }
};

const CsSchema cs_pbft_schema = {
  .name = "pbft",
  .struct_size = sizeof (CsPbftConfig),
  .fields = pbft_fields,
  .check = pbft_check,
};

void
cs_pbft_config_init (CsPbftConfig *c)
{
  *c = (CsPbftConfig) {
    .batch = 10 * CS_MSEC, .view_timeout = CS_SEC, .checkpoint_interval = 16,
    .max_block_tx = 1000, .byzantine = 0, .byzantine_mode = CS_PBFT_BYZ_SILENT, .tx_rate = 100,
    .tx_size = 250,
  };
}

CsPbftShared *
cs_pbft_shared_new (const CsPbftConfig *config, guint32 n_nodes)
{
  CsPbftShared *s = g_new0 (CsPbftShared, 1);
  s->config = *config;
  s->f = (n_nodes - 1) / 3;
  cs_validate_params_init (&s->validate);
  s->validate.max_block_size = 0;
  CsBlockTemplate tmpl = {
    .version = 1, .bits = PBFT_BITS, .miner = G_MAXUINT32, .n_tx = 1, .simulated_pow = TRUE,
  };
  g_autoptr (CsBlock) genesis = cs_block_new (NULL, &tmpl, &s->log.next_serial);
  cs_chain_log_init (&s->log, genesis, n_nodes);
  s->view_floor = g_new0 (guint64, n_nodes);
  s->disk_exec = g_new0 (CsBlock *, n_nodes);
  s->disk_prep = g_new0 (CsBlock *, n_nodes);
  s->disk_prep_view = g_new0 (guint64, n_nodes);
  return s;
}

void
cs_pbft_shared_free (CsPbftShared *s)
{
  if (!s)
    return;
  cs_chain_log_clear (&s->log);
  g_free (s->view_floor);
  for (guint32 i = 0; i < s->log.n_nodes; i++)
    {
      if (s->disk_exec[i])
        cs_block_unref (s->disk_exec[i]);
      if (s->disk_prep[i])
        cs_block_unref (s->disk_prep[i]);
    }
  g_free (s->disk_exec);
  g_free (s->disk_prep);
  g_free (s->disk_prep_view);
  g_free (s);
}

gboolean
cs_pbft_is_byzantine (const CsPbftShared *s, guint32 node)
{
  return node < (guint64) s->config.byzantine;
}

/* ---- state ---- */

typedef struct
{
  guint8 type;   /* CS_PBFT_MSG_PREPARE or _COMMIT */
  guint64 view;
  guint32 node;
  CsHash hash;
} Vote;

/* One sequence number above the last executed. */
typedef struct
{
  CsBlock *pp;          /* the accepted pre-prepare's block (reference), NULL */
  guint64 pp_view;
  gboolean prepared;    /* this replica sent COMMIT for pp in pp_view */
  GArray *votes;        /* Vote */
  GPtrArray *seen;      /* blocks pre-prepared for this seq in any view (references): a replica
                         * that is not in the view (changing views, lagging) still executes one
                         * that gathers a commit certificate (2f+1 COMMIT) */
} Slot;

typedef struct
{
  CsPbftShared *s;
  guint64 view;
  gboolean in_vc;           /* moving to `view`, not yet started */
  guint64 exec_seq;
  CsBlock *exec_block;      /* reference */
  GHashTable *slots;        /* guint64 seq -> Slot* */
  GHashTable *checkpoints;  /* guint64 seq -> GPtrArray of CkVote* */
  GHashTable *vcs;          /* guint64 view -> GPtrArray of VcMsg* (refs via CsMsg) */
  GArray *pending;          /* CsTx: at the primary, to order */
  GHashTable *waiting;      /* tx key -> CsTx*: forwarded, not yet executed */
  GHashTable *equivocated;  /* Byzantine: digests already voted for (CsHash*) */
  CsNodeTimer batch_timer;
  CsNodeTimer view_timer;
  CsNodeTimer resend_timer;
  guint vc_backoff;         /* view changes since the last progress */
  gboolean proposing;       /* primary: a block at exec_seq+1 is out */
  CsMsg *new_view;          /* primary: the NEW-VIEW that started its view (sent again to a
                             * replica still asking for that view: it was lost), or NULL */
} PbftNode;

typedef struct { guint64 view, seq; CsBlock *block; } PrePrepare;
typedef struct { guint64 view, seq; CsHash hash; } VoteMsg;
typedef struct { guint64 seq; CsBlock *block; } Checkpoint;
typedef struct { guint32 node; CsHash hash; CsBlock *block; } CkVote;
typedef struct
{
  guint64 view, exec_seq;
  CsBlock *exec_block;   /* reference */
  guint64 prep_view;
  CsBlock *prep_block;   /* prepared at exec_seq+1, or NULL */
} ViewChange;
typedef struct { guint32 node; ViewChange vc; } VcEntry;
typedef struct { guint64 view; CsBlock *base; CsBlock *reprop; } NewView;

static guint32 n_of (PbftNode *p) { return p->s->log.n_nodes; }
/* A quorum: ceil((n + f + 1) / 2) replicas, so that any two share f + 1 (one correct at least);
 * 2f + 1 when n = 3f + 1, more when n is not of that form (2f + 1 of 6 replicas, f = 1, would let
 * two disjoint halves each certify a different block). */
static guint32 quorum (PbftNode *p) { return (n_of (p) + p->s->f + 2) / 2; }
static guint32 primary_of (PbftNode *p, guint64 v) { return (guint32) (v % n_of (p)); }
static guint64 tx_key (const CsTx *tx) { return ((guint64) tx->sender << 32) | (tx->nonce & 0xffffffffu); }

static gboolean
byz (CsNodeCtx *ctx, PbftNode *p)
{
  return cs_pbft_is_byzantine (p->s, ctx->id);
}

static gboolean
silent (CsNodeCtx *ctx, PbftNode *p)
{
  return byz (ctx, p) && p->s->config.byzantine_mode == CS_PBFT_BYZ_SILENT;
}

static void
disk_set (CsBlock **slot, CsBlock *b)
{
  if (b)
    cs_block_ref (b);
  if (*slot)
    cs_block_unref (*slot);
  *slot = b;
}

/* Writes the view about to be used in a message to stable storage. */
static void
persist_view (CsNodeCtx *ctx, PbftNode *p, guint64 view)
{
  p->s->view_floor[ctx->id] = MAX (p->s->view_floor[ctx->id], view);
}

static void
send_to (CsNodeCtx *ctx, guint32 peer, guint16 type, guint64 size, gpointer body,
         GDestroyNotify body_free)
{
  g_autoptr (CsMsg) m = cs_msg_new (type, size, body, body_free);
  cs_send (ctx, peer, m);
}

static void
multicast (CsNodeCtx *ctx, PbftNode *p, guint16 type, guint64 size, gpointer body,
           GDestroyNotify body_free)
{
  g_autoptr (CsMsg) m = cs_msg_new (type, size, body, body_free);
  for (guint32 i = 0; i < n_of (p); i++)
    if (i != ctx->id)
      cs_send (ctx, i, m);
}

static void
slot_free (gpointer x)
{
  Slot *sl = x;
  if (sl->pp)
    cs_block_unref (sl->pp);
  g_array_unref (sl->votes);
  g_ptr_array_unref (sl->seen);
  g_free (sl);
}

static Slot *
slot_get (PbftNode *p, guint64 seq)
{
  Slot *sl = g_hash_table_lookup (p->slots, &seq);
  if (!sl)
    {
      sl = g_new0 (Slot, 1);
      sl->votes = g_array_new (FALSE, FALSE, sizeof (Vote));
      sl->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
      g_hash_table_insert (p->slots, g_memdup2 (&seq, sizeof seq), sl);
    }
  return sl;
}

static void
ckvotes_free (gpointer x)
{
  GPtrArray *a = x;
  for (guint i = 0; i < a->len; i++)
    {
      CkVote *v = a->pdata[i];
      cs_block_unref (v->block);
      g_free (v);
    }
  g_ptr_array_free (a, TRUE);
}

static void
vc_entries_free (gpointer x)
{
  GPtrArray *a = x;
  for (guint i = 0; i < a->len; i++)
    {
      VcEntry *e = a->pdata[i];
      cs_block_unref (e->vc.exec_block);
      if (e->vc.prep_block)
        cs_block_unref (e->vc.prep_block);
      g_free (e);
    }
  g_ptr_array_free (a, TRUE);
}

static gboolean
add_vote (Slot *sl, guint8 type, guint64 view, guint32 node, const CsHash *h)
{
  for (guint i = 0; i < sl->votes->len; i++)
    {
      Vote *v = &g_array_index (sl->votes, Vote, i);
      if (v->type == type && v->view == view && v->node == node && cs_hash_equal (&v->hash, h))
        return FALSE;
    }
  Vote v = { type, view, node, *h };
  g_array_append_val (sl->votes, v);
  return TRUE;
}

static guint
count_votes (Slot *sl, guint8 type, guint64 view, const CsHash *h)
{
  guint c = 0;
  for (guint i = 0; i < sl->votes->len; i++)
    {
      Vote *v = &g_array_index (sl->votes, Vote, i);
      c += v->type == type && v->view == view && cs_hash_equal (&v->hash, h);
    }
  return c;
}

/* ---- timers ---- */

/* Work outstanding: a pre-prepare not executed, or forwarded transactions not executed. */
static gboolean
outstanding (PbftNode *p)
{
  if (g_hash_table_size (p->waiting))
    return TRUE;
  guint64 next = p->exec_seq + 1;
  Slot *sl = g_hash_table_lookup (p->slots, &next);
  return sl && sl->pp;
}

static void
arm_view_timer (CsNodeCtx *ctx, PbftNode *p, gboolean restart)
{
  if (silent (ctx, p))
    return;
  if (p->view_timer && !restart)
    return;
  if (p->view_timer)
    cs_timer_cancel (ctx, p->view_timer);
  p->view_timer = 0;
  if (!outstanding (p) && !p->in_vc)
    return;
  if (p->in_vc)
    {
      /* as in the paper: the timer for the next view starts only once 2f+1 replicas asked for
       * this one, so a lone replica never runs ahead of the others */
      GPtrArray *a = g_hash_table_lookup (p->vcs, &p->view);
      if (!a || a->len < quorum (p))
        return;
    }
  /* doubled per view change without progress, capped at 8x (as HotStuff's pacemaker): with no
   * cap, a long fault leaves timers that delay recovery long after it heals (2^k after k
   * failed views), so that no bound on recovery holds */
  CsTime d = p->s->config.view_timeout << MIN (p->vc_backoff, 3u);
  p->view_timer = cs_timer_start (ctx, d, CS_PBFT_TIMER_VIEW, NULL);
}

/* ---- execution ---- */

static void
send_prepare_commit (CsNodeCtx *ctx, PbftNode *p, guint8 type, guint64 view, guint64 seq,
                     const CsHash *h)
{
  persist_view (ctx, p, view);
  Slot *sl = slot_get (p, seq);
  add_vote (sl, type, view, ctx->id, h);
  VoteMsg *m = g_new (VoteMsg, 1);
  *m = (VoteMsg) { view, seq, *h };
  multicast (ctx, p, type, 48, m, g_free);
}

static void maybe_propose (CsNodeCtx *ctx, PbftNode *p);
static void checkpoint_free (gpointer x);
static void progress (CsNodeCtx *ctx, PbftNode *p, guint64 seq);

/* Executes @b (the block at exec_seq+1, or further when catching up from a certificate: its
 * ancestors are executed first). */
static void
execute_to (CsNodeCtx *ctx, PbftNode *p, CsBlock *b)
{
  guint32 h = cs_block_height (b);
  if (h <= p->exec_seq)
    return;
  if (cs_block_get_ancestor (b, (guint32) p->exec_seq) != p->exec_block)
    return; /* not an extension of what this replica executed: refused */
  for (guint64 s = p->exec_seq + 1; s <= h; s++)
    {
      CsBlock *x = cs_block_get_ancestor (b, (guint32) s);
      if (cs_block_validate (x, p->exec_block, cs_now (ctx), &p->s->validate) != CS_BLOCK_VALID)
        {
          cs_emit (ctx, CS_CHAIN_INVALID, cs_block_serial (x), 0);
          return;
        }
      cs_block_unref (p->exec_block);
      p->exec_block = cs_block_ref (x);
      p->exec_seq = s;
      disk_set (&p->s->disk_exec[ctx->id], x);
      g_hash_table_remove (p->slots, &s);
      cs_emit (ctx, CS_CHAIN_COMMIT, cs_block_serial (x), s);
      guint n;
      const CsTx *txs = cs_block_txs (x, &n);
      for (guint i = 0; i < n; i++)
        {
          guint64 k = tx_key (&txs[i]);
          g_hash_table_remove (p->waiting, &k);
        }
      if (s % (guint64) p->s->config.checkpoint_interval == 0 && !silent (ctx, p))
        {
          Checkpoint *c = g_new (Checkpoint, 1);
          *c = (Checkpoint) { s, cs_block_ref (x) };
          /* own vote */
          GPtrArray *a = g_hash_table_lookup (p->checkpoints, &s);
          if (!a)
            {
              a = g_ptr_array_new ();
              g_hash_table_insert (p->checkpoints, g_memdup2 (&s, sizeof s), a);
            }
          CkVote *v = g_new (CkVote, 1);
          *v = (CkVote) { ctx->id, *cs_block_hash (x), cs_block_ref (x) };
          g_ptr_array_add (a, v);
          multicast (ctx, p, CS_PBFT_MSG_CHECKPOINT, 48, c, checkpoint_free);
        }
    }
  p->vc_backoff = 0;
  p->proposing = FALSE;
  arm_view_timer (ctx, p, TRUE);
  progress (ctx, p, p->exec_seq + 1); /* votes for the next one may be there already */
  maybe_propose (ctx, p);
}

/* Moves slot @seq forward: prepared -> commit sent; committed -> executed. */
static void
progress (CsNodeCtx *ctx, PbftNode *p, guint64 seq)
{
  if (p->in_vc)
    return;
  Slot *sl = g_hash_table_lookup (p->slots, &seq);
  if (!sl || !sl->pp || sl->pp_view != p->view)
    return;
  const CsHash *h = cs_block_hash (sl->pp);
  /* prepared only at exec_seq+1: a replica that missed the block below waits until it has
   * executed it, so that its VIEW-CHANGE (which carries the certificate at exec_seq+1) never
   * leaves out a block it helped to commit */
  if (!sl->prepared && seq == p->exec_seq + 1
      && count_votes (sl, CS_PBFT_MSG_PREPARE, p->view, h) >= quorum (p))
    {
      sl->prepared = TRUE;
      disk_set (&p->s->disk_prep[ctx->id], sl->pp);
      p->s->disk_prep_view[ctx->id] = p->view;
      if (!silent (ctx, p))
        send_prepare_commit (ctx, p, CS_PBFT_MSG_COMMIT, p->view, seq, h);
    }
  if (sl->prepared && seq == p->exec_seq + 1
      && count_votes (sl, CS_PBFT_MSG_COMMIT, p->view, h) >= quorum (p))
    {
      CsBlock *b = cs_block_ref (sl->pp);
      execute_to (ctx, p, b);
      cs_block_unref (b);
    }
}

static void
checkpoint_free (gpointer x)
{
  Checkpoint *c = x;
  cs_block_unref (c->block);
  g_free (c);
}

static void
preprepare_free (gpointer x)
{
  PrePrepare *m = x;
  cs_block_unref (m->block);
  g_free (m);
}

/* Accepts a pre-prepare (view, seq, block) and votes PREPARE. */
static void
accept_preprepare (CsNodeCtx *ctx, PbftNode *p, guint64 view, guint64 seq, CsBlock *b)
{
  if (view != p->view || p->in_vc)
    return;
  if (seq <= p->exec_seq)
    {
      /* a block this replica executed, proposed again in a new view: its votes help the
       * replicas that had not executed it (it is the only block that can commit there) */
      if (cs_block_get_ancestor (p->exec_block, (guint32) seq) == b && !silent (ctx, p))
        {
          persist_view (ctx, p, view);
          for (guint8 type = CS_PBFT_MSG_PREPARE; type <= CS_PBFT_MSG_COMMIT; type++)
            {
              VoteMsg *m = g_new (VoteMsg, 1);
              *m = (VoteMsg) { view, seq, *cs_block_hash (b) };
              multicast (ctx, p, type, 48, m, g_free);
            }
        }
      return;
    }
  Slot *sl = slot_get (p, seq);
  if (sl->pp && sl->pp_view == view)
    return; /* the first pre-prepare of a view and seq wins; a conflicting one is ignored */
  if (sl->pp)
    cs_block_unref (sl->pp);
  sl->pp = cs_block_ref (b);
  sl->pp_view = view;
  sl->prepared = FALSE;
  cs_emit (ctx, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b), seq);
  if (!silent (ctx, p))
    send_prepare_commit (ctx, p, CS_PBFT_MSG_PREPARE, view, seq, cs_block_hash (b));
  arm_view_timer (ctx, p, FALSE);
  progress (ctx, p, seq);
}

static CsBlock *
make_block (CsNodeCtx *ctx, PbftNode *p, guint n, guint64 salt)
{
  CsPbftShared *s = p->s;
  CsBlock *parent = p->exec_block;
  CsTime now = cs_now (ctx);
  CsBlockTemplate tmpl = {
    .version = 1, .bits = PBFT_BITS,
    .timestamp = MAX (now, cs_block_median_time_past (parent, s->validate.median_span) + 1)
                 + (CsTime) salt,
    .miner = ctx->id, .n_tx = n, .txs = n ? (const CsTx *) p->pending->data : NULL, .n_txs = n,
    .simulated_pow = TRUE,
  };
  CsBlock *b = cs_block_new (parent, &tmpl, &s->log.next_serial);
  cs_chain_log_add (&s->log, b);
  cs_emit (ctx, CS_CHAIN_BLOCK_CREATED, cs_block_serial (b), cs_block_height (b));
  return b;
}

static void
send_preprepare (CsNodeCtx *ctx, PbftNode *p, guint32 to, guint64 seq, CsBlock *b)
{
  persist_view (ctx, p, p->view);
  PrePrepare *m = g_new (PrePrepare, 1);
  *m = (PrePrepare) { p->view, seq, cs_block_ref (b) };
  send_to (ctx, to, CS_PBFT_MSG_PRE_PREPARE, 56 + cs_block_size (b), m, preprepare_free);
}

/* Primary: proposes the pending transactions as the block at exec_seq+1 (one in flight). */
static void
propose (CsNodeCtx *ctx, PbftNode *p)
{
  if (silent (ctx, p) || p->in_vc || primary_of (p, p->view) != ctx->id || p->proposing
      || !p->pending->len)
    return;
  guint n = (guint) MIN ((gint64) p->pending->len, p->s->config.max_block_tx);
  guint64 seq = p->exec_seq + 1;
  CsBlock *b = make_block (ctx, p, n, 0);
  p->proposing = TRUE;
  if (byz (ctx, p)) /* equivocate: another block for the odd replicas */
    {
      CsBlock *b2 = make_block (ctx, p, n, 1);
      for (guint32 i = 0; i < n_of (p); i++)
        if (i != ctx->id)
          send_preprepare (ctx, p, i, seq, i % 2 ? b2 : b);
      cs_block_unref (b2);
    }
  else
    for (guint32 i = 0; i < n_of (p); i++)
      if (i != ctx->id)
        send_preprepare (ctx, p, i, seq, b);
  g_array_remove_range (p->pending, 0, n);
  accept_preprepare (ctx, p, p->view, seq, b);
  cs_block_unref (b);
}

static void
maybe_propose (CsNodeCtx *ctx, PbftNode *p)
{
  if (primary_of (p, p->view) != ctx->id || p->in_vc || p->proposing || !p->pending->len
      || p->batch_timer)
    return;
  p->batch_timer = cs_timer_start (ctx, p->s->config.batch, CS_PBFT_TIMER_BATCH, NULL);
}

/* A transaction for the primary: ordered here, or forwarded (and remembered until executed). */
static void
route_tx (CsNodeCtx *ctx, PbftNode *p, const CsTx *tx)
{
  if (primary_of (p, p->view) == ctx->id && !p->in_vc)
    {
      g_array_append_val (p->pending, *tx);
      maybe_propose (ctx, p);
      return;
    }
  guint64 k = tx_key (tx);
  if (!g_hash_table_contains (p->waiting, &k))
    g_hash_table_insert (p->waiting, g_memdup2 (&k, sizeof k), g_memdup2 (tx, sizeof *tx));
  if (!p->in_vc && !silent (ctx, p))
    send_to (ctx, primary_of (p, p->view), CS_PBFT_MSG_FORWARD, tx->size,
             g_memdup2 (tx, sizeof *tx), g_free);
  arm_view_timer (ctx, p, FALSE);
}

/* ---- view change ---- */

static void
viewchange_free (gpointer x)
{
  ViewChange *v = x;
  cs_block_unref (v->exec_block);
  if (v->prep_block)
    cs_block_unref (v->prep_block);
  g_free (v);
}

static void newview_try (CsNodeCtx *ctx, PbftNode *p, guint64 view);

static void
record_vc (PbftNode *p, guint32 node, const ViewChange *vc)
{
  GPtrArray *a = g_hash_table_lookup (p->vcs, &vc->view);
  if (!a)
    {
      a = g_ptr_array_new ();
      g_hash_table_insert (p->vcs, g_memdup2 (&vc->view, sizeof vc->view), a);
    }
  for (guint i = 0; i < a->len; i++)
    if (((VcEntry *) a->pdata[i])->node == node)
      return;
  VcEntry *e = g_new (VcEntry, 1);
  e->node = node;
  e->vc = *vc;
  cs_block_ref (e->vc.exec_block);
  if (e->vc.prep_block)
    cs_block_ref (e->vc.prep_block);
  g_ptr_array_add (a, e);
}

/* Sends (again) this replica's VIEW-CHANGE for its view, and schedules the next resend. */
static void
send_view_change (CsNodeCtx *ctx, PbftNode *p)
{
  if (silent (ctx, p) || !p->in_vc)
    return;
  GPtrArray *a = g_hash_table_lookup (p->vcs, &p->view);
  VcEntry *own = NULL;
  for (guint i = 0; a && i < a->len; i++)
    if (((VcEntry *) a->pdata[i])->node == ctx->id)
      own = a->pdata[i];
  if (!own)
    return;
  ViewChange *m = g_new (ViewChange, 1);
  *m = own->vc;
  cs_block_ref (m->exec_block);
  if (m->prep_block)
    cs_block_ref (m->prep_block);
  multicast (ctx, p, CS_PBFT_MSG_VIEW_CHANGE,
             64 + (m->prep_block ? cs_block_size (m->prep_block) : 0), m, viewchange_free);
  if (p->resend_timer)
    cs_timer_cancel (ctx, p->resend_timer);
  p->resend_timer = cs_timer_start (ctx, p->s->config.view_timeout, CS_PBFT_TIMER_RESEND, NULL);
}

/* Moves to view @view: sends VIEW-CHANGE with the last executed block and the prepared one. */
static void
start_view_change (CsNodeCtx *ctx, PbftNode *p, guint64 view)
{
  if (view <= p->view && p->in_vc)
    return;
  if (view < p->view || (view == p->view && !p->in_vc))
    return;
  p->view = view;
  persist_view (ctx, p, view);
  p->in_vc = TRUE;
  p->proposing = FALSE;
  p->vc_backoff++;
  if (p->batch_timer)
    cs_timer_cancel (ctx, p->batch_timer);
  p->batch_timer = 0;
  cs_emit (ctx, CS_PBFT_VIEW_CHANGE, view, 1);
  ViewChange vc = { view, p->exec_seq, p->exec_block, 0, NULL };
  guint64 next = p->exec_seq + 1;
  Slot *sl = g_hash_table_lookup (p->slots, &next);
  if (sl && sl->pp && sl->prepared)
    {
      vc.prep_view = sl->pp_view;
      vc.prep_block = sl->pp;
    }
  /* the prepared certificate survives the views that followed it (PBFT's P set): a view entered
   * and left without a new one must not forget it, or a block another replica committed would
   * no longer be reproposed. Stable storage keeps the highest-view one above the executed. */
  CsBlock *disk = p->s->disk_prep[ctx->id];
  if (disk && cs_block_height (disk) == next && cs_block_parent (disk) == p->exec_block
      && (!vc.prep_block || p->s->disk_prep_view[ctx->id] > vc.prep_view))
    {
      vc.prep_view = p->s->disk_prep_view[ctx->id];
      vc.prep_block = disk;
    }
  record_vc (p, ctx->id, &vc);
  send_view_change (ctx, p);
  arm_view_timer (ctx, p, TRUE);
  newview_try (ctx, p, view);
}

static void
newview_free (gpointer x)
{
  NewView *m = x;
  cs_block_unref (m->base);
  if (m->reprop)
    cs_block_unref (m->reprop);
  g_free (m);
}

/* Drops the votes and pre-prepares of views before @view above the executed sequence; those of
 * @view itself, which may have arrived before this replica entered it, are kept (they are sent
 * once: dropping them would stall the view), and so are the blocks seen (for certificates). */
static void
forget_older_views (PbftNode *p, guint64 view)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, p->slots);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      Slot *sl = value;
      if (*(guint64 *) key <= p->exec_seq)
        {
          g_hash_table_iter_remove (&it);
          continue;
        }
      if (sl->pp && sl->pp_view < view)
        {
          g_clear_pointer (&sl->pp, cs_block_unref);
          sl->prepared = FALSE;
        }
      guint kept = 0;
      for (guint i = 0; i < sl->votes->len; i++)
        if (g_array_index (sl->votes, Vote, i).view >= view)
          g_array_index (sl->votes, Vote, kept++) = g_array_index (sl->votes, Vote, i);
      g_array_set_size (sl->votes, kept);
    }
}

static void
enter_view (CsNodeCtx *ctx, PbftNode *p, guint64 view, CsBlock *base, CsBlock *reprop)
{
  if (view < p->view || (view == p->view && !p->in_vc))
    return;
  p->view = view;
  persist_view (ctx, p, view);
  p->in_vc = FALSE;
  if (p->resend_timer)
    cs_timer_cancel (ctx, p->resend_timer);
  p->resend_timer = 0;
  p->proposing = FALSE;
  execute_to (ctx, p, base); /* state transfer when behind */
  forget_older_views (p, view);
  if (primary_of (p, view) == ctx->id)
    cs_emit (ctx, CS_PBFT_NEW_VIEW, view, 1);
  /* re-forward what is still waiting */
  GHashTableIter it;
  gpointer k, v;
  GArray *again = g_array_new (FALSE, FALSE, sizeof (CsTx));
  g_hash_table_iter_init (&it, p->waiting);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_array_append_val (again, *(CsTx *) v);
  /* (the table's order depends only on its keys and history: deterministic) */
  g_hash_table_remove_all (p->waiting);
  if (reprop && cs_block_height (reprop) <= p->exec_seq + 1)
    {
      /* proposed again even by a primary that executed it already: the others may not have */
      guint64 seq = cs_block_height (reprop);
      if (primary_of (p, view) == ctx->id)
        {
          p->proposing = seq == p->exec_seq + 1;
          for (guint32 i = 0; i < n_of (p); i++)
            if (i != ctx->id)
              send_preprepare (ctx, p, i, seq, reprop);
        }
      accept_preprepare (ctx, p, view, seq, reprop);
    }
  for (guint i = 0; i < again->len; i++)
    route_tx (ctx, p, &g_array_index (again, CsTx, i));
  g_array_unref (again);
  arm_view_timer (ctx, p, TRUE);
  maybe_propose (ctx, p);
}

/* New primary: with a quorum of VIEW-CHANGE for @view, picks the base (the highest block a
 * replica of the quorum executed) and the prepared block on it of the highest view, and starts
 * the view. */
static void
newview_try (CsNodeCtx *ctx, PbftNode *p, guint64 view)
{
  if (primary_of (p, view) != ctx->id || view != p->view || !p->in_vc || silent (ctx, p))
    return;
  GPtrArray *a = g_hash_table_lookup (p->vcs, &view);
  if (!a || a->len < quorum (p))
    return;
  /* The base: a replica executes only committed blocks, and a real VIEW-CHANGE carries the
   * certificate of what it reports (here reports are truthful, see cs-pbft.h), so the highest
   * executed block of the quorum is committed and every replica may be brought up to it. Taking
   * less (what f+1 replicas executed, say) would let the new view propose over a block that
   * fewer had executed and that no longer shows as prepared anywhere. */
  CsBlock *base = p->s->log.genesis;
  for (guint i = 0; i < a->len; i++)
    {
      CsBlock *cand = ((VcEntry *) a->pdata[i])->vc.exec_block;
      if (cs_block_height (cand) > cs_block_height (base))
        base = cand;
    }
  /* the block to propose again at base+1: the prepared one of the highest view */
  CsBlock *reprop = NULL;
  guint64 best_view = 0;
  for (guint i = 0; i < a->len; i++)
    {
      ViewChange *vc = &((VcEntry *) a->pdata[i])->vc;
      if (vc->prep_block && cs_block_parent (vc->prep_block) == base
          && (!reprop || vc->prep_view > best_view))
        {
          reprop = vc->prep_block;
          best_view = vc->prep_view;
        }
    }
  NewView *m = g_new (NewView, 1);
  *m = (NewView) { view, cs_block_ref (base), reprop ? cs_block_ref (reprop) : NULL };
  if (p->new_view)
    cs_msg_unref (p->new_view);
  p->new_view = cs_msg_new (CS_PBFT_MSG_NEW_VIEW, 64 + (reprop ? cs_block_size (reprop) : 0), m,
                            newview_free);
  for (guint32 i = 0; i < n_of (p); i++)
    if (i != ctx->id)
      cs_send (ctx, i, p->new_view);
  CsBlock *bref = cs_block_ref (base);
  CsBlock *rref = reprop ? cs_block_ref (reprop) : NULL;
  enter_view (ctx, p, view, bref, rref);
  cs_block_unref (bref);
  if (rref)
    cs_block_unref (rref);
}

/* ---- handlers ---- */

static void
on_vote (CsNodeCtx *ctx, PbftNode *p, guint32 from, guint8 type, const VoteMsg *m)
{
  if (m->seq <= p->exec_seq)
    return;
  Slot *sl = slot_get (p, m->seq);
  add_vote (sl, type, m->view, from, &m->hash);
  if (type == CS_PBFT_MSG_COMMIT && count_votes (sl, type, m->view, &m->hash) >= quorum (p))
    for (guint i = 0; i < sl->seen->len; i++)
      {
        CsBlock *b = sl->seen->pdata[i];
        if (cs_hash_equal (cs_block_hash (b), &m->hash)
            && (p->in_vc || m->view != p->view || m->seq > p->exec_seq + 1))
          {
            /* a commit certificate of a view this replica is not running, or beyond a gap it
             * missed (the block's ancestors are committed: a primary builds on executed blocks) */
            cs_block_ref (b);
            execute_to (ctx, p, b);
            cs_block_unref (b);
            return;
          }
      }
  if (byz (ctx, p) && !silent (ctx, p) && m->view == p->view)
    {
      /* an equivocating replica votes for every digest it sees, once each */
      if (!g_hash_table_contains (p->equivocated, &m->hash))
        {
          g_hash_table_add (p->equivocated, g_memdup2 (&m->hash, sizeof (CsHash)));
          send_prepare_commit (ctx, p, CS_PBFT_MSG_PREPARE, m->view, m->seq, &m->hash);
          send_prepare_commit (ctx, p, CS_PBFT_MSG_COMMIT, m->view, m->seq, &m->hash);
        }
    }
  progress (ctx, p, m->seq);
}

static void
on_checkpoint (CsNodeCtx *ctx, PbftNode *p, guint32 from, const Checkpoint *c)
{
  if (c->seq <= p->exec_seq)
    return;
  GPtrArray *a = g_hash_table_lookup (p->checkpoints, &c->seq);
  if (!a)
    {
      a = g_ptr_array_new ();
      g_hash_table_insert (p->checkpoints, g_memdup2 (&c->seq, sizeof c->seq), a);
    }
  guint agree = 0;
  for (guint i = 0; i < a->len; i++)
    {
      CkVote *v = a->pdata[i];
      if (v->node == from)
        return;
      agree += cs_hash_equal (&v->hash, cs_block_hash (c->block));
    }
  CkVote *v = g_new (CkVote, 1);
  *v = (CkVote) { from, *cs_block_hash (c->block), cs_block_ref (c->block) };
  g_ptr_array_add (a, v);
  /* f+1 matching checkpoints include a correct one: the block is committed (state transfer);
   * the 2f+1 of the paper make it stable for garbage collection, which execution does here */
  if (agree + 1 >= p->s->f + 1 && cs_block_height (c->block) == c->seq)
    {
      CsBlock *b = cs_block_ref (c->block);
      execute_to (ctx, p, b);
      cs_block_unref (b);
    }
}

static void
pbft_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  PbftNode *p = state;
  if (silent (ctx, p))
    return;
  switch (msg->type)
    {
    case CS_PBFT_MSG_PRE_PREPARE:
      {
        const PrePrepare *m = msg->body;
        if (from == primary_of (p, m->view) && cs_block_height (m->block) == m->seq)
          {
            if (m->seq > p->exec_seq)
              {
                Slot *sl = slot_get (p, m->seq);
                gboolean known = FALSE;
                for (guint i = 0; i < sl->seen->len; i++)
                  known |= sl->seen->pdata[i] == m->block;
                if (!known && sl->seen->len < 8)
                  g_ptr_array_add (sl->seen, cs_block_ref (m->block));
              }
            CsBlock *b = cs_block_ref (m->block);
            accept_preprepare (ctx, p, m->view, m->seq, b);
            cs_block_unref (b);
          }
        break;
      }
    case CS_PBFT_MSG_PREPARE:
    case CS_PBFT_MSG_COMMIT:
      on_vote (ctx, p, from, (guint8) msg->type, msg->body);
      break;
    case CS_PBFT_MSG_CHECKPOINT:
      on_checkpoint (ctx, p, from, msg->body);
      break;
    case CS_PBFT_MSG_VIEW_CHANGE:
      {
        const ViewChange *vc = msg->body;
        if (vc->view == p->view && !p->in_vc && p->new_view
            && ((const NewView *) p->new_view->body)->view == p->view)
          {
            /* still asking for the view this primary started: its NEW-VIEW was lost (without
             * it, the replica would wait for the view forever once the others moved on) */
            cs_send (ctx, from, p->new_view);
            break;
          }
        if (vc->view < p->view || (vc->view == p->view && !p->in_vc))
          break; /* a view this replica already runs (or left) */
        record_vc (p, from, vc);
        /* f+1 replicas ask for a later view: join the smallest such */
        if (vc->view > p->view || (vc->view == p->view && !p->in_vc))
          {
            guint64 smallest = G_MAXUINT64;
            guint32 count = 0;
            GHashTableIter it;
            gpointer k, v;
            g_hash_table_iter_init (&it, p->vcs);
            while (g_hash_table_iter_next (&it, &k, &v))
              if (*(guint64 *) k > p->view || (*(guint64 *) k == p->view && !p->in_vc))
                {
                  count += ((GPtrArray *) v)->len;
                  smallest = MIN (smallest, *(guint64 *) k);
                }
            if (count >= p->s->f + 1)
              start_view_change (ctx, p, smallest);
          }
        if (p->in_vc && vc->view == p->view)
          arm_view_timer (ctx, p, FALSE);
        newview_try (ctx, p, vc->view);
        break;
      }
    case CS_PBFT_MSG_NEW_VIEW:
      {
        const NewView *m = msg->body;
        if (from == primary_of (p, m->view))
          {
            CsBlock *b = cs_block_ref (m->base);
            CsBlock *r = m->reprop ? cs_block_ref (m->reprop) : NULL;
            enter_view (ctx, p, m->view, b, r);
            cs_block_unref (b);
            if (r)
              cs_block_unref (r);
          }
        break;
      }
    case CS_PBFT_MSG_FORWARD:
      {
        const CsTx *tx = msg->body;
        if (primary_of (p, p->view) == ctx->id && !p->in_vc)
          {
            g_array_append_val (p->pending, *tx);
            maybe_propose (ctx, p);
          }
        break;
      }
    default:
      break;
    }
}

static void
pbft_submit_tx (CsNodeCtx *ctx, gpointer state, const CsTx *tx)
{
  PbftNode *p = state;
  cs_emit (ctx, CS_CHAIN_TX_SUBMITTED, tx_key (tx), tx->size);
  if (silent (ctx, p))
    return;
  route_tx (ctx, p, tx);
}

static void
pbft_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  PbftNode *p = state;
  switch (kind)
    {
    case CS_PBFT_TIMER_BATCH:
      p->batch_timer = 0;
      propose (ctx, p);
      break;
    case CS_PBFT_TIMER_RESEND:
      p->resend_timer = 0;
      send_view_change (ctx, p);
      break;
    case CS_PBFT_TIMER_VIEW:
      p->view_timer = 0;
      if (p->in_vc || outstanding (p))
        start_view_change (ctx, p, p->view + 1);
      break;
    case CS_CONSENSUS_TIMER_SUBMIT:
      pbft_submit_tx (ctx, state, arg);
      break;
    default:
      break;
    }
}

static void
pbft_start (CsNodeCtx *ctx, gpointer state)
{
  PbftNode *p = state;
  p->s = ctx->shared;
  p->exec_block = cs_block_ref (p->s->log.genesis);
  p->slots = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, slot_free);
  p->checkpoints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, ckvotes_free);
  p->vcs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, vc_entries_free);
  p->pending = g_array_new (FALSE, FALSE, sizeof (CsTx));
  p->waiting = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  p->equivocated = g_hash_table_new_full (cs_hash_hash_func, cs_hash_equal_func, g_free, NULL);
}

static void start_view_change (CsNodeCtx *ctx, PbftNode *p, guint64 view);

static void
pbft_recover (CsNodeCtx *ctx, gpointer state, gboolean disk_lost)
{
  PbftNode *p = state;
  CsPbftShared *s = ctx->shared;
  pbft_start (ctx, state);
  if (disk_lost)
    {
      disk_set (&s->disk_exec[ctx->id], NULL);
      disk_set (&s->disk_prep[ctx->id], NULL);
    }
  if (s->disk_exec[ctx->id])
    {
      cs_block_unref (p->exec_block);
      p->exec_block = cs_block_ref (s->disk_exec[ctx->id]);
      p->exec_seq = cs_block_height (p->exec_block);
    }
  CsBlock *prep = s->disk_prep[ctx->id];
  if (prep && cs_block_height (prep) == p->exec_seq + 1)
    {
      Slot *sl = slot_get (p, p->exec_seq + 1);
      sl->pp = cs_block_ref (prep);
      sl->pp_view = s->disk_prep_view[ctx->id];
      sl->prepared = TRUE;
    }
  /* it asks for a view above any it may have voted in, and is passive until one starts */
  p->view = p->s->view_floor[ctx->id];
  start_view_change (ctx, p, p->view + 1);
}

static void
pbft_clear (gpointer state)
{
  PbftNode *p = state;
  g_clear_pointer (&p->exec_block, cs_block_unref);
  g_clear_pointer (&p->slots, g_hash_table_unref);
  g_clear_pointer (&p->checkpoints, g_hash_table_unref);
  g_clear_pointer (&p->vcs, g_hash_table_unref);
  g_clear_pointer (&p->pending, g_array_unref);
  g_clear_pointer (&p->waiting, g_hash_table_unref);
  g_clear_pointer (&p->equivocated, g_hash_table_unref);
  g_clear_pointer (&p->new_view, cs_msg_unref);
}

static CsBlock *pbft_head (gpointer state) { return ((PbftNode *) state)->exec_block; }
guint64 cs_pbft_view (gpointer state) { return ((PbftNode *) state)->view; }
guint64 cs_pbft_executed (gpointer state) { return ((PbftNode *) state)->exec_seq; }

const CsConsensusClass cs_pbft_class = {
  .base = {
    .name = "pbft",
    .state_size = sizeof (PbftNode),
    .start = pbft_start,
    .on_message = pbft_on_message,
    .on_timer = pbft_on_timer,
    .clear = pbft_clear,
    .recover = pbft_recover,
  },
  .submit_tx = pbft_submit_tx,
  .head = pbft_head,
  .final = pbft_head,
};
