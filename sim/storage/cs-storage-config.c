/* cs-storage-config.c: schema and checks of the `storage:` section (cs-storage-config.h). */
#include "storage/cs-storage-config.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>

/* Bounds: object ids fit 40 bits in timer arguments; fragments fit GF(2^8) (Cauchy matrix). */
#define MAX_OBJECTS 10000000
#define MAX_FRAGMENTS 256

/* ---- collections ---- */

static const CsField collection_fields[] = {
  { .key = "name", .type = CS_T_STRING, .offset = offsetof (CsCollectionConfig, name),
    .required = TRUE, .min = NAN, .max = NAN, .help = "unique name, e.g. model" },
  { .key = "objects", .type = CS_T_INT, .offset = offsetof (CsCollectionConfig, objects),
    .required = TRUE, .min = 1, .max = MAX_OBJECTS,
    .help = "how many objects (a model's shards, a data set's chunks)" },
  { .key = "size", .type = CS_T_SIZE, .offset = offsetof (CsCollectionConfig, size),
    .required = TRUE, .min = 1, .max = 1e13, .help = "bytes per object" },
  { NULL }
};

static const CsSchema collection_schema = {
  .name = "collection",
  .struct_size = sizeof (CsCollectionConfig),
  .fields = collection_fields,
};

static const CsField collection_item = {
  .type = CS_T_SECTION, .section = &collection_schema, .min = NAN, .max = NAN,
};

/* ---- strategies ---- */

/* Parameters belong to policies: a parameter written for a policy that ignores it is a mistake
 * (r for erasure, k for replication), reported rather than ignored. */
static gboolean
strategy_check (const void *config, CsCheck *check)
{
  const CsStrategyConfig *s = config;
  const char *policy = cs_placement_names[s->policy];

  if (s->policy == CS_PLACEMENT_ERASURE)
    {
      if (cs_check_has_key (check, "r"))
        return cs_check_fail (check, "r", "policy erasure takes k and m, not r (k data and m "
                              "parity fragments; any k rebuild the object)");
      if (!cs_check_has_key (check, "k"))
        return cs_check_fail (check, NULL, "policy erasure needs 'k', the number of data "
                              "fragments");
      if (!cs_check_has_key (check, "m"))
        return cs_check_fail (check, NULL, "policy erasure needs 'm', the number of parity "
                              "fragments");
      if (s->k + s->m > MAX_FRAGMENTS)
        return cs_check_fail (check, "m", "k + m = %" G_GINT64_FORMAT " fragments, more than "
                              "the %d Reed-Solomon over GF(2^8) allows", s->k + s->m,
                              MAX_FRAGMENTS);
    }
  else
    {
      if (cs_check_has_key (check, "k"))
        return cs_check_fail (check, "k", "'k' is an erasure parameter; policy %s takes r",
                              policy);
      if (cs_check_has_key (check, "m"))
        return cs_check_fail (check, "m", "'m' is an erasure parameter; policy %s takes r",
                              policy);
    }
  if (s->policy != CS_PLACEMENT_CONSISTENT_HASH && cs_check_has_key (check, "vnodes"))
    return cs_check_fail (check, "vnodes", "'vnodes' is a consistent-hash parameter, not used "
                          "by policy %s", policy);
  if (s->policy != CS_PLACEMENT_COPYSET && cs_check_has_key (check, "scatter"))
    return cs_check_fail (check, "scatter", "'scatter' is a copyset parameter, not used by "
                          "policy %s", policy);
  return TRUE;
}

