/* test-consensus-faults.c: Raft, PBFT and HotStuff through faults in full world runs (cs_run:
 * the scenario loader, the fault runner, the network, the probe and its checkers), and the
 * liveness verdict itself:
 *  - per protocol: a slow leader forces a view change (an election) and liveness holds; a
 *    partition heals and every correct replica commits new blocks within the bound; a loss burst
 *    and a delay spike leave safety and liveness intact;
 *  - the checker fails when it must: a bound shorter than any recovery fails the run with a
 *    liveness error naming the seed; a fault still in force at the end, or more faulty replicas
 *    than tolerated, is reported as such, neither a pass nor a failure;
 *  - cs_liveness_judge on hand-made commits: each verdict, and old blocks committed after the
 *    heal not counting as new;
 *  - HotStuff with f = 2 Byzantine replicas of 7, silent or equivocating, in a fault-free
 *    network: safe, and every correct replica commits within the bound;
 *  - a few random fault mixes per protocol (the seeds `make check-long` runs by the hundred),
 *    and PBFT and HotStuff with f+1 equivocating replicas, where the safety checker must fire;
 *  - byte-identical outputs for one seed with latency faults and a slow leader.
 * The figures measured are printed with --verbose. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "chain/cs-block.h"
#include "consensus/cs-consensus-probe.h"
#include "consensus/cs-liveness.h"
#include "cs-fault-mix.h"
#include "cs-test-util.h"
#include "engine/cs-rng.h"
#include "scenario/cs-config.h"
#include "world/cs-run.h"
#include "world/cs-scenario.h"

/* Seven replicas over the six regions of bitcoin-2019 (EU holds 4 of them: a majority), WAN
 * timeouts, 30 client transactions per second, 120 s. */
static const char *base_yaml =
  "name: consensus-faults\n"
  "seed: 7\n"
  "duration: 120s\n"
  "network: {preset: bitcoin-2019, nodes: 7, peers: {outbound: 3}}\n"
  "raft: {election_min: 1s, election_max: 2s, heartbeat: 200ms, batch: 50ms, tx_rate: 30}\n"
  "pbft: {batch: 50ms, view_timeout: 3s, tx_rate: 30}\n"
  "hotstuff: {batch: 50ms, view_timeout: 3s, tx_rate: 30}\n";

static const char *const protocols[] = { "raft", "pbft", "hotstuff" };

/* Runs the base scenario as @protocol with @fault (an override, may be NULL) and @extra (another,
 * may be NULL). */
static void
run_with (const char *protocol, const char *fault, const char *extra, CsFaultRun *out)
{
  g_autofree char *p = g_strdup_printf ("protocol=%s", protocol);
  const char *overrides[4] = { p };
  guint n = 1;
  if (fault)
    overrides[n++] = fault;
  if (extra)
    overrides[n++] = extra;
  cs_fault_run (base_yaml, overrides, out);
}

/* A run that passed both checkers with the verdict "ok". */
static void
assert_live_and_safe (const CsFaultRun *r, const char *what)
{
  g_test_message ("%s: %.0f blocks, %.0f view changes, last fault healed at %.2f s, every "
                  "correct replica committed a new block %.2f s later (bound %.0f s)%s%s", what,
                  r->committed_blocks, r->view_changes, r->last_fault_healed_s,
                  r->liveness_recovery_s, r->liveness_bound_s, r->error ? ": " : "",
                  r->error ? r->error : "");
  g_assert_false (r->failed);
  g_assert_cmpfloat (r->safety_violations, ==, 0);
  g_assert_cmpstr (r->liveness, ==, "ok");
  g_assert_cmpfloat (r->liveness_recovery_s, <=, r->liveness_bound_s);
}

/* ---- each protocol through each fault ---- */

static void
test_slow_leader (gconstpointer data)
{
  const char *protocol = data;
  CsFaultRun base, slow;
  run_with (protocol, NULL, NULL, &base);
  /* the leader at 30 s sends everything 5 s late for 30 s: longer than any election or view
   * timeout (2 s, 3 s), so the others must replace it */
  run_with (protocol, "faults.slow_leader=[{at: 30s, duration: 30s, delay: 5s}]", NULL, &slow);
  assert_live_and_safe (&base, "no fault");
  assert_live_and_safe (&slow, "slow leader 30-60 s");
  g_assert_cmpfloat (slow.last_fault_healed_s, ==, 60);
  g_assert_cmpfloat (slow.view_changes, >, base.view_changes);
  cs_fault_run_clear (&base);
  cs_fault_run_clear (&slow);
}

