/* nakamoto.c: the node logic of Nakamoto proof-of-work consensus (cs-nakamoto.h), written against
 * the node context only.
 *
 * A block's life at a node: announced (inv, or pushed whole, or as a compact block) -> requested
 * if missing -> complete copy received (RECEIVED) -> queued for validation, which is serialized
 * on the node's CPU and takes cs_nakamoto_validation_cost() -> added to the block tree: rejected
 * (INVALID), buffered as an orphan (its missing ancestor is then requested from the sender), or
 * connected (ACCEPTED); when the tip changes (NEW_TIP, REORG when it leaves its chain) the node
 * redraws its mining timer, reports newly committed blocks (COMMIT, `confirmations` deep) and
 * announces the new tip to its peers. As in Bitcoin Core, only a new tip is announced: a block
 * that arrives second at equal work is kept but not relayed.
 *
 * Orphans released by their parent connect without a validation delay of their own (they are
 * rare: a child outrunning its parent). Requests that get no answer (lost transfers) are retried
 * only when another peer announces the block after request_timeout.
 *
 * Cost per block and node: O(peers) sends to announce, O(1) per message received, a few
 * emits; no allocation besides the messages, except the first time the small queues grow.
 * Announcements that will find the block received or requested, about 7 in 12 events of a
 * Bitcoin run, are taken in early (nak_absorb, nak_catch_up): never queued as events. */
#include "consensus/cs-nakamoto.h"

#include <gsl/gsl_randist.h>
#include <string.h>

/* A block waiting for (or under) validation. */
typedef struct
{
  CsBlock *block;  /* strong reference */
  guint32 from;    /* the peer it came from (G_MAXUINT32: none) */
} Pending;

/* A block asked for and not yet complete. */
typedef struct
{
  guint64 serial;  /* the block */
  guint32 peer;    /* asked from */
  CsTime at;       /* when */
} Request;

/* A peer known to have a block this node has not added to its tree yet: it announced or sent
 * the block here. Such peers get no announcement of it (CsNakamotoConfig.known_filter). */
typedef struct
{
  guint64 serial;  /* the block */
  CsTime at;       /* when the peer told us */
  guint32 peer;
} Known;

/* An announcement taken in early (nak_absorb): a peer's inv or compact block of block @serial,
 * due at @due, whose delivery will only note that the peer knows the block. */
typedef struct
{
  guint64 serial;
  CsNodeOrder due;  /* due.src is the peer */
} Absorbed;

/* Per-node state (the world allocates it zeroed). */
typedef struct
{
  /* First the fields that nak_absorb reads (for the first cache line): */
  guint64 *received;        /* bit per serial: a complete copy arrived, or the node mined it */
  Request *requests;        /* blocks asked for (n_requests of them; room for cap_requests) */
  GArray *validating;       /* Pending, in validation order (FIFO); NULL until needed */
  Absorbed *absorbed;       /* not yet applied: [first_absorbed, n_absorbed), in due order;
                             * room for cap_absorbed */
  guint32 received_words;   /* words of received */
  guint32 n_requests, cap_requests;
  guint32 first_absorbed, n_absorbed, cap_absorbed;
  guint32 committed;        /* main-chain height reported committed so far */
  CsBlockTree *tree;        /* the node's view of the chain */
  CsNodeTimer mine_timer;   /* the pending MINE timer; 0: none */
  CsTime cpu_free;          /* when the validations queued so far are done */
  GPtrArray *orphans;       /* blocks this node buffered as orphans (strong references) */
  GArray *mempool;          /* CsTx submitted here, for the node's next block; NULL if none */
  Known *known;             /* with known_filter (n_known; room for cap_known) */
  guint32 n_known, cap_known;
} NakNode;
/* requests and known are plain arrays rather than GArrays: one pointer less to follow on every
 * message received (a cache miss at 10,000 nodes and more; bench-scale). */

/* Room for one more element in the array *@v of *@n elements of @size bytes (capacity *@cap). */
static void
grow_for_one (gpointer *v, guint32 n, guint32 *cap, gsize size)
{
  if (n < *cap)
    return;
  *cap = *cap ? 2 * *cap : 8;
  *v = g_realloc_n (*v, *cap, size);
}

/* Transactions submitted at a node that one block carries at most. */
#define MAX_MEMPOOL_IN_BLOCK 1000

