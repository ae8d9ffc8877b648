/* cs-storage-node.c: the storage protocol every node runs (cs_storage_class), written against the
 * node context only. A node
 *  - serves fragments from its disk (GET -> a stream of CHUNKs, or NACK when it does not have
 *    it). A fragment is streamed in `chunk`-sized messages, at most `window` unacknowledged: the
 *    network model's uplink is a FIFO, so one multi-gigabyte message would hold every later
 *    message (an inference answer) behind it for minutes, where real links share bandwidth
 *    between flows; chunks interleave with other traffic. An upload whose receiver stops
 *    acknowledging (it crashed) is dropped after a stall time;
 *  - as a client, reads an object by fetching `need` pieces (one copy, or k fragments) from the
 *    nearest holders the failure detector does not suspect, one attempt per piece. Chunks may
 *    arrive out of order (latency jitter) and are kept in a per-attempt bitmap; when no new
 *    chunk came for the stall time (timeout + chunk / min_rate: a chunk was lost, or the holder
 *    died) the attempt asks the same holder to resume from its first missing chunk (go-back-N),
 *    twice, then fails over to the next candidate (as on a refusal);
 *  - rebuilds a fragment when the repair scheduler asks (the same fetch, then stores it);
 *  - as an inference client, sends its activations through the model's shards in order (Petals:
 *    the client drives the chain and replays a stage on another server when one fails), and as a
 *    server computes one stage at a time (a FIFO compute queue). With erasure coding a server is
 *    a fragment holder that first decodes the shard from k fragments and keeps it in memory until
 *    it crashes; while it decodes it tells its waiting clients so every timeout / 2 (a
 *    keepalive), and a client fails over when a stage has been silent for the stage timeout.
 * Per-node memory: the operations in progress (usually a handful) and the decoded shards. A crash
 * loses both (clear); op ids start from a random number at every start, so answers to a previous
 * life cannot match. */
#include "storage/cs-storage-private.h"

#include <string.h>

#include "engine/cs-rng.h"

G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (guint64));

/* Message types. */
enum
{
  MSG_GET = 1,      /* give me fragment (object, frag) */
  MSG_CHUNK,        /* a piece of it (size: the chunk) */
  MSG_ACK,          /* got a chunk: send the next */
  MSG_NACK,         /* I do not have it */
  MSG_INFER,        /* compute stage `stage` of the model on these activations */
  MSG_INFER_RESP,   /* the stage's output activations */
  MSG_INFER_NACK,   /* I cannot serve that stage */
  MSG_INFER_WAIT,   /* still decoding the shard for you (a keepalive) */
};

/* Timer kinds of the node itself (the injected ones are in cs-storage.h). */
enum
{
  T_ATTEMPT = 16,   /* arg: op id << 16 | attempt: no progress for the stall time? */
  T_STAGE,          /* arg: op id << 32 | stage << 16 | tries */
  T_COMPUTE,        /* arg: op id */
  T_UPLOAD,         /* arg: op id: an upload's receiver silent for the stall time? */
  T_KEEPALIVE,      /* arg: op id: tell a decoding shard's waiting clients to hold on */
};

typedef enum
{
  OP_READ,          /* a client read */
  OP_REPAIR,        /* rebuilding a fragment here */
  OP_REBUILD,       /* decoding a model shard into memory (erasure inference server) */
  OP_INFER,         /* an inference request this node is the client of */
  OP_SERVE,         /* one stage being computed for a client */
  OP_UPLOAD,        /* streaming a fragment to a requester */
} OpKind;

enum
{
  ATT_PENDING,
  ATT_DONE,
  ATT_FAILED,
};

/* One request for a piece. */
typedef struct
{
  guint32 node;     /* asked */
  guint16 frag;     /* which fragment */
  guint8 state;     /* ATT_* */
  guint64 received; /* bytes of it arrived (distinct chunks) */
  guint64 checked;  /* `received` when the stall timer was last armed */
  guint8 resumes;   /* times it asked the holder to resume */
  guint8 *got;      /* one bit per chunk received (allocated with the first chunk) */
  GBytes *bytes;    /* verify mode: the fragment's bytes, from its last chunk */
} Attempt;

/* Times a stalled stream is resumed before the attempt fails over. */
#define MAX_RESUMES 2

/* A holder that may be asked, in order of preference. */
typedef struct
{
  CsTime latency;   /* mean one-way latency to it */
  guint64 tie;      /* hash breaking ties (spreads load across equally near holders) */
  guint32 node;     /* the holder */
  guint16 frag;     /* its fragment */
} Cand;

/* An inference stage a server owes a client. */
typedef struct
{
  guint32 client;   /* who asked */
  guint32 op;       /* its op id */
  guint16 stage;    /* which stage */
  guint16 tries;    /* its attempt number at that stage */
} Waiter;

