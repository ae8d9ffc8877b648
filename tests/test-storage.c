/* test-storage.c: tests of sim/storage. Reed-Solomon over ISA-L against every erasure pattern of
 * up to m losses for small codes; the placement policies' invariants; whole runs checked against
 * values computed here independently: read latencies equal twice the one-way latency to the
 * nearest holder(s), inference latencies the sum over stages; failover, repair, real-byte
 * verification and determinism. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "storage/cs-placement.h"
#include "storage/cs-rs.h"
#include "storage/cs-storage-private.h"
#include "validation/cs-storage-harness.h"

/* ---- Reed-Solomon ---- */

static GBytes *
random_bytes (gsl_rng *rng, gsize n)
{
  guint8 *d = g_malloc (MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    d[i] = (guint8) gsl_rng_uniform_int (rng, 256);
  return g_bytes_new_take (d, n);
}

/* Every pattern of lost fragments of a (k, m) code: with at most m lost the object and every
 * lost fragment come back exactly; with more, decoding refuses. */
static void
check_code (guint k, guint m, gsize size, gsl_rng *rng, guint *patterns)
{
  g_autoptr (CsRs) rs = cs_rs_new (k, m);
  g_autoptr (GBytes) data = random_bytes (rng, size);
  g_autoptr (GPtrArray) frags = cs_rs_encode (rs, g_bytes_get_data (data, NULL), size);
  guint n = k + m;
  g_assert_cmpuint (frags->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_bytes_get_size (frags->pdata[i]), ==, cs_rs_fragment_size (rs, size));
  /* Systematic: the data fragments are the object cut in k. */
  gsize len = cs_rs_fragment_size (rs, size);
  for (guint i = 0; i < k && (gsize) i * len < size; i++)
    g_assert_cmpmem (g_bytes_get_data (frags->pdata[i], NULL), MIN (len, size - i * len),
                     (const guint8 *) g_bytes_get_data (data, NULL) + i * len,
                     MIN (len, size - i * len));
  GBytes *present[256];
  for (guint mask = 0; mask < (1u << n); mask++)
    {
      guint lost = (guint) __builtin_popcount (mask);
      for (guint i = 0; i < n; i++)
        present[i] = (mask >> i) & 1 ? NULL : frags->pdata[i];
      g_autoptr (GBytes) back = cs_rs_decode (rs, present, size);
      if (lost > m)
        {
          g_assert_null (back);
          continue;
        }
      (*patterns)++;
      g_assert_nonnull (back);
      g_assert_true (g_bytes_equal (back, data));
      for (guint i = 0; i < n; i++)
        if ((mask >> i) & 1)
          {
            g_autoptr (GBytes) frag = cs_rs_rebuild (rs, present, i);
            g_assert_true (g_bytes_equal (frag, frags->pdata[i]));
          }
    }
}

static void
test_rs_every_pattern (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 1);
  guint patterns = 0;
  for (guint k = 1; k <= 6; k++)
    for (guint m = 0; m <= 4; m++)
      {
        check_code (k, m, 1, rng, &patterns);
        check_code (k, m, 7 * k + 3, rng, &patterns);     /* padding in the last fragment */
        check_code (k, m, 64 * k, rng, &patterns);        /* exact multiple */
      }
  g_test_message ("%u decodable loss patterns checked", patterns);
  g_assert_cmpuint (patterns, >, 4000);
}

