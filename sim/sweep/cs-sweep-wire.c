/* cs-sweep-wire.c: encoding and decoding the messages of cs-sweep-wire.h. A writer appends to a
 * GByteArray; a reader walks the bytes and turns any overrun into one error. Complexity: linear
 * in the message's size. */
#include "sweep/cs-sweep-wire.h"

#include <string.h>

#include "sweep/cs-sweep.h"

/* "CSW1" in the first four bytes: the format of these messages. */
#define WIRE_MAGIC 0x31575343u

/* --- writing --- */

static void
put_u32 (GByteArray *out, guint32 value)
{
  guint32 le = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
put_u64 (GByteArray *out, guint64 value)
{
  guint64 le = GUINT64_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &le, sizeof le);
}

static void
put_data (GByteArray *out, const void *data, gsize length)
{
  put_u64 (out, length);
  g_byte_array_append (out, data, (guint) length);
}

static void
put_string (GByteArray *out, const char *text)
{
  put_data (out, text ? text : "", text ? strlen (text) : 0);
}

/* --- reading --- */

typedef struct
{
  const guint8 *at;  /* the next byte */
  gsize left;        /* bytes left */
  gboolean bad;      /* a read ran past the end */
} Reader;

static const guint8 *
take (Reader *r, gsize n)
{
  if (r->bad || n > r->left)
    {
      r->bad = TRUE;
      return NULL;
    }
  const guint8 *p = r->at;
  r->at += n;
  r->left -= n;
  return p;
}

static guint32
get_u32 (Reader *r)
{
  guint32 le = 0;
  const guint8 *p = take (r, sizeof le);
  if (p)
    memcpy (&le, p, sizeof le);
  return GUINT32_FROM_LE (le);
}

static guint64
get_u64 (Reader *r)
{
  guint64 le = 0;
  const guint8 *p = take (r, sizeof le);
  if (p)
    memcpy (&le, p, sizeof le);
  return GUINT64_FROM_LE (le);
}

/* Length-prefixed bytes: a pointer into the message and their length. */
static const guint8 *
get_data (Reader *r, gsize *length)
{
  guint64 n = get_u64 (r);
  const guint8 *p = take (r, n <= r->left ? (gsize) n : G_MAXSIZE);
  *length = p ? (gsize) n : 0;
  return p;
}

static char *
get_string (Reader *r)
{
  gsize n = 0;
  const guint8 *p = get_data (r, &n);
  return p ? g_strndup ((const char *) p, n) : NULL;
}

/* --- messages --- */

/* Whether @m carries an error (domain, code, message) after its own fields. */
static gboolean
has_error (const CsWireMessage *m)
{
  return m->kind == CS_WIRE_FAILED
         || ((m->kind == CS_WIRE_RESULT || m->kind == CS_WIRE_STATUS) && !m->ok);
}

GBytes *
cs_wire_encode (const CsWireMessage *m)
{
  GByteArray *out = g_byte_array_new ();
  put_u32 (out, WIRE_MAGIC);
  put_u32 (out, m->kind);
  switch (m->kind)
    {
    case CS_WIRE_REQUEST:
      put_u32 (out, m->count);
      put_string (out, m->message);
      break;
    case CS_WIRE_ASSIGN:
      put_u32 (out, m->runs ? m->runs->len : 0);
      for (guint i = 0; m->runs && i < m->runs->len; i++)
        put_u32 (out, g_array_index (m->runs, guint32, i));
      break;
    case CS_WIRE_RESULT:
      put_u32 (out, m->run);
      put_u32 (out, m->count);
      put_u32 (out, m->ok);
      if (m->ok)
        {
          gsize n = 0;
          const void *files = m->files ? g_bytes_get_data (m->files, &n) : NULL;
          put_data (out, files, n);
        }
      break;
    case CS_WIRE_STATUS:
      put_u32 (out, m->ok);
      break;
    case CS_WIRE_FAILED:
      break;
    }
  if (has_error (m))
    {
      put_string (out, m->domain);
      put_u32 (out, m->code);
      put_string (out, m->message);
    }
  return g_byte_array_free_to_bytes (out);
}