typedef struct
{
  guint32 id;       /* op id (unique within the node's life) */
  guint8 kind;      /* OpKind */
  guint64 key;      /* READ, INFER: the request; REPAIR: the fragment slot */
  guint32 gen;      /* REPAIR: the scheduler's attempt */
  CsTime started;   /* when it began */
  guint32 object;   /* what is fetched */
  /* fetch (READ, REPAIR, REBUILD) */
  guint need;       /* pieces needed */
  guint have;       /* pieces in hand */
  guint pending;    /* attempts in flight */
  GArray *cands;    /* Cand, in preference order */
  guint next_cand;  /* the next candidate to ask */
  GArray *attempts; /* Attempt */
  guint8 *have_frag;  /* per fragment index: in hand */
  GBytes **pieces;  /* verify mode: per fragment index, the bytes */
  /* inference client */
  guint16 stage;    /* current stage */
  guint16 tries;    /* attempts at the current stage */
  guint32 server;   /* the server asked */
  GArray *tried;    /* guint32 servers that failed at this stage */
  guint32 waits;    /* keepalives received at this stage */
  guint32 waits_checked; /* `waits` when the stage timer was last armed */
  /* server */
  Waiter waiter;    /* SERVE: whom to answer */
  GArray *waiters;  /* REBUILD: Waiter, served once the shard is decoded */
  /* upload */
  guint32 to;       /* UPLOAD: the requester */
  guint32 req_op;   /* its op id */
  guint16 req_attempt; /* its attempt */
  guint16 frag;     /* the fragment streamed */
  guint8 purpose;   /* CsStorageTraffic of the data */
  guint64 size;     /* bytes to send */
  guint64 sent;     /* bytes sent so far */
  guint64 acks;     /* acknowledgements received */
  guint64 checked;  /* `acks` when the stall timer was last armed */
} Op;

typedef struct
{
  GPtrArray *ops;      /* Op *, in progress */
  guint32 next_id;     /* next op id */
  CsTime busy_until;   /* the compute queue is busy until then */
  GArray *cache;       /* guint32 objects decoded into memory */
} StorageNode;

/* A message body. */
typedef struct
{
  guint32 op;       /* the requester's op id */
  guint16 attempt;  /* GET/CHUNK/NACK: the requester's attempt index */
  guint16 frag;     /* fragment index */
  guint32 object;   /* object */
  guint16 stage;    /* INFER*: stage */
  guint16 tries;    /* INFER*: the client's attempt number */
  guint8 purpose;   /* GET/CHUNK: CsStorageTraffic of the data */
  guint32 upload;   /* CHUNK/ACK: the holder's upload op id */
  guint64 offset;   /* GET: resume from this byte; CHUNK: where it starts */
  guint64 length;   /* CHUNK: its bytes */
  gboolean last;    /* CHUNK: the fragment's last chunk */
  GBytes *bytes;    /* the last CHUNK in verify mode: the fragment's real bytes */
} Body;

static void
body_free (gpointer data)
{
  Body *b = data;
  g_clear_pointer (&b->bytes, g_bytes_unref);
  g_free (b);
}

static CsStorageStrategy *
strategy (CsNodeCtx *ctx)
{
  return ctx->shared;
}

/* Sends a message of @size bytes carrying @body (taken: it may be freed before this returns,
 * when the network blocks the transfer) and counts its bytes for @purpose. */
static void
send_body (CsNodeCtx *ctx, guint32 to, guint16 type, guint64 size, Body *body,
           CsStorageTraffic purpose)
{
  g_autoptr (CsMsg) msg = cs_msg_new (type, size, body, body_free);
  cs_send (ctx, to, msg);
  cs_emit (ctx, CS_STORAGE_BYTES, purpose, (double) size);
}

static CsTime
transfer_timeout (const CsStorageStrategy *s, guint64 bytes)
{
  const CsStorageConfig *c = s->service->config;
  return c->timeout + cs_time_from_s ((double) bytes * 8.0 / c->min_rate);
}

/* How long a stream may go without progress: one chunk at min_rate, plus the timeout. */
static CsTime
stall_timeout (const CsStorageStrategy *s)
{
  return transfer_timeout (s, s->service->config->chunk);
}

/* ---- operations ---- */

static Op *
op_new (StorageNode *n, OpKind kind, CsTime now)
{
  Op *op = g_new0 (Op, 1);
  op->id = n->next_id++;
  op->kind = kind;
  op->started = now;
  g_ptr_array_add (n->ops, op);
  return op;
}

/* Verify mode: pieces are indexed by fragment, up to the largest fragment count. */
#define MAX_PIECES 256

