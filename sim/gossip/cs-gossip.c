/* cs-gossip.c: the flooding gossip protocol of cs-gossip.h and its scenario section. Per node it
 * keeps one bit per message ("seen"), so memory is nodes x messages / 8 bytes. */
#include "gossip/cs-gossip.h"

#include <gsl/gsl_randist.h>
#include <stddef.h>

static const CsField gossip_fields[] = {
  { .key = "messages", .type = CS_T_INT, .offset = offsetof (CsGossipConfig, messages),
    .default_text = "100", .min = 1, .max = 10000000,
    .help = "how many messages are originated" },
  { .key = "interval", .type = CS_T_DURATION, .offset = offsetof (CsGossipConfig, interval),
    .default_text = "1s", .min = 1, .max = CS_UNBOUNDED,
    .help = "mean time between originations (exponential gaps)" },
  { .key = "start", .type = CS_T_DURATION, .offset = offsetof (CsGossipConfig, start),
    .default_text = "0s", .min = 0, .max = CS_UNBOUNDED,
    .help = "when the originations begin" },
  { .key = "size", .type = CS_T_SIZE, .offset = offsetof (CsGossipConfig, size),
    .default_text = "1KB", .min = 1, .max = 1e10,
    .help = "bytes per message on the wire" },
  { .key = "processing_delay", .type = CS_T_DURATION,
    .offset = offsetof (CsGossipConfig, processing_delay), .default_text = "1ms", .min = 0,
    .max = CS_UNBOUNDED, .help = "time from first receipt to forwarding (validation)" },
  { NULL }
};

const CsSchema cs_gossip_schema = {
  .name = "gossip",
  .struct_size = sizeof (CsGossipConfig),
  .fields = gossip_fields,
};

/* Per-node state. */
typedef struct
{
  guint8 *seen; /* one bit per message id */
} GossipNode;

enum
{
  MSG_DATA = 1,
};

G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (guint64));

static gboolean
test_and_set (GossipNode *node, guint64 id)
{
  guint8 bit = (guint8) (1u << (id & 7));
  gboolean was = (node->seen[id >> 3] & bit) != 0;
  node->seen[id >> 3] |= bit;
  return was;
}

static void
gossip_start (CsNodeCtx *ctx, gpointer state)
{
  const CsGossipConfig *config = ctx->shared;
  GossipNode *node = state;
  node->seen = g_new0 (guint8, (config->messages + 7) / 8);
}

static void
gossip_clear (gpointer state)
{
  GossipNode *node = state;
  g_clear_pointer (&node->seen, g_free);
}

static void
forward (CsNodeCtx *ctx, guint64 id, guint32 except)
{
  const CsGossipConfig *config = ctx->shared;
  g_autoptr (CsMsg) msg = cs_msg_new (MSG_DATA, config->size, GSIZE_TO_POINTER (id), NULL);
  cs_broadcast (ctx, msg, except);
}

/* A FORWARD timer's argument: the message id in the high bits, the sender in the low 32. */
static gpointer
pack (guint64 id, guint32 from)
{
  return GSIZE_TO_POINTER ((id << 32) | from);
}

static void
gossip_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  GossipNode *node = state;
  guint64 id = GPOINTER_TO_SIZE (msg->body);
  const CsGossipConfig *config = ctx->shared;
  g_return_if_fail (msg->type == MSG_DATA && id < (guint64) config->messages);
  if (test_and_set (node, id))
    {
      cs_emit (ctx, CS_GOSSIP_DUPLICATE, id, 0);
      return;
    }
  cs_emit (ctx, CS_GOSSIP_RECEIVED, id, 0);
  if (config->processing_delay == 0)
    forward (ctx, id, from);
  else
    cs_timer_start (ctx, config->processing_delay, CS_GOSSIP_TIMER_FORWARD, pack (id, from));
}

static void
gossip_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  GossipNode *node = state;
  if (kind == CS_GOSSIP_TIMER_ORIGINATE)
    {
      guint64 id = GPOINTER_TO_SIZE (arg);
      if (test_and_set (node, id))
        return; /* cannot happen: ids are unique */
      cs_emit (ctx, CS_GOSSIP_ORIGINATED, id, 0);
      forward (ctx, id, G_MAXUINT32);
    }
  else if (kind == CS_GOSSIP_TIMER_FORWARD)
    {
      gsize packed = GPOINTER_TO_SIZE (arg);
      forward (ctx, packed >> 32, (guint32) (packed & 0xffffffffu));
    }
}

const CsProtocolClass cs_gossip_class = {
  .name = "gossip",
  .state_size = sizeof (GossipNode),
  .start = gossip_start,
  .on_message = gossip_on_message,
  .on_timer = gossip_on_timer,
  .clear = gossip_clear,
};

void
cs_gossip_plan (const CsGossipConfig *config, guint n_nodes, gsl_rng *rng, CsTime horizon,
                CsGossipPlanFunc func, gpointer user_data)
{
  double t = cs_time_to_s (config->start);
  double mean = cs_time_to_s (config->interval);
  for (gint64 id = 0; id < config->messages; id++)
    {
      t += gsl_ran_exponential (rng, mean); /* GSL takes the mean, not the rate */
      guint32 node = (guint32) gsl_rng_uniform_int (rng, n_nodes);
      CsTime at = cs_time_from_s (t);
      if (at >= horizon)
        break;
      func (node, at, (guint64) id, user_data);
    }
}
