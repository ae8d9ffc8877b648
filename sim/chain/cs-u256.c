/* cs-u256.c: 256-bit unsigned arithmetic of cs-u256.h, on 64-bit limbs with unsigned __int128 for
 * carries and 128/64 divisions. */
#include "chain/cs-u256.h"

#include <string.h>

typedef unsigned __int128 u128;

void
cs_u256_set_max (CsU256 *r)
{
  r->w[0] = r->w[1] = r->w[2] = r->w[3] = G_MAXUINT64;
}

int
cs_u256_cmp (const CsU256 *a, const CsU256 *b)
{
  for (int i = 3; i >= 0; i--)
    if (a->w[i] != b->w[i])
      return a->w[i] < b->w[i] ? -1 : 1;
  return 0;
}

guint
cs_u256_bits (const CsU256 *a)
{
  for (int i = 3; i >= 0; i--)
    if (a->w[i])
      return 64 * i + 64 - __builtin_clzll (a->w[i]);
  return 0;
}

gboolean
cs_u256_add (CsU256 *r, const CsU256 *a, const CsU256 *b)
{
  u128 carry = 0;
  for (int i = 0; i < 4; i++)
    {
      carry += (u128) a->w[i] + b->w[i];
      r->w[i] = (guint64) carry;
      carry >>= 64;
    }
  if (carry)
    {
      cs_u256_set_max (r);
      return TRUE;
    }
  return FALSE;
}

gboolean
cs_u256_sub (CsU256 *r, const CsU256 *a, const CsU256 *b)
{
  guint64 borrow = 0;
  for (int i = 0; i < 4; i++)
    {
      guint64 ai = a->w[i], bi = b->w[i];
      guint64 d = ai - bi - borrow;
      borrow = (ai < bi) || (ai == bi && borrow) ? 1 : 0;
      r->w[i] = d;
    }
  return borrow != 0;
}

void
cs_u256_shl (CsU256 *r, const CsU256 *a, guint n)
{
  CsU256 t = { { 0, 0, 0, 0 } };
  if (n < 256)
    {
      guint limbs = n / 64, bits = n % 64;
      for (int i = 3; i >= (int) limbs; i--)
        {
          t.w[i] = a->w[i - limbs] << bits;
          if (bits && i - (int) limbs - 1 >= 0)
            t.w[i] |= a->w[i - limbs - 1] >> (64 - bits);
        }
    }
  *r = t;
}

void
cs_u256_shr (CsU256 *r, const CsU256 *a, guint n)
{
  CsU256 t = { { 0, 0, 0, 0 } };
  if (n < 256)
    {
      guint limbs = n / 64, bits = n % 64;
      for (guint i = 0; i + limbs < 4; i++)
        {
          t.w[i] = a->w[i + limbs] >> bits;
          if (bits && i + limbs + 1 < 4)
            t.w[i] |= a->w[i + limbs + 1] << (64 - bits);
        }
    }
  *r = t;
}

void
cs_u256_divmod (CsU256 *q, CsU256 *rem, const CsU256 *n, const CsU256 *d)
{
  CsU256 quo = { { 0, 0, 0, 0 } }, r = { { 0, 0, 0, 0 } };
  g_return_if_fail (!cs_u256_is_zero (d));

  /* Restoring long division, one bit at a time from the top. r < d always, so r * 2 + 1 may
   * exceed 2^256 only by the carry bit, and then it is certainly >= d. */
  for (int i = (int) cs_u256_bits (n) - 1; i >= 0; i--)
    {
      guint64 carry = r.w[3] >> 63;
      cs_u256_shl (&r, &r, 1);
      r.w[0] |= (n->w[i / 64] >> (i % 64)) & 1;
      if (carry || cs_u256_cmp (&r, d) >= 0)
        {
          cs_u256_sub (&r, &r, d);
          quo.w[i / 64] |= (guint64) 1 << (i % 64);
        }
    }
  if (q)
    *q = quo;
  if (rem)
    *rem = r;
}

