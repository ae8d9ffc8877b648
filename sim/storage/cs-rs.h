/* cs-rs.h: Reed-Solomon erasure coding over GF(2^8) with ISA-L (Debian libisal-dev): an object
 * of B bytes becomes k data fragments (the object cut in k, the last one zero-padded) and m
 * parity fragments, each ceil(B / k) bytes; any k of the k + m fragments rebuild the object or
 * any missing fragment. The code is systematic and its matrix is ISA-L's Cauchy matrix
 * (gf_gen_cauchy1_matrix), every k x k submatrix of which is invertible, so any k fragments work
 * for every k + m <= 256 (the Vandermonde gf_gen_rs_matrix is not MDS for all of them).
 *
 * Cost: encoding is k * m multiply-adds per byte column (ISA-L's SIMD kernels); decoding
 * inverts a k x k matrix (O(k^3)) then as many multiply-adds per byte as outputs. */
#pragma once

#include <glib.h>

typedef struct _CsRs CsRs;

/* A code with @k data and @m parity fragments (1 <= k, k + m <= 256). */
CsRs *cs_rs_new (guint k, guint m);
void cs_rs_free (CsRs *rs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRs, cs_rs_free)

guint cs_rs_k (const CsRs *rs);
guint cs_rs_m (const CsRs *rs);

/* Bytes per fragment of an object of @size bytes: ceil(size / k) (at least 1). */
gsize cs_rs_fragment_size (const CsRs *rs, gsize size);

/* The k + m fragments of @data (@size bytes), as an array of GBytes (free with
 * g_ptr_array_unref). */
GPtrArray *cs_rs_encode (const CsRs *rs, const guint8 *data, gsize size);

/* The object of @size bytes rebuilt from @frags (k + m entries; NULL where a fragment is
 * missing; at least k present, all of one length). Returns NULL when fewer than k are present. */
GBytes *cs_rs_decode (const CsRs *rs, GBytes *const *frags, gsize size);

/* Fragment @index rebuilt from any k present entries of @frags (as for cs_rs_decode). */
GBytes *cs_rs_rebuild (const CsRs *rs, GBytes *const *frags, guint index);
