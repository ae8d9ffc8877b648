/* cs-placement.h: where an object's fragments (copies, or Reed-Solomon fragments) live. A policy
 * is a small table of function pointers (CsPlacementClass) chosen by name from the scenario
 * (`policy: region-aware`); adding one is a file with its class and a line in the registry of
 * cs-placement.c. A policy answers two questions: the initial holders of an object, and a new
 * holder for a fragment that must be rebuilt (given who holds the others). All randomness comes
 * from the generator passed in; a policy's own state is built once per strategy. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "storage/cs-storage-config.h"

/* No node (a missing fragment's holder, a failed choice). */
#define CS_NO_NODE G_MAXUINT32

/* What a policy sees of the world. */
typedef struct
{
  guint32 n_nodes;             /* node ids are 0 .. n_nodes - 1 */
  guint n_regions;             /* failure domains */
  const guint16 *node_region;  /* each node's region */
  const guint8 *member;        /* 1 for nodes that may hold data at time 0 (not yet-to-join) */
} CsPlacementEnv;

/* Whether @node may take a rebuilt fragment now (up, and not already holding a fragment of the
 * object). */
typedef gboolean (*CsPlacementEligible) (guint32 node, gpointer user_data);

typedef struct
{
  const char *name;  /* as written after `policy:` */
  /* The policy's state for strategy @config over @env (NULL when it needs none). */
  gpointer (*init) (const CsStrategyConfig *config, const CsPlacementEnv *env, gsl_rng *rng);
  void (*destroy) (gpointer self);
  /* Writes @n distinct member nodes for object @object into @out. */
  void (*place) (gpointer self, const CsPlacementEnv *env, guint64 object, guint n,
                 guint32 *out, gsl_rng *rng);
  /* A node for fragment @missing of @object, whose @n fragments are held by @holders
   * (CS_NO_NODE for missing ones): one with @eligible TRUE, or CS_NO_NODE when there is none. */
  guint32 (*replace) (gpointer self, const CsPlacementEnv *env, guint64 object,
                      const guint32 *holders, guint n, guint missing,
                      CsPlacementEligible eligible, gpointer user_data, gsl_rng *rng);
} CsPlacementClass;

/* The class of @kind (CsPlacementKind), or of @name (NULL when unknown). */
const CsPlacementClass *cs_placement_class (int kind);
const CsPlacementClass *cs_placement_lookup (const char *name);

/* The classes (cs-placement-*.c). */
extern const CsPlacementClass cs_placement_replicate;
extern const CsPlacementClass cs_placement_consistent_hash;
extern const CsPlacementClass cs_placement_region_aware;
extern const CsPlacementClass cs_placement_copyset;
extern const CsPlacementClass cs_placement_erasure;

/* Helpers shared by the policies. */

/* @n distinct members chosen uniformly (rejection sampling: O(n^2) per object, no O(nodes)). */
void cs__placement_random_members (const CsPlacementEnv *env, guint n, guint32 *out,
                                   gsl_rng *rng);
/* A uniformly chosen eligible node (rejection sampling first, then a scan of all nodes from a
 * random start: uniform among eligible nodes either way up to that order), or CS_NO_NODE. */
guint32 cs__placement_random_eligible (const CsPlacementEnv *env, CsPlacementEligible eligible,
                                       gpointer user_data, gsl_rng *rng);
