/* test-nakamoto.c: tests of sim/consensus/nakamoto.c driven by hand through a fake node context
 * (no engine, no network): what one node sends, emits, schedules and cancels for each input.
 * Covers the mining timer (redrawn when the tip changes, not otherwise), the inv-getdata
 * exchange, the known-peer filter on announcements, orphan parent fetch, invalid blocks, the compact-block missing-transaction round
 * trip, real proof of work, pool placement and the configuration checks. */
#include "consensus/cs-nakamoto.h"
#include "engine/cs-rng.h"
#include "scenario/cs-config.h"

#include <string.h>

/* One message the node sent. */
typedef struct
{
  guint32 peer;
  guint16 type;
  guint64 size;
  CsMsg *msg;   /* a reference */
} Sent;

/* One measurement the node emitted. */
typedef struct
{
  guint metric;
  guint64 key;
  double value;
} Emitted;

/* One timer the node started. */
typedef struct
{
  CsNodeTimer id;
  guint16 kind;
  CsTime delay;
  gboolean cancelled;
} Timer;

/* A fake context recording everything the node does. */
typedef struct
{
  CsTime now;
  guint32 peers[4];
  guint n_peers;
  GArray *sent;     /* Sent */
  GArray *emitted;  /* Emitted */
  GArray *timers;   /* Timer, by id - 1 */
  guint cancels;    /* timer_cancel calls on live timers */
} Fake;

static CsTime fake_now (CsNodeCtx *ctx) { return ((Fake *) ctx->impl)->now; }

static void
fake_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg)
{
  Fake *f = ctx->impl;
  Sent s = { .peer = peer, .type = msg->type, .size = msg->size, .msg = cs_msg_ref (msg) };
  g_array_append_val (f->sent, s);
}

static const guint32 *
fake_peers (CsNodeCtx *ctx, guint *n)
{
  Fake *f = ctx->impl;
  *n = f->n_peers;
  return f->peers;
}

static CsNodeTimer
fake_timer_start (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg)
{
  Fake *f = ctx->impl;
  Timer t = { .id = f->timers->len + 1, .kind = kind, .delay = delay };
  g_array_append_val (f->timers, t);
  return t.id;
}

static gboolean
fake_timer_cancel (CsNodeCtx *ctx, CsNodeTimer id)
{
  Fake *f = ctx->impl;
  g_assert_cmpuint (id, >=, 1);
  g_assert_cmpuint (id, <=, f->timers->len);
  Timer *t = &g_array_index (f->timers, Timer, id - 1);
  if (t->cancelled)
    return FALSE;
  t->cancelled = TRUE;
  f->cancels++;
  return TRUE;
}

static void
fake_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value)
{
  Emitted e = { metric, key, value };
  g_array_append_val (((Fake *) ctx->impl)->emitted, e);
}

static const CsNodeCtxOps fake_ops = {
  fake_now, fake_send, fake_peers, fake_timer_start, fake_timer_cancel, fake_emit,
};

/* A node under test with its shared data. */
typedef struct
{
  Fake f;
  CsNakamotoConfig config;
  CsNakamotoShared *shared;
  CsNodeCtx ctx;
  gsl_rng *rng;
  gpointer state;
} Rig;

static void
rig_config_defaults (CsNakamotoConfig *c)
{
  *c = (CsNakamotoConfig) {
    .interval = 600 * CS_SEC, .block_size = 10000, .tx_size = 500, .tx_sample = 2,
    .relay = CS_RELAY_INV_GETDATA, .compact_high_bandwidth = TRUE,
    .hash_power = CS_HASH_UNIFORM, .hashrate_scale = 1, .genesis_bits = (char *) "0x1d00ffff",
    .request_timeout = 60 * CS_SEC, .confirmations = 2,
  };
}

/* Node 0 of a 4-node network whose peers are 1, 2 and 3; every node mines (uniform). */
static void
rig_start (Rig *r)
{
  cs_gsl_init ();
  r->f.peers[0] = 1;
  r->f.peers[1] = 2;
  r->f.peers[2] = 3;
  r->f.n_peers = 3;
  r->f.now = CS_SEC;
  r->f.sent = g_array_new (FALSE, FALSE, sizeof (Sent));
  r->f.emitted = g_array_new (FALSE, FALSE, sizeof (Emitted));
  r->f.timers = g_array_new (FALSE, FALSE, sizeof (Timer));
  g_autoptr (GError) error = NULL;
  r->shared = cs_nakamoto_shared_new (&r->config, 4, NULL, NULL, NULL, 1, &error);
  g_assert_no_error (error);
  r->rng = cs_rng_new (1, 99);
  r->ctx = (CsNodeCtx) { .ops = &fake_ops, .id = 0, .rng = r->rng, .shared = r->shared,
                         .impl = &r->f };
  r->state = g_malloc0 (cs_nakamoto_class.base.state_size);
  cs_nakamoto_class.base.start (&r->ctx, r->state);
}