static inline const CsNakamotoShared *
shared_of (CsNodeCtx *ctx)
{
  return ctx->shared;
}

/* ---- the received bitset ---- */

static inline gboolean
was_received (const NakNode *node, guint64 serial)
{
  return serial / 64 < node->received_words
         && ((node->received[serial / 64] >> (serial % 64)) & 1);
}

static void
mark_received (NakNode *node, guint64 serial)
{
  guint64 need = serial / 64 + 1;
  if (need > node->received_words)
    {
      guint64 n = (need + 7) / 8 * 8; /* grow by 512 serials */
      node->received = g_renew (guint64, node->received, n);
      memset (node->received + node->received_words, 0,
              (n - node->received_words) * sizeof (guint64));
      node->received_words = (guint32) n;
    }
  node->received[serial / 64] |= (guint64) 1 << (serial % 64);
}

/* ---- requests ---- */

static Request *
find_request (NakNode *node, guint64 serial)
{
  for (guint i = 0; i < node->n_requests; i++)
    if (node->requests[i].serial == serial)
      return &node->requests[i];
  return NULL;
}

static void
forget_request (NakNode *node, guint64 serial)
{
  for (guint i = 0; i < node->n_requests; i++)
    if (node->requests[i].serial == serial)
      {
        node->requests[i] = node->requests[--node->n_requests];
        return;
      }
}

/* Whether a request for @serial is pending and recent enough to wait for. */
static gboolean
request_pending (CsNodeCtx *ctx, NakNode *node, guint64 serial)
{
  Request *r = find_request (node, serial);
  return r && cs_now (ctx) - r->at < shared_of (ctx)->config->request_timeout;
}

static void
note_request (CsNodeCtx *ctx, NakNode *node, guint64 serial, guint32 peer)
{
  Request *r = find_request (node, serial);
  if (!r)
    {
      Request fresh = { .serial = serial };
      /* Requests never answered (lost transfers) are forgotten after ten timeouts, so the list
       * stays as short as the blocks actually in flight. */
      CsTime stale_before = cs_now (ctx) - 10 * shared_of (ctx)->config->request_timeout;
      for (guint i = 0; i < node->n_requests;)
        if (node->requests[i].at < stale_before)
          node->requests[i] = node->requests[--node->n_requests];
        else
          i++;
      grow_for_one ((gpointer *) &node->requests, node->n_requests, &node->cap_requests,
                    sizeof (Request));
      r = &node->requests[node->n_requests++];
      *r = fresh;
    }
  r->peer = peer;
  r->at = cs_now (ctx);
}

/* ---- peers known to have a block ---- */

static gboolean
peer_knows (const NakNode *node, guint64 serial, guint32 peer)
{
  for (guint i = 0; i < node->n_known; i++)
    if (node->known[i].serial == serial && node->known[i].peer == peer)
      return TRUE;
  return FALSE;
}

static void
forget_known (NakNode *node, guint64 serial)
{
  for (guint i = 0; i < node->n_known;)
    if (node->known[i].serial == serial)
      node->known[i] = node->known[--node->n_known];
    else
      i++;
}

/* Whether block @serial waits in the node's validation queue. */
static gboolean
is_validating (const NakNode *node, guint64 serial)
{
  if (!node->validating)
    return FALSE;
  for (guint i = 0; i < node->validating->len; i++)
    if (cs_block_serial (g_array_index (node->validating, Pending, i).block) == serial)
      return TRUE;
  return FALSE;
}

/* @peer announced or sent block @serial at @now: remember it until the block is added here
 * (announced or not). A block received whole and not waiting for validation has been added (or
 * buffered as an orphan, or rejected) already. */
static void
note_known_at (const CsNakamotoConfig *c, NakNode *node, guint64 serial, guint32 peer,
               CsTime now)
{
  if (!c->known_filter || (was_received (node, serial) && !is_validating (node, serial))
      || peer_knows (node, serial, peer))
    return;
  /* Blocks that never reach the tree here (lost, or invalid ancestors) are forgotten after ten
   * request timeouts, so the list stays as short as the blocks in flight. */
  CsTime stale_before = now - 10 * c->request_timeout;
  for (guint i = 0; i < node->n_known;)
    if (node->known[i].at < stale_before)
      node->known[i] = node->known[--node->n_known];
    else
      i++;
  grow_for_one ((gpointer *) &node->known, node->n_known, &node->cap_known, sizeof (Known));
  node->known[node->n_known++] = (Known) { .serial = serial, .at = now, .peer = peer };
}

