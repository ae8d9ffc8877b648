/* cs-rs.c: Reed-Solomon over ISA-L (cs-rs.h). The encode matrix A is (k + m) x k, identity on
 * top. To rebuild from the present fragments with indices i_1 < ... < i_k (the first k present),
 * take the rows B = A[i_1..i_k], invert it: data = B^-1 * present. A missing data fragment j is
 * row j of B^-1 applied to the present ones; a parity fragment p is row p of A times B^-1. */
#include "storage/cs-rs.h"

#include <isa-l/erasure_code.h>
#include <string.h>

struct _CsRs
{
  guint k;           /* data fragments */
  guint m;           /* parity fragments */
  guint8 *matrix;    /* (k + m) x k encode matrix, row-major */
  guint8 *tables;    /* ISA-L expanded tables of the m parity rows (32 k m bytes) */
};

CsRs *
cs_rs_new (guint k, guint m)
{
  g_return_val_if_fail (k >= 1 && k + m <= 256, NULL);
  CsRs *rs = g_new0 (CsRs, 1);
  rs->k = k;
  rs->m = m;
  rs->matrix = g_malloc ((gsize) (k + m) * k);
  gf_gen_cauchy1_matrix (rs->matrix, (int) (k + m), (int) k);
  rs->tables = g_malloc0 ((gsize) 32 * k * MAX (m, 1));
  if (m > 0)
    ec_init_tables ((int) k, (int) m, rs->matrix + (gsize) k * k, rs->tables);
  return rs;
}

void
cs_rs_free (CsRs *rs)
{
  if (!rs)
    return;
  g_free (rs->matrix);
  g_free (rs->tables);
  g_free (rs);
}

guint
cs_rs_k (const CsRs *rs)
{
  return rs->k;
}

guint
cs_rs_m (const CsRs *rs)
{
  return rs->m;
}

gsize
cs_rs_fragment_size (const CsRs *rs, gsize size)
{
  return MAX ((size + rs->k - 1) / rs->k, 1);
}

GPtrArray *
cs_rs_encode (const CsRs *rs, const guint8 *data, gsize size)
{
  gsize len = cs_rs_fragment_size (rs, size);
  guint n = rs->k + rs->m;
  g_autofree guint8 **bufs = g_new (guint8 *, n);
  GPtrArray *out = g_ptr_array_new_full (n, (GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      bufs[i] = g_malloc0 (len);
      if (i < rs->k && (gsize) i * len < size)
        memcpy (bufs[i], data + (gsize) i * len, MIN (len, size - (gsize) i * len));
    }
  if (rs->m > 0)
    ec_encode_data ((int) len, (int) rs->k, (int) rs->m, rs->tables, bufs, bufs + rs->k);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (out, g_bytes_new_take (bufs[i], len));
  return out;
}

/* The first k present fragments: their indices into @rows, their data into @src; and the
 * inverse of their encode rows into @inverse (k x k). Returns the fragment length, 0 when fewer
 * than k are present or lengths differ. */
static gsize
select_and_invert (const CsRs *rs, GBytes *const *frags, guint *rows, const guint8 **src,
                   guint8 *inverse)
{
  guint k = rs->k, got = 0;
  gsize len = 0;
  for (guint i = 0; i < rs->k + rs->m && got < k; i++)
    {
      if (!frags[i])
        continue;
      gsize l;
      const guint8 *d = g_bytes_get_data (frags[i], &l);
      if (got > 0 && l != len)
        return 0;
      len = l;
      rows[got] = i;
      src[got++] = d;
    }
  if (got < k || len == 0)
    return 0;
  g_autofree guint8 *b = g_malloc ((gsize) k * k);
  for (guint r = 0; r < k; r++)
    memcpy (b + (gsize) r * k, rs->matrix + (gsize) rows[r] * k, k);
  if (gf_invert_matrix (b, inverse, (int) k) != 0)
    return 0; /* cannot happen with a Cauchy matrix */
  return len;
}

/* Applies the @n_out rows of @coeffs (n_out x k) to the k sources: out[j] = coeffs[j] . src. */
static void
apply_rows (const CsRs *rs, const guint8 *coeffs, guint n_out, const guint8 **src, guint8 **out,
            gsize len)
{
  g_autofree guint8 *tables = g_malloc ((gsize) 32 * rs->k * n_out);
  ec_init_tables ((int) rs->k, (int) n_out, (guint8 *) coeffs, tables);
  ec_encode_data ((int) len, (int) rs->k, (int) n_out, tables, (guint8 **) src, out);
}

GBytes *
cs_rs_decode (const CsRs *rs, GBytes *const *frags, gsize size)
{
  guint k = rs->k;
  guint sel[256];
  const guint8 *src[256];
  g_autofree guint8 *inverse = g_malloc ((gsize) k * k);
  gsize len = select_and_invert (rs, frags, sel, src, inverse);
  if (len == 0 || size > len * k)
    return NULL;

  /* Data fragments that are missing, rebuilt from rows of the inverse. */
  g_autofree guint8 *coeffs = g_malloc ((gsize) k * k);
  guint8 *out[256];
  guint missing[256], n_missing = 0;
  for (guint j = 0; j < k; j++)
    if (!frags[j])
      {
        memcpy (coeffs + (gsize) n_missing * k, inverse + (gsize) j * k, k);
        missing[n_missing] = j;
        out[n_missing++] = g_malloc (len);
      }
  if (n_missing > 0)
    apply_rows (rs, coeffs, n_missing, src, out, len);

  guint8 *object = g_malloc (MAX (size, 1));
  for (guint j = 0, next = 0; j < k; j++)
    {
      const guint8 *d;
      if (next < n_missing && missing[next] == j)
        d = out[next++];
      else
        d = g_bytes_get_data (frags[j], NULL);
      gsize off = (gsize) j * len;
      if (off < size)
        memcpy (object + off, d, MIN (len, size - off));
    }
  for (guint i = 0; i < n_missing; i++)
    g_free (out[i]);
  return g_bytes_new_take (object, size);
}

GBytes *
cs_rs_rebuild (const CsRs *rs, GBytes *const *frags, guint index)
{
  guint k = rs->k;
  g_return_val_if_fail (index < rs->k + rs->m, NULL);
  guint sel[256];
  const guint8 *src[256];
  g_autofree guint8 *inverse = g_malloc ((gsize) k * k);
  gsize len = select_and_invert (rs, frags, sel, src, inverse);
  if (len == 0)
    return NULL;
  /* The row that maps the selected fragments to fragment @index: A[index] * B^-1. */
  g_autofree guint8 *row = g_malloc0 (k);
  const guint8 *a = rs->matrix + (gsize) index * k;
  for (guint c = 0; c < k; c++)
    {
      guint8 v = 0;
      for (guint j = 0; j < k; j++)
        v ^= gf_mul (a[j], inverse[(gsize) j * k + c]);
      row[c] = v;
    }
  guint8 *out = g_malloc (len);
  apply_rows (rs, row, 1, src, &out, len);
  return g_bytes_new_take (out, len);
}