static void
rig_clear_records (Rig *r)
{
  for (guint i = 0; i < r->f.sent->len; i++)
    cs_msg_unref (g_array_index (r->f.sent, Sent, i).msg);
  g_array_set_size (r->f.sent, 0);
  g_array_set_size (r->f.emitted, 0);
}

static void
rig_free (Rig *r)
{
  rig_clear_records (r);
  cs_nakamoto_class.base.clear (r->state);
  g_free (r->state);
  cs_nakamoto_shared_free (r->shared);
  gsl_rng_free (r->rng);
  g_array_unref (r->f.sent);
  g_array_unref (r->f.emitted);
  g_array_unref (r->f.timers);
}

/* A valid block on @parent mined by @miner at @t, recorded in the log. */
static CsBlock *
make_block (Rig *r, CsBlock *parent, guint32 miner, CsTime t)
{
  CsTx txs[2];
  cs_tx_init (&txs[0], miner, t, 1, 2, 1000, 10, 226);
  cs_tx_init (&txs[1], miner, t + 1, 1, 2, 2000, 10, 226);
  CsBlockTemplate tmpl = {
    .version = 0x20000000, .bits = cs_block_bits (parent), .timestamp = t, .miner = miner,
    .n_tx = 20, .size = 10000, .txs = txs, .n_txs = 2, .simulated_pow = TRUE,
  };
  CsBlock *b = cs_block_new (parent, &tmpl, &r->shared->log.next_serial);
  cs_chain_log_add (&r->shared->log, b);
  return b;
}

static void
deliver (Rig *r, guint32 from, guint16 type, guint64 size, CsBlock *block)
{
  g_autoptr (CsMsg) msg = cs_msg_new (type, size, cs_block_ref (block),
                                      (GDestroyNotify) cs_block_unref);
  cs_nakamoto_class.base.on_message (&r->ctx, r->state, from, msg);
}

static guint
count_emitted (Rig *r, guint metric, guint64 key)
{
  guint n = 0;
  for (guint i = 0; i < r->f.emitted->len; i++)
    {
      Emitted *e = &g_array_index (r->f.emitted, Emitted, i);
      n += e->metric == metric && e->key == key;
    }
  return n;
}

static const Emitted *
find_emitted (Rig *r, guint metric)
{
  for (guint i = 0; i < r->f.emitted->len; i++)
    if (g_array_index (r->f.emitted, Emitted, i).metric == metric)
      return &g_array_index (r->f.emitted, Emitted, i);
  return NULL;
}

static Sent *
sent_at (Rig *r, guint i)
{
  g_assert_cmpuint (i, <, r->f.sent->len);
  return &g_array_index (r->f.sent, Sent, i);
}

static Timer *
last_timer (Rig *r)
{
  g_assert_cmpuint (r->f.timers->len, >, 0);
  return &g_array_index (r->f.timers, Timer, r->f.timers->len - 1);
}

static CsBlock *
tip (Rig *r)
{
  return cs_nakamoto_class.head (r->state);
}