static void
note_known (CsNodeCtx *ctx, NakNode *node, CsBlock *block, guint32 peer)
{
  note_known_at (shared_of (ctx)->config, node, cs_block_serial (block), peer, cs_now (ctx));
}

/* ---- messages ---- */

static CsMsg *
block_msg (guint16 type, guint64 size, CsBlock *block)
{
  return cs_msg_new (type, size, cs_block_ref (block), (GDestroyNotify) cs_block_unref);
}

static guint64
full_block_size (const CsBlock *block)
{
  return CS_NAK_MSG_HEADER + cs_block_size (block);
}

/* BIP152 cmpctblock: header, 8-byte nonce, short-id count, 6 bytes per transaction but the
 * coinbase, which is prefilled (index + the transaction). */
static guint64
compact_block_size (const CsNakamotoConfig *c, const CsBlock *block)
{
  guint64 n_tx = cs_block_n_tx (block);
  return CS_NAK_MSG_HEADER + CS_BLOCK_HEADER_SIZE + 8 + 3
         + CS_NAK_SHORT_ID * (n_tx > 0 ? n_tx - 1 : 0) + 1 + c->tx_size;
}

static void
send_block_msg (CsNodeCtx *ctx, guint32 peer, guint16 type, guint64 size, CsBlock *block)
{
  g_autoptr (CsMsg) msg = block_msg (type, size, block);
  cs_send (ctx, peer, msg);
}

