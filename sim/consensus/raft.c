/* raft.c: Raft over the node context (cs-raft.h). */
#include "consensus/cs-raft.h"

#include <gsl/gsl_rng.h>
#include <string.h>

/* The easy fixed target of every block (regtest's powLimit); blocks carry simulated_pow. */
#define RAFT_BITS 0x207fffffu
#define NONE G_MAXUINT32

/* One log entry: the term it was created in and its block (a strong reference). */
typedef struct
{
  guint64 term;
  CsBlock *block;
} Entry;

/* Stable storage of one replica. */
struct _CsRaftDisk
{
  guint64 term;      /* current term */
  guint32 voted_for; /* candidate voted for in term, NONE */
  GArray *log;       /* Entry; index 0 is the genesis (term 0) */
  guint64 reported;  /* commits reported (CS_CHAIN_COMMIT) up to this index */
};

enum { FOLLOWER, CANDIDATE, LEADER };

typedef struct
{
  CsRaftShared *s;
  CsRaftDisk *disk;
  int role;
  guint32 leader;          /* known leader of the current term, NONE */
  guint64 commit_index;    /* highest index known committed */
  guint64 *next_index;     /* leader: per replica */
  guint64 *match_index;    /* leader: per replica */
  guint32 votes;           /* candidate: votes received */
  GArray *pending;         /* CsTx: client transactions not yet in a block (leader) or not yet
                            * forwarded (no leader known) */
  CsNodeTimer election_timer;
  CsNodeTimer heartbeat_timer;
  CsNodeTimer batch_timer;
} RaftNode;

typedef struct { guint64 term; guint64 last_index, last_term; } VoteReq;
typedef struct { guint64 term; gboolean granted; } VoteResp;
typedef struct
{
  guint64 term, prev_index, prev_term, leader_commit;
  guint n;
  Entry *e; /* n entries, blocks referenced */
} Append;
typedef struct { guint64 term; gboolean success; guint64 match; } AppendResp;

static void
entry_clear (gpointer p)
{
  Entry *e = p;
  g_clear_pointer (&e->block, cs_block_unref);
}

static void
disk_reset (CsRaftDisk *d, CsBlock *genesis)
{
  d->term = 0;
  d->voted_for = NONE;
  d->reported = 0;
  if (d->log)
    g_array_set_size (d->log, 0);
  else
    {
      d->log = g_array_new (FALSE, TRUE, sizeof (Entry));
      g_array_set_clear_func (d->log, entry_clear);
    }
  Entry g = { 0, cs_block_ref (genesis) };
  g_array_append_val (d->log, g);
}

CsRaftShared *
cs_raft_shared_new (const CsRaftConfig *config, guint32 n_nodes)
{
  CsRaftShared *s = g_new0 (CsRaftShared, 1);
  s->config = *config;
  cs_validate_params_init (&s->validate);
  s->validate.max_block_size = 0;
  CsBlockTemplate tmpl = {
    .version = 1, .bits = RAFT_BITS, .timestamp = 0, .miner = G_MAXUINT32, .n_tx = 1,
    .simulated_pow = TRUE,
  };
  g_autoptr (CsBlock) genesis = cs_block_new (NULL, &tmpl, &s->log.next_serial);
  cs_chain_log_init (&s->log, genesis, n_nodes);
  s->disks = g_new0 (CsRaftDisk *, n_nodes);
  for (guint32 i = 0; i < n_nodes; i++)
    {
      s->disks[i] = g_new0 (CsRaftDisk, 1);
      disk_reset (s->disks[i], genesis);
    }
  return s;
}

void
cs_raft_shared_free (CsRaftShared *s)
{
  if (!s)
    return;
  for (guint32 i = 0; i < s->log.n_nodes; i++)
    {
      g_array_unref (s->disks[i]->log);
      g_free (s->disks[i]);
    }
  g_free (s->disks);
  cs_chain_log_clear (&s->log);
  g_free (s);
}

/* ---- helpers ---- */

static guint32 n_of (RaftNode *r) { return r->s->log.n_nodes; }
static guint64 last_index (RaftNode *r) { return r->disk->log->len - 1; }
static Entry *entry_at (RaftNode *r, guint64 i) { return &g_array_index (r->disk->log, Entry, i); }
static guint64 last_term (RaftNode *r) { return entry_at (r, last_index (r))->term; }

static void
send_to (CsNodeCtx *ctx, guint32 peer, guint16 type, guint64 size, gpointer body,
         GDestroyNotify body_free)
{
  g_autoptr (CsMsg) m = cs_msg_new (type, size, body, body_free);
  cs_send (ctx, peer, m);
}