static void
test_mining_redrawn_on_tip_change (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  rig_start (&r);
  /* start: a MINE timer, mean 600 s / (1/4 share) = 2400 s. */
  g_assert_cmpuint (r.f.timers->len, ==, 1);
  g_assert_cmpuint (last_timer (&r)->kind, ==, CS_NAK_TIMER_MINE);
  g_assert_cmpint (last_timer (&r)->delay, >, 0);

  /* A new tip pushed whole from peer 1, zero validation cost: accepted at once; the race is
   * redrawn (old timer cancelled, a new one started) and the tip announced to 2 and 3. */
  g_autoptr (CsBlock) b1 = make_block (&r, r.shared->log.genesis, 1, CS_SEC / 2);
  deliver (&r, 1, CS_NAK_MSG_BLOCK, 24 + 10000, b1);
  g_assert_true (tip (&r) == b1);
  g_assert_cmpuint (r.f.cancels, ==, 1);
  g_assert_true (g_array_index (r.f.timers, Timer, 0).cancelled);
  g_assert_cmpuint (r.f.timers->len, ==, 2);
  g_assert_cmpuint (last_timer (&r)->kind, ==, CS_NAK_TIMER_MINE);
  g_assert_false (last_timer (&r)->cancelled);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_RECEIVED, cs_block_serial (b1)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b1)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_NEW_TIP, cs_block_serial (b1)), ==, 1);
  g_assert_cmpuint (r.f.sent->len, ==, 2);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 2);
  g_assert_cmpuint (sent_at (&r, 1)->peer, ==, 3);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_INV);
  g_assert_cmpuint (sent_at (&r, 0)->size, ==, 61);
  /* One shared message for all peers. */
  g_assert_true (sent_at (&r, 0)->msg == sent_at (&r, 1)->msg);

  /* A competitor at the same height arrives second: kept, not the tip, not relayed, and the
   * race goes on undisturbed. */
  rig_clear_records (&r);
  g_autoptr (CsBlock) b1x = make_block (&r, r.shared->log.genesis, 2, CS_SEC / 2 + 1);
  deliver (&r, 2, CS_NAK_MSG_BLOCK, 24 + 10000, b1x);
  g_assert_true (tip (&r) == b1);
  g_assert_true (cs_block_tree_has (cs_nakamoto_node_tree (r.state), b1x));
  g_assert_cmpuint (r.f.cancels, ==, 1);
  g_assert_cmpuint (r.f.timers->len, ==, 2);
  g_assert_cmpuint (r.f.sent->len, ==, 0);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b1x)), ==, 1);
  g_assert_null (find_emitted (&r, CS_CHAIN_NEW_TIP));

  /* b1x's child wins: a reorganization of depth 1, reported; the race is redrawn again. */
  g_autoptr (CsBlock) b2x = make_block (&r, b1x, 2, 2 * CS_SEC);
  r.f.now = 3 * CS_SEC;
  deliver (&r, 2, CS_NAK_MSG_BLOCK, 24 + 10000, b2x);
  g_assert_true (tip (&r) == b2x);
  const Emitted *reorg = find_emitted (&r, CS_CHAIN_REORG);
  g_assert_nonnull (reorg);
  g_assert_cmpuint (reorg->key, ==, cs_block_serial (b2x));
  g_assert_cmpfloat (reorg->value, ==, 1);
  g_assert_cmpuint (r.f.cancels, ==, 2);
  g_assert_cmpuint (r.f.timers->len, ==, 3);
  /* confirmations 2: b1x is now 2 deep, committed. */
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_COMMIT, cs_block_serial (b1x)), ==, 1);
  g_assert_true (cs_nakamoto_class.final (r.state) == b1x);
  /* A duplicate copy is counted, nothing else. */
  rig_clear_records (&r);
  deliver (&r, 3, CS_NAK_MSG_BLOCK, 24 + 10000, b2x);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_DUPLICATE, cs_block_serial (b2x)), ==, 1);
  g_assert_cmpuint (r.f.sent->len, ==, 0);
  rig_free (&r);
}

static void
test_mining_creates_block (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  r.config.real_pow = TRUE;
  r.config.genesis_bits = (char *) "0x207fffff";
  rig_start (&r);
  r.f.now = 5 * CS_SEC;
  cs_nakamoto_class.base.on_timer (&r.ctx, r.state, CS_NAK_TIMER_MINE, NULL);
  const Emitted *created = find_emitted (&r, CS_CHAIN_BLOCK_CREATED);
  g_assert_nonnull (created);
  CsBlock *b = cs_chain_log_get (&r.shared->log, created->key);
  g_assert_nonnull (b);
  g_assert_true (tip (&r) == b);
  g_assert_cmpuint (cs_block_miner (b), ==, 0);
  g_assert_cmpint (cs_block_timestamp (b), ==, 5 * CS_SEC);
  /* Real proof of work: the hash meets the (easy) target and validation checks it. */
  g_assert_false (cs_block_simulated_pow (b));
  g_assert_true (cs_hash_meets_target (cs_block_hash (b), cs_block_target (b)));
  g_assert_cmpint (cs_block_check_intrinsic (b), ==, CS_BLOCK_VALID);
  guint n;
  cs_block_txs (b, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (cs_block_n_tx (b), ==, 20);
  g_assert_cmpuint (cs_block_size (b), ==, 10000);
  /* Announced to every peer, and a new race started (the fired timer is not cancelled). */
  g_assert_cmpuint (r.f.sent->len, ==, 3);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_INV);
  g_assert_cmpuint (r.f.cancels, ==, 0);
  g_assert_cmpuint (r.f.timers->len, ==, 2);
  g_assert_cmpuint (last_timer (&r)->kind, ==, CS_NAK_TIMER_MINE);
  /* No ACCEPTED for its own block: CREATED is its arrival. */
  g_assert_null (find_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED));

  /* A submitted transaction goes into the node's next block. */
  CsTx tx;
  cs_tx_init (&tx, 42, 7, 1, 1, 5, 1, 300);
  cs_nakamoto_class.submit_tx (&r.ctx, r.state, &tx);
  g_assert_nonnull (find_emitted (&r, CS_CHAIN_TX_SUBMITTED));
  rig_clear_records (&r);
  r.f.now = 6 * CS_SEC;
  cs_nakamoto_class.base.on_timer (&r.ctx, r.state, CS_NAK_TIMER_MINE, NULL);
  CsBlock *b2 = tip (&r);
  const CsTx *txs = cs_block_txs (b2, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (cs_hash_equal (&txs[0].id, &tx.id));
  g_assert_true (cs_block_parent (b2) == b);
  rig_free (&r);
}