static void
test_partition_heals (gconstpointer data)
{
  const char *protocol = data;
  CsFaultRun r;
  /* Europe (4 of 7: Raft's majority, not a BFT quorum of 5) against the rest, 30-50 s */
  run_with (protocol, "faults.partitions=[{at: 30s, duration: 20s, groups: [[EU]]}]", NULL, &r);
  assert_live_and_safe (&r, "partition EU | rest 30-50 s");
  g_assert_cmpfloat (r.last_fault_healed_s, ==, 50);
  g_assert_cmpfloat (r.view_changes, >, 0);
  cs_fault_run_clear (&r);
  /* three groups, and no BFT quorum anywhere */
  run_with (protocol, "faults.partitions=[{at: 30s, duration: 20s, groups: [[NA], [EU], [AP]]}]",
            NULL, &r);
  assert_live_and_safe (&r, "partition NA | EU | AP | rest 30-50 s");
  cs_fault_run_clear (&r);
}

static void
test_loss_and_spike (gconstpointer data)
{
  const char *protocol = data;
  CsFaultRun r;
  run_with (protocol, "faults.loss_bursts=[{at: 30s, duration: 20s, loss: 30%}]", NULL, &r);
  assert_live_and_safe (&r, "30% loss 30-50 s");
  cs_fault_run_clear (&r);
  run_with (protocol, "faults.delay_spikes=[{at: 30s, duration: 20s, extra: 500ms}]", NULL, &r);
  assert_live_and_safe (&r, "+500 ms on every link 30-50 s");
  cs_fault_run_clear (&r);
  run_with (protocol, "faults.delay_spikes=[{at: 30s, duration: 20s, extra: 2s, region: EU}]",
            "faults.loss_bursts=[{at: 40s, duration: 20s, loss: 20%}]", &r);
  assert_live_and_safe (&r, "+2 s on Europe's links 30-50 s, 20% loss 40-60 s");
  g_assert_cmpfloat (r.last_fault_healed_s, ==, 60);
  cs_fault_run_clear (&r);
}

/* ---- the checker fails when it must ---- */

static void
test_bound_too_small (gconstpointer data)
{
  const char *protocol = data;
  /* No BFT quorum for 20 s: after the heal a view change takes longer than 300 ms. Raft's Europe
   * keeps a majority, but the replicas cut off from it return with higher terms and force an
   * election (election_min is 1 s). */
  CsFaultRun r;
  run_with (protocol, "faults.partitions=[{at: 30s, duration: 20s, groups: [[NA], [EU], [AP]]}]",
            "consensus.liveness_bound=300ms", &r);
  g_test_message ("%s", r.error ? r.error : "(no error)");
  g_assert_true (r.failed);
  g_assert_cmpint (r.error_code, ==, CS_CONSENSUS_ERROR_LIVENESS);
  g_assert_nonnull (strstr (r.error, "liveness violated"));
  g_assert_nonnull (strstr (r.error, "reproduce with --seed 7"));
  g_assert_null (r.liveness); /* no outputs from a failed run */
  cs_fault_run_clear (&r);
}

static void
test_not_judged (void)
{
  CsFaultRun r;
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    {
      /* a partition still in force at the end */
      run_with (protocols[i], "faults.partitions=[{at: 30s, duration: 200s, "
                "groups: [[NA], [EU], [AP]]}]", NULL, &r);
      g_test_message ("%s, partition until the end: %s", protocols[i], r.liveness);
      g_assert_false (r.failed);
      g_assert_cmpstr (r.liveness, ==, "unhealed");
      g_assert_true (isnan (r.last_fault_healed_s));
      cs_fault_run_clear (&r);
      /* 4 of 7 replicas down for good: more than Raft's 3 or the BFT protocols' 2 */
      run_with (protocols[i], "faults.bursts=[{at: 30s, nodes: 4, window: 1s, "
                "down: {dist: fixed, mean: 1000s}}]", NULL, &r);
      g_test_message ("%s, 4 of 7 down: %s, %.0f replicas checked", protocols[i], r.liveness,
                      r.liveness_checked);
      g_assert_false (r.failed);
      g_assert_cmpstr (r.liveness, ==, "too-many-faulty");
      g_assert_cmpfloat (r.liveness_checked, ==, 3);
      cs_fault_run_clear (&r);
    }
  /* no client request after the heal: nothing new to commit */
  run_with ("pbft", "faults.loss_bursts=[{at: 30s, duration: 20s, loss: 30%}]", "pbft.tx_rate=0",
            &r);
  g_assert_false (r.failed);
  g_assert_cmpstr (r.liveness, ==, "no-requests");
  cs_fault_run_clear (&r);
}