static const CsField strategy_fields[] = {
  { .key = "name", .type = CS_T_STRING, .offset = offsetof (CsStrategyConfig, name),
    .min = NAN, .max = NAN,
    .help = "label in outputs (default: the policy and its parameters, e.g. erasure-4+8)" },
  { .key = "policy", .type = CS_T_ENUM, .offset = offsetof (CsStrategyConfig, policy),
    .required = TRUE, .choices = cs_placement_names, .min = NAN, .max = NAN,
    .help = "replicate, consistent-hash, region-aware, copyset or erasure" },
  { .key = "r", .type = CS_T_INT, .offset = offsetof (CsStrategyConfig, r),
    .default_text = "3", .min = 1, .max = MAX_FRAGMENTS,
    .help = "copies (every policy but erasure)" },
  { .key = "k", .type = CS_T_INT, .offset = offsetof (CsStrategyConfig, k),
    .min = 1, .max = MAX_FRAGMENTS - 1, .help = "erasure: data fragments (any k rebuild)" },
  { .key = "m", .type = CS_T_INT, .offset = offsetof (CsStrategyConfig, m),
    .min = 0, .max = MAX_FRAGMENTS - 1, .help = "erasure: parity fragments" },
  { .key = "vnodes", .type = CS_T_INT, .offset = offsetof (CsStrategyConfig, vnodes),
    .default_text = "64", .min = 1, .max = 4096,
    .help = "consistent-hash: points per node on the ring" },
  { .key = "scatter", .type = CS_T_INT, .offset = offsetof (CsStrategyConfig, scatter),
    .default_text = "0", .min = 0, .max = 100000,
    .help = "copyset: scatter width S, the nodes a node shares data with (0: 2 (r - 1))" },
  { NULL }
};

static const CsSchema strategy_schema = {
  .name = "strategy",
  .struct_size = sizeof (CsStrategyConfig),
  .fields = strategy_fields,
  .check = strategy_check,
};

static const CsField strategy_item = {
  .type = CS_T_SECTION, .section = &strategy_schema, .min = NAN, .max = NAN,
};

/* ---- repair, reads, inference ---- */

static const CsField repair_fields[] = {
  { .key = "enabled", .type = CS_T_BOOL, .offset = offsetof (CsRepairConfig, enabled),
    .default_text = "true", .min = NAN, .max = NAN,
    .help = "rebuild missing fragments on other live nodes" },
  { .key = "detection_delay", .type = CS_T_DURATION,
    .offset = offsetof (CsRepairConfig, detection_delay), .default_text = "15min",
    .min = 0, .max = 1e18,
    .help = "a crashed node is declared failed (and avoided by clients) this long after" },
  { .key = "max_concurrent", .type = CS_T_INT, .offset = offsetof (CsRepairConfig, max_concurrent),
    .default_text = "8", .min = 1, .max = 1000000,
    .help = "repairs in progress at once, per strategy" },
  { .key = "retry", .type = CS_T_DURATION, .offset = offsetof (CsRepairConfig, retry),
    .default_text = "5min", .min = 1, .max = 1e18,
    .help = "wait before retrying a repair that failed or found no live target" },
  { NULL }
};

static const CsSchema repair_schema = {
  .name = "repair",
  .struct_size = sizeof (CsRepairConfig),
  .fields = repair_fields,
};

static const CsField reads_fields[] = {
  { .key = "collection", .type = CS_T_STRING, .offset = offsetof (CsReadsConfig, collection),
    .min = NAN, .max = NAN, .help = "the collection read (absent: no reads)" },
  { .key = "interval", .type = CS_T_DURATION, .offset = offsetof (CsReadsConfig, interval),
    .default_text = "10s", .min = 1, .max = 1e18,
    .help = "mean gap between reads, all clients together (Poisson arrivals)" },
  { .key = "zipf", .type = CS_T_DOUBLE, .offset = offsetof (CsReadsConfig, zipf),
    .default_text = "1", .min = 0, .max = 10,
    .help = "popularity exponent s: P(object of rank i) ~ 1/i^s (0: uniform)" },
  { .key = "start", .type = CS_T_DURATION, .offset = offsetof (CsReadsConfig, start),
    .default_text = "0s", .min = 0, .max = 1e18, .help = "reads begin after this" },
  { NULL }
};