static void
reset_election_timer (CsNodeCtx *ctx, RaftNode *r)
{
  const CsRaftConfig *c = &r->s->config;
  if (r->election_timer)
    cs_timer_cancel (ctx, r->election_timer);
  CsTime span = c->election_max - c->election_min;
  CsTime d = c->election_min + (span > 0 ? (CsTime) (gsl_rng_uniform (cs_rng (ctx)) * span) : 0);
  r->election_timer = cs_timer_start (ctx, d, CS_RAFT_TIMER_ELECTION, NULL);
}

static void
stop_timer (CsNodeCtx *ctx, CsNodeTimer *t)
{
  if (*t)
    cs_timer_cancel (ctx, *t);
  *t = 0;
}

/* Reports commits up to commit_index (once per index across crashes: the disk remembers). */
static void
apply_commits (CsNodeCtx *ctx, RaftNode *r)
{
  while (r->disk->reported < r->commit_index)
    {
      r->disk->reported++;
      CsBlock *b = entry_at (r, r->disk->reported)->block;
      cs_emit (ctx, CS_CHAIN_COMMIT, cs_block_serial (b), cs_block_height (b));
    }
}

static void
become_follower (CsNodeCtx *ctx, RaftNode *r, guint64 term)
{
  if (term > r->disk->term)
    {
      r->disk->term = term;
      r->disk->voted_for = NONE;
      r->leader = NONE;
    }
  r->role = FOLLOWER;
  stop_timer (ctx, &r->heartbeat_timer);
  stop_timer (ctx, &r->batch_timer);
  reset_election_timer (ctx, r);
}

static void
append_free (gpointer p)
{
  Append *a = p;
  for (guint i = 0; i < a->n; i++)
    cs_block_unref (a->e[i].block);
  g_free (a->e);
  g_free (a);
}

/* Leader: sends @peer the entries from its next index (at most max_entries; none: a heartbeat),
 * and moves the next index past them (optimistic pipelining, as etcd's raft does). */
static void
send_append (CsNodeCtx *ctx, RaftNode *r, guint32 peer)
{
  guint64 next = r->next_index[peer];
  guint64 last = last_index (r);
  Append *a = g_new0 (Append, 1);
  a->term = r->disk->term;
  a->prev_index = next - 1;
  a->prev_term = entry_at (r, next - 1)->term;
  a->leader_commit = r->commit_index;
  a->n = (guint) MIN (last + 1 - next, (guint64) MAX (r->s->config.max_entries, 1));
  a->e = a->n ? g_new (Entry, a->n) : NULL;
  guint64 size = 48;
  for (guint i = 0; i < a->n; i++)
    {
      Entry *e = entry_at (r, next + i);
      a->e[i].term = e->term;
      a->e[i].block = cs_block_ref (e->block);
      size += 8 + cs_block_size (e->block);
    }
  /* Pipelining: what was sent is not sent again unless the follower reports a gap. */
  r->next_index[peer] = next + a->n;
  send_to (ctx, peer, CS_RAFT_MSG_APPEND, size, a, append_free);
}

static void
broadcast_append (CsNodeCtx *ctx, RaftNode *r)
{
  for (guint32 p = 0; p < n_of (r); p++)
    if (p != ctx->id)
      send_append (ctx, r, p);
}