/* Wide codes (Sia's 10 of 30, Storj's 29 of 80): random patterns of exactly m losses. */
static void
test_rs_wide (void)
{
  g_autoptr (gsl_rng) rng = cs_rng_new (2, 2);
  static const guint codes[][2] = { { 10, 20 }, { 29, 51 }, { 128, 128 } };
  for (guint c = 0; c < G_N_ELEMENTS (codes); c++)
    {
      guint k = codes[c][0], m = codes[c][1], n = k + m;
      g_autoptr (CsRs) rs = cs_rs_new (k, m);
      gsize size = 4096 + c;
      g_autoptr (GBytes) data = random_bytes (rng, size);
      g_autoptr (GPtrArray) frags = cs_rs_encode (rs, g_bytes_get_data (data, NULL), size);
      g_autofree guint *order = g_new (guint, n);
      for (guint trial = 0; trial < 50; trial++)
        {
          GBytes *present[256];
          for (guint i = 0; i < n; i++)
            {
              order[i] = i;
              present[i] = frags->pdata[i];
            }
          gsl_ran_shuffle (rng, order, n, sizeof (guint));
          for (guint i = 0; i < m; i++)
            present[order[i]] = NULL;
          g_autoptr (GBytes) back = cs_rs_decode (rs, present, size);
          g_assert_true (back && g_bytes_equal (back, data));
          g_autoptr (GBytes) frag = cs_rs_rebuild (rs, present, order[0]);
          g_assert_true (g_bytes_equal (frag, frags->pdata[order[0]]));
        }
    }
}

/* ---- placement ---- */

typedef struct
{
  const guint8 *up;        /* per node */
  const guint32 *holders;  /* the object's holders */
  guint n;                 /* their count */
} Elig;

static gboolean
elig (guint32 v, gpointer user_data)
{
  const Elig *e = user_data;
  for (guint i = 0; i < e->n; i++)
    if (e->holders[i] == v)
      return FALSE;
  return e->up[v];
}

static void
test_placement_invariants (void)
{
  const guint32 N = 61;
  const guint R = 4;
  guint16 region[61];
  guint8 member[61], up[61];
  for (guint32 v = 0; v < N; v++)
    {
      region[v] = (guint16) (v % R);
      member[v] = v % 10 != 9;  /* six joiners */
      up[v] = v % 7 != 0;
    }
  CsPlacementEnv env = { .n_nodes = N, .n_regions = R, .node_region = region, .member = member };
  for (int kind = 0; kind < CS_PLACEMENT_N_KINDS; kind++)
    {
      const CsPlacementClass *klass = cs_placement_class (kind);
      g_assert_true (cs_placement_lookup (cs_placement_names[kind]) == klass);
      CsStrategyConfig config = { .policy = kind, .r = 3, .k = 4, .m = 2, .vnodes = 32 };
      guint n = cs_strategy_fragments (&config);
      g_autoptr (gsl_rng) rng = cs_rng_new (3, (guint64) kind);
      gpointer state = klass->init ? klass->init (&config, &env, rng) : NULL;
      g_autoptr (GHashTable) sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      guint32 holders[16];
      for (guint64 o = 0; o < 3000; o++)
        {
          klass->place (state, &env, o, n, holders, rng);
          guint8 seen_region[4] = { 0 };
          for (guint i = 0; i < n; i++)
            {
              g_assert_cmpuint (holders[i], <, N);
              g_assert_true (member[holders[i]]);
              for (guint j = 0; j < i; j++)
                g_assert_cmpuint (holders[i], !=, holders[j]);
              if (kind == CS_PLACEMENT_REGION_AWARE)
                {
                  g_assert_false (seen_region[region[holders[i]]]);
                  seen_region[region[holders[i]]] = 1;
                }
            }
          guint32 sorted[16];
          memcpy (sorted, holders, n * sizeof (guint32));
          for (guint i = 1; i < n; i++)
            for (guint j = i; j > 0 && sorted[j - 1] > sorted[j]; j--)
              {
                guint32 t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
              }
          g_hash_table_add (sets, g_strdup_printf ("%u,%u,%u", sorted[0], sorted[1], sorted[2]));
          /* A replacement is eligible; region-aware avoids the others' regions when it can. */
          Elig e = { up, holders, n };
          guint32 r = klass->replace (state, &env, o, holders, n, 0, elig, &e, rng);
          g_assert_cmpuint (r, !=, CS_NO_NODE);
          g_assert_true (elig (r, &e));
          if (kind == CS_PLACEMENT_REGION_AWARE) /* not where the other copies are */
            g_assert_true (region[r] != region[holders[1]] && region[r] != region[holders[2]]);
        }
      guint distinct = g_hash_table_size (sets);
      g_test_message ("%s: %u distinct replica sets for 3000 objects", klass->name, distinct);
      if (kind == CS_PLACEMENT_COPYSET)
        g_assert_cmpuint (distinct, <=, 2 * ((55 + 2) / 3)); /* P = 2 permutations of 55 */
      else if (kind == CS_PLACEMENT_REPLICATE)
        g_assert_cmpuint (distinct, >, 2000);
      if (kind == CS_PLACEMENT_CONSISTENT_HASH)
        {
          /* The same object maps to the same nodes, whatever else was placed. */
          guint32 again[16];
          klass->place (state, &env, 17, n, holders, rng);
          klass->place (state, &env, 17, n, again, rng);
          g_assert_cmpmem (holders, n * sizeof (guint32), again, n * sizeof (guint32));
        }
      if (klass->destroy)
        klass->destroy (state);
    }
}

