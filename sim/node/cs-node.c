/* cs-node.c: helpers over the node context that every implementation shares. */
#include "node/cs-node.h"

void
cs_send_all (CsNodeCtx *ctx, const guint32 *to, guint n, CsMsg *msg)
{
  if (ctx->ops->send_all != NULL)
    {
      ctx->ops->send_all (ctx, to, n, msg);
      return;
    }
  for (guint i = 0; i < n; i++)
    cs_send (ctx, to[i], msg);
}

void
cs_broadcast (CsNodeCtx *ctx, CsMsg *msg, guint32 except)
{
  guint n = 0;
  const guint32 *peers = cs_peers (ctx, &n);
  for (guint i = 0; i < n; i++)
    if (peers[i] != except)
      cs_send (ctx, peers[i], msg);
}
