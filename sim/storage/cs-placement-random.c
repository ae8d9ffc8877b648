/* cs-placement-random.c: the two policies that place fragments on distinct nodes drawn uniformly
 * at random: `replicate` (r whole copies) and `erasure` (k + m Reed-Solomon fragments). They
 * differ in what a fragment is, not in where it goes; a rebuilt fragment goes to a uniformly
 * drawn eligible node. No state; O(n^2) per object for n fragments. */
#include "storage/cs-placement.h"

static void
random_place (gpointer self, const CsPlacementEnv *env, guint64 object, guint n, guint32 *out,
              gsl_rng *rng)
{
  cs__placement_random_members (env, n, out, rng);
}

static guint32
random_replace (gpointer self, const CsPlacementEnv *env, guint64 object, const guint32 *holders,
                guint n, guint missing, CsPlacementEligible eligible, gpointer user_data,
                gsl_rng *rng)
{
  return cs__placement_random_eligible (env, eligible, user_data, rng);
}

const CsPlacementClass cs_placement_replicate = {
  .name = "replicate",
  .place = random_place,
  .replace = random_replace,
};

const CsPlacementClass cs_placement_erasure = {
  .name = "erasure",
  .place = random_place,
  .replace = random_replace,
};
