/* cs-msg.c: reference counting of cs-msg.h. Messages are small fixed-size records allocated with
 * g_new (glibc's allocator recycles them well); the body is owned by the message. */
#include "node/cs-msg.h"

CsMsg *
cs_msg_new (guint16 type, guint64 size, gpointer body, GDestroyNotify body_free)
{
  CsMsg *msg = g_new (CsMsg, 1);
  msg->refcount = 1;
  msg->type = type;
  msg->size = size;
  msg->body = body;
  msg->body_free = body_free;
  return msg;
}

CsMsg *
cs_msg_ref (CsMsg *msg)
{
  g_atomic_int_inc (&msg->refcount);
  return msg;
}

void
cs_msg_unref (CsMsg *msg)
{
  if (msg && g_atomic_int_dec_and_test (&msg->refcount))
    {
      if (msg->body_free)
        msg->body_free (msg->body);
      g_free (msg);
    }
}
