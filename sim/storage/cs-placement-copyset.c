/* cs-placement-copyset.c: `copyset` replication (Cidon et al., USENIX ATC 2013): P random
 * permutations of the members are cut into groups of r, the copysets, with P = ceil(S / (r - 1))
 * for scatter width S (each node shares data with about S others). An object's primary is drawn
 * uniformly and its copies are one of the P copysets that contain it. Few distinct copysets mean
 * that a simultaneous failure of r random nodes loses data rarely (but then loses more of it). A
 * short last group is filled with nodes from the start of its permutation. A rebuilt copy goes to
 * an eligible member of a copyset that contains a surviving holder, else anywhere.
 * State: P * members / r copysets of r nodes and, per node, the copysets it is in. */
#include "storage/cs-placement.h"

#include <gsl/gsl_randist.h>
#include <string.h>

typedef struct
{
  guint r;             /* nodes per copyset */
  GArray *sets;        /* guint32, r per copyset */
  GArray **of_node;    /* per node: guint indices of the copysets that contain it */
  guint32 n_nodes;     /* nodes */
} Copysets;

static gpointer
copyset_init (const CsStrategyConfig *config, const CsPlacementEnv *env, gsl_rng *rng)
{
  Copysets *cs = g_new0 (Copysets, 1);
  guint r = (guint) config->r;
  guint scatter = config->scatter > 0 ? (guint) config->scatter : 2 * MAX (r - 1, 1);
  guint perms = r > 1 ? (scatter + r - 2) / (r - 1) : 1;
  cs->r = r;
  cs->n_nodes = env->n_nodes;
  cs->sets = g_array_new (FALSE, FALSE, sizeof (guint32));
  cs->of_node = g_new (GArray *, env->n_nodes);
  for (guint32 v = 0; v < env->n_nodes; v++)
    cs->of_node[v] = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 v = 0; v < env->n_nodes; v++)
    if (env->member[v])
      g_array_append_val (members, v);
  guint n = members->len;
  if (n < r)
    return cs;
  g_autofree guint32 *perm = g_new (guint32, n);
  for (guint p = 0; p < MAX (perms, 1); p++)
    {
      memcpy (perm, members->data, n * sizeof (guint32));
      gsl_ran_shuffle (rng, perm, n, sizeof (guint32));
      for (guint start = 0; start < n; start += r)
        {
          guint set = cs->sets->len / r;
          for (guint i = 0; i < r; i++)
            {
              /* Past the end: wrap to the permutation's start (distinct: r <= n). */
              guint32 v = perm[(start + i) % n];
              g_array_append_val (cs->sets, v);
              g_array_append_val (cs->of_node[v], set);
            }
        }
    }
  return cs;
}

static void
copyset_destroy (gpointer self)
{
  Copysets *cs = self;
  for (guint32 v = 0; v < cs->n_nodes; v++)
    g_array_unref (cs->of_node[v]);
  g_free (cs->of_node);
  g_array_unref (cs->sets);
  g_free (cs);
}

static void
copyset_place (gpointer self, const CsPlacementEnv *env, guint64 object, guint n, guint32 *out,
               gsl_rng *rng)
{
  const Copysets *cs = self;
  guint32 primary;
  do
    primary = (guint32) gsl_rng_uniform_int (rng, env->n_nodes);
  while (!env->member[primary] || cs->of_node[primary]->len == 0);
  GArray *sets = cs->of_node[primary];
  guint set = g_array_index (sets, guint, gsl_rng_uniform_int (rng, sets->len));
  for (guint i = 0; i < n && i < cs->r; i++)
    out[i] = g_array_index (cs->sets, guint32, (gsize) set * cs->r + i);
}

static guint32
copyset_replace (gpointer self, const CsPlacementEnv *env, guint64 object,
                 const guint32 *holders, guint n, guint missing, CsPlacementEligible eligible,
                 gpointer user_data, gsl_rng *rng)
{
  const Copysets *cs = self;
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < n; i++)
    {
      if (i == missing || holders[i] == CS_NO_NODE)
        continue;
      GArray *sets = cs->of_node[holders[i]];
      for (guint s = 0; s < sets->len; s++)
        for (guint j = 0; j < cs->r; j++)
          {
            guint32 v = g_array_index (cs->sets, guint32,
                                       (gsize) g_array_index (sets, guint, s) * cs->r + j);
            if (eligible (v, user_data))
              g_array_append_val (candidates, v);
          }
    }
  if (candidates->len > 0)
    return g_array_index (candidates, guint32, gsl_rng_uniform_int (rng, candidates->len));
  return cs__placement_random_eligible (env, eligible, user_data, rng);
}

const CsPlacementClass cs_placement_copyset = {
  .name = "copyset",
  .init = copyset_init,
  .destroy = copyset_destroy,
  .place = copyset_place,
  .replace = copyset_replace,
};
