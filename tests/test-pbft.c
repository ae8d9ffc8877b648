/* test-pbft.c: PBFT (sim/consensus/pbft.c) on the small hand-written simulator of cs-mini-sim.h
 * (an event list, a uniform one-way delay, crashes, partitions), checked by the safety and
 * liveness checkers of cs-safety.h: normal case, message counts (n-1 pre-prepares + 2n(n-1)
 * prepares and commits per decision) and commit latency (3 one-way delays) against theory, a
 * silent primary (view change), f equivocating replicas (safe) and f+1 (the checker catches it),
 * crash and catch-up through checkpoints, randomized fault runs. */
#include "consensus/cs-pbft.h"
#include "consensus/cs-safety.h"
#include "engine/cs-rng.h"
#include "cs-mini-sim.h"

static void pbft_shared_free (gpointer shared) { cs_pbft_shared_free (shared); }

static const CsMiniSimProtocol pbft = {
  .cls = &cs_pbft_class, .election_metric = CS_PBFT_VIEW_CHANGE, .shared_free = pbft_shared_free,
};

static CsPbftConfig
config (void)
{
  CsPbftConfig c;
  cs_pbft_config_init (&c);
  return c;
}

static CsMiniSim *
pbft_sim (guint32 n, guint64 seed, CsTime delay, const CsPbftConfig *c)
{
  CsMiniSim *s = cs_mini_sim_new (&pbft, cs_pbft_shared_new (c, n), n, seed, delay);
  for (guint32 i = 0; i < n; i++)
    cs_safety_set_faulty (s->safety, i, cs_pbft_is_byzantine (s->shared, i));
  return s;
}

static gboolean
byzantine (CsMiniSim *s, guint32 i)
{
  return cs_pbft_is_byzantine (s->shared, i);
}

/* Correct up replicas agree on the executed chain, hash-linked. */
static guint64
check_agree (CsMiniSim *s)
{
  cs_mini_sim_check_agree (s, byzantine);
  guint64 best = 0;
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && !byzantine (s, i))
      best = MAX (best, cs_pbft_executed (s->state[i]));
  return best;
}

static void
test_normal (void)
{
  CsPbftConfig c = config ();
  CsMiniSim *s = pbft_sim (4, 1, 10 * CS_MSEC, &c);
  for (int i = 0; i < 200; i++)
    cs_mini_sim_submit (s, i % 4, 100 * CS_MSEC + i * 5 * CS_MSEC);
  cs_mini_sim_run (s, 3 * CS_SEC);
  check_agree (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 200);
  for (guint32 i = 0; i < 4; i++)
    {
      g_assert_cmpuint (cs_pbft_view (s->state[i]), ==, 0);
      g_assert_true (cs_pbft_class.final (s->state[i]) == cs_pbft_class.final (s->state[0]));
    }
  g_assert_cmpuint (s->elections, ==, 0);
  cs_mini_sim_free (s);
}

/* One decision, fault-free: n-1 pre-prepares, n(n-1) prepares, n(n-1) commits; the primary
 * commits batch + 3 one-way delays after the request (pre-prepare, prepare, commit). */
static void
test_messages_latency (void)
{
  for (guint32 n = 4; n <= 16; n += 3)
    {
      CsPbftConfig c = config ();
      c.checkpoint_interval = 1000;
      CsTime d = 20 * CS_MSEC;
      CsMiniSim *s = pbft_sim (n, 2, d, &c);
      CsTime t0 = 10 * CS_MSEC;
      cs_mini_sim_submit (s, 0, t0);
      cs_mini_sim_run (s, t0 + c.batch + 3 * d - 1);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 0);
      cs_mini_sim_run (s, t0 + c.batch + 3 * d);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 1);
      g_assert_cmpfloat (g_array_index (s->latency, double, 0), ==,
                         (double) (c.batch + 3 * d) / CS_SEC);
      cs_mini_sim_run (s, CS_SEC);
      g_assert_cmpuint (s->msgs_by_type[CS_PBFT_MSG_PRE_PREPARE], ==, n - 1);
      g_assert_cmpuint (s->msgs_by_type[CS_PBFT_MSG_PREPARE], ==, n * (n - 1));
      g_assert_cmpuint (s->msgs_by_type[CS_PBFT_MSG_COMMIT], ==, n * (n - 1));
      g_assert_cmpuint (s->msgs, ==, (n - 1) + 2 * n * (n - 1));
      for (guint32 i = 0; i < n; i++)
        g_assert_cmpuint (cs_pbft_executed (s->state[i]), ==, 1);
      g_test_message ("pbft n=%u: %" G_GUINT64_FORMAT " messages per decision (theory %u), "
                      "latency %.3f s", n, s->msgs, (n - 1) + 2 * n * (n - 1),
                      g_array_index (s->latency, double, 0));
      cs_mini_sim_free (s);
    }
}

/* A silent primary: the backups time out, move to view 1 and order what they hold. */
static void
test_silent_primary (void)
{
  CsPbftConfig c = config ();
  c.byzantine = 1;
  CsMiniSim *s = pbft_sim (4, 3, 10 * CS_MSEC, &c);
  for (int i = 0; i < 60; i++)
    cs_mini_sim_submit (s, 1 + i % 3, 100 * CS_MSEC + i * 10 * CS_MSEC);
  cs_mini_sim_run (s, 6 * CS_SEC);
  check_agree (s);
  for (guint32 i = 1; i < 4; i++)
    g_assert_cmpuint (cs_pbft_view (s->state[i]), >=, 1);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 60);
  cs_mini_sim_free (s);
}

