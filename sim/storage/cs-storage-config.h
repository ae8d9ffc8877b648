/* cs-storage-config.h: the `storage:` section of a scenario: the data (collections of objects:
 * the S shards of a model, the C chunks of a data set), the redundancy strategies to compare on
 * the same failure trace, repair, and the workloads (reads, inference):
 *
 *   storage:
 *     collections:
 *       - {name: model, objects: 32, size: 512MB}
 *       - {name: data, objects: 500, size: 16MB}
 *     strategies:
 *       - {policy: replicate, r: 3}
 *       - {name: rs, policy: erasure, k: 4, m: 8}
 *     repair: {detection_delay: 15min, max_concurrent: 8}
 *     reads: {collection: data, interval: 2s, zipf: 0.9}
 *     inference: {model: model, interval: 5s, compute: 40ms, activation: 64KB}
 *
 * Checks that need the network (fragments on distinct nodes, regions for region-aware) are in
 * cs_storage_config_check_network(), called by the scenario. */
#pragma once

#include <glib.h>

#include "engine/cs-time.h"
#include "net/cs-net-config.h"
#include "scenario/cs-schema.h"

/* The placement policies (the registry of cs-placement.h, in this order). */
typedef enum
{
  CS_PLACEMENT_REPLICATE,        /* r copies on distinct random nodes */
  CS_PLACEMENT_CONSISTENT_HASH,  /* r successors on a hash ring with virtual nodes */
  CS_PLACEMENT_REGION_AWARE,     /* r copies in r distinct regions */
  CS_PLACEMENT_COPYSET,          /* r copies on one of a few fixed copysets (Cidon et al. 2013) */
  CS_PLACEMENT_ERASURE,          /* Reed-Solomon: k data + m parity fragments, distinct nodes */
  CS_PLACEMENT_N_KINDS,
} CsPlacementKind;

/* Policy names, indexed by CsPlacementKind (NULL-terminated); defined by the registry. */
extern const char *const cs_placement_names[];

/* One element of `collections:`. */
typedef struct
{
  char *name;        /* unique */
  gint64 objects;    /* how many objects (shards, chunks) */
  guint64 size;      /* bytes per object */
} CsCollectionConfig;

/* One element of `strategies:`. */
typedef struct
{
  char *name;        /* label in outputs; NULL: derived ("replicate-3", "erasure-4+8") */
  int policy;        /* CsPlacementKind */
  gint64 r;          /* copies (every policy but erasure) */
  gint64 k;          /* erasure: data fragments */
  gint64 m;          /* erasure: parity fragments */
  gint64 vnodes;     /* consistent-hash: ring points per node */
  gint64 scatter;    /* copyset: scatter width (0: 2 (r - 1)) */
} CsStrategyConfig;

/* `repair:` */
typedef struct
{
  gboolean enabled;        /* rebuild missing fragments */
  CsTime detection_delay;  /* a crashed node is declared failed this long after it crashed */
  gint64 max_concurrent;   /* repairs in progress at once, per strategy */
  CsTime retry;            /* wait before retrying a repair that failed or found no target */
} CsRepairConfig;

/* `reads:` (absent, or no collection: no reads) */
typedef struct
{
  char *collection;  /* the collection read */
  CsTime interval;   /* mean gap between reads, all clients together (Poisson arrivals) */
  double zipf;       /* popularity exponent s: P(rank i) ~ 1 / i^s (0: uniform) */
  CsTime start;      /* the first reads after this */
} CsReadsConfig;

/* `inference:` (absent, or no model: no inference) */
typedef struct
{
  char *model;          /* the collection whose objects are the model's shards, in order */
  CsTime interval;      /* mean gap between requests (Poisson arrivals) */
  CsTime compute;       /* a server's compute time per stage */
  guint64 activation;   /* bytes sent to each stage and back */
  CsTime start;         /* the first requests after this */
} CsInferenceConfig;

/* The section. */
typedef struct
{
  GArray *collections;      /* CsCollectionConfig */
  GArray *strategies;       /* CsStrategyConfig */
  CsRepairConfig repair;
  CsReadsConfig reads;
  CsInferenceConfig inference;
  CsTime timeout;           /* a request fails over after timeout + bytes / min_rate */
  double min_rate;          /* bit/s: the slowest transfer tolerated before failing over */
  guint64 request_size;     /* bytes of a request or a control message on the wire */
  guint64 chunk;            /* fragments are streamed in messages of this size... */
  gint64 window;            /* ...at most this many unacknowledged */
  CsTime sample_interval;   /* bins of availability.csv */
  gboolean verify;          /* move and check real bytes: encode, lose, rebuild, compare */
} CsStorageConfig;

extern const CsSchema cs_storage_schema;
/* Its keys and its own check, for a schema that embeds the section with more checks (the
 * scenario adds those that need the network). */
extern const CsField cs_storage_fields[];
gboolean cs_storage_config_check (const void *config, CsCheck *check);

/* Fragments per object and fragments needed to read it. */
guint cs_strategy_fragments (const CsStrategyConfig *s);
guint cs_strategy_needed (const CsStrategyConfig *s);
/* Stored bytes per logical byte: r, or (k + m) / k. */
double cs_strategy_overhead (const CsStrategyConfig *s);
/* The strategy's name, or the one derived from its policy. */
char *cs_strategy_label (const CsStrategyConfig *s);

/* Index of the collection called @name, or -1. */
gint cs_storage_config_collection (const CsStorageConfig *config, const char *name);

/* The checks that need the network: every strategy's fragments fit on distinct nodes, and
 * region-aware copies in distinct regions. Reports through @check: the `storage` section's
 * (@section_key NULL: at the faulty strategy), or the scenario's (at @section_key, naming it). */
gboolean cs_storage_config_check_network (const CsStorageConfig *config, const CsNetConfig *net,
                                          CsCheck *check, const char *section_key);

/* What `protocol: storage` requires: at least one collection and one strategy (@check: the
 * scenario's). */
gboolean cs_storage_config_check_used (const CsStorageConfig *config, CsCheck *check);

/* Largest verify-mode object and total, in bytes (real bytes are allocated). */
#define CS_STORAGE_VERIFY_MAX_OBJECT (1u << 20)
#define CS_STORAGE_VERIFY_MAX_TOTAL (256u << 20)