static void
op_free (Op *op)
{
  for (guint i = 0; op->attempts && i < op->attempts->len; i++)
    {
      Attempt *a = &g_array_index (op->attempts, Attempt, i);
      g_free (a->got);
      g_clear_pointer (&a->bytes, g_bytes_unref);
    }
  if (op->pieces)
    for (guint f = 0; f < MAX_PIECES; f++)
      g_clear_pointer (&op->pieces[f], g_bytes_unref);
  g_free (op->pieces);
  g_free (op->have_frag);
  g_clear_pointer (&op->cands, g_array_unref);
  g_clear_pointer (&op->attempts, g_array_unref);
  g_clear_pointer (&op->tried, g_array_unref);
  g_clear_pointer (&op->waiters, g_array_unref);
  g_free (op);
}

static Op *
op_find (StorageNode *n, guint32 id)
{
  for (guint i = 0; i < n->ops->len; i++)
    {
      Op *op = n->ops->pdata[i];
      if (op->id == id)
        return op;
    }
  return NULL;
}

static void
op_remove (CsNodeCtx *ctx, StorageNode *n, Op *op)
{
  g_ptr_array_remove (n->ops, op);
  op_free (op);
}

/* ---- start, crash ---- */

static void
storage_start (CsNodeCtx *ctx, gpointer state)
{
  StorageNode *n = state;
  n->ops = g_ptr_array_new ();
  n->next_id = (guint32) gsl_rng_get (cs_rng (ctx)); /* a fresh id space per life */
  n->busy_until = 0;
  n->cache = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
storage_clear (gpointer state)
{
  StorageNode *n = state;
  if (n->ops)
    {
      for (guint i = 0; i < n->ops->len; i++)
        op_free (n->ops->pdata[i]);
      g_clear_pointer (&n->ops, g_ptr_array_unref);
    }
  g_clear_pointer (&n->cache, g_array_unref);
}

/* ---- fetching pieces ---- */

static gint
cmp_cand (gconstpointer a, gconstpointer b)
{
  const Cand *x = a, *y = b;
  if (x->latency != y->latency)
    return x->latency < y->latency ? -1 : 1;
  return (x->tie > y->tie) - (x->tie < y->tie);
}

static gboolean fetch_pump (CsNodeCtx *ctx, StorageNode *n, Op *op);

/* The first byte of @a's fragment not received yet (the start of its first missing chunk). */
static guint64
first_missing (const CsStorageStrategy *s, const Op *op, const Attempt *a)
{
  guint64 chunk = s->service->config->chunk;
  guint64 n_chunks = (cs__storage_frag_size (s, op->object) + chunk - 1) / chunk;
  guint64 c = 0;
  while (a->got && c < n_chunks && (a->got[c >> 3] >> (c & 7)) & 1)
    c++;
  return c * chunk;
}

/* Asks @a's holder for its fragment from its first missing chunk on. */
static void
send_get (CsNodeCtx *ctx, Op *op, guint idx, const Attempt *a)
{
  Body *b = g_new0 (Body, 1);
  b->op = op->id;
  b->attempt = (guint16) idx;
  b->frag = a->frag;
  b->object = op->object;
  b->offset = first_missing (strategy (ctx), op, a);
  b->purpose = op->kind == OP_READ ? CS_STORAGE_TRAFFIC_READ
    : op->kind == OP_REPAIR ? CS_STORAGE_TRAFFIC_REPAIR : CS_STORAGE_TRAFFIC_REBUILD;
  send_body (ctx, a->node, MSG_GET, strategy (ctx)->service->config->request_size, b,
             CS_STORAGE_TRAFFIC_CONTROL);
}

/* Begins fetching @need pieces of @object for @op: pieces on this node's own disk count at once;
 * the others are asked of unsuspected holders, nearest first. May finish @op. */
static void
fetch_start (CsNodeCtx *ctx, StorageNode *n, Op *op, guint32 object, guint need)
{
  CsStorageStrategy *s = strategy (ctx);
  CsTime now = cs_now (ctx);
  op->object = object;
  op->need = need;
  op->have_frag = g_new0 (guint8, s->n_frag);
  if (s->frag_bytes)
    op->pieces = g_new0 (GBytes *, MAX_PIECES);
  op->cands = g_array_new (FALSE, FALSE, sizeof (Cand));
  op->attempts = g_array_new (FALSE, FALSE, sizeof (Attempt));
  for (guint f = 0; f < s->n_frag; f++)
    {
      guint64 slot = (guint64) object * s->n_frag + f;
      guint32 h = s->holder[slot];
      if (h == CS_NO_NODE || !s->intact[slot])
        continue;
      if (h == ctx->id)
        {
          if (op->have < need)
            {
              op->have_frag[f] = 1;
              op->have++;
              if (op->pieces && s->frag_bytes[slot])
                op->pieces[f] = g_bytes_ref (s->frag_bytes[slot]);
            }
          continue;
        }
      if (cs__storage_suspected (s, h, now))
        continue;
      Cand c = {
        .latency = cs__storage_latency (s->service, ctx->id, h),
        .tie = cs_mix64 (((guint64) op->id << 32) ^ h ^ 0x9e3779b97f4a7c15ull),
        .node = h, .frag = (guint16) f,
      };
      g_array_append_val (op->cands, c);
    }
  g_array_sort (op->cands, cmp_cand);
  fetch_pump (ctx, n, op);
}

static void fetch_finish (CsNodeCtx *ctx, StorageNode *n, Op *op, gboolean ok);

/* Launches attempts until enough are in flight; finishes the op when it has what it needs or
 * nobody is left to ask. Returns TRUE when @op is finished (and freed). */
static gboolean
fetch_pump (CsNodeCtx *ctx, StorageNode *n, Op *op)
{
  CsStorageStrategy *s = strategy (ctx);
  if (op->have >= op->need)
    {
      fetch_finish (ctx, n, op, TRUE);
      return TRUE;
    }
  while (op->have + op->pending < op->need && op->next_cand < op->cands->len)
    {
      const Cand *c = &g_array_index (op->cands, Cand, op->next_cand++);
      if (op->have_frag[c->frag])
        continue;
      Attempt a = { .node = c->node, .frag = c->frag, .state = ATT_PENDING };
      guint idx = op->attempts->len;
      g_array_append_val (op->attempts, a);
      op->pending++;
      send_get (ctx, op, idx, &a);
      cs_timer_start (ctx, stall_timeout (s), T_ATTEMPT,
                      GSIZE_TO_POINTER (((guint64) op->id << 16) | idx));
    }
  if (op->pending == 0 && op->have < op->need)
    {
      fetch_finish (ctx, n, op, FALSE);
      return TRUE;
    }
  return FALSE;
}

/* The pending attempt @idx of fetch op @op_id, or NULL (a late or stale message). */
static Attempt *
pending_attempt (StorageNode *n, guint32 op_id, guint idx, Op **op_out)
{
  Op *op = op_find (n, op_id);
  if (!op || !op->attempts || idx >= op->attempts->len)
    return NULL;
  Attempt *a = &g_array_index (op->attempts, Attempt, idx);
  if (a->state != ATT_PENDING)
    return NULL;
  *op_out = op;
  return a;
}

/* An attempt ended: @piece arrived (with @bytes in verify mode) or not. */
static void
attempt_end (CsNodeCtx *ctx, StorageNode *n, guint32 op_id, guint idx, gboolean piece,
             GBytes *bytes)
{
  Op *op = NULL;
  Attempt *a = pending_attempt (n, op_id, idx, &op);
  if (!a)
    return;
  a->state = piece ? ATT_DONE : ATT_FAILED;
  op->pending--;
  if (piece && !op->have_frag[a->frag])
    {
      op->have_frag[a->frag] = 1;
      op->have++;
      if (op->pieces && bytes)
        op->pieces[a->frag] = g_bytes_ref (bytes);
    }
  fetch_pump (ctx, n, op);
}

/* Verify mode: the object rebuilt from the pieces in hand equals the original. */
static void
verify_object (CsNodeCtx *ctx, Op *op)
{
  CsStorageStrategy *s = strategy (ctx);
  if (!op->pieces)
    return;
  GBytes *original = s->service->original[op->object];
  g_autoptr (GBytes) rebuilt = NULL;
  if (s->config->policy == CS_PLACEMENT_ERASURE)
    rebuilt = cs_rs_decode (s->rs, op->pieces, g_bytes_get_size (original));
  else
    for (guint f = 0; f < s->n_frag && !rebuilt; f++)
      if (op->pieces[f])
        rebuilt = g_bytes_ref (op->pieces[f]);
  gboolean ok = rebuilt && g_bytes_equal (rebuilt, original);
  cs_emit (ctx, ok ? CS_STORAGE_VERIFY_OK : CS_STORAGE_VERIFY_BAD, op->object, 0);
}

static gboolean
cached (StorageNode *n, guint32 object)
{
  for (guint i = 0; i < n->cache->len; i++)
    if (g_array_index (n->cache, guint32, i) == object)
      return TRUE;
  return FALSE;
}

static void serve_start (CsNodeCtx *ctx, StorageNode *n, const Waiter *w);
static void send_infer_nack (CsNodeCtx *ctx, const Waiter *w);

static void
fetch_finish (CsNodeCtx *ctx, StorageNode *n, Op *op, gboolean ok)
{
  CsStorageStrategy *s = strategy (ctx);
  double latency = cs_time_to_s (cs_now (ctx) - op->started);
  switch (op->kind)
    {
    case OP_READ:
      if (ok)
        {
          verify_object (ctx, op);
          cs_emit (ctx, CS_STORAGE_READ_DONE, op->key, latency);
        }
      else
        cs_emit (ctx, CS_STORAGE_READ_FAILED, op->key, 0);
      break;
    case OP_REPAIR:
      if (ok)
        {
          if (op->pieces)
            {
              guint missing = (guint) (op->key % s->n_frag);
              GBytes *bytes = NULL;
              if (s->config->policy == CS_PLACEMENT_ERASURE)
                bytes = cs_rs_rebuild (s->rs, op->pieces, missing);
              else
                for (guint f = 0; f < s->n_frag && !bytes; f++)
                  if (op->pieces[f])
                    bytes = g_bytes_ref (op->pieces[f]);
              if (bytes)
                cs__storage_repair_stage_bytes (s, op->key, op->gen, bytes);
            }
          cs_emit (ctx, CS_STORAGE_REPAIR_DONE, op->key, op->gen);
        }
      else
        cs_emit (ctx, CS_STORAGE_REPAIR_FAILED, op->key, op->gen);
      break;
    case OP_REBUILD:
      if (ok)
        {
          verify_object (ctx, op);
          if (!cached (n, op->object))
            g_array_append_val (n->cache, op->object);
          cs_emit (ctx, CS_STORAGE_SHARD_REBUILT, op->object, latency);
        }
      for (guint i = 0; i < op->waiters->len; i++)
        {
          const Waiter *w = &g_array_index (op->waiters, Waiter, i);
          if (ok)
            serve_start (ctx, n, w);
          else
            send_infer_nack (ctx, w);
        }
      break;
    default:
      g_return_if_reached ();
    }
  op_remove (ctx, n, op);
}

/* The requester's side of a stream: a chunk arrived. A new one is acknowledged, which lets the
 * holder send one more; the piece is complete when every chunk is there. */
static void
on_chunk (CsNodeCtx *ctx, StorageNode *n, guint32 from, const Body *b)
{
  CsStorageStrategy *s = strategy (ctx);
  Op *op = NULL;
  Attempt *a = pending_attempt (n, b->op, b->attempt, &op);
  if (!a)
    return; /* a stream we gave up on: no ack, the holder drops it after its stall time */
  guint64 chunk = s->service->config->chunk;
  guint64 size = cs__storage_frag_size (s, op->object);
  guint64 c = b->offset / chunk;
  if (!a->got)
    a->got = g_new0 (guint8, ((size + chunk - 1) / chunk + 7) / 8);
  if ((a->got[c >> 3] >> (c & 7)) & 1)
    return; /* a duplicate (resent after a resume) */
  a->got[c >> 3] |= (guint8) (1u << (c & 7));
  a->received += b->length;
  if (b->bytes && !a->bytes)
    a->bytes = g_bytes_ref (b->bytes);
  if (a->received >= size)
    {
      g_autoptr (GBytes) bytes = a->bytes ? g_bytes_ref (a->bytes) : NULL;
      attempt_end (ctx, n, b->op, b->attempt, TRUE, bytes);
      return;
    }
  Body *ack = g_new0 (Body, 1);
  ack->upload = b->upload;
  send_body (ctx, from, MSG_ACK, strategy (ctx)->service->config->request_size, ack,
             CS_STORAGE_TRAFFIC_CONTROL);
}

/* ---- serving fragments ---- */

/* Sends the upload's next chunk; the last one ends (and frees) the upload. Returns FALSE then. */
static gboolean
upload_next (CsNodeCtx *ctx, StorageNode *n, Op *up)
{
  CsStorageStrategy *s = strategy (ctx);
  guint64 len = MIN (s->service->config->chunk, up->size - up->sent);
  Body *b = g_new0 (Body, 1);
  b->op = up->req_op;
  b->attempt = up->req_attempt;
  b->frag = up->frag;
  b->object = up->object;
  b->upload = up->id;
  b->offset = up->sent;
  b->length = len;
  up->sent += len;
  gboolean last = up->sent >= up->size;
  b->last = last;
  guint64 slot = (guint64) up->object * s->n_frag + up->frag;
  if (last && s->frag_bytes && s->frag_bytes[slot] && s->holder[slot] == ctx->id)
    b->bytes = g_bytes_ref (s->frag_bytes[slot]);
  send_body (ctx, up->to, MSG_CHUNK, len, b, up->purpose); /* may free b (a blocked transfer) */
  if (!last)
    return TRUE;
  op_remove (ctx, n, up);
  return FALSE;
}

static void
on_get (CsNodeCtx *ctx, StorageNode *n, guint32 from, const Body *req)
{
  CsStorageStrategy *s = strategy (ctx);
  guint64 slot = (guint64) req->object * s->n_frag + req->frag;
  if (!(req->object < s->service->n_objects && req->frag < s->n_frag
        && s->holder[slot] == ctx->id && s->intact[slot]))
    {
      Body *b = g_new0 (Body, 1);
      b->op = req->op;
      b->attempt = req->attempt;
      send_body (ctx, from, MSG_NACK, s->service->config->request_size, b,
                 CS_STORAGE_TRAFFIC_CONTROL);
      return;
    }
  /* A resume of a stream still running restarts it from the requested byte (go-back-N). */
  Op *up = NULL;
  for (guint i = 0; i < n->ops->len && !up; i++)
    {
      Op *o = n->ops->pdata[i];
      if (o->kind == OP_UPLOAD && o->to == from && o->req_op == req->op
          && o->req_attempt == req->attempt)
        up = o;
    }
  gboolean fresh = up == NULL;
  if (fresh)
    {
      up = op_new (n, OP_UPLOAD, cs_now (ctx));
      up->to = from;
      up->req_op = req->op;
      up->req_attempt = req->attempt;
      up->object = req->object;
      up->frag = req->frag;
      up->purpose = req->purpose;
      up->size = cs__storage_frag_size (s, req->object);
    }
  up->sent = MIN (req->offset, up->size - 1);
  up->acks++; /* a resume is progress */
  guint32 id = up->id;
  for (gint64 i = 0; i < s->service->config->window; i++)
    if (!upload_next (ctx, n, up))
      return;
  if (fresh)
    cs_timer_start (ctx, stall_timeout (s), T_UPLOAD, GUINT_TO_POINTER (id));
}

static void
on_ack (CsNodeCtx *ctx, StorageNode *n, const Body *b)
{
  Op *up = op_find (n, b->upload);
  if (!up || up->kind != OP_UPLOAD)
    return;
  up->acks++;
  upload_next (ctx, n, up);
}

/* ---- inference: the client ---- */

/* How long a stage may stay silent: the activations there and back at min_rate, the compute
 * time and the timeout (a decoding server's keepalives come every timeout / 2). */
static CsTime
stage_timeout (const CsStorageStrategy *s)
{
  const CsStorageConfig *c = s->service->config;
  return transfer_timeout (s, 2 * c->inference.activation) + c->inference.compute;
}

/* Sends the current stage to the nearest unsuspected holder not yet tried, or gives up. */
static void
infer_next (CsNodeCtx *ctx, StorageNode *n, Op *op)
{
  CsStorageStrategy *s = strategy (ctx);
  CsStorageService *svc = s->service;
  CsTime now = cs_now (ctx);
  guint32 object = svc->coll_base[svc->model_coll] + op->stage;
  gboolean found = FALSE;
  Cand best = { 0 };
  for (guint f = 0; f < s->n_frag; f++)
    {
      guint64 slot = (guint64) object * s->n_frag + f;
      guint32 h = s->holder[slot];
      if (h == CS_NO_NODE || h == ctx->id || !s->intact[slot] || cs__storage_suspected (s, h, now))
        continue;
      gboolean tried = FALSE;
      for (guint i = 0; i < op->tried->len && !tried; i++)
        tried = g_array_index (op->tried, guint32, i) == h;
      if (tried)
        continue;
      Cand c = {
        .latency = cs__storage_latency (svc, ctx->id, h),
        .tie = cs_mix64 (((guint64) op->id << 32) ^ h ^ ((guint64) op->stage << 48)),
        .node = h,
      };
      if (!found || cmp_cand (&c, &best) < 0)
        best = c;
      found = TRUE;
    }
  if (!found)
    {
      cs_emit (ctx, CS_STORAGE_INFER_FAILED, op->key, op->stage);
      op_remove (ctx, n, op);
      return;
    }
  op->server = best.node;
  op->tries++;
  op->waits = op->waits_checked = 0;
  Body *b = g_new0 (Body, 1);
  b->op = op->id;
  b->object = object;
  b->stage = op->stage;
  b->tries = op->tries;
  send_body (ctx, best.node, MSG_INFER, svc->config->inference.activation, b,
             CS_STORAGE_TRAFFIC_INFERENCE);
  cs_timer_start (ctx, stage_timeout (s), T_STAGE,
                  GSIZE_TO_POINTER (((guint64) op->id << 32) | ((guint64) op->stage << 16)
                                    | op->tries));
}

/* The current stage's server failed (refused, or silent past the timeout): try another. */
static void
infer_failover (CsNodeCtx *ctx, StorageNode *n, Op *op)
{
  g_array_append_val (op->tried, op->server);
  cs_emit (ctx, CS_STORAGE_INFER_FAILOVER, op->key, op->stage);
  infer_next (ctx, n, op);
}

/* The op of an inference answer, if it answers the current stage and attempt. */
static Op *
infer_op (StorageNode *n, guint32 id, guint16 stage, guint16 tries)
{
  Op *op = op_find (n, id);
  if (!op || op->kind != OP_INFER || op->stage != stage || op->tries != tries)
    return NULL;
  return op;
}

static void
on_infer_resp (CsNodeCtx *ctx, StorageNode *n, const Body *b)
{
  CsStorageStrategy *s = strategy (ctx);
  Op *op = infer_op (n, b->op, b->stage, b->tries);
  if (!op)
    return;
  op->stage++;
  op->tries = 0;
  g_array_set_size (op->tried, 0);
  if (op->stage >= s->service->model_shards)
    {
      cs_emit (ctx, CS_STORAGE_INFER_DONE, op->key, cs_time_to_s (cs_now (ctx) - op->started));
      op_remove (ctx, n, op);
      return;
    }
  infer_next (ctx, n, op);
}

/* ---- inference: the server ---- */

static void
send_infer_nack (CsNodeCtx *ctx, const Waiter *w)
{
  Body *b = g_new0 (Body, 1);
  b->op = w->op;
  b->stage = w->stage;
  b->tries = w->tries;
  send_body (ctx, w->client, MSG_INFER_NACK, strategy (ctx)->service->config->request_size, b,
             CS_STORAGE_TRAFFIC_CONTROL);
}

/* Queues the computation of a stage (one at a time per server). */
static void
serve_start (CsNodeCtx *ctx, StorageNode *n, const Waiter *w)
{
  const CsStorageConfig *c = strategy (ctx)->service->config;
  CsTime now = cs_now (ctx);
  CsTime start = MAX (now, n->busy_until);
  n->busy_until = start + c->inference.compute;
  Op *op = op_new (n, OP_SERVE, now);
  op->waiter = *w;
  cs_timer_start (ctx, n->busy_until - now, T_COMPUTE, GUINT_TO_POINTER (op->id));
}

static gboolean
holds_intact (const CsStorageStrategy *s, guint32 node, guint32 object)
{
  for (guint f = 0; f < s->n_frag; f++)
    {
      guint64 slot = (guint64) object * s->n_frag + f;
      if (s->holder[slot] == node && s->intact[slot])
        return TRUE;
    }
  return FALSE;
}

static void
on_infer (CsNodeCtx *ctx, StorageNode *n, guint32 from, const Body *b)
{
  CsStorageStrategy *s = strategy (ctx);
  Waiter w = { .client = from, .op = b->op, .stage = b->stage, .tries = b->tries };
  if (b->object >= s->service->n_objects || !holds_intact (s, ctx->id, b->object))
    {
      send_infer_nack (ctx, &w);
      return;
    }
  if (s->config->policy != CS_PLACEMENT_ERASURE || cached (n, b->object))
    {
      serve_start (ctx, n, &w);
      return;
    }
  /* Erasure: decode the shard first (once; later requests wait for the same decoding). */
  for (guint i = 0; i < n->ops->len; i++)
    {
      Op *op = n->ops->pdata[i];
      if (op->kind == OP_REBUILD && op->object == b->object)
        {
          g_array_append_val (op->waiters, w);
          return;
        }
    }
  Op *op = op_new (n, OP_REBUILD, cs_now (ctx));
  op->waiters = g_array_new (FALSE, FALSE, sizeof (Waiter));
  g_array_append_val (op->waiters, w);
  guint32 id = op->id;
  fetch_start (ctx, n, op, b->object, s->need);
  if (op_find (n, id)) /* still decoding */
    cs_timer_start (ctx, s->service->config->timeout / 2, T_KEEPALIVE, GUINT_TO_POINTER (id));
}

/* ---- dispatch ---- */

static void
storage_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  StorageNode *n = state;
  const Body *b = msg->body;
  switch (msg->type)
    {
    case MSG_GET:
      on_get (ctx, n, from, b);
      break;
    case MSG_CHUNK:
      on_chunk (ctx, n, from, b);
      break;
    case MSG_ACK:
      on_ack (ctx, n, b);
      break;
    case MSG_NACK:
      attempt_end (ctx, n, b->op, b->attempt, FALSE, NULL);
      break;
    case MSG_INFER:
      on_infer (ctx, n, from, b);
      break;
    case MSG_INFER_RESP:
      on_infer_resp (ctx, n, b);
      break;
    case MSG_INFER_NACK:
      {
        Op *op = infer_op (n, b->op, b->stage, b->tries);
        if (op)
          infer_failover (ctx, n, op);
        break;
      }
    case MSG_INFER_WAIT:
      {
        Op *op = infer_op (n, b->op, b->stage, b->tries);
        if (op)
          op->waits++;
        break;
      }
    default:
      g_return_if_reached ();
    }
}