/* f equivocating replicas (the first primary among them): no violation, progress. */
static void
test_equivocate_f (void)
{
  for (guint32 n = 4; n <= 10; n += 3)
    for (guint64 seed = 1; seed <= 5; seed++)
      {
        CsPbftConfig c = config ();
        c.byzantine = (n - 1) / 3;
        c.byzantine_mode = CS_PBFT_BYZ_EQUIVOCATE;
        CsMiniSim *s = pbft_sim (n, seed, (5 + seed) * CS_MSEC, &c);
        for (int i = 0; i < 100; i++)
          cs_mini_sim_submit (s, c.byzantine + i % (n - c.byzantine),
                              50 * CS_MSEC + i * 20 * CS_MSEC);
        cs_mini_sim_run (s, 10 * CS_SEC);
        if (cs_safety_violations (s->safety))
          g_error ("pbft: safety violation with f=%u equivocating, seed %" G_GUINT64_FORMAT ": %s",
                   (guint) c.byzantine, seed, cs_safety_first_violation (s->safety));
        guint64 top = check_agree (s);
        g_assert_cmpuint (top, >=, 1);
        g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 100);
        cs_mini_sim_free (s);
      }
}

/* f+1 equivocating replicas: correct replicas commit different blocks; the checker sees it. */
static void
test_equivocate_f_plus_1 (void)
{
  CsPbftConfig c = config ();
  c.byzantine = 2;
  c.byzantine_mode = CS_PBFT_BYZ_EQUIVOCATE;
  CsMiniSim *s = pbft_sim (4, 4, 10 * CS_MSEC, &c);
  for (int i = 0; i < 10; i++)
    cs_mini_sim_submit (s, 2 + i % 2, 50 * CS_MSEC + i * 20 * CS_MSEC);
  cs_mini_sim_run (s, 2 * CS_SEC);
  g_assert_cmpuint (cs_safety_violations (s->safety), >, 0);
  g_test_message ("caught: %s", cs_safety_first_violation (s->safety));
  cs_mini_sim_free (s);
}

/* A crashed backup recovers from genesis and catches up through checkpoints. */
static void
test_crash_catch_up (void)
{
  CsPbftConfig c = config ();
  c.checkpoint_interval = 4;
  CsMiniSim *s = pbft_sim (4, 5, 10 * CS_MSEC, &c);
  for (int i = 0; i < 300; i++)
    cs_mini_sim_submit (s, i % 4, 50 * CS_MSEC + i * 10 * CS_MSEC);
  cs_mini_sim_run (s, CS_SEC);
  cs_mini_sim_crash (s, 3);
  cs_mini_sim_run (s, 2 * CS_SEC);
  cs_mini_sim_recover (s, 3, TRUE);
  cs_mini_sim_run (s, 5 * CS_SEC);
  check_agree (s);
  g_assert_cmpuint (cs_pbft_executed (s->state[3]) + c.checkpoint_interval, >,
                    cs_pbft_executed (s->state[0]));
  g_assert_cmpuint (cs_pbft_executed (s->state[3]), >, 0);
  cs_mini_sim_free (s);
}

/* Randomized: up to f replicas crash at once (and recover with their disk), partitions come
 * and go; all heal at 6 s. */
static void
run_random (guint64 seed, guint32 n)
{
  CsPbftConfig c = config ();
  c.checkpoint_interval = 8;
  CsMiniSim *s = pbft_sim (n, seed, 5 * CS_MSEC + seed % 20 * CS_MSEC, &c);
  guint32 f = (n - 1) / 3;
  gsl_rng *rng = cs_rng_new (seed, 7);
  for (int i = 0; i < 200; i++)
    cs_mini_sim_submit (s, gsl_rng_uniform_int (rng, n),
                        (CsTime) (gsl_rng_uniform (rng) * 9 * CS_SEC));
  cs_mini_sim_random_faults (s, rng, f, 0.42);
  cs_mini_sim_run (s, 12 * CS_SEC);
  cs_mini_sim_assert_safe (s, seed);
  check_agree (s);
  for (guint32 i = 0; i < n; i++)
    g_test_message ("node %u: view %" G_GUINT64_FORMAT " executed %" G_GUINT64_FORMAT, i,
                    cs_pbft_view (s->state[i]), cs_pbft_executed (s->state[i]));
  cs_mini_sim_assert_live (s, seed, 6 * CS_SEC);
  gsl_rng_free (rng);
  cs_mini_sim_free (s);
}

static void
test_random (void)
{
  cs_mini_sim_each_seed (10, 4, 7, run_random);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cs_gsl_init ();
  g_test_add_func ("/pbft/normal", test_normal);
  g_test_add_func ("/pbft/messages-latency", test_messages_latency);
  g_test_add_func ("/pbft/silent-primary", test_silent_primary);
  g_test_add_func ("/pbft/equivocate-f", test_equivocate_f);
  g_test_add_func ("/pbft/equivocate-f-plus-1", test_equivocate_f_plus_1);
  g_test_add_func ("/pbft/crash-catch-up", test_crash_catch_up);
  g_test_add_func ("/pbft/random", test_random);
  return g_test_run ();
}