/* ---- whole runs ---- */

/* Two regions 10 ms apart internally and 100 ms across, latency only (no bandwidth, no jitter),
 * so every time in a run can be computed here. */
#define TWO_REGIONS \
  "network:\n" \
  "  nodes: 40\n" \
  "  regions: [{name: A, share: 0.5}, {name: B, share: 0.5}]\n" \
  "  latency: [[10ms, 100ms], [100ms, 10ms]]\n" \
  "  jitter: none\n" \
  "  bandwidth_model: none\n" \
  "  peers: {outbound: 4}\n"

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The read latency the protocol must achieve: the client fetches `need` pieces, its own first,
 * then from the nearest holders in parallel; each remote piece costs a request and a reply. */
static double
expected_read (CsStorageStrategy *s, const CsReadRequest *r)
{
  CsStorageService *svc = s->service;
  g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
  guint local = 0;
  for (guint f = 0; f < s->n_frag; f++)
    {
      guint32 h = s->holder[(gsize) r->object * s->n_frag + f];
      if (h == r->client)
        local++;
      else
        {
          double l = 2 * cs_time_to_s (cs__storage_latency (svc, r->client, h));
          g_array_append_val (lat, l);
        }
    }
  if (local >= s->need)
    return 0;
  g_array_sort (lat, cmp_double);
  return g_array_index (lat, double, s->need - local - 1);
}

static void
test_read_nearest (void)
{
  const char *yaml =
    "name: nearest\nseed: 3\nduration: 4h\nprotocol: storage\n" TWO_REGIONS
    "storage:\n"
    "  collections: [{name: d, objects: 300, size: 1MB}]\n"
    "  strategies: [{policy: replicate, r: 2}, {policy: erasure, k: 2, m: 2},\n"
    "               {policy: region-aware, r: 2}]\n"
    "  reads: {collection: d, interval: 20s, zipf: 0.8}\n";
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  CsStorageService *svc = run.service;
  g_assert_cmpuint (svc->reads->len, >, 500);
  for (guint i = 0; i < cs_storage_service_n_strategies (svc); i++)
    {
      CsStorageStrategy *s = cs_storage_service_strategy (svc, i);
      g_autoptr (GArray) want = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint q = 0; q < svc->reads->len; q++)
        {
          double e = expected_read (s, &g_array_index (svc->reads, CsReadRequest, q));
          g_array_append_val (want, e);
        }
      g_autoptr (GArray) got = g_array_copy (s->read_latency);
      g_array_sort (want, cmp_double);
      g_array_sort (got, cmp_double);
      g_assert_cmpuint (got->len, ==, want->len);
      g_assert_cmpuint (s->reads_failed, ==, 0);
      for (guint q = 0; q < got->len; q++)
        g_assert_cmpfloat_with_epsilon (g_array_index (got, double, q),
                                        g_array_index (want, double, q), 1e-9);
      CsStorageResults res;
      cs_storage_run_results (&run, i, &res);
      g_assert_cmpfloat (res.object_availability, ==, 1.0);
      g_assert_cmpfloat (res.availability, ==, 1.0);
    }
  cs_storage_run_clear (&run);
}

/* Inference: each stage goes to the nearest holder of its shard other than the client; the
 * latency is the sum over stages of a round trip and the compute time (requests far apart, so
 * no server queues). */
