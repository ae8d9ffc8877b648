/* chain-run.c: running a Nakamoto scenario for the validation tests and benchmark (chain-run.h):
 * what cs_run() does, minus the output directory, plus direct access to the probe's figures. */
#include "chain-run.h"

#include <math.h>
#include <string.h>

#include "consensus/cs-nakamoto-world.h"
#include "engine/cs-rng.h"
#include "scenario/cs-config.h"
#include "world/cs-scenario.h"
#include "world/cs-world.h"

/* Gervais et al., "On the Security and Performance of Proof of Work Blockchains", CCS 2016,
 * Table 1 (shared/data/FIGURES.md section 2). */
const Table1Row table1_rows[3] = {
  { "bitcoin", 8.7, 0.0041 },
  { "litecoin", 1.02, 0.00273 },
  { "dogecoin", 0.85, 0.00619 },
};

static void
probe_emit (guint32 node, CsTime now, guint metric, guint64 key, double value, gpointer probe)
{
  cs_chain_probe_emit (probe, node, now, metric, key, value);
}

/* Builds and runs the world of a loaded @scenario. */
static gboolean
run_scenario (const CsScenario *scenario, ChainRun *out, GError **error)
{
  if (scenario->protocol != CS_PROTOCOL_NAKAMOTO)
    {
      g_set_error (error, CS_CONFIG_ERROR, CS_CONFIG_ERROR_INVALID, "not a nakamoto scenario");
      return FALSE;
    }
  guint64 seed = (guint64) scenario->seed;
  g_autoptr (CsNet) net = cs_net_new (&scenario->network, seed, error);
  if (!net)
    return FALSE;
  g_autoptr (CsNakamotoShared) shared = cs_nakamoto_shared_from_net (&scenario->nakamoto, net,
                                                                     seed, error);
  if (!shared)
    return FALSE;
  g_autoptr (CsChainProbe) probe = cs_nakamoto_probe_new (shared);
  gint64 start = g_get_monotonic_time ();
  {
    g_autoptr (CsWorld) world = cs_world_new (net, &cs_nakamoto_class.base, shared, seed,
                                              probe_emit, probe);
    cs_world_start (world);
    CsEngine *engine = cs_world_engine (world);
    cs_engine_run (engine, scenario->duration, (guint64) scenario->max_events);
    out->events = cs_engine_events_processed (engine);
  }
  out->wall_s = (g_get_monotonic_time () - start) / 1e6;
  cs_chain_probe_figures (probe, &out->fig);
  CsNetGraphStats graph;
  cs_net_graph_stats (net, &graph);
  out->nodes = cs_net_n_nodes (net);
  out->degree_mean = graph.mean_degree;
  out->degree_min = graph.min_degree;
  return TRUE;
}

gboolean
chain_run (const char *path, const char *yaml, const char *const *overrides, ChainRun *out,
           GError **error)
{
  CsScenario scenario = { 0 };
  gboolean ok;

  cs_gsl_init ();
  if (path)
    {
      g_autofree char *full = g_build_filename (CS_SRCDIR, path, NULL);
      ok = cs_config_load_file (&cs_scenario_schema, &scenario, full, overrides, error);
    }
  else
    ok = cs_config_load_data (&cs_scenario_schema, &scenario, "test.yaml", yaml, strlen (yaml),
                              overrides, error);
  if (!ok)
    return FALSE;
  ok = run_scenario (&scenario, out, error);
  cs_scenario_clear (&scenario);
  return ok;
}

void
binomial_interval (guint64 k, guint64 n, double confidence, double *low, double *high)
{
  cs_binomial_interval (k, n, confidence, low, high);
}

void
table1_compare (const Table1Row *row, const ChainRun *run, gboolean strict, double confidence,
                GString *report, gboolean *prop_ok, gboolean *stale_ok)
{
  const CsChainFigures *f = &run->fig;
  double lo, hi;
  binomial_interval (f->blocks_stale, f->blocks_settled, confidence, &lo, &hi);
  *prop_ok = f->p50 >= row->median_propagation / 2 && f->p50 <= row->median_propagation * 2;
  if (strict)
    *stale_ok = f->stale_rate >= row->stale_rate / 2 && f->stale_rate <= row->stale_rate * 2;
  else
    *stale_ok = hi >= row->stale_rate / 2 && lo <= row->stale_rate * 2;
  g_string_append_printf (report,
                          "%-9s %5u nodes %6" G_GUINT64_FORMAT " blocks | median propagation "
                          "%6.2f s (published %5.2f s) %s | stale %.3f%% [%.1f%%: %.3f%%, "
                          "%.3f%%] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                          " (published %.3f%%) %s\n",
                          row->name, run->nodes, f->blocks_total, f->p50,
                          row->median_propagation, *prop_ok ? "PASS" : "FAIL",
                          100 * f->stale_rate, 100 * confidence, 100 * lo, 100 * hi,
                          f->blocks_stale, f->blocks_settled, 100 * row->stale_rate,
                          *stale_ok ? "PASS" : "FAIL");
}
