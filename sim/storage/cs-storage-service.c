/* cs-storage-service.c: the storage service of cs-storage.h: building the strategies, placing
 * the objects, drawing the workload, binding each strategy to its world, and routing the world's
 * crash notifications and the nodes' measurements to the directory, the repair scheduler and the
 * counters. */
#include "storage/cs-storage-private.h"

#include <math.h>

#include "engine/cs-rng.h"
#include "metrics/cs-stats.h"

/* Stream indices (kind CS_STREAM_STORAGE): per strategy its index; the verify bytes this. */
#define STREAM_VERIFY_BYTES (G_GUINT64_CONSTANT (0xffff) << 32)

static CsStorageStrategy *
strategy_new (CsStorageService *svc, guint index, const CsStrategyConfig *config)
{
  CsStorageStrategy *s = g_new0 (CsStorageStrategy, 1);
  s->service = svc;
  s->index = index;
  s->config = config;
  s->label = cs_strategy_label (config);
  s->placement = cs_placement_class (config->policy);
  s->n_frag = cs_strategy_fragments (config);
  s->need = cs_strategy_needed (config);
  if (config->policy == CS_PLACEMENT_ERASURE)
    s->rs = cs_rs_new ((guint) config->k, (guint) config->m);
  s->rng = cs_rng_new (svc->seed, cs_stream_id (CS_STREAM_STORAGE, index));
  s->bin_width = svc->config->sample_interval;
  s->read_latency = g_array_new (FALSE, FALSE, sizeof (double));
  s->infer_latency = g_array_new (FALSE, FALSE, sizeof (double));
  cs__storage_repair_init (s);
  return s;
}

static void
strategy_free (gpointer data)
{
  CsStorageStrategy *s = data;
  cs__storage_repair_clear (s);
  cs__storage_dir_clear (s);
  if (s->placement->destroy && s->placement_state)
    s->placement->destroy (s->placement_state);
  cs_rs_free (s->rs);
  gsl_rng_free (s->rng);
  g_array_unref (s->read_latency);
  g_array_unref (s->infer_latency);
  g_free (s->label);
  g_free (s);
}

CsStorageService *
cs_storage_service_new (const CsStorageConfig *config, const CsNet *net, guint64 seed,
                        CsTime horizon)
{
  CsStorageService *svc = g_new0 (CsStorageService, 1);
  svc->config = config;
  svc->seed = seed;
  svc->horizon = horizon;
  svc->n_nodes = cs_net_n_nodes (net);
  svc->n_regions = cs_net_n_regions (net);
  svc->node_region = g_new (guint16, svc->n_nodes);
  for (guint32 v = 0; v < svc->n_nodes; v++)
    svc->node_region[v] = (guint16) cs_net_node_region (net, v);

  /* Region-to-region latency, through one node of each populated region. */
  g_autofree guint32 *rep = g_new (guint32, svc->n_regions);
  for (guint r = 0; r < svc->n_regions; r++)
    rep[r] = CS_NO_NODE;
  for (guint32 v = svc->n_nodes; v-- > 0;)
    rep[svc->node_region[v]] = v;
  svc->region_latency = g_new0 (CsTime, (gsize) svc->n_regions * svc->n_regions);
  svc->region_names = g_new0 (char *, svc->n_regions + 1);
  for (guint a = 0; a < svc->n_regions; a++)
    {
      svc->region_names[a] = g_strdup (cs_net_region_name (net, a));
      for (guint b = 0; b < svc->n_regions; b++)
        if (rep[a] != CS_NO_NODE && rep[b] != CS_NO_NODE)
          svc->region_latency[(gsize) a * svc->n_regions + b] =
            cs_net_latency_mean (net, rep[a], rep[b]);
    }

  guint n_coll = config->collections ? config->collections->len : 0;
  svc->coll_base = g_new0 (guint32, n_coll + 1);
  for (guint c = 0; c < n_coll; c++)
    svc->coll_base[c + 1] = svc->coll_base[c]
      + (guint32) g_array_index (config->collections, CsCollectionConfig, c).objects;
  svc->n_objects = svc->coll_base[n_coll];
  svc->object_size = g_new (guint64, MAX (svc->n_objects, 1));
  for (guint c = 0; c < n_coll; c++)
    for (guint32 o = svc->coll_base[c]; o < svc->coll_base[c + 1]; o++)
      svc->object_size[o] = g_array_index (config->collections, CsCollectionConfig, c).size;
  svc->reads_coll = config->reads.collection
    ? cs_storage_config_collection (config, config->reads.collection) : -1;
  svc->model_coll = config->inference.model
    ? cs_storage_config_collection (config, config->inference.model) : -1;
  if (svc->model_coll >= 0)
    svc->model_shards = svc->coll_base[svc->model_coll + 1] - svc->coll_base[svc->model_coll];
  svc->reads = g_array_new (FALSE, FALSE, sizeof (CsReadRequest));
  svc->infers = g_array_new (FALSE, FALSE, sizeof (CsInferRequest));

  svc->strategies = g_ptr_array_new_with_free_func (strategy_free);
  for (guint i = 0; config->strategies && i < config->strategies->len; i++)
    g_ptr_array_add (svc->strategies,
                     strategy_new (svc, i, &g_array_index (config->strategies,
                                                           CsStrategyConfig, i)));
  return svc;
}

