/* cs-hash.c: double SHA-256 through GChecksum, hex conversions and the target test. */
#include "chain/cs-hash.h"

#include <string.h>

void
cs_sha256d (const void *data, gsize len, CsHash *out)
{
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 first[CS_HASH_SIZE];
  gsize n = sizeof first;

  g_checksum_update (c, data, (gssize) len);
  g_checksum_get_digest (c, first, &n);
  g_assert (n == CS_HASH_SIZE);
  g_checksum_reset (c);
  g_checksum_update (c, first, sizeof first);
  n = CS_HASH_SIZE;
  g_checksum_get_digest (c, out->b, &n);
  g_checksum_free (c);
}

void
cs_sha256d_pair (const CsHash *a, const CsHash *b, CsHash *out)
{
  guint8 buf[2 * CS_HASH_SIZE];
  memcpy (buf, a->b, CS_HASH_SIZE);
  memcpy (buf + CS_HASH_SIZE, b->b, CS_HASH_SIZE);
  cs_sha256d (buf, sizeof buf, out);
}

static const char hexdigits[] = "0123456789abcdef";

char *
cs_hash_to_hex (const CsHash *h, char buf[CS_HASH_HEX_LEN])
{
  for (int i = 0; i < CS_HASH_SIZE; i++)
    {
      guint8 v = h->b[CS_HASH_SIZE - 1 - i];
      buf[2 * i] = hexdigits[v >> 4];
      buf[2 * i + 1] = hexdigits[v & 15];
    }
  buf[2 * CS_HASH_SIZE] = '\0';
  return buf;
}

char *
cs_hash_to_hex_internal (const CsHash *h, char buf[CS_HASH_HEX_LEN])
{
  for (int i = 0; i < CS_HASH_SIZE; i++)
    {
      buf[2 * i] = hexdigits[h->b[i] >> 4];
      buf[2 * i + 1] = hexdigits[h->b[i] & 15];
    }
  buf[2 * CS_HASH_SIZE] = '\0';
  return buf;
}

gboolean
cs_hash_from_hex (const char *hex, CsHash *out)
{
  memset (out->b, 0, CS_HASH_SIZE);
  if (strlen (hex) != 2 * CS_HASH_SIZE)
    return FALSE;
  for (int i = 0; i < CS_HASH_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        {
          memset (out->b, 0, CS_HASH_SIZE);
          return FALSE;
        }
      out->b[CS_HASH_SIZE - 1 - i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

int
cs_hash_compare (const CsHash *a, const CsHash *b)
{
  for (int i = CS_HASH_SIZE - 1; i >= 0; i--)
    if (a->b[i] != b->b[i])
      return a->b[i] < b->b[i] ? -1 : 1;
  return 0;
}

gboolean
cs_hash_is_zero (const CsHash *h)
{
  for (int i = 0; i < CS_HASH_SIZE; i++)
    if (h->b[i])
      return FALSE;
  return TRUE;
}

guint
cs_hash_hash_func (gconstpointer key)
{
  const CsHash *h = key;
  guint v;
  memcpy (&v, h->b, sizeof v);
  return v;
}

gboolean
cs_hash_equal_func (gconstpointer a, gconstpointer b)
{
  return cs_hash_equal (a, b);
}

void
cs_hash_to_u256 (const CsHash *h, CsU256 *out)
{
  for (int i = 0; i < 4; i++)
    {
      guint64 le;
      memcpy (&le, h->b + 8 * i, 8);
      out->w[i] = GUINT64_FROM_LE (le);
    }
}

void
cs_hash_from_u256 (const CsU256 *v, CsHash *out)
{
  for (int i = 0; i < 4; i++)
    {
      guint64 le = GUINT64_TO_LE (v->w[i]);
      memcpy (out->b + 8 * i, &le, 8);
    }
}

gboolean
cs_hash_meets_target (const CsHash *h, const CsU256 *target)
{
  CsU256 v;
  cs_hash_to_u256 (h, &v);
  return cs_u256_cmp (&v, target) <= 0;
}