static int
cmp_u64_desc (gconstpointer a, gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* Leader: the highest index a majority holds, committed when it is of the current term. */
static void
advance_commit (CsNodeCtx *ctx, RaftNode *r)
{
  guint32 n = n_of (r);
  g_autofree guint64 *m = g_memdup2 (r->match_index, n * sizeof (guint64));
  qsort (m, n, sizeof (guint64), cmp_u64_desc); /* equal keys are equal values: order moot */
  guint64 majority = m[n / 2]; /* held by at least n/2 + 1 replicas */
  if (majority > r->commit_index && entry_at (r, majority)->term == r->disk->term)
    {
      r->commit_index = majority;
      apply_commits (ctx, r);
    }
}

/* Leader: a block of pending transactions (possibly none) appended to its log and sent. */
static void
propose_block (CsNodeCtx *ctx, RaftNode *r)
{
  CsRaftShared *s = r->s;
  CsBlock *parent = entry_at (r, last_index (r))->block;
  guint n = r->pending ? (guint) MIN ((gint64) r->pending->len, s->config.max_block_tx) : 0;
  CsTime now = cs_now (ctx);
  CsBlockTemplate tmpl = {
    .version = 1, .bits = RAFT_BITS,
    .timestamp = MAX (now, cs_block_median_time_past (parent, s->validate.median_span) + 1),
    .miner = ctx->id, .n_tx = n, .size = 0,
    .txs = n ? (const CsTx *) r->pending->data : NULL, .n_txs = n, .simulated_pow = TRUE,
  };
  CsBlock *b = cs_block_new (parent, &tmpl, &s->log.next_serial);
  cs_chain_log_add (&s->log, b);
  if (n)
    g_array_remove_range (r->pending, 0, n);
  Entry e = { r->disk->term, b }; /* the log takes cs_block_new's reference */
  g_array_append_val (r->disk->log, e);
  cs_emit (ctx, CS_CHAIN_BLOCK_CREATED, cs_block_serial (b), cs_block_height (b));
  r->match_index[ctx->id] = last_index (r);
  r->next_index[ctx->id] = last_index (r) + 1;
  for (guint32 p = 0; p < n_of (r); p++)
    if (p != ctx->id && r->next_index[p] == last_index (r)) /* all else sent: send the new one */
      send_append (ctx, r, p);
  advance_commit (ctx, r); /* a single replica commits alone */
}

static void
arm_batch (CsNodeCtx *ctx, RaftNode *r)
{
  if (r->role == LEADER && !r->batch_timer && r->pending && r->pending->len)
    r->batch_timer = cs_timer_start (ctx, r->s->config.batch, CS_RAFT_TIMER_BATCH, NULL);
}

static void
forward_pending (CsNodeCtx *ctx, RaftNode *r)
{
  if (r->role == LEADER || r->leader == NONE || !r->pending)
    return;
  for (guint i = 0; i < r->pending->len; i++)
    {
      CsTx *tx = g_memdup2 (&g_array_index (r->pending, CsTx, i), sizeof (CsTx));
      send_to (ctx, r->leader, CS_RAFT_MSG_FORWARD, tx->size, tx, g_free);
    }
  g_array_set_size (r->pending, 0);
}

static void
become_leader (CsNodeCtx *ctx, RaftNode *r)
{
  r->role = LEADER;
  r->leader = ctx->id;
  stop_timer (ctx, &r->election_timer);
  for (guint32 p = 0; p < n_of (r); p++)
    {
      r->next_index[p] = last_index (r) + 1;
      r->match_index[p] = 0;
    }
  cs_emit (ctx, CS_RAFT_LEADER, r->disk->term, 1);
  /* A block of the new term (the no-op entry of the Raft paper, carrying what is pending)
   * commits the entries of earlier terms with it; it also tells everyone of the leader. */
  propose_block (ctx, r); /* sent to every replica: all next indexes point at it */
  r->heartbeat_timer = cs_timer_start (ctx, r->s->config.heartbeat, CS_RAFT_TIMER_HEARTBEAT, NULL);
  arm_batch (ctx, r);
}

static void
start_election (CsNodeCtx *ctx, RaftNode *r)
{
  r->disk->term++;
  r->disk->voted_for = ctx->id;
  r->role = CANDIDATE;
  r->leader = NONE;
  r->votes = 1;
  cs_emit (ctx, CS_RAFT_ELECTION, r->disk->term, 1);
  if (r->votes > n_of (r) / 2)
    {
      become_leader (ctx, r);
      return;
    }
  for (guint32 p = 0; p < n_of (r); p++)
    if (p != ctx->id)
      {
        VoteReq *q = g_new (VoteReq, 1);
        *q = (VoteReq) { r->disk->term, last_index (r), last_term (r) };
        send_to (ctx, p, CS_RAFT_MSG_REQUEST_VOTE, 40, q, g_free);
      }
  reset_election_timer (ctx, r);
}

/* ---- message handlers ---- */

static void
on_request_vote (CsNodeCtx *ctx, RaftNode *r, guint32 from, const VoteReq *q)
{
  if (q->term > r->disk->term)
    become_follower (ctx, r, q->term);
  gboolean up_to_date = q->last_term > last_term (r)
    || (q->last_term == last_term (r) && q->last_index >= last_index (r));
  gboolean grant = q->term == r->disk->term && up_to_date
    && (r->disk->voted_for == NONE || r->disk->voted_for == from);
  if (grant)
    {
      r->disk->voted_for = from;
      reset_election_timer (ctx, r);
    }
  VoteResp *v = g_new (VoteResp, 1);
  *v = (VoteResp) { r->disk->term, grant };
  send_to (ctx, from, CS_RAFT_MSG_VOTE, 24, v, g_free);
}

static void
on_vote (CsNodeCtx *ctx, RaftNode *r, guint32 from, const VoteResp *v)
{
  if (v->term > r->disk->term)
    {
      become_follower (ctx, r, v->term);
      return;
    }
  if (r->role != CANDIDATE || v->term != r->disk->term || !v->granted)
    return;
  if (++r->votes > n_of (r) / 2)
    become_leader (ctx, r);
}

static void
reply_append (CsNodeCtx *ctx, RaftNode *r, guint32 to, gboolean ok, guint64 match)
{
  AppendResp *a = g_new (AppendResp, 1);
  *a = (AppendResp) { r->disk->term, ok, match };
  send_to (ctx, to, CS_RAFT_MSG_APPEND_REPLY, 32, a, g_free);
}

static void
on_append (CsNodeCtx *ctx, RaftNode *r, guint32 from, const Append *a)
{
  if (a->term < r->disk->term)
    {
      reply_append (ctx, r, from, FALSE, last_index (r));
      return;
    }
  become_follower (ctx, r, a->term); /* same term: a candidate steps down; resets the timer */
  gboolean new_leader = r->leader != from;
  r->leader = from;
  if (new_leader)
    forward_pending (ctx, r);
  if (a->prev_index > last_index (r) || entry_at (r, a->prev_index)->term != a->prev_term)
    {
      /* The hint: where the leader should resume. After a gap, just past this log's end; after
       * a conflict, before the first entry of the conflicting term (the Raft thesis' fast
       * backup, s.5.3: a partitioned leader's hundreds of stale entries cost one round trip,
       * not one each), never below the commit index (that prefix is the leader's too). */
      guint64 hint = MIN (last_index (r), a->prev_index - 1);
      if (a->prev_index <= last_index (r))
        {
          guint64 t = entry_at (r, a->prev_index)->term, i = a->prev_index;
          while (i > r->commit_index + 1 && entry_at (r, i - 1)->term == t)
            i--;
          hint = MIN (hint, MAX (i - 1, r->commit_index));
        }
      reply_append (ctx, r, from, FALSE, hint);
      return;
    }
  guint64 idx = a->prev_index;
  for (guint i = 0; i < a->n; i++)
    {
      idx = a->prev_index + 1 + i;
      if (idx <= last_index (r))
        {
          if (entry_at (r, idx)->term == a->e[i].term)
            continue; /* already held (same term and index: the same entry) */
          /* A conflict: drop it and everything after. Never below the commit index: the
           * safety checker would see the divergence. */
          g_array_set_size (r->disk->log, idx);
        }
      CsBlock *parent = entry_at (r, idx - 1)->block;
      CsBlock *b = a->e[i].block;
      CsBlockStatus st = cs_block_parent (b) == parent
        ? cs_block_validate (b, parent, cs_now (ctx), &r->s->validate) : CS_BLOCK_BAD_LINK;
      if (st != CS_BLOCK_VALID)
        {
          cs_emit (ctx, CS_CHAIN_INVALID, cs_block_serial (b), st);
          reply_append (ctx, r, from, FALSE, idx - 1);
          return;
        }
      Entry e = { a->e[i].term, cs_block_ref (b) };
      g_array_append_val (r->disk->log, e);
      cs_emit (ctx, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b), cs_block_height (b));
    }
  guint64 last_new = a->prev_index + a->n;
  if (a->leader_commit > r->commit_index)
    {
      r->commit_index = MIN (a->leader_commit, last_new);
      apply_commits (ctx, r);
    }
  reply_append (ctx, r, from, TRUE, last_new);
}