static void
storage_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  StorageNode *n = state;
  CsStorageStrategy *s = strategy (ctx);
  guint64 a = GPOINTER_TO_SIZE (arg);
  switch (kind)
    {
    case CS_STORAGE_TIMER_READ:
      {
        const CsReadRequest *r = &g_array_index (s->service->reads, CsReadRequest, a);
        Op *op = op_new (n, OP_READ, cs_now (ctx));
        op->key = a;
        cs_emit (ctx, CS_STORAGE_READ_START, a, 0);
        fetch_start (ctx, n, op, r->object, s->need);
        break;
      }
    case CS_STORAGE_TIMER_INFER:
      {
        Op *op = op_new (n, OP_INFER, cs_now (ctx));
        op->key = a;
        op->tried = g_array_new (FALSE, FALSE, sizeof (guint32));
        cs_emit (ctx, CS_STORAGE_INFER_START, a, 0);
        infer_next (ctx, n, op);
        break;
      }
    case CS_STORAGE_TIMER_REPAIR:
      {
        Op *op = op_new (n, OP_REPAIR, cs_now (ctx));
        op->key = a >> 24;
        op->gen = (guint32) (a & 0xffffff);
        fetch_start (ctx, n, op, (guint32) (op->key / s->n_frag), s->need);
        break;
      }
    case T_ATTEMPT:
      {
        /* Progress since the timer was armed keeps the stream alive; silence resumes it, and
         * fails it after MAX_RESUMES. */
        Op *op = NULL;
        Attempt *at = pending_attempt (n, (guint32) (a >> 16), (guint) (a & 0xffff), &op);
        if (at && (at->received > at->checked || at->resumes < MAX_RESUMES))
          {
            if (at->received == at->checked)
              {
                at->resumes++;
                send_get (ctx, op, (guint) (a & 0xffff), at);
              }
            at->checked = at->received;
            cs_timer_start (ctx, stall_timeout (s), T_ATTEMPT, arg);
          }
        else if (at)
          attempt_end (ctx, n, (guint32) (a >> 16), (guint) (a & 0xffff), FALSE, NULL);
        break;
      }
    case T_UPLOAD:
      {
        Op *up = op_find (n, (guint32) a);
        if (!up || up->kind != OP_UPLOAD)
          break;
        if (up->acks > up->checked)
          {
            up->checked = up->acks;
            cs_timer_start (ctx, stall_timeout (s), T_UPLOAD, arg);
          }
        else
          op_remove (ctx, n, up); /* the requester is gone */
        break;
      }
    case T_STAGE:
      {
        Op *op = infer_op (n, (guint32) (a >> 32), (guint16) (a >> 16), (guint16) a);
        if (op && op->waits > op->waits_checked) /* the server is decoding: keep waiting */
          {
            op->waits_checked = op->waits;
            cs_timer_start (ctx, stage_timeout (s), T_STAGE, arg);
          }
        else if (op)
          infer_failover (ctx, n, op);
        break;
      }
    case T_KEEPALIVE:
      {
        Op *op = op_find (n, (guint32) a);
        if (!op || op->kind != OP_REBUILD)
          break;
        for (guint i = 0; i < op->waiters->len; i++)
          {
            const Waiter *w = &g_array_index (op->waiters, Waiter, i);
            Body *k = g_new0 (Body, 1);
            k->op = w->op;
            k->stage = w->stage;
            k->tries = w->tries;
            send_body (ctx, w->client, MSG_INFER_WAIT, s->service->config->request_size, k,
                       CS_STORAGE_TRAFFIC_CONTROL);
          }
        cs_timer_start (ctx, s->service->config->timeout / 2, T_KEEPALIVE, arg);
        break;
      }
    case T_COMPUTE:
      {
        Op *op = op_find (n, (guint32) a);
        if (!op || op->kind != OP_SERVE)
          break;
        Body *b = g_new0 (Body, 1);
        b->op = op->waiter.op;
        b->stage = op->waiter.stage;
        b->tries = op->waiter.tries;
        send_body (ctx, op->waiter.client, MSG_INFER_RESP, s->service->config->inference.activation,
                   b, CS_STORAGE_TRAFFIC_INFERENCE);
        op_remove (ctx, n, op);
        break;
      }
    default:
      g_return_if_reached ();
    }
}

const CsProtocolClass cs_storage_class = {
  .name = "storage",
  .state_size = sizeof (StorageNode),
  .start = storage_start,
  .on_message = storage_on_message,
  .on_timer = storage_on_timer,
  .clear = storage_clear,
};