/* ---- the verdict on hand-made commits ---- */

static CsBlock *
block_at (CsBlock *parent, CsTime t, guint64 *serial)
{
  CsBlockTemplate tmpl = {
    .version = 1, .bits = 0x207fffff, .timestamp = t, .miner = 0, .n_tx = 1,
    .simulated_pow = TRUE,
  };
  return cs_block_new (parent, &tmpl, serial);
}

static void
test_judge (void)
{
  guint64 serial = 0;
  g_autoptr (CsBlock) g = block_at (NULL, 0, &serial);
  g_autoptr (CsBlock) old = block_at (g, 5 * CS_SEC, &serial);      /* proposed before the heal */
  g_autoptr (CsBlock) fresh = block_at (old, 12 * CS_SEC, &serial); /* after it */
  const CsTime heal = 10 * CS_SEC, bound = 5 * CS_SEC;
  gboolean up[4] = { TRUE, TRUE, TRUE, TRUE };
  CsLivenessResult r;

  g_autoptr (CsSafety) s = cs_safety_new (4);
  cs_safety_set_fresh_only (s, TRUE);
  cs_safety_mark_heal (s, heal);
  cs_safety_commit (s, 0, old, 11 * CS_SEC);   /* old block after the heal: not new */
  cs_safety_commit (s, 1, fresh, 13 * CS_SEC);
  cs_safety_commit (s, 2, fresh, 14 * CS_SEC);
  cs_safety_set_faulty (s, 3, TRUE);           /* Byzantine: not checked */
  cs_liveness_judge (s, 4, up, heal, bound, 30 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_VIOLATED);
  g_assert_cmpuint (r.checked, ==, 3);
  g_assert_cmpuint (r.late, ==, 1);
  g_assert_cmpuint (r.first_late, ==, 0);
  g_assert_cmpint (r.recovery, ==, CS_TIME_NEVER);
  /* the same before heal + bound: too soon to tell */
  cs_liveness_judge (s, 4, up, heal, bound, 14 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_TOO_SOON);
  /* node 0 down at the end: the others are in time */
  up[0] = FALSE;
  cs_liveness_judge (s, 4, up, heal, bound, 30 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_TOO_MANY_FAULTY); /* down + Byzantine = 2 > 1 */
  cs_liveness_judge (s, 4, up, heal, bound, 30 * CS_SEC, 2, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_OK);
  g_assert_cmpint (r.recovery, ==, 4 * CS_SEC);
  /* node 0 back, committing a new block 6 s after the heal: late even though it did */
  up[0] = TRUE;
  cs_safety_commit (s, 0, fresh, 16 * CS_SEC);
  cs_liveness_judge (s, 4, up, heal, bound, 30 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_VIOLATED);
  g_assert_cmpuint (r.late, ==, 1);
  /* a longer bound: ok, and the slowest took 6 s */
  cs_liveness_judge (s, 4, up, heal, 6 * CS_SEC, 30 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_OK);
  g_assert_cmpint (r.recovery, ==, 6 * CS_SEC);
  /* unhealed, and no requests after the heal */
  cs_liveness_judge (s, 4, up, CS_TIME_NEVER, bound, 30 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_UNHEALED);
  g_autoptr (CsSafety) idle = cs_safety_new (4);
  cs_safety_set_fresh_only (idle, TRUE);
  cs_safety_mark_heal (idle, heal);
  cs_liveness_judge (idle, 4, up, heal, bound, 30 * CS_SEC, 1, FALSE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_NO_REQUESTS);
  cs_liveness_judge (idle, 4, up, heal, bound, 30 * CS_SEC, 1, TRUE, &r);
  g_assert_cmpint (r.verdict, ==, CS_LIVENESS_VIOLATED);
  g_assert_cmpuint (r.late, ==, 4);
}

/* ---- Byzantine HotStuff replicas in full runs ---- */

