/* cs-u256.h: unsigned 256-bit integers for targets and chain work, exact and deterministic.
 *
 * A CsU256 is four 64-bit limbs, least significant first (the value of a Bitcoin uint256). Chain
 * work is summed exactly in 256 bits, so fork choice never depends on floating-point rounding.
 * Also here: Bitcoin's compact "nBits" encoding of a target, and the work of one block,
 * floor (2^256 / (target + 1)), which is the expected number of hashes needed to find a hash
 * <= target. Complexity: every operation is O(1) on four limbs; the 256/256 division is a bitwise
 * long division (256 steps), used once per block at creation. */
#pragma once

#include <glib.h>

typedef struct _CsU256 CsU256;

struct _CsU256
{
  guint64 w[4];  /* limbs, w[0] least significant */
};

/* Hex digits of cs_u256_to_hex(), with the terminating NUL. */
#define CS_U256_HEX_LEN 65

static inline void
cs_u256_set_u64 (CsU256 *r, guint64 v)
{
  r->w[0] = v;
  r->w[1] = r->w[2] = r->w[3] = 0;
}

static inline gboolean
cs_u256_is_zero (const CsU256 *a)
{
  return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

/* Sets @r to 2^256 - 1. */
void cs_u256_set_max (CsU256 *r);

/* -1, 0 or 1 as a <, == or > b. */
int cs_u256_cmp (const CsU256 *a, const CsU256 *b);

/* Number of significant bits (0 for zero, 256 for values >= 2^255). */
guint cs_u256_bits (const CsU256 *a);

/* r = a + b; returns TRUE (and saturates @r at 2^256 - 1) on overflow. @r may alias. */
gboolean cs_u256_add (CsU256 *r, const CsU256 *a, const CsU256 *b);

/* r = a - b modulo 2^256; returns TRUE when b > a (borrow). @r may alias. */
gboolean cs_u256_sub (CsU256 *r, const CsU256 *a, const CsU256 *b);

/* r = a << n and r = a >> n (n >= 256 gives 0). @r may alias. */
void cs_u256_shl (CsU256 *r, const CsU256 *a, guint n);
void cs_u256_shr (CsU256 *r, const CsU256 *a, guint n);

/* q = n / d, rem = n % d (either may be NULL); d must not be zero. Outputs may alias inputs. */
void cs_u256_divmod (CsU256 *q, CsU256 *rem, const CsU256 *n, const CsU256 *d);

/* r = floor (a * m / d), d > 0, computed exactly through a 320-bit intermediate. Returns TRUE
 * (and saturates @r at 2^256 - 1) when the quotient does not fit 256 bits. */
gboolean cs_u256_mul_div_u64 (CsU256 *r, const CsU256 *a, guint64 m, guint64 d);

/* Bitcoin's compact target ("nBits"): 1 exponent byte (length in bytes) and a 3-byte mantissa
 * whose top bit is a sign. Mirrors arith_uint256::SetCompact: @negative and @overflow (may be
 * NULL) report encodings Bitcoin rejects; @r then holds whatever the bits decode to. */
void cs_u256_from_compact (CsU256 *r, guint32 bits, gboolean *negative, gboolean *overflow);

/* The canonical compact encoding of @a (arith_uint256::GetCompact; truncates to 23 bits of
 * mantissa, so from_compact (to_compact (x)) <= x). */
guint32 cs_u256_to_compact (const CsU256 *a);

/* Work of a block with target @target: floor (2^256 / (target + 1)), computed exactly as
 * Bitcoin's GetBlockProof does, (~target / (target + 1)) + 1. A zero target (impossible to
 * meet) gives 0 work, as in Bitcoin. */
void cs_u256_work (CsU256 *work, const CsU256 *target);

/* Big-endian hex, 64 digits + NUL, as numbers are written; returns @buf. */
char *cs_u256_to_hex (const CsU256 *a, char buf[CS_U256_HEX_LEN]);

/* Parses up to 64 hex digits written big-endian; FALSE on bad input. */
gboolean cs_u256_from_hex (CsU256 *r, const char *hex);

/* Nearest double (for outputs and plots only: never for decisions). */
double cs_u256_to_double (const CsU256 *a);