static const CsSchema reads_schema = {
  .name = "reads",
  .struct_size = sizeof (CsReadsConfig),
  .fields = reads_fields,
};

static const CsField inference_fields[] = {
  { .key = "model", .type = CS_T_STRING, .offset = offsetof (CsInferenceConfig, model),
    .min = NAN, .max = NAN,
    .help = "the collection holding the model's shards, in order (absent: no inference)" },
  { .key = "interval", .type = CS_T_DURATION, .offset = offsetof (CsInferenceConfig, interval),
    .default_text = "10s", .min = 1, .max = 1e18,
    .help = "mean gap between requests (Poisson arrivals)" },
  { .key = "compute", .type = CS_T_DURATION, .offset = offsetof (CsInferenceConfig, compute),
    .default_text = "50ms", .min = 0, .max = 1e15,
    .help = "a server's compute time per stage (one request at a time per server)" },
  { .key = "activation", .type = CS_T_SIZE, .offset = offsetof (CsInferenceConfig, activation),
    .default_text = "64KB", .min = 1, .max = 1e10,
    .help = "bytes sent into each stage and back (hidden states)" },
  { .key = "start", .type = CS_T_DURATION, .offset = offsetof (CsInferenceConfig, start),
    .default_text = "0s", .min = 0, .max = 1e18, .help = "requests begin after this" },
  { NULL }
};

static const CsSchema inference_schema = {
  .name = "inference",
  .struct_size = sizeof (CsInferenceConfig),
  .fields = inference_fields,
};

/* ---- the section ---- */

gboolean
cs_storage_config_check (const void *config, CsCheck *check)
{
  const CsStorageConfig *c = config;
  guint n_coll = c->collections ? c->collections->len : 0;
  guint n_strat = c->strategies ? c->strategies->len : 0;
  gint64 total = 0;

  for (guint i = 0; i < n_coll; i++)
    {
      const CsCollectionConfig *a = &g_array_index (c->collections, CsCollectionConfig, i);
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (g_array_index (c->collections, CsCollectionConfig, j).name, a->name) == 0)
          return cs_check_fail_at_index (check, "collections", i, "collection name '%s' is "
                                         "already used by collection %u", a->name, j);
      total += a->objects;
      if (c->verify && a->size > CS_STORAGE_VERIFY_MAX_OBJECT)
        return cs_check_fail_at_index (check, "collections", i, "verify mode stores real bytes: "
                                       "objects of at most %u bytes, not %" G_GUINT64_FORMAT,
                                       CS_STORAGE_VERIFY_MAX_OBJECT, a->size);
    }
  if (total > MAX_OBJECTS)
    return cs_check_fail (check, "collections", "%" G_GINT64_FORMAT " objects in all, more "
                          "than %d", total, MAX_OBJECTS);
  for (guint i = 0; i < n_strat; i++)
    {
      g_autofree char *a = cs_strategy_label (&g_array_index (c->strategies,
                                                              CsStrategyConfig, i));
      for (guint j = 0; j < i; j++)
        {
          g_autofree char *b = cs_strategy_label (&g_array_index (c->strategies,
                                                                  CsStrategyConfig, j));
          if (g_strcmp0 (a, b) == 0)
            return cs_check_fail_at_index (check, "strategies", i, "strategy name '%s' is "
                                           "already used by strategy %u; give each a distinct "
                                           "'name'", a, j);
        }
    }
  if (c->verify)
    {
      double bytes = 0;
      for (guint i = 0; i < n_coll; i++)
        {
          const CsCollectionConfig *a = &g_array_index (c->collections, CsCollectionConfig, i);
          for (guint s = 0; s < n_strat; s++)
            bytes += (double) a->objects * a->size
              * cs_strategy_overhead (&g_array_index (c->strategies, CsStrategyConfig, s));
        }
      if (bytes > CS_STORAGE_VERIFY_MAX_TOTAL)
        return cs_check_fail (check, "verify", "verify mode would store %.0f real bytes, more "
                              "than %u: use fewer or smaller objects", bytes,
                              CS_STORAGE_VERIFY_MAX_TOTAL);
    }
  if (c->reads.collection && cs_storage_config_collection (c, c->reads.collection) < 0)
    return cs_check_fail (check, "reads", "reads.collection: no collection '%s'",
                          c->reads.collection);
  if (c->inference.model && cs_storage_config_collection (c, c->inference.model) < 0)
    return cs_check_fail (check, "inference", "inference.model: no collection '%s'",
                          c->inference.model);
  return TRUE;
}

