/* cs-placement.c: the registry of placement policies (cs-placement.h), in CsPlacementKind order,
 * and the random choices the policies share. */
#include "storage/cs-placement.h"

#include <string.h>

const char *const cs_placement_names[] = {
  "replicate", "consistent-hash", "region-aware", "copyset", "erasure", NULL
};

static const CsPlacementClass *const registry[] = {
  [CS_PLACEMENT_REPLICATE] = &cs_placement_replicate,
  [CS_PLACEMENT_CONSISTENT_HASH] = &cs_placement_consistent_hash,
  [CS_PLACEMENT_REGION_AWARE] = &cs_placement_region_aware,
  [CS_PLACEMENT_COPYSET] = &cs_placement_copyset,
  [CS_PLACEMENT_ERASURE] = &cs_placement_erasure,
};

G_STATIC_ASSERT (G_N_ELEMENTS (registry) == CS_PLACEMENT_N_KINDS);

const CsPlacementClass *
cs_placement_class (int kind)
{
  g_return_val_if_fail (kind >= 0 && kind < CS_PLACEMENT_N_KINDS, NULL);
  g_assert (strcmp (registry[kind]->name, cs_placement_names[kind]) == 0);
  return registry[kind];
}

const CsPlacementClass *
cs_placement_lookup (const char *name)
{
  for (guint i = 0; i < CS_PLACEMENT_N_KINDS; i++)
    if (g_strcmp0 (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

void
cs__placement_random_members (const CsPlacementEnv *env, guint n, guint32 *out, gsl_rng *rng)
{
  guint got = 0;
  g_return_if_fail (n <= env->n_nodes);
  while (got < n)
    {
      guint32 v = (guint32) gsl_rng_uniform_int (rng, env->n_nodes);
      if (!env->member[v])
        continue;
      gboolean dup = FALSE;
      for (guint i = 0; i < got && !dup; i++)
        dup = out[i] == v;
      if (!dup)
        out[got++] = v;
    }
}

guint32
cs__placement_random_eligible (const CsPlacementEnv *env, CsPlacementEligible eligible,
                               gpointer user_data, gsl_rng *rng)
{
  for (guint tries = 0; tries < 32; tries++)
    {
      guint32 v = (guint32) gsl_rng_uniform_int (rng, env->n_nodes);
      if (eligible (v, user_data))
        return v;
    }
  g_autoptr (GArray) ok = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 v = 0; v < env->n_nodes; v++)
    if (eligible (v, user_data))
      g_array_append_val (ok, v);
  if (ok->len == 0)
    return CS_NO_NODE;
  return g_array_index (ok, guint32, gsl_rng_uniform_int (rng, ok->len));
}
