/* cs-storage-report.c: the `storage` member of summary.json (one entry per strategy under
 * `strategies`, side by side), availability.csv (per strategy, per time bin: the time-averaged
 * fraction of objects readable and of nodes up, objects lost and repair bytes so far) and
 * faults.csv (the fault trace every strategy replayed). */
#include "storage/cs-storage-private.h"

#include <math.h>

#include "metrics/cs-csv.h"

static const char *const traffic_names[CS_STORAGE_TRAFFIC_N] = {
  "read", "repair", "rebuild", "inference", "control",
};

static void
write_faults (CsJson *j, const CsFaultSchedule *faults)
{
  CsFaultStats st = { .uptime = 1.0 };
  if (faults)
    cs_fault_schedule_stats (faults, &st);
  cs_json_key (j, "faults");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "crashes", (gint64) st.crashes);
  cs_json_kv_int (j, "recoveries", (gint64) st.recoveries);
  cs_json_kv_int (j, "joins", (gint64) st.joins);
  cs_json_kv_int (j, "disk_losses", (gint64) st.disk_losses);
  cs_json_kv_int (j, "permanent_failures", (gint64) st.permanent);
  cs_json_kv_int (j, "regional_outages", (gint64) st.regional_outages);
  cs_json_kv_int (j, "bursts", (gint64) st.bursts);
  cs_json_kv_int (j, "partitions", (gint64) st.partitions);
  cs_json_kv_int (j, "loss_bursts", (gint64) st.loss_bursts);
  cs_json_kv_double (j, "node_uptime", st.uptime);
  cs_json_end_object (j);
}

static void
write_strategy (CsJson *j, CsStorageStrategy *s, CsTime now)
{
  CsStorageResults r;
  cs_storage_strategy_results (s, now, &r);
  cs_json_key (j, r.name);
  cs_json_begin_object (j);
  cs_json_kv_string (j, "policy", cs_placement_names[s->config->policy]);
  if (s->config->policy == CS_PLACEMENT_ERASURE)
    {
      cs_json_kv_int (j, "k", s->config->k);
      cs_json_kv_int (j, "m", s->config->m);
    }
  else
    cs_json_kv_int (j, "r", s->config->r);
  cs_json_kv_int (j, "fragments", s->n_frag);
  cs_json_kv_int (j, "needed", s->need);
  cs_json_kv_double (j, "availability", r.availability);
  cs_json_kv_double (j, "object_availability", r.object_availability);
  cs_json_kv_int (j, "objects_lost", (gint64) r.objects_lost);
  cs_json_kv_int (j, "max_unreadable_objects", r.max_unreadable);
  cs_json_kv_double (j, "storage_overhead", r.storage_overhead);
  cs_json_kv_int (j, "repair_bytes", (gint64) r.repair_bytes);
  cs_json_key (j, "repairs");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "started", (gint64) s->repairs_started);
  cs_json_kv_int (j, "done", (gint64) s->repairs_done);
  cs_json_kv_int (j, "failed", (gint64) s->repairs_failed);
  cs_json_kv_int (j, "deferred", (gint64) s->repairs_deferred);
  cs_json_kv_int (j, "pending_at_end", g_hash_table_size (s->jobs));
  cs_json_end_object (j);
  cs_json_key (j, "reads");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "started", (gint64) s->reads_started);
  cs_json_kv_int (j, "served", (gint64) s->reads_served);
  cs_json_kv_int (j, "failed", (gint64) s->reads_failed);
  cs_json_end_object (j);
  cs_json_key (j, "read_latency_s");
  cs_json_begin_object (j);
  cs_json_kv_double (j, "p50", r.read_latency_s[0]);
  cs_json_kv_double (j, "p90", r.read_latency_s[1]);
  cs_json_kv_double (j, "p99", r.read_latency_s[2]);
  cs_json_end_object (j);
  cs_json_kv_double (j, "inference_success_rate", r.inference_success_rate);
  cs_json_key (j, "inference");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "started", (gint64) s->infer_started);
  cs_json_kv_int (j, "done", (gint64) s->infer_done);
  cs_json_kv_int (j, "failed", (gint64) s->infer_failed);
  cs_json_kv_int (j, "failovers", (gint64) s->infer_failovers);
  cs_json_kv_int (j, "shards_decoded", (gint64) s->shards_rebuilt);
  cs_json_end_object (j);
  cs_json_key (j, "inference_latency_s");
  cs_json_begin_object (j);
  cs_json_kv_double (j, "p50", r.inference_latency_s[0]);
  cs_json_kv_double (j, "p99", r.inference_latency_s[1]);
  cs_json_end_object (j);
  cs_json_kv_double (j, "node_uptime", r.node_uptime);
  cs_json_key (j, "traffic_bytes");
  cs_json_begin_object (j);
  for (guint t = 0; t < CS_STORAGE_TRAFFIC_N; t++)
    cs_json_kv_int (j, traffic_names[t], (gint64) s->traffic[t]);
  cs_json_end_object (j);
  if (s->service->config->verify)
    {
      cs_json_key (j, "verify");
      cs_json_begin_object (j);
      cs_json_kv_int (j, "rebuilt_equal", (gint64) r.verify_ok);
      cs_json_kv_int (j, "rebuilt_different", (gint64) r.verify_bad);
      cs_json_end_object (j);
    }
  cs_json_end_object (j);
}

