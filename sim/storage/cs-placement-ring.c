/* cs-placement-ring.c: `consistent-hash`: every node (members and future joiners) owns `vnodes`
 * points on a 64-bit hash ring; an object hashes to a point and its r copies go to the first r
 * distinct member nodes clockwise from it (Karger et al. 1997; Dynamo's preference list). A
 * rebuilt copy goes to the next eligible node further along the ring, so a failure moves data
 * only to the failed node's ring neighbours. Memory 12 bytes per point; place and replace are a
 * binary search plus a walk (O(log P + walk)). */
#include "storage/cs-placement.h"

#include <string.h>

#include "engine/cs-rng.h"

/* One point of the ring. */
typedef struct
{
  guint64 hash;   /* position */
  guint32 node;   /* owner */
} Point;

typedef struct
{
  Point *points;  /* sorted by (hash, node) */
  gsize n;        /* points */
  guint64 salt;   /* drawn once: rings of different runs differ */
} Ring;

static gint
cmp_point (gconstpointer a, gconstpointer b)
{
  const Point *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return (x->node > y->node) - (x->node < y->node);
}

static gpointer
ring_init (const CsStrategyConfig *config, const CsPlacementEnv *env, gsl_rng *rng)
{
  Ring *ring = g_new0 (Ring, 1);
  guint vnodes = (guint) MAX (config->vnodes, 1);
  ring->salt = ((guint64) gsl_rng_get (rng) << 32) ^ gsl_rng_get (rng);
  ring->n = (gsize) env->n_nodes * vnodes;
  ring->points = g_new (Point, ring->n);
  for (guint32 v = 0; v < env->n_nodes; v++)
    for (guint i = 0; i < vnodes; i++)
      ring->points[(gsize) v * vnodes + i] = (Point) {
        .hash = cs_mix64 (ring->salt ^ cs_mix64 (((guint64) v << 20) | i)), .node = v,
      };
  g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Point));
  g_array_append_vals (sorted, ring->points, ring->n);
  g_array_sort (sorted, cmp_point);
  memcpy (ring->points, sorted->data, ring->n * sizeof (Point));
  return ring;
}

static void
ring_destroy (gpointer self)
{
  Ring *ring = self;
  g_free (ring->points);
  g_free (ring);
}

/* Index of the first point at or after the object's position (wrapping to 0). */
static gsize
successor (const Ring *ring, guint64 object)
{
  guint64 h = cs_mix64 (ring->salt ^ cs_mix64 (object ^ G_GUINT64_CONSTANT (0x6f626a656374)));
  gsize lo = 0, hi = ring->n;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (ring->points[mid].hash < h)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo == ring->n ? 0 : lo;
}

static void
ring_place (gpointer self, const CsPlacementEnv *env, guint64 object, guint n, guint32 *out,
            gsl_rng *rng)
{
  const Ring *ring = self;
  gsize at = successor (ring, object);
  guint got = 0;
  for (gsize step = 0; step < ring->n && got < n; step++)
    {
      guint32 v = ring->points[(at + step) % ring->n].node;
      gboolean dup = !env->member[v];
      for (guint i = 0; i < got && !dup; i++)
        dup = out[i] == v;
      if (!dup)
        out[got++] = v;
    }
  g_return_if_fail (got == n);
}

static guint32
ring_replace (gpointer self, const CsPlacementEnv *env, guint64 object, const guint32 *holders,
              guint n, guint missing, CsPlacementEligible eligible, gpointer user_data,
              gsl_rng *rng)
{
  const Ring *ring = self;
  gsize at = successor (ring, object);
  for (gsize step = 0; step < ring->n; step++)
    {
      guint32 v = ring->points[(at + step) % ring->n].node;
      if (eligible (v, user_data))
        return v;
    }
  return CS_NO_NODE;
}

const CsPlacementClass cs_placement_consistent_hash = {
  .name = "consistent-hash",
  .init = ring_init,
  .destroy = ring_destroy,
  .place = ring_place,
  .replace = ring_replace,
};