static void
test_inv_getdata (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  r.config.validation_fixed = 100 * CS_MSEC;
  r.config.validation_per_kb = CS_MSEC;
  rig_start (&r);
  g_autoptr (CsBlock) b1 = make_block (&r, r.shared->log.genesis, 2, CS_SEC / 2);

  /* inv from 2: the node asks 2 for it (getdata, 61 bytes). */
  deliver (&r, 2, CS_NAK_MSG_INV, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 2);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_GETDATA);
  g_assert_cmpuint (sent_at (&r, 0)->size, ==, 61);
  g_assert_true (sent_at (&r, 0)->msg->body == b1);
  /* The same inv from 3 while the request is pending: nothing. */
  deliver (&r, 3, CS_NAK_MSG_INV, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  /* After the request timeout, another announcement is followed. */
  r.f.now += 61 * CS_SEC;
  deliver (&r, 3, CS_NAK_MSG_INV, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 2);
  g_assert_cmpuint (sent_at (&r, 1)->peer, ==, 3);

  /* The block arrives: received, queued for 100 ms + 10 KB x 1 ms = 110 ms of validation. */
  rig_clear_records (&r);
  deliver (&r, 3, CS_NAK_MSG_BLOCK, 24 + 10000, b1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_RECEIVED, cs_block_serial (b1)), ==, 1);
  g_assert_null (find_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED));
  g_assert_cmpuint (last_timer (&r)->kind, ==, CS_NAK_TIMER_VALIDATED);
  g_assert_cmpint (last_timer (&r)->delay, ==, 110 * CS_MSEC);
  /* A second block queued behind it waits for the CPU: 110 + 110 ms. */
  g_autoptr (CsBlock) c1 = make_block (&r, r.shared->log.genesis, 1, CS_SEC / 2 + 5);
  deliver (&r, 1, CS_NAK_MSG_BLOCK, 24 + 10000, c1);
  g_assert_cmpint (last_timer (&r)->delay, ==, 220 * CS_MSEC);
  /* Nobody gets the block before it is validated. */
  deliver (&r, 1, CS_NAK_MSG_GETDATA, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 0);

  r.f.now += 110 * CS_MSEC;
  cs_nakamoto_class.base.on_timer (&r.ctx, r.state, CS_NAK_TIMER_VALIDATED, NULL);
  g_assert_true (tip (&r) == b1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b1)), ==, 1);
  /* Announced to every peer but the one it came from (3). */
  g_assert_cmpuint (r.f.sent->len, ==, 2);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 1);
  g_assert_cmpuint (sent_at (&r, 1)->peer, ==, 2);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_INV);

  /* Peer 1 asks for it: the full block goes back, 24 + 10,000 bytes. */
  rig_clear_records (&r);
  deliver (&r, 1, CS_NAK_MSG_GETDATA, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_BLOCK);
  g_assert_cmpuint (sent_at (&r, 0)->size, ==, 10024);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 1);

  /* The second validation: equal work, first seen stays. */
  r.f.now += 110 * CS_MSEC;
  cs_nakamoto_class.base.on_timer (&r.ctx, r.state, CS_NAK_TIMER_VALIDATED, NULL);
  g_assert_true (tip (&r) == b1);
  /* An inv for a block it has: ignored. */
  rig_clear_records (&r);
  deliver (&r, 2, CS_NAK_MSG_INV, 61, c1);
  g_assert_cmpuint (r.f.sent->len, ==, 0);
  rig_free (&r);
}

/* known_filter: peers that announced a block, before or during its validation here, get no
 * announcement of it (Bitcoin Core's PeerHasHeader check); the others still do. */
static void
test_known_filter (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  r.config.known_filter = TRUE;
  r.config.validation_fixed = 100 * CS_MSEC;
  rig_start (&r);
  g_autoptr (CsBlock) b1 = make_block (&r, r.shared->log.genesis, 2, CS_SEC / 2);

  /* 2 announces it, is asked, and sends it. */
  deliver (&r, 2, CS_NAK_MSG_INV, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  rig_clear_records (&r);
  deliver (&r, 2, CS_NAK_MSG_BLOCK, 24 + 10000, b1);
  /* While it is validated, 3 announces it too. */
  deliver (&r, 3, CS_NAK_MSG_INV, 61, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 0);
  r.f.now += 100 * CS_MSEC;
  cs_nakamoto_class.base.on_timer (&r.ctx, r.state, CS_NAK_TIMER_VALIDATED, NULL);
  g_assert_true (tip (&r) == b1);
  /* Only 1 hears of it: 2 sent it and 3 announced it. */
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_INV);

  /* What the peers knew of b1 is forgotten: a block mined here goes to all three. */
  rig_clear_records (&r);
  r.f.now += CS_SEC;
  cs_nakamoto_class.base.on_timer (&r.ctx, r.state, CS_NAK_TIMER_MINE, NULL);
  g_assert_true (cs_block_parent (tip (&r)) == b1);
  g_assert_cmpuint (r.f.sent->len, ==, 3);
  rig_free (&r);
}

