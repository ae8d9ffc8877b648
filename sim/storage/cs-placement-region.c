/* cs-placement-region.c: `region-aware`: the r copies of an object go to r distinct regions
 * (failure domains), so that no single regional outage can take all of them. Regions are drawn
 * without replacement with weights proportional to their member counts (so per-node load stays
 * even), then a member uniformly within each. A rebuilt copy goes to a region that none of the
 * other copies' holders is in when one has an eligible node, otherwise anywhere. If fewer
 * regions have members than copies are asked for (the scenario check rules that out for the
 * regions themselves, not for empty ones), the rest go to distinct nodes anywhere. State: the
 * members of each region; O(regions + r) per object. */
#include "storage/cs-placement.h"

#include <gsl/gsl_randist.h>

typedef struct
{
  guint n_regions;     /* regions */
  GArray **members;    /* per region: guint32 member nodes */
  GArray **nodes;      /* per region: guint32 all nodes (members and joiners) */
} RegionState;

static gpointer
region_init (const CsStrategyConfig *config, const CsPlacementEnv *env, gsl_rng *rng)
{
  RegionState *st = g_new0 (RegionState, 1);
  st->n_regions = env->n_regions;
  st->members = g_new (GArray *, env->n_regions);
  st->nodes = g_new (GArray *, env->n_regions);
  for (guint r = 0; r < env->n_regions; r++)
    {
      st->members[r] = g_array_new (FALSE, FALSE, sizeof (guint32));
      st->nodes[r] = g_array_new (FALSE, FALSE, sizeof (guint32));
    }
  for (guint32 v = 0; v < env->n_nodes; v++)
    {
      guint r = env->node_region[v];
      g_array_append_val (st->nodes[r], v);
      if (env->member[v])
        g_array_append_val (st->members[r], v);
    }
  return st;
}

static void
region_destroy (gpointer self)
{
  RegionState *st = self;
  for (guint r = 0; r < st->n_regions; r++)
    {
      g_array_unref (st->members[r]);
      g_array_unref (st->nodes[r]);
    }
  g_free (st->members);
  g_free (st->nodes);
  g_free (st);
}

static void
region_place (gpointer self, const CsPlacementEnv *env, guint64 object, guint n, guint32 *out,
              gsl_rng *rng)
{
  const RegionState *st = self;
  g_autofree guint8 *used = g_new0 (guint8, st->n_regions);
  guint got = 0;
  while (got < n)
    {
      guint64 total = 0;
      for (guint r = 0; r < st->n_regions; r++)
        total += used[r] ? 0 : st->members[r]->len;
      if (total == 0)
        break;
      guint64 pick = gsl_rng_uniform_int (rng, total);
      guint r = 0;
      for (;; r++)
        {
          guint64 w = used[r] ? 0 : st->members[r]->len;
          if (pick < w)
            break;
          pick -= w;
        }
      used[r] = 1;
      out[got++] = g_array_index (st->members[r], guint32, (guint) pick);
    }
  /* Not enough populated regions: distinct members anywhere for the rest. */
  while (got < n)
    {
      guint32 v = (guint32) gsl_rng_uniform_int (rng, env->n_nodes);
      gboolean dup = !env->member[v];
      for (guint i = 0; i < got && !dup; i++)
        dup = out[i] == v;
      if (!dup)
        out[got++] = v;
    }
}

static guint32
region_replace (gpointer self, const CsPlacementEnv *env, guint64 object, const guint32 *holders,
                guint n, guint missing, CsPlacementEligible eligible, gpointer user_data,
                gsl_rng *rng)
{
  const RegionState *st = self;
  g_autofree guint8 *used = g_new0 (guint8, st->n_regions);
  for (guint i = 0; i < n; i++)
    if (i != missing && holders[i] != CS_NO_NODE)
      used[env->node_region[holders[i]]] = 1;
  /* Unused regions in random order; the first with an eligible node wins. */
  g_autofree guint *order = g_new (guint, st->n_regions);
  for (guint r = 0; r < st->n_regions; r++)
    order[r] = r;
  gsl_ran_shuffle (rng, order, st->n_regions, sizeof (guint));
  for (guint i = 0; i < st->n_regions; i++)
    {
      guint r = order[i];
      GArray *nodes = st->nodes[r];
      if (used[r] || nodes->len == 0)
        continue;
      guint start = (guint) gsl_rng_uniform_int (rng, nodes->len);
      for (guint j = 0; j < nodes->len; j++)
        {
          guint32 v = g_array_index (nodes, guint32, (start + j) % nodes->len);
          if (eligible (v, user_data))
            return v;
        }
    }
  return cs__placement_random_eligible (env, eligible, user_data, rng);
}

const CsPlacementClass cs_placement_region_aware = {
  .name = "region-aware",
  .init = region_init,
  .destroy = region_destroy,
  .place = region_place,
  .replace = region_replace,
};