static void
test_inference_chain (void)
{
  const char *yaml =
    "name: chain\nseed: 5\nduration: 6h\nprotocol: storage\n" TWO_REGIONS
    "storage:\n"
    "  collections: [{name: model, objects: 8, size: 100MB}]\n"
    "  strategies: [{policy: replicate, r: 2}, {policy: region-aware, r: 2}]\n"
    "  inference: {model: model, interval: 2min, compute: 50ms, activation: 64KB}\n";
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  CsStorageService *svc = run.service;
  g_assert_cmpuint (svc->infers->len, >, 100);
  for (guint i = 0; i < cs_storage_service_n_strategies (svc); i++)
    {
      CsStorageStrategy *s = cs_storage_service_strategy (svc, i);
      g_autoptr (GArray) want = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint q = 0; q < svc->infers->len; q++)
        {
          const CsInferRequest *r = &g_array_index (svc->infers, CsInferRequest, q);
          double total = 0;
          for (guint stage = 0; stage < 8; stage++)
            {
              double best = INFINITY;
              for (guint f = 0; f < s->n_frag; f++)
                {
                  guint32 h = s->holder[(gsize) stage * s->n_frag + f];
                  if (h != r->client)
                    best = MIN (best, 2 * cs_time_to_s (cs__storage_latency (svc, r->client, h)));
                }
              total += best + 0.05;
            }
          g_array_append_val (want, total);
        }
      g_autoptr (GArray) got = g_array_copy (s->infer_latency);
      g_array_sort (want, cmp_double);
      g_array_sort (got, cmp_double);
      g_assert_cmpuint (got->len, ==, want->len);
      for (guint q = 0; q < got->len; q++)
        g_assert_cmpfloat_with_epsilon (g_array_index (got, double, q),
                                        g_array_index (want, double, q), 1e-9);
      g_assert_cmpuint (s->infer_failed, ==, 0);
      g_assert_cmpuint (s->infer_failovers, ==, 0);
    }
  cs_storage_run_clear (&run);
}

/* Failures: servers and holders crash mid-request; clients fail over, and a request fails only
 * when a stage has no live holder left. With erasure coding, servers decode shards first. */
static void
test_failover (void)
{
  const char *yaml =
    "name: failover\nseed: 11\nduration: 2d\nprotocol: storage\n" TWO_REGIONS
    "faults:\n"
    "  crash_recover: {up: {dist: exponential, mean: 3h}, down: {dist: exponential, mean: 1h}}\n"
    "storage:\n"
    "  collections: [{name: model, objects: 6, size: 10MB}, {name: d, objects: 100, size: 1MB}]\n"
    "  strategies: [{policy: replicate, r: 3}, {policy: erasure, k: 2, m: 3}]\n"
    "  repair: {detection_delay: 30min}\n"
    "  reads: {collection: d, interval: 30s}\n"
    "  inference: {model: model, interval: 30s, compute: 2s, activation: 64KB}\n";
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  for (guint i = 0; i < 2; i++)
    {
      CsStorageStrategy *s = cs_storage_service_strategy (run.service, i);
      CsStorageResults res;
      cs_storage_run_results (&run, i, &res);
      g_test_message ("%s: reads %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                      " inference %" G_GUINT64_FORMAT " done %" G_GUINT64_FORMAT " failed %"
                      G_GUINT64_FORMAT " failovers, %" G_GUINT64_FORMAT " shards decoded",
                      res.name, res.reads_served, s->reads_started, res.inference_done,
                      res.inference_failed, res.inference_failovers, s->shards_rebuilt);
      g_assert_cmpuint (res.inference_failovers, >, 10);
      g_assert_cmpuint (res.inference_done, >, 1000);
      g_assert_cmpfloat (res.inference_success_rate, >, 0.8);
      g_assert_cmpuint (res.repairs_done, >, 0);
      g_assert_cmpuint (res.reads_served + res.reads_failed, <=, s->reads_started);
      g_assert_cmpfloat (res.availability, >, 0.9);
      /* Some reads failed over: their latency includes a timeout (5 s + 1 MB at 1 Mbit/s). */
      g_autoptr (GArray) lat = g_array_copy (s->read_latency);
      g_array_sort (lat, cmp_double);
      g_assert_cmpfloat (g_array_index (lat, double, lat->len - 1), >, 13.0);
      if (i == 1)
        g_assert_cmpuint (s->shards_rebuilt, >, 0);
    }
  cs_storage_run_clear (&run);
}

