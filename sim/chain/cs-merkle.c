/* cs-merkle.c: Merkle root, computed level by level in one scratch array. */
#include "chain/cs-merkle.h"

#include <string.h>

void
cs_merkle_root (const CsHash *leaves, gsize n, CsHash *out)
{
  CsHash *level;

  if (n == 0)
    {
      memset (out->b, 0, CS_HASH_SIZE);
      return;
    }
  level = g_new (CsHash, n);
  memcpy (level, leaves, n * sizeof (CsHash));
  while (n > 1)
    {
      gsize next = 0;
      for (gsize i = 0; i < n; i += 2)
        {
          /* Odd count: the last hash is paired with itself. */
          const CsHash *right = i + 1 < n ? &level[i + 1] : &level[i];
          cs_sha256d_pair (&level[i], right, &level[next++]);
        }
      n = next;
    }
  *out = level[0];
  g_free (level);
}