static void
test_orphan_fetch (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  rig_start (&r);
  g_autoptr (CsBlock) b1 = make_block (&r, r.shared->log.genesis, 1, CS_SEC / 4);
  g_autoptr (CsBlock) b2 = make_block (&r, b1, 1, CS_SEC / 2);
  g_autoptr (CsBlock) b3 = make_block (&r, b2, 1, 3 * CS_SEC / 4);

  /* b3 arrives first: an orphan; its missing ancestor b2... */
  deliver (&r, 1, CS_NAK_MSG_BLOCK, 10024, b3);
  g_assert_true (tip (&r) == r.shared->log.genesis);
  g_assert_true (cs_block_tree_is_orphan (cs_nakamoto_node_tree (r.state), b3));
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_GETDATA);
  g_assert_true (sent_at (&r, 0)->msg->body == b2);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 1);
  /* ...arrives, also an orphan: now b1 is asked for. */
  rig_clear_records (&r);
  deliver (&r, 1, CS_NAK_MSG_BLOCK, 10024, b2);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  g_assert_true (sent_at (&r, 0)->msg->body == b1);
  /* b1 connects the whole chain: three ACCEPTED, the tip is b3, announced to 2 and 3. */
  rig_clear_records (&r);
  deliver (&r, 1, CS_NAK_MSG_BLOCK, 10024, b1);
  g_assert_true (tip (&r) == b3);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b1)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b2)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b3)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_NEW_TIP, cs_block_serial (b3)), ==, 1);
  g_assert_cmpuint (r.f.sent->len, ==, 2);
  g_assert_true (sent_at (&r, 0)->msg->body == b3);
  /* confirmations 2 with the tip at height 3: heights 1 and 2 committed, in order. */
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_COMMIT, cs_block_serial (b1)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_COMMIT, cs_block_serial (b2)), ==, 1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_COMMIT, cs_block_serial (b3)), ==, 0);
  rig_free (&r);
}

static void
test_invalid_rejected (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  rig_start (&r);
  /* A block whose Merkle root commits to nothing. */
  CsBlockTemplate tmpl = {
    .version = 0x20000000, .bits = cs_block_bits (r.shared->log.genesis), .timestamp = CS_SEC / 2,
    .miner = 3, .n_tx = 20, .size = 10000, .simulated_pow = TRUE,
  };
  CsBlockHeader h = { .version = tmpl.version, .prev = *cs_block_hash (r.shared->log.genesis),
                      .time = 0, .bits = tmpl.bits };
  g_autoptr (CsBlock) bad = cs_block_new_forged (r.shared->log.genesis, &h, &tmpl,
                                                 &r.shared->log.next_serial);
  cs_chain_log_add (&r.shared->log, bad);
  deliver (&r, 3, CS_NAK_MSG_BLOCK, 10024, bad);
  const Emitted *inv = find_emitted (&r, CS_CHAIN_INVALID);
  g_assert_nonnull (inv);
  g_assert_cmpuint (inv->key, ==, cs_block_serial (bad));
  g_assert_cmpfloat (inv->value, ==, CS_BLOCK_BAD_MERKLE);
  g_assert_true (tip (&r) == r.shared->log.genesis);
  g_assert_cmpuint (r.f.sent->len, ==, 0);     /* not relayed */
  g_assert_cmpuint (r.f.timers->len, ==, 1);   /* the race goes on */
  g_assert_null (find_emitted (&r, CS_CHAIN_BLOCK_ACCEPTED));
  /* Its child is rejected too (bad parent), and not requested nor relayed. */
  rig_clear_records (&r);
  g_autoptr (CsBlock) child = make_block (&r, bad, 3, CS_SEC);
  r.f.now = 2 * CS_SEC;
  deliver (&r, 3, CS_NAK_MSG_BLOCK, 10024, child);
  inv = find_emitted (&r, CS_CHAIN_INVALID);
  g_assert_nonnull (inv);
  g_assert_cmpfloat (inv->value, ==, CS_BLOCK_BAD_PARENT);
  g_assert_cmpuint (r.f.sent->len, ==, 0);
  /* An inv for the invalid block is not followed (it was received). */
  deliver (&r, 2, CS_NAK_MSG_INV, 61, bad);
  g_assert_cmpuint (r.f.sent->len, ==, 0);

  /* A faulty miner: invalid_fraction 1 makes every mined block invalid; it is pushed to peers
   * and the miner keeps mining on its valid tip. */
  Rig m = { 0 };
  rig_config_defaults (&m.config);
  m.config.invalid_fraction = 1;
  rig_start (&m);
  cs_nakamoto_class.base.on_timer (&m.ctx, m.state, CS_NAK_TIMER_MINE, NULL);
  g_assert_true (tip (&m) == m.shared->log.genesis);
  g_assert_cmpuint (m.f.sent->len, ==, 3);
  g_assert_cmpuint (sent_at (&m, 0)->type, ==, CS_NAK_MSG_BLOCK);
  CsBlock *forged = sent_at (&m, 0)->msg->body;
  g_assert_cmpint (cs_block_check_intrinsic (forged), ==, CS_BLOCK_BAD_MERKLE);
  g_assert_cmpuint (last_timer (&m)->kind, ==, CS_NAK_TIMER_MINE);
  rig_free (&m);
  rig_free (&r);
}