/* Verify mode: real bytes through crashes, lost disks and repairs; every read and every decoded
 * shard is rebuilt from the fragments that arrived and compared with the original. */
static void
test_verify_bytes (void)
{
  const char *yaml =
    "name: verify\nseed: 13\nduration: 3d\nprotocol: storage\n" TWO_REGIONS
    "faults:\n"
    "  crash_recover: {up: {dist: weibull, mean: 6h, shape: 0.8},\n"
    "                  down: {dist: lognormal, mean: 1h, sigma: 1}, disk_loss: 30%}\n"
    "storage:\n"
    "  collections: [{name: d, objects: 60, size: 5000B}]\n"
    "  strategies: [{policy: erasure, k: 3, m: 2}, {policy: replicate, r: 2},\n"
    "               {policy: erasure, k: 4, m: 4}]\n"
    "  repair: {detection_delay: 10min}\n"
    "  reads: {collection: d, interval: 1min}\n"
    "  verify: true\n";
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  for (guint i = 0; i < cs_storage_service_n_strategies (run.service); i++)
    {
      CsStorageResults res;
      cs_storage_run_results (&run, i, &res);
      g_test_message ("%s: %" G_GUINT64_FORMAT " rebuilt equal, %" G_GUINT64_FORMAT
                      " different, %" G_GUINT64_FORMAT " repairs", res.name, res.verify_ok,
                      res.verify_bad, res.repairs_done);
      g_assert_cmpuint (res.verify_ok, >, 1000);
      g_assert_cmpuint (res.verify_bad, ==, 0);
      g_assert_cmpuint (res.repairs_done, >, 20);
      /* Every intact stored fragment still holds the right bytes. */
      CsStorageStrategy *s = cs_storage_service_strategy (run.service, i);
      for (guint32 o = 0; o < run.service->n_objects; o++)
        for (guint f = 0; f < s->n_frag; f++)
          {
            gsize slot = (gsize) o * s->n_frag + f;
            if (!s->intact[slot])
              continue;
            gsize size;
            const guint8 *orig = g_bytes_get_data (run.service->original[o], &size);
            if (s->config->policy == CS_PLACEMENT_ERASURE)
              {
                g_autoptr (GPtrArray) frags = cs_rs_encode (s->rs, orig, size);
                g_assert_true (g_bytes_equal (frags->pdata[f], s->frag_bytes[slot]));
              }
            else
              g_assert_true (g_bytes_equal (run.service->original[o], s->frag_bytes[slot]));
          }
    }
  cs_storage_run_clear (&run);
}