static gboolean
is_peer (const guint32 *peers, guint n, guint32 x)
{
  guint lo = 0, hi = n;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (peers[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < n && peers[lo] == x;
}

/* Sends @msg about block @serial to every peer but @except and those known to have the block
 * and, for a pool with pool_mesh, to every other pool (with the same exceptions). */
static void
relay_msg (CsNodeCtx *ctx, NakNode *node, CsMsg *msg, guint64 serial, guint32 except)
{
  const CsNakamotoShared *s = shared_of (ctx);
  guint n = 0;
  const guint32 *peers = cs_peers (ctx, &n);
  gboolean mesh = s->config->pool_mesh && s->share[ctx->id] > 0;
  guint32 stack[64];
  guint most = n + (mesh ? s->n_pool_nodes : 0);
  guint32 *to = most <= G_N_ELEMENTS (stack) ? stack : g_new (guint32, most);
  guint n_to = 0;
  for (guint i = 0; i < n; i++)
    if (peers[i] != except && !peer_knows (node, serial, peers[i]))
      to[n_to++] = peers[i];
  if (mesh)
    for (guint i = 0; i < s->n_pool_nodes; i++)
      {
        guint32 p = s->pool_nodes[i];
        if (p != ctx->id && p != except && !is_peer (peers, n, p) && !peer_knows (node, serial, p))
          to[n_to++] = p;
      }
  cs_send_all (ctx, to, n_to, msg);
  if (to != stack)
    g_free (to);
  forget_known (node, serial);
}

/* Announces @block (the node's new tip) the way the relay mode says. */
static void
announce (CsNodeCtx *ctx, NakNode *node, CsBlock *block, guint32 except)
{
  const CsNakamotoConfig *c = shared_of (ctx)->config;
  g_autoptr (CsMsg) msg = NULL;
  switch (c->relay)
    {
    case CS_RELAY_UNSOLICITED:
      msg = block_msg (CS_NAK_MSG_BLOCK, full_block_size (block), block);
      break;
    case CS_RELAY_COMPACT:
      msg = c->compact_high_bandwidth
              ? block_msg (CS_NAK_MSG_CMPCT, compact_block_size (c, block), block)
              : block_msg (CS_NAK_MSG_INV, CS_NAK_INV_SIZE, block);
      break;
    case CS_RELAY_INV_GETDATA:
    default:
      msg = block_msg (CS_NAK_MSG_INV, CS_NAK_INV_SIZE, block);
      break;
    }
  relay_msg (ctx, node, msg, cs_block_serial (block), except);
}

/* ---- mining ---- */

static guint32
next_bits (const CsNakamotoShared *s, const CsBlock *parent)
{
  return s->retarget.interval ? cs_retarget_next_bits (parent, &s->retarget)
                              : cs_block_bits (parent);
}

/* (Re)starts the node's race for the next block on its current tip. */
static void
restart_mining (CsNodeCtx *ctx, NakNode *node)
{
  const CsNakamotoShared *s = shared_of (ctx);
  double share = s->share[ctx->id];
  if (node->mine_timer)
    cs_timer_cancel (ctx, node->mine_timer);
  node->mine_timer = 0;
  if (share <= 0)
    return;
  /* Expected hashes at the next block's target, over those at the genesis target: the mean time
   * scales with it (difficulty), and with 1 / (share * network hash rate). Floating point is
   * only used to draw a time, never to decide between blocks. */
  double ratio = 1.0;
  guint32 bits = next_bits (s, cs_block_tree_tip (node->tree));
  if (bits != cs_block_bits (s->log.genesis))
    {
      CsU256 target, work;
      cs_u256_from_compact (&target, bits, NULL, NULL);
      cs_u256_work (&work, &target);
      ratio = cs_u256_to_double (&work) / cs_u256_to_double (&s->genesis_work);
    }
  double mean = cs_time_to_s (s->config->interval) * ratio / (share * s->config->hashrate_scale);
  CsTime delay = cs_time_from_s (gsl_ran_exponential (cs_rng (ctx), mean));
  node->mine_timer = cs_timer_start (ctx, delay, CS_NAK_TIMER_MINE, NULL);
}

/* ---- accepting blocks ---- */

static void
report_commits (CsNodeCtx *ctx, NakNode *node, const CsReorg *reorg)
{
  guint32 k = (guint32) shared_of (ctx)->config->confirmations;
  CsBlock *tip = cs_block_tree_tip (node->tree);
  guint32 tip_h = cs_block_height (tip);
  if (k == 0)
    return;
  /* A reorganization below the committed height takes those commits back: report them again as
   * the new chain reaches them (the probe counts such deep reorgs). */
  if (reorg && reorg->ancestor && cs_block_height (reorg->ancestor) < node->committed)
    node->committed = cs_block_height (reorg->ancestor);
  while (node->committed + k <= tip_h)
    {
      guint32 h = ++node->committed;
      CsBlock *b = cs_block_tree_main_at (node->tree, h);
      cs_emit (ctx, CS_CHAIN_COMMIT, cs_block_serial (b), h);
    }
}

/* After a tree change: orphans this node buffered that got connected or rejected since. */
static void
sweep_orphans (CsNodeCtx *ctx, NakNode *node)
{
  if (!node->orphans)
    return;
  for (guint i = 0; i < node->orphans->len;)
    {
      CsBlock *b = g_ptr_array_index (node->orphans, i);
      if (cs_block_tree_has (node->tree, b))
        cs_emit (ctx, CS_CHAIN_BLOCK_ACCEPTED, cs_block_serial (b), cs_block_height (b));
      else if (cs_block_tree_is_invalid (node->tree, b))
        cs_emit (ctx, CS_CHAIN_INVALID, cs_block_serial (b), CS_BLOCK_BAD_PARENT);
      else if (cs_block_tree_is_orphan (node->tree, b))
        {
          i++;
          continue;
        }
      /* connected, rejected, or dropped from a full buffer */
      g_ptr_array_remove_index (node->orphans, i);
    }
}

/* Asks @from for the block an orphan is missing, unless it is on its way. */
static void
fetch_missing (CsNodeCtx *ctx, NakNode *node, CsBlock *orphan, guint32 from)
{
  CsBlock *missing = cs_block_tree_missing_parent (node->tree, orphan);
  if (!missing || from == G_MAXUINT32)
    return;
  guint64 serial = cs_block_serial (missing);
  if (was_received (node, serial) || request_pending (ctx, node, serial))
    return;
  send_block_msg (ctx, from, CS_NAK_MSG_GETDATA, CS_NAK_INV_SIZE, missing);
  note_request (ctx, node, serial, from);
}

/* Acts on the tree's verdict on @block (from @from; @own: mined here). */
static void
after_add (CsNodeCtx *ctx, NakNode *node, CsBlock *block, CsAddResult r, const CsReorg *reorg,
           CsBlockStatus status, guint32 from, gboolean own)
{
  guint64 serial = cs_block_serial (block);
  if (r != CS_ADD_ORPHAN && r != CS_ADD_NEW_TIP)
    forget_known (node, serial); /* not announced: who had it no longer matters */
  switch (r)
    {
    case CS_ADD_INVALID:
      cs_emit (ctx, CS_CHAIN_INVALID, serial, status);
      sweep_orphans (ctx, node);
      return;
    case CS_ADD_ORPHAN:
      if (!node->orphans)
        node->orphans = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
      g_ptr_array_add (node->orphans, cs_block_ref (block));
      fetch_missing (ctx, node, block, from);
      return;
    case CS_ADD_DUPLICATE:
      return;
    case CS_ADD_ADDED:
    case CS_ADD_NEW_TIP:
      break;
    }
  if (!own)
    cs_emit (ctx, CS_CHAIN_BLOCK_ACCEPTED, serial, cs_block_height (block));
  sweep_orphans (ctx, node);
  if (r != CS_ADD_NEW_TIP)
    return;
  CsBlock *tip = cs_block_tree_tip (node->tree);
  cs_emit (ctx, CS_CHAIN_NEW_TIP, cs_block_serial (tip), cs_block_height (tip));
  if (reorg->depth > 0)
    cs_emit (ctx, CS_CHAIN_REORG, cs_block_serial (tip), reorg->depth);
  report_commits (ctx, node, reorg);
  restart_mining (ctx, node);
  announce (ctx, node, tip, own ? G_MAXUINT32 : from);
  forget_known (node, serial); /* when orphans it released made a descendant the tip */
}

/* Validates and adds @block now. */
static void
validate_now (CsNodeCtx *ctx, NakNode *node, CsBlock *block, guint32 from)
{
  g_auto (CsReorg) reorg = CS_REORG_INIT;
  CsBlockStatus status = CS_BLOCK_VALID;
  CsAddResult r = cs_block_tree_add (node->tree, block, cs_now (ctx), &reorg, &status);
  after_add (ctx, node, block, r, &reorg, status, from, FALSE);
}

/* A complete copy of @block arrived from @from. */
static void
got_block (CsNodeCtx *ctx, NakNode *node, CsBlock *block, guint32 from)
{
  const CsNakamotoConfig *c = shared_of (ctx)->config;
  guint64 serial = cs_block_serial (block);
  forget_request (node, serial);
  if (was_received (node, serial))
    {
      cs_emit (ctx, CS_CHAIN_BLOCK_DUPLICATE, serial, (double) cs_block_size (block));
      return;
    }
  mark_received (node, serial);
  cs_emit (ctx, CS_CHAIN_BLOCK_RECEIVED, serial, cs_block_height (block));

  CsTime cost = cs_nakamoto_validation_cost (c, block);
  if (cost == 0 && (!node->validating || node->validating->len == 0))
    {
      validate_now (ctx, node, block, from);
      return;
    }
  CsTime now = cs_now (ctx);
  CsTime done = MAX (now, node->cpu_free) + cost;
  node->cpu_free = done;
  if (!node->validating)
    node->validating = g_array_new (FALSE, FALSE, sizeof (Pending));
  Pending p = { .block = cs_block_ref (block), .from = from };
  g_array_append_val (node->validating, p);
  cs_timer_start (ctx, done - now, CS_NAK_TIMER_VALIDATED, NULL);
}

static void
mine (CsNodeCtx *ctx, NakNode *node)
{
  CsNakamotoShared *s = ctx->shared; /* the log's serial counter is simulator bookkeeping */
  const CsNakamotoConfig *c = s->config;
  gsl_rng *rng = cs_rng (ctx);
  CsBlock *parent = cs_block_tree_tip (node->tree);
  CsTime now = cs_now (ctx);
  node->mine_timer = 0;

  /* The sample: transactions submitted here first, then random payments. */
  guint from_pool = node->mempool ? MIN (node->mempool->len, MAX_MEMPOOL_IN_BLOCK) : 0;
  guint n_sample = MAX ((guint) c->tx_sample, from_pool);
  CsTx stack_txs[16];
  CsTx *txs = n_sample <= G_N_ELEMENTS (stack_txs) ? stack_txs : g_new (CsTx, n_sample);
  guint64 sampled_bytes = CS_BLOCK_HEADER_SIZE;
  for (guint i = 0; i < n_sample; i++)
    {
      if (i < from_pool)
        txs[i] = g_array_index (node->mempool, CsTx, i);
      else
        cs_tx_init_random (&txs[i], rng, s->n_nodes);
      sampled_bytes += txs[i].size;
    }
  if (from_pool)
    g_array_remove_range (node->mempool, 0, from_pool);

  CsBlockTemplate tmpl = {
    .version = 0x20000000, /* BIP9 version bits, no deployment signalled */
    .bits = next_bits (s, parent),
    .timestamp = MAX (now, cs_block_median_time_past (parent, s->validate.median_span) + 1),
    .miner = ctx->id,
    .n_tx = MAX (MAX (c->block_size / c->tx_size, (guint64) n_sample), 1),
    .size = MAX (c->block_size, sampled_bytes),
    .txs = txs,
    .n_txs = n_sample,
    .simulated_pow = !c->real_pow,
  };
  gboolean forged = c->invalid_fraction > 0 && gsl_rng_uniform (rng) < c->invalid_fraction;
  CsBlock *block;
  if (forged)
    {
      /* A faulty miner: a well-formed header whose Merkle root commits to nothing. */
      CsBlockHeader h = {
        .version = tmpl.version, .prev = *cs_block_hash (parent), .time =
          cs_block_time_seconds (tmpl.timestamp), .bits = tmpl.bits,
      };
      block = cs_block_new_forged (parent, &h, &tmpl, &s->log.next_serial);
    }
  else if (c->real_pow)
    block = cs_block_mine_real (parent, &tmpl, G_MAXUINT32, &s->log.next_serial, NULL);
  else
    block = cs_block_new (parent, &tmpl, &s->log.next_serial);
  if (txs != stack_txs)
    g_free (txs);
  if (!block) /* real_pow found no nonce in 2^32 tries: keep mining */
    {
      restart_mining (ctx, node);
      return;
    }

  cs_chain_log_add (&s->log, block);
  mark_received (node, cs_block_serial (block));
  cs_emit (ctx, CS_CHAIN_BLOCK_CREATED, cs_block_serial (block), cs_block_height (block));
  if (forged)
    {
      /* It pushes the block to its peers whatever the relay mode, and mines on. */
      g_autoptr (CsMsg) msg = block_msg (CS_NAK_MSG_BLOCK, full_block_size (block), block);
      relay_msg (ctx, node, msg, cs_block_serial (block), G_MAXUINT32);
      restart_mining (ctx, node);
    }
  else
    {
      g_auto (CsReorg) reorg = CS_REORG_INIT;
      CsBlockStatus status = CS_BLOCK_VALID;
      CsAddResult r = cs_block_tree_add (node->tree, block, now, &reorg, &status);
      after_add (ctx, node, block, r, &reorg, status, G_MAXUINT32, TRUE);
      if (r != CS_ADD_NEW_TIP)
        restart_mining (ctx, node); /* cannot happen: it extends the tip */
    }
  cs_block_unref (block);
}

/* ---- callbacks ---- */

static void
nak_start (CsNodeCtx *ctx, gpointer state)
{
  const CsNakamotoShared *s = shared_of (ctx);
  NakNode *node = state;
  node->tree = cs_block_tree_new (s->log.genesis, &s->validate);
  mark_received (node, cs_block_serial (s->log.genesis));
  restart_mining (ctx, node);
}

static void
nak_clear (gpointer state)
{
  NakNode *node = state;
  g_clear_pointer (&node->tree, cs_block_tree_free);
  g_clear_pointer (&node->received, g_free);
  if (node->validating)
    {
      for (guint i = 0; i < node->validating->len; i++)
        cs_block_unref (g_array_index (node->validating, Pending, i).block);
      g_clear_pointer (&node->validating, g_array_unref);
    }
  g_clear_pointer (&node->requests, g_free);
  g_clear_pointer (&node->orphans, g_ptr_array_unref);
  g_clear_pointer (&node->mempool, g_array_unref);
  g_clear_pointer (&node->known, g_free);
  g_clear_pointer (&node->absorbed, g_free);
  node->n_requests = node->cap_requests = node->n_known = node->cap_known = 0;
  node->first_absorbed = node->n_absorbed = node->cap_absorbed = 0;
}

/* A compact block (header + short ids) of @block from @from. */
static void
on_compact (CsNodeCtx *ctx, NakNode *node, CsBlock *block, guint32 from)
{
  const CsNakamotoConfig *c = shared_of (ctx)->config;
  guint64 serial = cs_block_serial (block);
  if (was_received (node, serial))
    return;
  /* Already reconstructing it from another peer (high-bandwidth peers race). */
  Request *r = find_request (node, serial);
  if (r && r->peer != from && cs_now (ctx) - r->at < c->request_timeout)
    return;
  guint64 n_tx = cs_block_n_tx (block);
  guint64 missing = 0;
  if (c->compact_miss_rate > 0 && n_tx > 1)
    missing = gsl_ran_binomial (cs_rng (ctx), c->compact_miss_rate, (unsigned int) (n_tx - 1));
  if (missing == 0)
    {
      got_block (ctx, node, block, from);
      return;
    }
  CsNakGetBlockTxn *body = g_new (CsNakGetBlockTxn, 1);
  body->block = cs_block_ref (block);
  body->missing = missing;
  g_autoptr (CsMsg) msg = cs_msg_new (CS_NAK_MSG_GETBLOCKTXN,
                                      CS_NAK_MSG_HEADER + 32 + 3 + 3 * missing, body,
                                      cs_nakamoto_getblocktxn_free);
  cs_send (ctx, from, msg);
  note_request (ctx, node, serial, from);
}

void
cs_nakamoto_getblocktxn_free (gpointer body)
{
  CsNakGetBlockTxn *b = body;
  cs_block_unref (b->block);
  g_free (b);
}

static void
nak_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  const CsNakamotoConfig *c = shared_of (ctx)->config;
  NakNode *node = state;
  CsBlock *block = msg->body;
  switch (msg->type)
    {
    case CS_NAK_MSG_INV:
      note_known (ctx, node, block, from);
      if (was_received (node, cs_block_serial (block))
          || request_pending (ctx, node, cs_block_serial (block)))
        return;
      send_block_msg (ctx, from, c->relay == CS_RELAY_COMPACT ? CS_NAK_MSG_GETDATA_CMPCT
                                                              : CS_NAK_MSG_GETDATA,
                      CS_NAK_INV_SIZE, block);
      note_request (ctx, node, cs_block_serial (block), from);
      return;
    case CS_NAK_MSG_GETDATA:
      if (cs_block_tree_has (node->tree, block))
        send_block_msg (ctx, from, CS_NAK_MSG_BLOCK, full_block_size (block), block);
      return;
    case CS_NAK_MSG_GETDATA_CMPCT:
      if (cs_block_tree_has (node->tree, block))
        send_block_msg (ctx, from, CS_NAK_MSG_CMPCT, compact_block_size (c, block), block);
      return;
    case CS_NAK_MSG_BLOCK:
    case CS_NAK_MSG_BLOCKTXN:
      note_known (ctx, node, block, from);
      got_block (ctx, node, block, from);
      return;
    case CS_NAK_MSG_CMPCT:
      note_known (ctx, node, block, from);
      on_compact (ctx, node, block, from);
      return;
    case CS_NAK_MSG_GETBLOCKTXN:
      {
        const CsNakGetBlockTxn *req = msg->body;
        if (cs_block_tree_has (node->tree, req->block))
          send_block_msg (ctx, from, CS_NAK_MSG_BLOCKTXN,
                          CS_NAK_MSG_HEADER + 32 + 3 + req->missing * c->tx_size, req->block);
        return;
      }
    default:
      g_return_if_reached ();
    }
}

static void
nak_submit_tx (CsNodeCtx *ctx, gpointer state, const CsTx *tx)
{
  NakNode *node = state;
  if (!node->mempool)
    node->mempool = g_array_new (FALSE, FALSE, sizeof (CsTx));
  g_array_append_val (node->mempool, *tx);
  cs_emit (ctx, CS_CHAIN_TX_SUBMITTED, ((guint64) tx->sender << 32) | (tx->nonce & 0xffffffffu),
           tx->size);
}

static void
nak_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  NakNode *node = state;
  switch (kind)
    {
    case CS_NAK_TIMER_MINE:
      mine (ctx, node);
      return;
    case CS_NAK_TIMER_VALIDATED:
      {
        g_return_if_fail (node->validating && node->validating->len > 0);
        Pending p = g_array_index (node->validating, Pending, 0);
        g_array_remove_index (node->validating, 0);
        validate_now (ctx, node, p.block, p.from);
        cs_block_unref (p.block);
        return;
      }
    case CS_CONSENSUS_TIMER_SUBMIT:
      nak_submit_tx (ctx, state, arg);
      return;
    default:
      g_return_if_reached ();
    }
}