const CsField cs_storage_fields[] = {
  { .key = "collections", .type = CS_T_LIST, .offset = offsetof (CsStorageConfig, collections),
    .item = &collection_item, .min = NAN, .max = NAN, .max_len = 1000,
    .help = "the data: name, objects, size" },
  { .key = "strategies", .type = CS_T_LIST, .offset = offsetof (CsStorageConfig, strategies),
    .item = &strategy_item, .min = NAN, .max = NAN, .max_len = 32,
    .help = "redundancy strategies compared on one failure trace: policy, r | k, m, ..." },
  { .key = "repair", .type = CS_T_SECTION, .offset = offsetof (CsStorageConfig, repair),
    .section = &repair_schema, .min = NAN, .max = NAN,
    .help = "enabled, detection_delay, max_concurrent, retry" },
  { .key = "reads", .type = CS_T_SECTION, .offset = offsetof (CsStorageConfig, reads),
    .section = &reads_schema, .min = NAN, .max = NAN,
    .help = "client reads: collection, interval, zipf, start" },
  { .key = "inference", .type = CS_T_SECTION, .offset = offsetof (CsStorageConfig, inference),
    .section = &inference_schema, .min = NAN, .max = NAN,
    .help = "requests through a sharded model: model, interval, compute, activation, start" },
  { .key = "timeout", .type = CS_T_DURATION, .offset = offsetof (CsStorageConfig, timeout),
    .default_text = "5s", .min = 1, .max = 1e15,
    .help = "a request fails over after timeout + its bytes (a stream: one chunk) at min_rate" },
  { .key = "min_rate", .type = CS_T_BITRATE, .offset = offsetof (CsStorageConfig, min_rate),
    .default_text = "1Mbit/s", .min = 1, .max = 1e15,
    .help = "the slowest transfer tolerated before failing over" },
  { .key = "request_size", .type = CS_T_SIZE, .offset = offsetof (CsStorageConfig, request_size),
    .default_text = "200B", .min = 1, .max = 1e9,
    .help = "bytes of a request or a refusal on the wire" },
  { .key = "chunk", .type = CS_T_SIZE, .offset = offsetof (CsStorageConfig, chunk),
    .default_text = "1MB", .min = 1000, .max = 1e12,
    .help = "fragments are streamed in messages of this size (links are shared between "
            "streams at this grain)" },
  { .key = "window", .type = CS_T_INT, .offset = offsetof (CsStorageConfig, window),
    .default_text = "2", .min = 1, .max = 1024,
    .help = "chunks of a stream in flight before an acknowledgement" },
  { .key = "sample_interval", .type = CS_T_DURATION,
    .offset = offsetof (CsStorageConfig, sample_interval), .default_text = "1h",
    .min = 1, .max = 1e18, .help = "width of the time bins of availability.csv" },
  { .key = "verify", .type = CS_T_BOOL, .offset = offsetof (CsStorageConfig, verify),
    .default_text = "false", .min = NAN, .max = NAN,
    .help = "move real bytes: encode with ISA-L, lose, rebuild from any k, compare (small runs)" },
  { NULL }
};

const CsSchema cs_storage_schema = {
  .name = "storage",
  .struct_size = sizeof (CsStorageConfig),
  .fields = cs_storage_fields,
  .check = cs_storage_config_check,
};