/* Nodes that crash for good: repair rebuilds their fragments elsewhere, up to the limit. */
static void
test_repair_restores (void)
{
  const char *yaml =
    "name: repair\nseed: 17\nduration: 2d\nprotocol: storage\n" TWO_REGIONS
    "faults:\n"
    "  crash_stop: {nodes: 25%, at: {dist: exponential, mean: 4h}}\n"
    "storage:\n"
    "  collections: [{name: d, objects: 400, size: 1MB}]\n"
    "  strategies: [{policy: replicate, r: 3}, {policy: erasure, k: 3, m: 3},\n"
    "               {policy: consistent-hash, r: 3}, {policy: copyset, r: 3}]\n"
    "  repair: {detection_delay: 5min, max_concurrent: 4}\n";
  CsStorageRun run;
  cs_storage_run (&run, yaml, NULL);
  for (guint i = 0; i < cs_storage_service_n_strategies (run.service); i++)
    {
      CsStorageStrategy *s = cs_storage_service_strategy (run.service, i);
      CsStorageResults res;
      cs_storage_run_results (&run, i, &res);
      /* Every fragment that was on a dead node was rebuilt: all are back on live nodes. */
      guint64 on_dead = 0;
      for (gsize slot = 0; slot < (gsize) run.service->n_objects * s->n_frag; slot++)
        on_dead += s->holder[slot] == CS_NO_NODE || !s->up[s->holder[slot]];
      g_test_message ("%s: %" G_GUINT64_FORMAT " repairs, %" G_GUINT64_FORMAT
                      " bytes, %" G_GUINT64_FORMAT " lost", res.name, res.repairs_done,
                      res.repair_bytes, res.objects_lost);
      g_assert_cmpuint (on_dead, ==, 0);
      g_assert_cmpuint (res.objects_lost, ==, 0);
      g_assert_cmpuint (res.repairs_done, >=, 10 * 3 * 400 / 40);
      /* Bytes: a whole copy per replica repaired, k fragments per Reed-Solomon fragment. */
      guint64 per = s->config->policy == CS_PLACEMENT_ERASURE ? 3 * 333334 : 1000000;
      g_assert_cmpuint (res.repair_bytes, >=, res.repairs_done * per);
      guint n;
      const double *bins = cs_storage_strategy_bins (s, cs_storage_run_now (&run), &n);
      g_assert_cmpfloat (bins[n - 1], ==, 1.0);
    }
  cs_storage_run_clear (&run);
}

static char *
summary_of (const char *yaml, const char *seed)
{
  const char *overrides[] = { seed, NULL };
  CsStorageRun run;
  cs_storage_run (&run, yaml, overrides);
  GString *out = g_string_new (NULL);
  g_autoptr (CsOutput) files = cs_output_new ("/nonexistent");
  CsJson *j = cs_json_new (out);
  cs_json_begin_object (j);
  cs_storage_service_report (run.service, cs_storage_run_now (&run), j, files);
  cs_json_end_object (j);
  cs_json_free (j);
  g_string_append (out, cs_output_file (files, "availability.csv")->str);
  g_string_append (out, cs_output_file (files, "faults.csv")->str);
  cs_storage_run_clear (&run);
  return g_string_free (out, FALSE);
}

static void
test_deterministic (void)
{
  const char *yaml =
    "name: det\nseed: 1\nduration: 1d\nprotocol: storage\n"
    "network: {preset: bitcoin-2019, nodes: 80}\n"
    "faults:\n"
    "  crash_recover: {up: {dist: weibull, mean: 5h, shape: 0.7},\n"
    "                  down: {dist: exponential, mean: 1h}, disk_loss: 10%}\n"
    "  bursts: [{every: 6h, nodes: 5, down: {dist: fixed, mean: 1h}}]\n"
    "  loss_bursts: [{at: 3h, duration: 1h, loss: 30%}]\n"
    "storage:\n"
    "  collections: [{name: m, objects: 10, size: 20MB}, {name: d, objects: 200, size: 4MB}]\n"
    "  strategies: [{policy: region-aware, r: 3}, {policy: erasure, k: 4, m: 2}]\n"
    "  reads: {collection: d, interval: 30s}\n"
    "  inference: {model: m, interval: 1min}\n";
  g_autofree char *a = summary_of (yaml, "seed=1");
  g_autofree char *b = summary_of (yaml, "seed=1");
  g_autofree char *c = summary_of (yaml, "seed=2");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_nonnull (strstr (a, "\"strategies\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/storage/rs/every-erasure-pattern", test_rs_every_pattern);
  g_test_add_func ("/storage/rs/wide-codes", test_rs_wide);
  g_test_add_func ("/storage/placement/invariants", test_placement_invariants);
  g_test_add_func ("/storage/read/nearest-holders", test_read_nearest);
  g_test_add_func ("/storage/inference/chain", test_inference_chain);
  g_test_add_func ("/storage/failover", test_failover);
  g_test_add_func ("/storage/verify/real-bytes", test_verify_bytes);
  g_test_add_func ("/storage/repair/restores", test_repair_restores);
  g_test_add_func ("/storage/deterministic", test_deterministic);
  return g_test_run ();
}