static CsBlock *
nak_head (gpointer state)
{
  return cs_block_tree_tip (((NakNode *) state)->tree);
}

static CsBlock *
nak_final (gpointer state)
{
  NakNode *node = state;
  return cs_block_tree_main_at (node->tree, node->committed);
}

CsBlockTree *
cs_nakamoto_node_tree (gpointer state)
{
  return ((NakNode *) state)->tree;
}

/* Speed hint (CsProtocolClass.prefetch): the received bit, the requests and the known peers
 * on_message reads. */
static void
nak_prefetch (gconstpointer state, const CsMsg *msg)
{
  const NakNode *node = state;
  if (msg->type == CS_NAK_MSG_GETBLOCKTXN || msg->body == NULL) /* the only non-block body */
    return;
  guint64 word = cs_block_serial (msg->body) / 64;
  if (word < node->received_words)
    __builtin_prefetch (&node->received[word]);
  if (node->requests != NULL)
    __builtin_prefetch (node->requests);
  if (node->known != NULL)
    __builtin_prefetch (node->known);
  if (node->absorbed != NULL)
    __builtin_prefetch (&node->absorbed[node->n_absorbed]);
}

/* CsProtocolClass.absorb: an announcement (inv or compact block) that will find the block
 * received, or an inv that will find it requested recently enough, does nothing on arrival but
 * note_known (nak_on_message); and both conditions last, since a block is received once and a
 * request is only forgotten when its block arrives, or ten timeouts after it was made. If the
 * block is received and validated, the note itself will do nothing either. */