void
cs_storage_service_free (CsStorageService *svc)
{
  if (!svc)
    return;
  g_ptr_array_unref (svc->strategies);
  if (svc->original)
    {
      for (guint32 o = 0; o < svc->n_objects; o++)
        g_clear_pointer (&svc->original[o], g_bytes_unref);
      g_free (svc->original);
    }
  cs_fault_schedule_free (svc->faults);
  g_array_unref (svc->reads);
  g_array_unref (svc->infers);
  g_free (svc->object_size);
  g_free (svc->coll_base);
  g_free (svc->member);
  g_strfreev (svc->region_names);
  g_free (svc->region_latency);
  g_free (svc->node_region);
  g_free (svc);
}

guint
cs_storage_service_n_strategies (const CsStorageService *svc)
{
  return svc->strategies->len;
}

CsStorageStrategy *
cs_storage_service_strategy (CsStorageService *svc, guint index)
{
  g_return_val_if_fail (index < svc->strategies->len, NULL);
  return svc->strategies->pdata[index];
}

CsStorageService *
cs_storage_strategy_service (CsStorageStrategy *s)
{
  return s->service;
}

CsTime
cs_storage_service_now (const CsStorageService *svc)
{
  const CsStorageStrategy *s = svc->strategies->len ? svc->strategies->pdata[0] : NULL;
  return s && s->engine ? cs_engine_now (s->engine) : 0;
}

const CsFaultSchedule *
cs_storage_service_faults (const CsStorageService *svc)
{
  return svc->faults;
}

void
cs_storage_service_prepare (CsStorageService *svc, CsFaultSchedule *faults, gsl_rng *workload)
{
  g_return_if_fail (svc->member == NULL);
  svc->faults = faults;
  svc->member = g_new (guint8, svc->n_nodes);
  for (guint32 v = 0; v < svc->n_nodes; v++)
    svc->member[v] = faults ? cs_fault_schedule_is_member (faults, v) : 1;

  if (svc->config->verify)
    {
      g_autoptr (gsl_rng) rng = cs_rng_new (svc->seed, cs_stream_id (CS_STREAM_STORAGE,
                                                                     STREAM_VERIFY_BYTES));
      svc->original = g_new0 (GBytes *, MAX (svc->n_objects, 1));
      for (guint32 o = 0; o < svc->n_objects; o++)
        {
          gsize size = (gsize) svc->object_size[o];
          guint8 *data = g_malloc (size);
          for (gsize i = 0; i < size; i++)
            data[i] = (guint8) (gsl_rng_get (rng) >> 8);
          svc->original[o] = g_bytes_new_take (data, size);
        }
    }

  for (guint i = 0; i < svc->strategies->len; i++)
    {
      CsStorageStrategy *s = svc->strategies->pdata[i];
      s->env = (CsPlacementEnv) {
        .n_nodes = svc->n_nodes, .n_regions = svc->n_regions,
        .node_region = svc->node_region, .member = svc->member,
      };
      if (s->placement->init)
        s->placement_state = s->placement->init (s->config, &s->env, s->rng);
      cs__storage_dir_init (s);
    }
  cs__storage_workload_plan (svc, workload);
}

/* The end of the run: availability is accounted up to the horizon even when nothing else
 * happens after the last fault (the engine would otherwise stop early, its queue empty). */
static void
on_end (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  cs__storage_account (user_data, ev->time);
}

void
cs_storage_strategy_bind (CsStorageStrategy *s, CsEngine *engine, CsStorageInjectFunc inject,
                          gpointer user_data)
{
  CsStorageService *svc = s->service;
  g_return_if_fail (s->holder != NULL && s->engine == NULL);
  s->engine = engine;
  s->inject = inject;
  s->inject_data = user_data;
  s->kind_detect = cs_engine_register (engine, cs__storage_repair_on_detect, NULL, s);
  s->kind_retry = cs_engine_register (engine, cs__storage_repair_on_retry, NULL, s);
  cs_engine_schedule (engine, svc->horizon, CS_SRC_SYSTEM, 0,
                      cs_engine_register (engine, on_end, NULL, s), 0, NULL);
  for (guint i = 0; i < svc->reads->len; i++)
    {
      const CsReadRequest *r = &g_array_index (svc->reads, CsReadRequest, i);
      inject (r->client, r->at, CS_STORAGE_TIMER_READ, GSIZE_TO_POINTER (i), user_data);
    }
  for (guint i = 0; i < svc->infers->len; i++)
    {
      const CsInferRequest *r = &g_array_index (svc->infers, CsInferRequest, i);
      inject (r->client, r->at, CS_STORAGE_TIMER_INFER, GSIZE_TO_POINTER (i), user_data);
    }
}

