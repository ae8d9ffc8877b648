/* cs-msg.h: a network message. Immutable once sent and reference-counted, so a message broadcast
 * to many peers (a block, a vote) exists once in memory however many deliveries are pending. */
#pragma once

#include <glib.h>

typedef struct _CsMsg CsMsg;

struct _CsMsg
{
  gint refcount;          /* atomic; the message is freed when it drops to zero */
  guint16 type;           /* protocol-defined message type */
  guint64 size;           /* bytes on the wire: what bandwidth is charged for */
  gpointer body;          /* protocol-defined contents */
  GDestroyNotify body_free; /* frees @body with the message; may be NULL */
};

/* A new message with one reference; takes ownership of @body (freed with @body_free). */
CsMsg *cs_msg_new (guint16 type, guint64 size, gpointer body, GDestroyNotify body_free);
CsMsg *cs_msg_ref (CsMsg *msg);
void cs_msg_unref (CsMsg *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsMsg, cs_msg_unref)
