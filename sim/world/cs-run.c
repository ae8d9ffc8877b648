/* cs-run.c: a run of cs-run.h. Everything written to the output directory derives from the
 * scenario and its seed; wall-clock time (the progress line, the closing events/s figure) goes to
 * stderr only. */
#include "world/cs-run.h"

#include <stdio.h>

#include "config.h"
#include "engine/cs-rng.h"
#include "metrics/cs-json.h"
#include "metrics/cs-output.h"
#include "world/cs-protocols.h"
#include "world/cs-world.h"

typedef struct
{
  const CsScenario *scenario;
  gint64 wall_start;      /* monotonic µs at the start of the run */
  gint64 wall_last;       /* at the last progress print */
  guint threads;          /* the first thread's engine calls; the others run about as many */
} Progress;

static void
show_progress (const CsEngine *engine, gpointer user_data)
{
  Progress *p = user_data;
  gint64 wall = g_get_monotonic_time ();
  if (wall - p->wall_last < 250000)
    return;
  p->wall_last = wall;
  double elapsed = (wall - p->wall_start) / 1e6;
  double sim = cs_time_to_s (cs_engine_now (engine));
  double end = cs_time_to_s (p->scenario->duration);
  double rate = (double) cs_engine_events_processed (engine) * p->threads / MAX (elapsed, 1e-9);
  double eta = sim > 0 ? elapsed * (end - sim) / sim : 0;
  fprintf (stderr, "\rchainsim: simulated %.1f s of %.1f s (%3.0f%%)  %.2f M events/s  ETA %.0f s   ",
           sim, end, 100 * sim / end, rate / 1e6, eta);
  fflush (stderr);
}

static const char *
stop_reason_name (CsStopReason reason)
{
  switch (reason)
    {
    case CS_STOP_EMPTY: return "no-events-left";
    case CS_STOP_TIME: return "duration";
    case CS_STOP_EVENTS: return "max-events";
    case CS_STOP_REQUESTED: return "stop-condition";
    }
  return "unknown";
}

static void
write_network_summary (CsJson *j, CsNet *net, CsWorld *world)
{
  CsWorldTraffic traffic;
  cs_world_traffic (world, &traffic);
  CsNetGraphStats graph;
  cs_net_graph_stats (net, &graph);
  cs_json_key (j, "network");
  cs_json_begin_object (j);
  cs_json_kv_int (j, "nodes", cs_net_n_nodes (net));
  cs_json_kv_int (j, "regions", cs_net_n_regions (net));
  cs_json_kv_int (j, "links", (gint64) graph.n_links);
  cs_json_kv_double (j, "degree_mean", graph.mean_degree);
  cs_json_kv_int (j, "degree_min", graph.min_degree);
  cs_json_kv_int (j, "degree_max", graph.max_degree);
  cs_json_kv_int (j, "links_added_to_connect", graph.links_joining);
  cs_json_kv_int (j, "messages_sent", (gint64) traffic.messages_sent);
  cs_json_kv_int (j, "messages_delivered", (gint64) traffic.messages_delivered);
  cs_json_kv_int (j, "messages_lost", (gint64) traffic.messages_lost);
  cs_json_kv_int (j, "bytes_sent", (gint64) traffic.bytes_sent);
  cs_json_end_object (j);
}

gboolean
cs_run (const CsScenario *scenario, const CsRunOptions *options, GError **error)
{
  cs_gsl_init ();
  guint64 seed = (guint64) scenario->seed;
  g_autoptr (CsNet) net = cs_net_new (&scenario->network, seed, error);
  if (!net)
    return FALSE;
  const CsProtocolEntry *entry = cs_protocol_entry (scenario->protocol);
  gpointer shared = entry->shared_new (scenario, net);
  gpointer probe = entry->probe_new (scenario, net, shared);
  CsWorld *world = cs_world_new (net, entry->klass, shared, seed, entry->probe_emit, probe);
  if (options->threads > 1 && entry->pinned != NULL && scenario->max_events == 0
      && !cs_fault_config_any (&scenario->faults))
    cs_world_set_threads (world, MIN (options->threads, 64), cs_net_min_latency (net),
                          entry->pinned);
  if (scenario->max_events == 0 && !cs_fault_config_any (&scenario->faults))
    cs_world_set_elision (world, scenario->duration);
  g_autoptr (gsl_rng) workload = cs_rng_new (seed, cs_stream_id (CS_STREAM_WORKLOAD, 0));
  if (entry->plan)
    entry->plan (scenario, shared, world, workload);
  cs_world_start (world);

  CsEngine *engine = cs_world_engine (world);
  Progress progress = { .scenario = scenario, .wall_start = g_get_monotonic_time (),
                        .threads = cs_world_threads (world) };
  progress.wall_last = progress.wall_start;
  if (options->progress && !options->quiet)
    cs_engine_set_progress (engine, 1 << 16, show_progress, &progress);
  CsStopReason reason = cs_world_run (world, scenario->duration, (guint64) scenario->max_events);
  double wall = (g_get_monotonic_time () - progress.wall_start) / 1e6;
  if (options->progress && !options->quiet)
    fprintf (stderr, "\r%*s\r", 100, "");

  g_autoptr (CsOutput) out = cs_output_new (options->out_dir);
  /* metrics.csv: every number of summary.json as a "name,value" row (dotted names), for sweeps
   * and plots that read metrics back without a JSON parser. Created first, so written before
   * summary.json, which cs_output_commit writes last anyway. */
  GString *metrics = cs_output_file (out, "metrics.csv");
  g_string_append (metrics, "name,value\n");
  GString *summary = cs_output_file (out, "summary.json");
  g_autoptr (CsJson) j = cs_json_new (summary);
  cs_json_record_numbers (j, metrics);
  cs_json_begin_object (j);
  cs_json_kv_string (j, "chainsim_version", PACKAGE_VERSION);
  cs_json_kv_string (j, "scenario", scenario->name);
  cs_json_kv_int (j, "seed", scenario->seed);
  cs_json_kv_string (j, "protocol", cs_protocol_names[scenario->protocol]);
  cs_json_kv_double (j, "simulated_duration_s", cs_time_to_s (cs_engine_now (engine)));
  cs_json_kv_int (j, "events_processed", (gint64) cs_world_events_processed (world));
  cs_json_kv_string (j, "stopped_by", stop_reason_name (reason));
  write_network_summary (j, net, world);
  g_autoptr (GError) check_error = NULL;
  gboolean checked = entry->probe_report (probe, scenario, j, out, &check_error);
  cs_json_end_object (j);
  guint64 events = cs_world_events_processed (world);

  cs_world_free (world);
  entry->probe_free (probe);
  if (entry->shared_free)
    entry->shared_free (shared);
  if (!checked)
    {
      g_propagate_error (error, g_steal_pointer (&check_error));
      return FALSE;
    }
  if (options->capture)
    {
      *options->capture = g_steal_pointer (&out);
      return TRUE;
    }
  if (!cs_output_commit (out, error))
    return FALSE;
  if (!options->quiet)
    fprintf (stderr, "chainsim: %s: %" G_GUINT64_FORMAT " events in %.2f s of wall time "
             "(%.2f M events/s); results in %s\n", scenario->name,
             events, wall, events / MAX (wall, 1e-9) / 1e6, options->out_dir);
  return TRUE;
}