gboolean
cs_u256_mul_div_u64 (CsU256 *r, const CsU256 *a, guint64 m, guint64 d)
{
  guint64 p[5];
  u128 carry = 0, rem = 0;
  g_return_val_if_fail (d > 0, FALSE);

  for (int i = 0; i < 4; i++)
    {
      carry += (u128) a->w[i] * m;
      p[i] = (guint64) carry;
      carry >>= 64;
    }
  p[4] = (guint64) carry;
  /* 320 / 64 schoolbook division, top limb first: rem < d keeps each partial quotient < 2^64. */
  for (int i = 4; i >= 0; i--)
    {
      u128 cur = (rem << 64) | p[i];
      p[i] = (guint64) (cur / d);
      rem = cur % d;
    }
  if (p[4])
    {
      cs_u256_set_max (r);
      return TRUE;
    }
  memcpy (r->w, p, sizeof r->w);
  return FALSE;
}

void
cs_u256_from_compact (CsU256 *r, guint32 bits, gboolean *negative, gboolean *overflow)
{
  guint size = bits >> 24;
  guint32 word = bits & 0x007fffff;

  if (size <= 3)
    {
      word >>= 8 * (3 - size);
      cs_u256_set_u64 (r, word);
    }
  else
    {
      cs_u256_set_u64 (r, word);
      cs_u256_shl (r, r, 8 * (size - 3));
    }
  if (negative)
    *negative = word != 0 && (bits & 0x00800000) != 0;
  if (overflow)
    *overflow = word != 0 && (size > 34 || (word > 0xff && size > 33)
                              || (word > 0xffff && size > 32));
}

guint32
cs_u256_to_compact (const CsU256 *a)
{
  guint size = (cs_u256_bits (a) + 7) / 8;
  guint64 compact;

  if (size <= 3)
    compact = a->w[0] << (8 * (3 - size));
  else
    {
      CsU256 t;
      cs_u256_shr (&t, a, 8 * (size - 3));
      compact = t.w[0];
    }
  /* The mantissa's top bit is a sign: keep it clear by moving one byte into the exponent. */
  if (compact & 0x00800000)
    {
      compact >>= 8;
      size++;
    }
  return (guint32) (compact | ((guint64) size << 24));
}

void
cs_u256_work (CsU256 *work, const CsU256 *target)
{
  CsU256 not_t, t1;

  if (cs_u256_is_zero (target))
    {
      cs_u256_set_u64 (work, 0);
      return;
    }
  for (int i = 0; i < 4; i++)
    not_t.w[i] = ~target->w[i];
  if (cs_u256_is_zero (&not_t))
    {
      /* target = 2^256 - 1: every hash meets it, one try. */
      cs_u256_set_u64 (work, 1);
      return;
    }
  /* 2^256 / (t + 1) = (2^256 - t - 1) / (t + 1) + 1 = ~t / (t + 1) + 1, all in 256 bits. */
  cs_u256_set_u64 (&t1, 1);
  cs_u256_add (&t1, target, &t1);
  cs_u256_divmod (work, NULL, &not_t, &t1);
  cs_u256_set_u64 (&t1, 1);
  cs_u256_add (work, work, &t1);
}

char *
cs_u256_to_hex (const CsU256 *a, char buf[CS_U256_HEX_LEN])
{
  g_snprintf (buf, CS_U256_HEX_LEN, "%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x%016"
              G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
              a->w[3], a->w[2], a->w[1], a->w[0]);
  return buf;
}

gboolean
cs_u256_from_hex (CsU256 *r, const char *hex)
{
  gsize len = strlen (hex);
  cs_u256_set_u64 (r, 0);
  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int v = g_ascii_xdigit_value (hex[i]);
      if (v < 0)
        return FALSE;
      cs_u256_shl (r, r, 4);
      r->w[0] |= (guint64) v;
    }
  return TRUE;
}

double
cs_u256_to_double (const CsU256 *a)
{
  double d = 0;
  for (int i = 3; i >= 0; i--)
    d = d * 18446744073709551616.0 + (double) a->w[i];
  return d;
}