static void
test_compact_round_trip (void)
{
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  r.config.relay = CS_RELAY_COMPACT;
  r.config.compact_miss_rate = 1.0; /* lacks every transaction but the prefilled coinbase */
  rig_start (&r);
  g_autoptr (CsBlock) b1 = make_block (&r, r.shared->log.genesis, 1, CS_SEC / 2);
  guint64 cmpct = 24 + 80 + 8 + 3 + 6 * 19 + 1 + 500;

  deliver (&r, 1, CS_NAK_MSG_CMPCT, cmpct, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  Sent *s = sent_at (&r, 0);
  g_assert_cmpuint (s->type, ==, CS_NAK_MSG_GETBLOCKTXN);
  g_assert_cmpuint (s->peer, ==, 1);
  const CsNakGetBlockTxn *req = s->msg->body;
  g_assert_true (req->block == b1);
  g_assert_cmpuint (req->missing, ==, 19);
  g_assert_cmpuint (s->size, ==, 24 + 32 + 3 + 3 * 19);
  g_assert_null (find_emitted (&r, CS_CHAIN_BLOCK_RECEIVED));
  /* A second compact block from another high-bandwidth peer meanwhile: ignored. */
  deliver (&r, 2, CS_NAK_MSG_CMPCT, cmpct, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 1);

  /* The missing transactions: the block is complete, validated, the tip; relayed as compact
   * blocks to the other peers. */
  rig_clear_records (&r);
  deliver (&r, 1, CS_NAK_MSG_BLOCKTXN, 24 + 32 + 3 + 19 * 500, b1);
  g_assert_cmpuint (count_emitted (&r, CS_CHAIN_BLOCK_RECEIVED, cs_block_serial (b1)), ==, 1);
  g_assert_true (tip (&r) == b1);
  g_assert_cmpuint (r.f.sent->len, ==, 2);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_CMPCT);
  g_assert_cmpuint (sent_at (&r, 0)->size, ==, cmpct);

  /* Serving a peer's getblocktxn: k transactions of tx_size bytes. */
  rig_clear_records (&r);
  CsNakGetBlockTxn *body = g_new (CsNakGetBlockTxn, 1);
  body->block = cs_block_ref (b1);
  body->missing = 7;
  g_autoptr (CsMsg) msg = cs_msg_new (CS_NAK_MSG_GETBLOCKTXN, 100, body,
                                      cs_nakamoto_getblocktxn_free);
  cs_nakamoto_class.base.on_message (&r.ctx, r.state, 3, msg);
  g_assert_cmpuint (r.f.sent->len, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_BLOCKTXN);
  g_assert_cmpuint (sent_at (&r, 0)->size, ==, 24 + 32 + 3 + 7 * 500);
  rig_free (&r);

  /* With nothing missing, a compact block completes at once; low-bandwidth mode announces with
   * an inv and answers getdata-compact with a compact block. */
  Rig q = { 0 };
  rig_config_defaults (&q.config);
  q.config.relay = CS_RELAY_COMPACT;
  q.config.compact_high_bandwidth = FALSE;
  rig_start (&q);
  g_autoptr (CsBlock) c1 = make_block (&q, q.shared->log.genesis, 1, CS_SEC / 2);
  deliver (&q, 2, CS_NAK_MSG_INV, 61, c1);
  g_assert_cmpuint (sent_at (&q, 0)->type, ==, CS_NAK_MSG_GETDATA_CMPCT);
  rig_clear_records (&q);
  deliver (&q, 2, CS_NAK_MSG_CMPCT, cmpct, c1);
  g_assert_true (tip (&q) == c1);
  g_assert_cmpuint (sent_at (&q, 0)->type, ==, CS_NAK_MSG_INV);
  rig_clear_records (&q);
  deliver (&q, 1, CS_NAK_MSG_GETDATA_CMPCT, 61, c1);
  g_assert_cmpuint (sent_at (&q, 0)->type, ==, CS_NAK_MSG_CMPCT);
  g_assert_cmpuint (sent_at (&q, 0)->size, ==, cmpct);
  rig_free (&q);
}