static gboolean
nak_absorb (gconstpointer shared, gpointer state, guint32 from, const CsMsg *msg,
            const CsNodeOrder *due)
{
  const CsNakamotoConfig *c = ((const CsNakamotoShared *) shared)->config;
  NakNode *node = state;
  if ((msg->type != CS_NAK_MSG_INV && msg->type != CS_NAK_MSG_CMPCT) || due->src != from)
    return FALSE;
  guint64 serial = cs_block_serial (msg->body);
  gboolean received = was_received (node, serial);
  if (!received)
    {
      const Request *r = msg->type == CS_NAK_MSG_INV ? find_request (node, serial) : NULL;
      if (r == NULL || due->time - r->at >= c->request_timeout)
        return FALSE;
    }
  if (!c->known_filter || (received && !is_validating (node, serial)))
    return TRUE;
  if (node->first_absorbed > 0 && node->n_absorbed == node->cap_absorbed)
    {
      memmove (node->absorbed, node->absorbed + node->first_absorbed,
               (node->n_absorbed - node->first_absorbed) * sizeof (Absorbed));
      node->n_absorbed -= node->first_absorbed;
      node->first_absorbed = 0;
    }
  grow_for_one ((gpointer *) &node->absorbed, node->n_absorbed, &node->cap_absorbed,
                sizeof (Absorbed));
  /* In due order (they are mostly offered in that order already). */
  guint i = node->n_absorbed++;
  for (; i > node->first_absorbed && cs_node_order_before (due, &node->absorbed[i - 1].due); i--)
    node->absorbed[i] = node->absorbed[i - 1];
  node->absorbed[i] = (Absorbed) { .serial = serial, .due = *due };
  return TRUE;
}

/* CsProtocolClass.catch_up: the notes of the announcements taken in that are due before @next,
 * in their order. */
static void
nak_catch_up (gconstpointer shared, gpointer state, const CsNodeOrder *next)
{
  const CsNakamotoConfig *c = ((const CsNakamotoShared *) shared)->config;
  NakNode *node = state;
  while (node->first_absorbed < node->n_absorbed
         && cs_node_order_before (&node->absorbed[node->first_absorbed].due, next))
    {
      const Absorbed *a = &node->absorbed[node->first_absorbed++];
      note_known_at (c, node, a->serial, a->due.src, a->due.time);
    }
  if (node->first_absorbed == node->n_absorbed)
    node->first_absorbed = node->n_absorbed = 0;
}

const CsConsensusClass cs_nakamoto_class = {
  .base = {
    .name = "nakamoto",
    .state_size = sizeof (NakNode),
    .start = nak_start,
    .on_message = nak_on_message,
    .on_timer = nak_on_timer,
    .clear = nak_clear,
    .prefetch = nak_prefetch,
    .absorb = nak_absorb,
    .catch_up = nak_catch_up,
  },
  .submit_tx = nak_submit_tx,
  .head = nak_head,
  .final = nak_final,
};
