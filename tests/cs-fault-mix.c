/* cs-fault-mix.c: consensus runs with faults and random fault mixes (cs-fault-mix.h). */
#include "cs-fault-mix.h"

#include <glib/gstdio.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "consensus/cs-consensus-probe.h"
#include "engine/cs-rng.h"
#include "scenario/cs-config.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"

/* ---- one run ---- */

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

/* The value of @name in metrics.csv text ("name,value" rows), NAN when absent or empty. */
static double
metric (const char *csv, const char *name)
{
  g_autofree char *key = g_strdup_printf ("\n%s,", name);
  const char *at = strstr (csv, key);
  if (!at)
    return NAN;
  at += strlen (key);
  char *end;
  double v = g_ascii_strtod (at, &end);
  return end == at ? NAN : v;
}

/* The string value of "@key": "..." in a JSON text (the first occurrence), or NULL. */
static char *
json_string (const char *json, const char *key)
{
  g_autofree char *pat = g_strdup_printf ("\"%s\": \"", key);
  const char *at = strstr (json, pat);
  if (!at)
    return NULL;
  at += strlen (pat);
  const char *end = strchr (at, '"');
  return end ? g_strndup (at, end - at) : NULL;
}

void
cs_fault_run (const char *yaml, const char *const *overrides, CsFaultRun *out)
{
  *out = (CsFaultRun) { .error_code = -1 };
  double *figures[] = { &out->committed_blocks, &out->view_changes, &out->safety_violations,
                        &out->last_fault_healed_s, &out->liveness_bound_s,
                        &out->liveness_checked, &out->liveness_recovery_s };
  static const char *const names[] = {
    "consensus.committed_blocks", "consensus.view_changes", "consensus.safety_violations",
    "consensus.last_fault_healed_s", "consensus.liveness_bound_s", "consensus.liveness_checked",
    "consensus.liveness_recovery_s",
  };
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    *figures[i] = NAN;

  CsScenario scenario = { 0 };
  g_autoptr (GError) error = NULL;
  if (!cs_config_load_data (&cs_scenario_schema, &scenario, "fault-mix.yaml", yaml,
                            strlen (yaml), overrides, &error))
    g_error ("bad scenario: %s\n%s", error->message, yaml);
  g_autofree char *dir = g_dir_make_tmp ("chainsim-faults-XXXXXX", &error);
  if (!dir)
    g_error ("%s", error->message);
  g_autofree char *out_dir = g_build_filename (dir, "run", NULL);
  CsRunOptions options = { .out_dir = out_dir, .quiet = TRUE };
  gboolean ok = cs_run (&scenario, &options, &error);
  cs_scenario_clear (&scenario);
  if (!ok)
    {
      if (error->domain != CS_CONSENSUS_ERROR)
        g_error ("run failed: %s", error->message);
      out->failed = TRUE;
      out->error_code = error->code;
      out->error = g_strdup (error->message);
    }
  else
    {
      g_autofree char *summary_path = g_build_filename (out_dir, "summary.json", NULL);
      g_autofree char *metrics_path = g_build_filename (out_dir, "metrics.csv", NULL);
      g_autofree char *summary = NULL, *metrics = NULL;
      if (!g_file_get_contents (summary_path, &summary, NULL, NULL)
          || !g_file_get_contents (metrics_path, &metrics, NULL, NULL))
        g_error ("no outputs in %s", out_dir);
      out->liveness = json_string (summary, "liveness");
      for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
        *figures[i] = metric (metrics, names[i]);
    }
  remove_dir (out_dir);
  g_rmdir (dir);
}

void
cs_fault_run_clear (CsFaultRun *run)
{
  g_clear_pointer (&run->error, g_free);
  g_clear_pointer (&run->liveness, g_free);
}

/* ---- random mixes ---- */

static const char *const regions[] = { "NA", "EU", "SA", "AP", "JP", "AU" };

/* Uniform in [a, b). */
static double
uniform (gsl_rng *r, double a, double b)
{
  return a + (b - a) * gsl_rng_uniform (r);
}