guint
cs_strategy_fragments (const CsStrategyConfig *s)
{
  return s->policy == CS_PLACEMENT_ERASURE ? (guint) (s->k + s->m) : (guint) s->r;
}

guint
cs_strategy_needed (const CsStrategyConfig *s)
{
  return s->policy == CS_PLACEMENT_ERASURE ? (guint) s->k : 1;
}

double
cs_strategy_overhead (const CsStrategyConfig *s)
{
  return s->policy == CS_PLACEMENT_ERASURE ? (double) (s->k + s->m) / (double) s->k
                                           : (double) s->r;
}

char *
cs_strategy_label (const CsStrategyConfig *s)
{
  if (s->name)
    return g_strdup (s->name);
  if (s->policy == CS_PLACEMENT_ERASURE)
    return g_strdup_printf ("erasure-%" G_GINT64_FORMAT "+%" G_GINT64_FORMAT, s->k, s->m);
  return g_strdup_printf ("%s-%" G_GINT64_FORMAT, cs_placement_names[s->policy], s->r);
}

gint
cs_storage_config_collection (const CsStorageConfig *c, const char *name)
{
  for (guint i = 0; c->collections && i < c->collections->len; i++)
    if (g_strcmp0 (g_array_index (c->collections, CsCollectionConfig, i).name, name) == 0)
      return (gint) i;
  return -1;
}

/* Reports a problem with strategy @index: at the element when @check is the section's, at
 * @section_key (with the path in the message) when it is the scenario's. */
static gboolean fail_strategy (CsCheck *check, const char *section_key, guint index,
                               const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail_strategy (CsCheck *check, const char *section_key, guint index, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (section_key)
    return cs_check_fail (check, section_key, "%s.strategies[%u]: %s", section_key, index, msg);
  return cs_check_fail_at_index (check, "strategies", index, "%s", msg);
}

gboolean
cs_storage_config_check_network (const CsStorageConfig *c, const CsNetConfig *net,
                                 CsCheck *check, const char *section_key)
{
  guint n_regions = net->regions ? net->regions->len : 0;
  for (guint i = 0; c->strategies && i < c->strategies->len; i++)
    {
      const CsStrategyConfig *s = &g_array_index (c->strategies, CsStrategyConfig, i);
      guint n = cs_strategy_fragments (s);
      if (s->policy == CS_PLACEMENT_ERASURE && s->k > net->nodes)
        return fail_strategy (check, section_key, i, "erasure with k = %"
                                       G_GINT64_FORMAT " needs at least %" G_GINT64_FORMAT
                                       " nodes (its k + m = %" G_GINT64_FORMAT " fragments go "
                                       "to distinct nodes), but network.nodes is %"
                                       G_GINT64_FORMAT, s->k, s->k, s->k + s->m, net->nodes);
      if ((gint64) n > net->nodes)
        return fail_strategy (check, section_key, i, "%u %s on distinct nodes, but "
                                       "network.nodes is %" G_GINT64_FORMAT,
                                       n, s->policy == CS_PLACEMENT_ERASURE
                                       ? "fragments (k + m)" : "copies (r)", net->nodes);
      if (s->policy == CS_PLACEMENT_REGION_AWARE && n > n_regions)
        return fail_strategy (check, section_key, i, "region-aware puts its r = %u "
                                       "copies in distinct regions, but the network has %u",
                                       n, n_regions);
    }
  return TRUE;
}

gboolean
cs_storage_config_check_used (const CsStorageConfig *c, CsCheck *check)
{
  const char *at = cs_check_has_key (check, "storage") ? "storage" : "protocol";
  if (!c->collections || c->collections->len == 0)
    return cs_check_fail (check, at, "protocol storage needs storage.collections (e.g. "
                          "collections: [{name: model, objects: 32, size: 512MB}])");
  if (!c->strategies || c->strategies->len == 0)
    return cs_check_fail (check, at, "protocol storage needs storage.strategies (e.g. "
                          "strategies: [{policy: replicate, r: 3}])");
  return TRUE;
}