static void
on_append_reply (CsNodeCtx *ctx, RaftNode *r, guint32 from, const AppendResp *a)
{
  if (a->term > r->disk->term)
    {
      become_follower (ctx, r, a->term);
      return;
    }
  if (r->role != LEADER || a->term != r->disk->term)
    return;
  if (a->success)
    {
      r->match_index[from] = MAX (r->match_index[from], a->match);
      r->next_index[from] = MAX (r->next_index[from], r->match_index[from] + 1);
      advance_commit (ctx, r);
      if (r->next_index[from] <= last_index (r))
        send_append (ctx, r, from); /* more than max_entries were pending */
    }
  else
    {
      /* a gap or a conflict: resend from just after what the follower may hold */
      r->next_index[from] = a->match + 1;
      /* only a replica that lost its disk (outside Raft's model) reports less than it held */
      r->match_index[from] = MIN (r->match_index[from], a->match);
      send_append (ctx, r, from);
    }
}

/* ---- the class ---- */

static void
raft_submit_tx (CsNodeCtx *ctx, gpointer state, const CsTx *tx)
{
  RaftNode *r = state;
  cs_emit (ctx, CS_CHAIN_TX_SUBMITTED, ((guint64) tx->sender << 32) | (tx->nonce & 0xffffffffu),
           tx->size);
  if (r->role != LEADER && r->leader != NONE)
    {
      CsTx *copy = g_memdup2 (tx, sizeof (CsTx));
      send_to (ctx, r->leader, CS_RAFT_MSG_FORWARD, tx->size, copy, g_free);
      return;
    }
  g_array_append_val (r->pending, *tx);
  arm_batch (ctx, r);
}