void
cs_storage_strategy_node_event (guint32 node, CsTime now, gboolean up, gboolean disk_lost,
                                gpointer strategy)
{
  CsStorageStrategy *s = strategy;
  g_return_if_fail (node < s->service->n_nodes && s->holder != NULL);
  if (up)
    {
      cs__storage_dir_node_up (s, node, now, disk_lost);
      if (s->engine)
        cs__storage_repair_dispatch (s, now);
    }
  else
    {
      cs__storage_dir_node_down (s, node, now, disk_lost);
      if (s->engine)
        cs__storage_repair_node_down (s, node, now);
    }
}

void
cs_storage_strategy_emit (guint32 node, CsTime now, guint metric, guint64 key, double value,
                          gpointer strategy)
{
  CsStorageStrategy *s = strategy;
  switch (metric)
    {
    case CS_STORAGE_READ_START:
      s->reads_started++;
      break;
    case CS_STORAGE_READ_DONE:
      s->reads_served++;
      g_array_append_val (s->read_latency, value);
      break;
    case CS_STORAGE_READ_FAILED:
      s->reads_failed++;
      break;
    case CS_STORAGE_INFER_START:
      s->infer_started++;
      break;
    case CS_STORAGE_INFER_DONE:
      s->infer_done++;
      g_array_append_val (s->infer_latency, value);
      break;
    case CS_STORAGE_INFER_FAILED:
      s->infer_failed++;
      break;
    case CS_STORAGE_INFER_FAILOVER:
      s->infer_failovers++;
      break;
    case CS_STORAGE_SHARD_REBUILT:
      s->shards_rebuilt++;
      break;
    case CS_STORAGE_BYTES:
      g_return_if_fail (key < CS_STORAGE_TRAFFIC_N);
      s->traffic[key] += (guint64) value;
      break;
    case CS_STORAGE_REPAIR_DONE:
      cs__storage_repair_done (s, key, (guint32) value, now);
      break;
    case CS_STORAGE_REPAIR_FAILED:
      cs__storage_repair_failed (s, key, (guint32) value, now);
      break;
    case CS_STORAGE_VERIFY_OK:
      s->verify_ok++;
      break;
    case CS_STORAGE_VERIFY_BAD:
      s->verify_bad++;
      break;
    default:
      g_return_if_reached ();
    }
}

/* The run's accounted length up to @now (bins past the horizon do not exist). */
static CsTime
accounted_span (CsStorageStrategy *s, CsTime now)
{
  cs__storage_account (s, now);
  return s->accounted;
}

void
cs_storage_strategy_results (CsStorageStrategy *s, CsTime now, CsStorageResults *out)
{
  CsStorageService *svc = s->service;
  CsTime span = accounted_span (s, now);
  double readable = 0, up = 0;
  for (guint b = 0; b < s->bin_readable->len; b++)
    {
      readable += g_array_index (s->bin_readable, double, b);
      up += g_array_index (s->bin_up, double, b);
    }
  *out = (CsStorageResults) {
    .name = s->label,
    .policy = s->config->policy,
    .fragments = s->n_frag,
    .needed = s->need,
    .objects = svc->n_objects,
    .availability = s->reads_served + s->reads_failed > 0
      ? (double) s->reads_served / (double) (s->reads_served + s->reads_failed) : NAN,
    .object_availability = span > 0 && svc->n_objects > 0
      ? readable / ((double) svc->n_objects * (double) span) : NAN,
    .objects_lost = s->objects_lost,
    .storage_overhead = cs_strategy_overhead (s->config),
    .repair_bytes = s->traffic[CS_STORAGE_TRAFFIC_REPAIR],
    .repairs_done = s->repairs_done,
    .reads_served = s->reads_served,
    .reads_failed = s->reads_failed,
    .inference_success_rate = s->infer_done + s->infer_failed > 0
      ? (double) s->infer_done / (double) (s->infer_done + s->infer_failed) : NAN,
    .inference_done = s->infer_done,
    .inference_failed = s->infer_failed,
    .inference_failovers = s->infer_failovers,
    .node_uptime = span > 0 ? up / ((double) svc->n_nodes * (double) span) : NAN,
    .max_unreadable = s->max_unreadable,
    .verify_ok = s->verify_ok,
    .verify_bad = s->verify_bad,
  };
  static const double read_ps[3] = { 0.5, 0.9, 0.99 };
  static const double infer_ps[2] = { 0.5, 0.99 };
  cs_quantiles (s->read_latency, read_ps, 3, out->read_latency_s);
  cs_quantiles (s->infer_latency, infer_ps, 2, out->inference_latency_s);
}

const double *
cs_storage_strategy_bins (CsStorageStrategy *s, CsTime now, guint *n_bins)
{
  CsTime span = accounted_span (s, now);
  guint n = span > 0 ? (guint) ((span + s->bin_width - 1) / s->bin_width) : 0;
  g_array_set_size (s->bin_fraction, n);
  for (guint b = 0; b < n; b++)
    {
      CsTime width = MIN ((CsTime) (b + 1) * s->bin_width, span) - (CsTime) b * s->bin_width;
      g_array_index (s->bin_fraction, double, b) =
        g_array_index (s->bin_readable, double, b) / ((double) s->service->n_objects * width);
    }
  *n_bins = n;
  return (const double *) s->bin_fraction->data;
}
