/* cs-hash.h: 32-byte hashes, double SHA-256 (GLib's GChecksum) and the proof-of-work test.
 *
 * Byte order, as in Bitcoin: a CsHash holds the SHA-256 output bytes exactly as computed (the
 * "internal" order), and is read as a 256-bit LITTLE-endian number (b[31] most significant) when
 * compared with a target. Hex strings from cs_hash_to_hex() are in Bitcoin's DISPLAY order, the
 * bytes reversed (most significant first), so the genesis block prints as 000000000019d6...;
 * cs_hash_from_hex() reads that order back. cs_hash_to_hex_internal() prints the raw byte order
 * (as in a serialized header). */
#pragma once

#include <glib.h>
#include <string.h>
#include "chain/cs-u256.h"

#define CS_HASH_SIZE 32
/* Hex digits of a hash, with the terminating NUL. */
#define CS_HASH_HEX_LEN 65

typedef struct _CsHash CsHash;

struct _CsHash
{
  guint8 b[CS_HASH_SIZE];  /* digest bytes in internal order (b[0] least significant) */
};

/* sha256 (sha256 (data)), Bitcoin's hash of headers and transactions. */
void cs_sha256d (const void *data, gsize len, CsHash *out);

/* sha256d (a || b): an inner node of a Merkle tree. @out may alias @a or @b. */
void cs_sha256d_pair (const CsHash *a, const CsHash *b, CsHash *out);

/* Display-order hex (bytes reversed, Bitcoin's convention); returns @buf. */
char *cs_hash_to_hex (const CsHash *h, char buf[CS_HASH_HEX_LEN]);

/* Internal-order hex (bytes as stored). */
char *cs_hash_to_hex_internal (const CsHash *h, char buf[CS_HASH_HEX_LEN]);

/* Parses 64 hex digits in display order; FALSE (and @out zeroed) on bad input. */
gboolean cs_hash_from_hex (const char *hex, CsHash *out);

/* Compares as 256-bit little-endian numbers: -1, 0, 1. */
int cs_hash_compare (const CsHash *a, const CsHash *b);

static inline gboolean
cs_hash_equal (const CsHash *a, const CsHash *b)
{
  return memcmp (a->b, b->b, CS_HASH_SIZE) == 0;
}

gboolean cs_hash_is_zero (const CsHash *h);

/* GHashTable helpers for keys of type CsHash* (the first 4 bytes are already uniform). */
guint cs_hash_hash_func (gconstpointer key);
gboolean cs_hash_equal_func (gconstpointer a, gconstpointer b);

/* The hash as a number, and back (little-endian bytes <-> limbs). */
void cs_hash_to_u256 (const CsHash *h, CsU256 *out);
void cs_hash_from_u256 (const CsU256 *v, CsHash *out);

/* Proof of work: TRUE when @h, read as a little-endian number, is <= @target. This is Bitcoin's
 * rule (CheckProofOfWork rejects hash > target), so a target T is met with probability
 * (T + 1) / 2^256 and one block is worth floor (2^256 / (T + 1)) hashes of work. */
gboolean cs_hash_meets_target (const CsHash *h, const CsU256 *target);