static void
test_hotstuff_byzantine (void)
{
  static const char *const modes[] = { "silent", "equivocate" };
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *mode = g_strdup_printf ("hotstuff.byzantine_mode=%s", modes[i]);
      CsFaultRun r;
      run_with ("hotstuff", "hotstuff.byzantine=2", mode, &r); /* f = 2 of 7 */
      assert_live_and_safe (&r, mode);
      g_assert_cmpfloat (r.liveness_checked, ==, 5);
      g_assert_cmpfloat (r.committed_blocks, >, 0);
      cs_fault_run_clear (&r);
    }
}

/* ---- random mixes ---- */

static void
test_random_mixes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    for (guint64 seed = 1; seed <= 3; seed++)
      {
        g_autofree char *what = NULL;
        g_autofree char *yaml = cs_fault_mix (protocols[i], seed, FALSE, &what);
        CsFaultRun r;
        cs_fault_run (yaml, NULL, &r);
        assert_live_and_safe (&r, what);
        cs_fault_run_clear (&r);
      }
  /* PBFT and HotStuff with f+1 equivocating replicas: safety may break, and the checker must say
   * so */
  for (guint i = 1; i < G_N_ELEMENTS (protocols); i++)
    {
      guint caught = 0;
      for (guint64 seed = 1; seed <= 4; seed++)
        {
          g_autofree char *what = NULL;
          g_autofree char *yaml = cs_fault_mix (protocols[i], seed, TRUE, &what);
          CsFaultRun r;
          cs_fault_run (yaml, NULL, &r);
          g_test_message ("%s: %s", what, r.failed ? r.error : "no violation");
          caught += r.failed && r.error_code == CS_CONSENSUS_ERROR_SAFETY;
          cs_fault_run_clear (&r);
        }
      g_assert_cmpuint (caught, >=, 1);
    }
}

/* ---- determinism ---- */

static void
run_into (const char *dir)
{
  const char *overrides[] = {
    "protocol=hotstuff",
    "faults.slow_leader=[{at: 20s, duration: 10s, delay: 4s}]",
    "faults.delay_spikes=[{at: 40s, duration: 10s, extra: 300ms, region: EU}]",
    "faults.loss_bursts=[{at: 45s, duration: 10s, loss: 10%}]",
    "duration=90s",
    NULL
  };
  CsScenario scenario = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (cs_config_load_data (&cs_scenario_schema, &scenario, "d.yaml", base_yaml,
                                      strlen (base_yaml), overrides, &error));
  CsRunOptions options = { .out_dir = dir, .quiet = TRUE };
  gboolean ok = cs_run (&scenario, &options, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  cs_scenario_clear (&scenario);
}

static void
test_deterministic (void)
{
  g_autofree char *tmp = cs_test_tmp_dir ("chainsim-faults-det");
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  run_into (a);
  run_into (b);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i ? "metrics.csv" : "summary.json";
      g_autofree char *pa = g_build_filename (a, name, NULL);
      g_autofree char *pb = g_build_filename (b, name, NULL);
      g_autofree char *ca = cs_test_read_file (pa);
      g_autofree char *cb = cs_test_read_file (pb);
      g_assert_cmpstr (ca, ==, cb);
      if (i == 0)
        g_assert_nonnull (strstr (ca, "\"liveness\": \"ok\""));
    }
  cs_test_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cs_gsl_init ();
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    {
      const char *p = protocols[i];
      g_autofree char *a = g_strdup_printf ("/consensus-faults/%s/slow-leader", p);
      g_autofree char *b = g_strdup_printf ("/consensus-faults/%s/partition-heals", p);
      g_autofree char *c = g_strdup_printf ("/consensus-faults/%s/loss-and-spike", p);
      g_autofree char *d = g_strdup_printf ("/consensus-faults/%s/bound-too-small", p);
      g_test_add_data_func (a, p, test_slow_leader);
      g_test_add_data_func (b, p, test_partition_heals);
      g_test_add_data_func (c, p, test_loss_and_spike);
      g_test_add_data_func (d, p, test_bound_too_small);
    }
  g_test_add_func ("/consensus-faults/not-judged", test_not_judged);
  g_test_add_func ("/consensus-faults/hotstuff-byzantine", test_hotstuff_byzantine);
  g_test_add_func ("/consensus-faults/random-mixes", test_random_mixes);
  g_test_add_func ("/consensus-faults/deterministic", test_deterministic);
  g_test_add_func ("/liveness/judge", test_judge);
  return g_test_run ();
}
