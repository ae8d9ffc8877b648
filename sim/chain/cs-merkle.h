/* cs-merkle.h: Bitcoin's Merkle root over a list of 32-byte ids. Each level pairs neighbours and
 * hashes sha256d (left || right); a level with an odd count pairs its last hash with itself. One
 * leaf is its own root. Known weakness kept for fidelity (CVE-2012-2459): [a, b, c] and
 * [a, b, c, c] have the same root; chainsim builds blocks from its own id lists, so this only
 * matters if a Byzantine strategy exploits it on purpose.
 * Complexity: n - 1 + (number of odd levels) sha256d calls, O(n) scratch memory. */
#pragma once

#include <glib.h>
#include "chain/cs-hash.h"

/* The root of @leaves[0..n-1] into @out; all zero when @n is 0. */
void cs_merkle_root (const CsHash *leaves, gsize n, CsHash *out);