static void
test_unsolicited_and_mesh (void)
{
  /* Unsolicited relay pushes the whole block; a pool with pool_mesh also sends to the pools that
   * are not its peers. */
  Rig r = { 0 };
  rig_config_defaults (&r.config);
  r.config.relay = CS_RELAY_UNSOLICITED;
  r.config.hash_power = CS_HASH_POOLS;
  r.config.pool_mesh = TRUE;
  r.config.placement = CS_PLACE_BEST_CONNECTED;
  r.config.pools = g_array_new (FALSE, TRUE, sizeof (CsPoolConfig));
  CsPoolConfig pools[3] = { { .share = 2 }, { .share = 1 }, { .share = 1 } };
  g_array_append_vals (r.config.pools, pools, 3);
  /* rig_start places by degree (none given: all 0, ties to the lower id): pools on 0, 1, 2; with
   * 6 nodes node 4 and 5 hold nothing. Build by hand for 6 nodes. */
  cs_gsl_init ();
  guint32 degree[6] = { 3, 1, 5, 2, 5, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (CsNakamotoShared) s = cs_nakamoto_shared_new (&r.config, 6, degree, NULL, NULL, 1,
                                                           &error);
  g_assert_no_error (error);
  /* best-connected: degrees 5, 5, 3 -> nodes 2, 4, 0; the first pool (half) on node 2. */
  g_assert_cmpfloat_with_epsilon (s->share[2], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (s->share[4], 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (s->share[0], 0.25, 1e-12);
  g_assert_cmpuint (s->n_pool_nodes, ==, 3);
  g_assert_cmpuint (s->pool_nodes[0], ==, 0);
  g_assert_cmpuint (s->pool_nodes[1], ==, 2);
  g_assert_cmpuint (s->pool_nodes[2], ==, 4);

  rig_start (&r);
  /* 4 nodes, all degree 0: pools on nodes 0, 1, 2 (ties to the lower id); node 0's peers are
   * 1, 2, 3, so the mesh adds nobody; drop peer 2 to see the mesh at work. */
  r.f.peers[0] = 1;
  r.f.peers[1] = 3;
  r.f.n_peers = 2;
  g_autoptr (CsBlock) b1 = make_block (&r, r.shared->log.genesis, 3, CS_SEC / 2);
  deliver (&r, 3, CS_NAK_MSG_BLOCK, 10024, b1);
  g_assert_cmpuint (r.f.sent->len, ==, 2);
  g_assert_cmpuint (sent_at (&r, 0)->peer, ==, 1);
  g_assert_cmpuint (sent_at (&r, 0)->type, ==, CS_NAK_MSG_BLOCK);
  g_assert_cmpuint (sent_at (&r, 0)->size, ==, 10024);
  g_assert_cmpuint (sent_at (&r, 1)->peer, ==, 2); /* through the mesh */
  rig_free (&r);
  g_array_unref (r.config.pools);
}

static void
test_placement (void)
{
  cs_gsl_init ();
  CsNakamotoConfig c;
  rig_config_defaults (&c);
  c.hash_power = CS_HASH_POOLS;
  c.pools = g_array_new (FALSE, TRUE, sizeof (CsPoolConfig));
  CsPoolConfig pools[4] = { { .share = 0.4, .region = (char *) "B" }, { .share = 0.3 },
                            { .share = 0.2, .region = (char *) "B" }, { .share = 0.1 } };
  g_array_append_vals (c.pools, pools, 4);
  const char *names[] = { "A", "B", NULL };
  gint region[100];
  for (guint i = 0; i < 100; i++)
    region[i] = i % 10 == 0 ? 1 : 0; /* 10 nodes in B */
  /* Random placement: deterministic per seed, regions respected, distinct nodes. */
  g_autoptr (CsNakamotoShared) a = cs_nakamoto_shared_new (&c, 100, NULL, region, names, 5, NULL);
  g_autoptr (CsNakamotoShared) b = cs_nakamoto_shared_new (&c, 100, NULL, region, names, 5, NULL);
  g_autoptr (CsNakamotoShared) d = cs_nakamoto_shared_new (&c, 100, NULL, region, names, 6, NULL);
  g_assert_cmpmem (a->share, 100 * sizeof (double), b->share, 100 * sizeof (double));
  g_assert_cmpuint (a->n_pool_nodes, ==, 4);
  g_assert_true (memcmp (a->share, d->share, 100 * sizeof (double)) != 0);
  double sum = 0, in_b = 0;
  for (guint i = 0; i < 100; i++)
    {
      sum += a->share[i];
      if (region[i] == 1)
        in_b += a->share[i];
    }
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
  g_assert_cmpfloat (in_b, >=, 0.6 - 1e-12);
  /* Too many pools for region B: an error, not a crash. */
  for (guint i = 0; i < 100; i++)
    region[i] = i == 50;
  g_autoptr (GError) error = NULL;
  g_assert_null (cs_nakamoto_shared_new (&c, 100, NULL, region, names, 5, &error));
  g_assert_error (error, CS_NAKAMOTO_ERROR, 0);
  /* Uniform over 10 miners of 100. */
  CsNakamotoConfig u;
  rig_config_defaults (&u);
  u.miners = 10;
  g_autoptr (CsNakamotoShared) m = cs_nakamoto_shared_new (&u, 100, NULL, NULL, NULL, 5, NULL);
  g_assert_cmpuint (m->n_pool_nodes, ==, 10);
  g_assert_cmpfloat_with_epsilon (m->share[m->pool_nodes[3]], 0.1, 1e-12);
  g_array_unref (c.pools);
}

static void
test_config (void)
{
  CsNakamotoConfig c = { 0 };
  g_autoptr (GError) error = NULL;
  const char *good = "interval: 150s\nblock_size: 6.11KB\nrelay: compact\nhash_power: pools\n"
                     "pools:\n  - {share: 0.6, region: EU}\n  - {share: 0.4}\n";
  g_assert_true (cs_config_load_data (&cs_nakamoto_schema, &c, "t.yaml", good, strlen (good),
                                      NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (c.interval, ==, 150 * CS_SEC);
  g_assert_cmpuint (c.block_size, ==, 6110);
  g_assert_cmpint (c.relay, ==, CS_RELAY_COMPACT);
  g_assert_cmpuint (c.pools->len, ==, 2);
  g_assert_cmpstr (g_array_index (c.pools, CsPoolConfig, 0).region, ==, "EU");
  g_assert_cmpint (c.confirmations, ==, 6);
  guint32 bits;
  g_assert_true (cs_nakamoto_parse_bits (c.genesis_bits, &bits));
  g_assert_cmphex (bits, ==, 0x1d00ffff);
  cs_config_clear (&cs_nakamoto_schema, &c);

  static const struct { const char *yaml; const char *message; } bad[] = {
    { "genesis_bits: zz\n", "not a compact target" },
    { "genesis_bits: 0x1d80ffff\n", "not a valid target" },
    { "real_pow: true\n", "easier target" },
    { "hash_power: pools\n", "at least one pool" },
    { "block_size: 1KB\ntx_sample: 10\n", "do not fit" },
    { "block_size: 2MB\nmax_block_size: 1MB\n", "every block would be invalid" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      CsNakamotoConfig x = { 0 };
      g_assert_false (cs_config_load_data (&cs_nakamoto_schema, &x, "t.yaml", bad[i].yaml,
                                           strlen (bad[i].yaml), NULL, &e));
      g_assert_nonnull (e);
      if (!strstr (e->message, bad[i].message))
        g_error ("%s: unexpected message: %s", bad[i].yaml, e->message);
    }
  /* Easy targets make real_pow acceptable. */
  const char *easy = "real_pow: true\ngenesis_bits: 0x207fffff\n";
  g_assert_true (cs_config_load_data (&cs_nakamoto_schema, &c, "t.yaml", easy, strlen (easy),
                                      NULL, NULL));
  cs_config_clear (&cs_nakamoto_schema, &c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nakamoto/mining/redrawn-on-tip-change", test_mining_redrawn_on_tip_change);
  g_test_add_func ("/nakamoto/mining/creates-block", test_mining_creates_block);
  g_test_add_func ("/nakamoto/relay/inv-getdata", test_inv_getdata);
  g_test_add_func ("/nakamoto/relay/known-filter", test_known_filter);
  g_test_add_func ("/nakamoto/relay/orphan-fetch", test_orphan_fetch);
  g_test_add_func ("/nakamoto/relay/invalid-rejected", test_invalid_rejected);
  g_test_add_func ("/nakamoto/relay/compact-round-trip", test_compact_round_trip);
  g_test_add_func ("/nakamoto/relay/unsolicited-and-mesh", test_unsolicited_and_mesh);
  g_test_add_func ("/nakamoto/shared/placement", test_placement);
  g_test_add_func ("/nakamoto/config", test_config);
  return g_test_run ();
}