static void
raft_start (CsNodeCtx *ctx, gpointer state)
{
  RaftNode *r = state;
  r->s = ctx->shared;
  r->disk = r->s->disks[ctx->id];
  r->role = FOLLOWER;
  r->leader = NONE;
  r->commit_index = 0;
  r->next_index = g_new0 (guint64, n_of (r));
  r->match_index = g_new0 (guint64, n_of (r));
  r->pending = g_array_new (FALSE, FALSE, sizeof (CsTx));
  reset_election_timer (ctx, r);
}

static void
raft_recover (CsNodeCtx *ctx, gpointer state, gboolean disk_lost)
{
  CsRaftShared *s = ctx->shared;
  if (disk_lost)
    disk_reset (s->disks[ctx->id], s->log.genesis);
  raft_start (ctx, state);
}

static void
raft_clear (gpointer state)
{
  RaftNode *r = state;
  g_clear_pointer (&r->next_index, g_free);
  g_clear_pointer (&r->match_index, g_free);
  g_clear_pointer (&r->pending, g_array_unref);
}

static void
raft_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  RaftNode *r = state;
  switch (msg->type)
    {
    case CS_RAFT_MSG_REQUEST_VOTE: on_request_vote (ctx, r, from, msg->body); break;
    case CS_RAFT_MSG_VOTE: on_vote (ctx, r, from, msg->body); break;
    case CS_RAFT_MSG_APPEND: on_append (ctx, r, from, msg->body); break;
    case CS_RAFT_MSG_APPEND_REPLY: on_append_reply (ctx, r, from, msg->body); break;
    case CS_RAFT_MSG_FORWARD:
      if (r->role == LEADER || r->leader == NONE)
        {
          g_array_append_val (r->pending, *(const CsTx *) msg->body);
          arm_batch (ctx, r);
        }
      else if (r->leader != from) /* stale leader info at the sender: pass it on */
        send_to (ctx, r->leader, CS_RAFT_MSG_FORWARD, msg->size,
                 g_memdup2 (msg->body, sizeof (CsTx)), g_free);
      else
        g_array_append_val (r->pending, *(const CsTx *) msg->body);
      break;
    default: break;
    }
}

static void
raft_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  RaftNode *r = state;
  switch (kind)
    {
    case CS_RAFT_TIMER_ELECTION:
      r->election_timer = 0;
      if (r->role != LEADER)
        start_election (ctx, r);
      break;
    case CS_RAFT_TIMER_HEARTBEAT:
      r->heartbeat_timer = 0;
      if (r->role == LEADER)
        {
          broadcast_append (ctx, r);
          r->heartbeat_timer = cs_timer_start (ctx, r->s->config.heartbeat,
                                               CS_RAFT_TIMER_HEARTBEAT, NULL);
        }
      break;
    case CS_RAFT_TIMER_BATCH:
      r->batch_timer = 0;
      if (r->role == LEADER && r->pending->len)
        {
          propose_block (ctx, r);
          arm_batch (ctx, r);
        }
      break;
    case CS_CONSENSUS_TIMER_SUBMIT:
      raft_submit_tx (ctx, state, arg);
      break;
    default: break;
    }
}

static CsBlock *
raft_head (gpointer state)
{
  RaftNode *r = state;
  return entry_at (r, last_index (r))->block;
}

static CsBlock *
raft_final (gpointer state)
{
  RaftNode *r = state;
  return entry_at (r, r->commit_index)->block;
}

guint64 cs_raft_term (gpointer state) { return ((RaftNode *) state)->disk->term; }
gboolean cs_raft_is_leader (gpointer state) { return ((RaftNode *) state)->role == LEADER; }
guint64 cs_raft_commit_index (gpointer state) { return ((RaftNode *) state)->commit_index; }
guint64 cs_raft_log_len (gpointer state) { return last_index ((RaftNode *) state); }

const CsConsensusClass cs_raft_class = {
  .base = {
    .name = "raft",
    .state_size = sizeof (RaftNode),
    .start = raft_start,
    .on_message = raft_on_message,
    .on_timer = raft_on_timer,
    .clear = raft_clear,
    .recover = raft_recover,
  },
  .submit_tx = raft_submit_tx,
  .head = raft_head,
  .final = raft_final,
};