static void
write_availability_csv (CsStorageService *svc, CsTime now, GString *out)
{
  const char *cols[] = { "time_s", "strategy", "object_availability", "nodes_up",
                         "objects_lost", "repair_bytes", NULL };
  g_autoptr (CsCsv) csv = cs_csv_new (out, cols);
  for (guint i = 0; i < svc->strategies->len; i++)
    {
      CsStorageStrategy *s = svc->strategies->pdata[i];
      guint n;
      const double *frac = cs_storage_strategy_bins (s, now, &n);
      for (guint b = 0; b < n; b++)
        {
          CsTime start = (CsTime) b * s->bin_width;
          CsTime end = MIN (start + s->bin_width, s->accounted);
          cs_csv_double (csv, cs_time_to_s (end));
          cs_csv_string (csv, s->label);
          cs_csv_double (csv, frac[b]);
          cs_csv_double (csv, g_array_index (s->bin_up, double, b)
                              / ((double) svc->n_nodes * (double) (end - start)));
          cs_csv_int (csv, g_array_index (s->bin_lost, guint32, b));
          cs_csv_int (csv, (gint64) g_array_index (s->bin_repair, guint64, b));
          cs_csv_end_row (csv);
        }
    }
}

void
cs_storage_service_report (CsStorageService *svc, CsTime now, CsJson *j, CsOutput *out)
{
  const CsStorageConfig *c = svc->config;
  cs_json_key (j, "storage");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "objects", svc->n_objects);
  cs_json_key (j, "collections");
  cs_json_begin_array (j);
  for (guint i = 0; c->collections && i < c->collections->len; i++)
    {
      const CsCollectionConfig *coll = &g_array_index (c->collections, CsCollectionConfig, i);
      cs_json_begin_object (j);
      cs_json_kv_string (j, "name", coll->name);
      cs_json_kv_int (j, "objects", coll->objects);
      cs_json_kv_int (j, "size_bytes", (gint64) coll->size);
      cs_json_end_object (j);
    }
  cs_json_end_array (j);
  cs_json_kv_int (j, "reads_requested", svc->reads->len);
  cs_json_kv_int (j, "inference_requested", svc->infers->len);
  cs_json_kv_bool (j, "repair", c->repair.enabled);
  cs_json_kv_bool (j, "verify", c->verify);
  write_faults (j, svc->faults);
  cs_json_key (j, "strategies");
  cs_json_begin_object (j);
  for (guint i = 0; i < svc->strategies->len; i++)
    write_strategy (j, svc->strategies->pdata[i], now);
  cs_json_end_object (j);
  cs_json_end_object (j);

  write_availability_csv (svc, now, cs_output_file (out, "availability.csv"));
  if (svc->faults)
    cs_fault_schedule_write_csv (svc->faults, cs_output_file (out, "faults.csv"));
}