char *
cs_fault_mix (const char *protocol, guint64 seed, gboolean beyond, char **what)
{
  /* its own stream: the run's seed is the same, every draw here is independent of the run's */
  g_autoptr (gsl_rng) r = cs_rng_new (seed, cs_stream_id (CS_STREAM_WORKLOAD, 0x6d6978));
  gboolean raft = strcmp (protocol, "raft") == 0;
  gboolean pbft = strcmp (protocol, "pbft") == 0;
  gboolean bft = pbft || strcmp (protocol, "hotstuff") == 0; /* Byzantine replicas */
  guint n = 4 + (guint) gsl_rng_uniform_int (r, 7);            /* 4..10 */
  guint tolerated = raft ? (n - 1) / 2 : (n - 1) / 3;
  GString *y = g_string_new (NULL);
  GString *d = g_string_new (NULL);
  g_string_append_printf (d, "%s n=%u", protocol, n);
  g_string_append_printf (y,
    "name: fault-mix\n"
    "seed: %" G_GUINT64_FORMAT "\n"
    "duration: 220s\n"
    "protocol: %s\n"
    "network: {preset: bitcoin-2019, nodes: %u, peers: {outbound: 3}}\n"
    "raft: {election_min: 1s, election_max: 2s, heartbeat: 200ms, batch: 50ms, tx_rate: 30}\n",
    seed, protocol, n);
  guint byz = 0;
  const char *mode = "silent";
  if (bft && beyond)
    {
      byz = tolerated + 1;
      mode = "equivocate";
    }
  else if (bft && gsl_rng_uniform (r) < 0.5)
    {
      byz = 1 + (guint) gsl_rng_uniform_int (r, tolerated);
      mode = gsl_rng_uniform (r) < 0.5 ? "silent" : "equivocate";
    }
  g_string_append_printf (y, "pbft: {batch: 50ms, view_timeout: 3s, tx_rate: 30, byzantine: %u, "
                          "byzantine_mode: %s}\n", pbft ? byz : 0, mode);
  g_string_append_printf (y, "hotstuff: {batch: 50ms, view_timeout: 3s, tx_rate: 30, "
                          "byzantine: %u, byzantine_mode: %s}\n", pbft ? 0 : byz, mode);
  if (byz)
    g_string_append_printf (d, " byzantine=%u(%s)", byz, mode);
  if (beyond)
    {
      if (what)
        *what = g_string_free (d, FALSE);
      else
        g_string_free (d, TRUE);
      return g_string_free (y, FALSE);
    }

  GString *f = g_string_new (NULL);
  guint crash_room = tolerated - byz;
  if (crash_room > 0 && gsl_rng_uniform (r) < 0.6)
    {
      guint k = 1 + (guint) gsl_rng_uniform_int (r, crash_room);
      double at = uniform (r, 5, 40), down = uniform (r, 5, 25);
      g_string_append_printf (f, "  bursts: [{at: %.3fs, nodes: %u, window: 10s, "
                              "down: {dist: fixed, mean: %.3fs}}]\n", at, k, down);
      g_string_append_printf (d, " crash=%u@%.0fs/%.0fs", k, at, down);
    }
  if (gsl_rng_uniform (r) < 0.5)
    {
      GString *group = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
        if (gsl_rng_uniform (r) < 0.5 && i + 1 < G_N_ELEMENTS (regions))
          g_string_append_printf (group, "%s%s", group->len ? ", " : "", regions[i]);
      if (!group->len)
        g_string_append (group, "EU");
      double at = uniform (r, 5, 40), len = uniform (r, 5, 30);
      g_string_append_printf (f, "  partitions: [{at: %.3fs, duration: %.3fs, groups: [[%s]]}]\n",
                              at, len, group->str);
      g_string_append_printf (d, " partition=[%s]@%.0fs/%.0fs", group->str, at, len);
      g_string_free (group, TRUE);
    }
  if (gsl_rng_uniform (r) < 0.5)
    {
      double at = uniform (r, 5, 50), len = uniform (r, 5, 20), loss = uniform (r, 0.05, 0.5);
      g_string_append_printf (f, "  loss_bursts: [{at: %.3fs, duration: %.3fs, loss: %.3f}]\n",
                              at, len, loss);
      g_string_append_printf (d, " loss=%.2f@%.0fs/%.0fs", loss, at, len);
    }
  if (gsl_rng_uniform (r) < 0.5)
    {
      double at = uniform (r, 5, 50), len = uniform (r, 5, 20), extra = uniform (r, 0.05, 1);
      const char *region = gsl_rng_uniform (r) < 0.5 ? regions[gsl_rng_uniform_int (r, 2)] : NULL;
      g_string_append_printf (f, "  delay_spikes: [{at: %.3fs, duration: %.3fs, extra: %.0fms%s%s}]\n",
                              at, len, extra * 1000, region ? ", region: " : "",
                              region ? region : "");
      g_string_append_printf (d, " spike=%.0fms%s%s@%.0fs/%.0fs", extra * 1000,
                              region ? ":" : "", region ? region : "", at, len);
    }
  if (gsl_rng_uniform (r) < 0.5)
    {
      double at = uniform (r, 10, 50), len = uniform (r, 5, 20), delay = uniform (r, 0.5, 5);
      g_string_append_printf (f, "  slow_leader: [{at: %.3fs, duration: %.3fs, delay: %.0fms}]\n",
                              at, len, delay * 1000);
      g_string_append_printf (d, " slow_leader=%.1fs@%.0fs/%.0fs", delay, at, len);
    }
  if (f->len)
    g_string_append_printf (y, "faults:\n%s", f->str);
  g_string_free (f, TRUE);
  if (what)
    *what = g_string_free (d, FALSE);
  else
    g_string_free (d, TRUE);
  return g_string_free (y, FALSE);
}
