/* cs-safety.c: the safety and liveness checkers of cs-safety.h. Memory: one hash per committed
 * height and a few words per replica. */
#include "consensus/cs-safety.h"

#include <string.h>

struct _CsSafety
{
  guint32 n;
  GArray *by_height;      /* CsHash of the first block committed at each height */
  GArray *serial;         /* guint64: its serial */
  GArray *first_node;     /* guint32: the node that committed it first */
  guint8 *faulty;         /* per node */
  guint32 *height;        /* per node: highest committed height */
  CsTime heal;            /* CS_TIME_NEVER: not marked */
  CsTime *first_after;    /* per node: first commit at or after heal, CS_TIME_NEVER */
  gboolean fresh_only;    /* only blocks proposed at or after heal count for liveness */
  guint64 violations;
  char *first_violation;
};

CsSafety *
cs_safety_new (guint32 n_nodes)
{
  CsSafety *c = g_new0 (CsSafety, 1);
  c->n = n_nodes;
  c->by_height = g_array_new (FALSE, TRUE, sizeof (CsHash));
  c->serial = g_array_new (FALSE, TRUE, sizeof (guint64));
  c->first_node = g_array_new (FALSE, TRUE, sizeof (guint32));
  c->faulty = g_new0 (guint8, n_nodes);
  c->height = g_new0 (guint32, n_nodes);
  c->first_after = g_new (CsTime, n_nodes);
  for (guint32 i = 0; i < n_nodes; i++)
    c->first_after[i] = CS_TIME_NEVER;
  c->heal = CS_TIME_NEVER;
  return c;
}

void
cs_safety_free (CsSafety *c)
{
  if (!c)
    return;
  g_array_unref (c->by_height);
  g_array_unref (c->serial);
  g_array_unref (c->first_node);
  g_free (c->faulty);
  g_free (c->height);
  g_free (c->first_after);
  g_free (c->first_violation);
  g_free (c);
}

void
cs_safety_set_faulty (CsSafety *c, guint32 node, gboolean faulty)
{
  g_return_if_fail (node < c->n);
  c->faulty[node] = faulty != 0;
}

gboolean
cs_safety_commit (CsSafety *c, guint32 node, const CsBlock *block, CsTime now)
{
  g_return_val_if_fail (node < c->n, TRUE);
  if (c->faulty[node])
    return TRUE;
  guint32 h = cs_block_height (block);
  c->height[node] = MAX (c->height[node], h);
  if (c->heal != CS_TIME_NEVER && now >= c->heal && c->first_after[node] == CS_TIME_NEVER
      && (!c->fresh_only || cs_block_timestamp (block) >= c->heal))
    c->first_after[node] = now;
  if (h >= c->by_height->len)
    {
      g_array_set_size (c->by_height, h + 1);
      g_array_set_size (c->serial, h + 1);
      g_array_set_size (c->first_node, h + 1);
    }
  guint64 *serial = &g_array_index (c->serial, guint64, h);
  CsHash *hash = &g_array_index (c->by_height, CsHash, h);
  guint32 *first = &g_array_index (c->first_node, guint32, h);
  if (*serial == 0) /* serial 0 is the genesis, never committed at a height >= 1 */
    {
      *serial = cs_block_serial (block);
      *hash = *cs_block_hash (block);
      *first = node;
      if (h == 0)
        *serial = G_MAXUINT64;
      return TRUE;
    }
  if (memcmp (hash, cs_block_hash (block), sizeof (CsHash)) == 0)
    return TRUE;
  if (c->violations++ == 0)
    c->first_violation = g_strdup_printf (
      "node %u committed block %" G_GUINT64_FORMAT " at height %u where node %u committed block %"
      G_GUINT64_FORMAT, node, cs_block_serial (block), h, *first, *serial);
  return FALSE;
}

guint64 cs_safety_violations (const CsSafety *c) { return c->violations; }
const char *cs_safety_first_violation (const CsSafety *c) { return c->first_violation; }

guint32
cs_safety_height (const CsSafety *c, guint32 node)
{
  g_return_val_if_fail (node < c->n, 0);
  return c->height[node];
}

void
cs_safety_mark_heal (CsSafety *c, CsTime t)
{
  c->heal = t;
  for (guint32 i = 0; i < c->n; i++)
    c->first_after[i] = CS_TIME_NEVER;
}

void
cs_safety_set_fresh_only (CsSafety *c, gboolean fresh_only)
{
  c->fresh_only = fresh_only;
}

CsTime
cs_safety_first_after (const CsSafety *c, guint32 node)
{
  g_return_val_if_fail (node < c->n, CS_TIME_NEVER);
  return c->first_after[node];
}

gboolean
cs_safety_is_faulty (const CsSafety *c, guint32 node)
{
  g_return_val_if_fail (node < c->n, FALSE);
  return c->faulty[node];
}

guint32
cs_safety_liveness (const CsSafety *c, CsTime bound, const gboolean *up, guint32 *first_late)
{
  guint32 late = 0;
  for (guint32 i = 0; i < c->n; i++)
    {
      if (c->faulty[i] || (up && !up[i]))
        continue;
      if (c->heal == CS_TIME_NEVER || c->first_after[i] == CS_TIME_NEVER
          || c->first_after[i] - c->heal > bound)
        {
          if (late++ == 0 && first_late)
            *first_late = i;
        }
    }
  return late;
}