gboolean
cs_wire_decode (GBytes *bytes, CsWireMessage *m, GError **error)
{
  gsize length = 0;
  const guint8 *base = g_bytes_get_data (bytes, &length);
  Reader r = { .at = base, .left = length };
  cs_wire_message_clear (m);
  guint32 magic = get_u32 (&r);
  m->kind = get_u32 (&r);
  gboolean known = magic == WIRE_MAGIC && m->kind >= CS_WIRE_REQUEST && m->kind <= CS_WIRE_STATUS;
  if (known)
    switch (m->kind)
      {
      case CS_WIRE_REQUEST:
        m->count = get_u32 (&r);
        m->message = get_string (&r);
        break;
      case CS_WIRE_ASSIGN:
        {
          guint32 n = get_u32 (&r);
          if (n > r.left / sizeof (guint32))
            {
              r.bad = TRUE;
              break;
            }
          m->runs = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
          for (guint32 i = 0; i < n; i++)
            {
              guint32 run = get_u32 (&r);
              g_array_append_val (m->runs, run);
            }
          break;
        }
      case CS_WIRE_RESULT:
        m->run = get_u32 (&r);
        m->count = get_u32 (&r);
        m->ok = get_u32 (&r) != 0;
        if (m->ok)
          {
            gsize n = 0;
            const guint8 *p = get_data (&r, &n);
            if (p)
              m->files = g_bytes_new_from_bytes (bytes, (gsize) (p - base), n);
          }
        break;
      case CS_WIRE_STATUS:
        m->ok = get_u32 (&r) != 0;
        break;
      case CS_WIRE_FAILED:
        break;
      }
  if (known && has_error (m))
    {
      m->domain = get_string (&r);
      m->code = get_u32 (&r);
      m->message = get_string (&r);
    }
  if (!known || r.bad || r.left != 0)
    {
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                   "chainsim: error: a malformed message between MPI ranks (is the same "
                   "chainsim installed on every node?)");
      cs_wire_message_clear (m);
      return FALSE;
    }
  return TRUE;
}

void
cs_wire_message_clear (CsWireMessage *m)
{
  g_clear_pointer (&m->runs, g_array_unref);
  g_clear_pointer (&m->files, g_bytes_unref);
  g_clear_pointer (&m->domain, g_free);
  g_clear_pointer (&m->message, g_free);
  *m = (CsWireMessage) { 0 };
}

void
cs_wire_set_error (CsWireMessage *m, const GError *error)
{
  g_free (m->domain);
  g_free (m->message);
  m->domain = g_strdup (g_quark_to_string (error->domain));
  m->code = (guint32) error->code;
  m->message = g_strdup (error->message);
}

GError *
cs_wire_get_error (const CsWireMessage *m)
{
  return g_error_new_literal (g_quark_from_string (m->domain ? m->domain : "chainsim-error"),
                              (gint) m->code, m->message ? m->message : "");
}

/* --- a run's files --- */

GBytes *
cs_wire_pack_files (const CsOutput *output)
{
  GByteArray *out = g_byte_array_new ();
  guint n = cs_output_n_files (output);
  put_u32 (out, n);
  for (guint i = 0; i < n; i++)
    {
      const GString *contents = cs_output_nth_contents (output, i);
      put_string (out, cs_output_nth_name (output, i));
      put_data (out, contents->str, contents->len);
    }
  return g_byte_array_free_to_bytes (out);
}

CsOutput *
cs_wire_unpack_files (GBytes *files, const char *dir, GError **error)
{
  gsize length = 0;
  const guint8 *base = g_bytes_get_data (files, &length);
  Reader r = { .at = base, .left = length };
  g_autoptr (CsOutput) output = cs_output_new (dir);
  guint32 n = get_u32 (&r);
  for (guint32 i = 0; i < n && !r.bad; i++)
    {
      g_autofree char *name = get_string (&r);
      gsize size = 0;
      const guint8 *data = get_data (&r, &size);
      /* A plain file name: nothing may land outside the run's directory. */
      if (name == NULL || data == NULL || *name == '\0' || strchr (name, '/') != NULL
          || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        {
          r.bad = TRUE;
          break;
        }
      g_string_append_len (cs_output_file (output, name), (const char *) data, (gssize) size);
    }
  if (r.bad || r.left != 0)
    {
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                   "%s: error: malformed run files from another MPI rank", dir);
      return NULL;
    }
  return g_steal_pointer (&output);
}
