/* test-hotstuff.c: chained HotStuff (sim/consensus/hotstuff.c) on the small hand-written simulator
 * of cs-mini-sim.h, checked by the safety and liveness checkers of cs-safety.h: normal case,
 * message counts (2(n-1) per view: linear in n) and commit latency (6 one-way delays at the
 * first replica, after the batch wait) against theory, a crashed replica (its views time out,
 * the pacemaker moves on), randomized fault runs. */
#include "consensus/cs-hotstuff.h"
#include "consensus/cs-safety.h"
#include "engine/cs-rng.h"
#include "cs-mini-sim.h"

static void hotstuff_shared_free (gpointer shared) { cs_hotstuff_shared_free (shared); }

static void
hotstuff_emit (CsMiniSim *s, guint32 node, guint metric, guint64 key, double value)
{
  if (metric == CS_HOTSTUFF_TIMEOUT && g_getenv ("CS_TEST_DEBUG"))
    g_test_message ("timeout at %.3f s: node %u view %" G_GUINT64_FORMAT,
                    (double) s->now / CS_SEC, node, key);
}

static const CsMiniSimProtocol hotstuff = {
  .cls = &cs_hotstuff_class, .election_metric = CS_HOTSTUFF_TIMEOUT,
  .shared_free = hotstuff_shared_free, .emit = hotstuff_emit,
};

static CsMiniSim *
sim_new (guint32 n, guint64 seed, CsTime delay, const CsHotstuffConfig *config)
{
  return cs_mini_sim_new (&hotstuff, cs_hotstuff_shared_new (config, n), n, seed, delay);
}

static CsHotstuffConfig
config (void)
{
  CsHotstuffConfig c;
  cs_hotstuff_config_init (&c);
  return c;
}

/* Up replicas agree on the committed chain, hash-linked; the height of the highest. */
static guint64
check_agree (CsMiniSim *s)
{
  CsBlock *top = cs_mini_sim_check_agree (s, NULL);
  return top ? cs_block_height (top) : 0;
}

static void
test_normal (void)
{
  CsHotstuffConfig c = config ();
  CsMiniSim *s = sim_new (4, 1, 10 * CS_MSEC, &c);
  for (int i = 0; i < 200; i++)
    cs_mini_sim_submit (s, i % 4, 100 * CS_MSEC + i * 5 * CS_MSEC);
  cs_mini_sim_run (s, 4 * CS_SEC);
  guint64 top = check_agree (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 200);
  g_assert_cmpuint (s->elections, ==, 0);
  /* trailing empty blocks commit lazily: at most the last two differ between replicas */
  for (guint32 i = 0; i < 4; i++)
    g_assert_cmpuint (cs_hotstuff_committed (s->state[i]) + 2, >=, top);
  cs_mini_sim_free (s);
}

/* One isolated request at the leader of view 1: four views (its block and three to certify it:
 * each n-1 proposals and n-1 votes); the leader of view 4 commits it batch + 6d after. */
static void
test_messages_latency (void)
{
  for (guint32 n = 4; n <= 16; n += 3)
    {
      CsHotstuffConfig c = config ();
      CsTime d = 20 * CS_MSEC;
      CsMiniSim *s = sim_new (n, 2, d, &c);
      CsTime t0 = 10 * CS_MSEC;
      cs_mini_sim_submit (s, 1, t0);
      cs_mini_sim_run (s, t0 + c.batch + 6 * d - 1);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 0);
      cs_mini_sim_run (s, t0 + c.batch + 6 * d);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 1);
      g_assert_cmpfloat (g_array_index (s->latency, double, 0), ==,
                         (double) (c.batch + 6 * d) / CS_SEC);
      cs_mini_sim_run (s, 3 * CS_SEC);
      g_assert_cmpuint (s->msgs_by_type[CS_HOTSTUFF_MSG_PROPOSAL], ==, 4 * (n - 1));
      g_assert_cmpuint (s->msgs_by_type[CS_HOTSTUFF_MSG_VOTE], ==, 4 * (n - 1));
      g_assert_cmpuint (s->msgs, ==, 8 * (n - 1));
      for (guint32 i = 0; i < n; i++) /* the leader of view 5 also commits the empty block 2 */
        g_assert_cmpuint (cs_hotstuff_committed (s->state[i]), ==, i == 5 % n ? 2 : 1);
      g_test_message ("hotstuff n=%u: %" G_GUINT64_FORMAT " messages for an isolated decision "
                      "(4 views x 2(n-1) = %u), latency %.3f s", n, s->msgs, 8 * (n - 1),
                      g_array_index (s->latency, double, 0));
      cs_mini_sim_free (s);
    }
}

/* Steady load: a block per view, 2(n-1) messages per committed block. */
static void
test_steady (void)
{
  guint32 n = 7;
  CsHotstuffConfig c = config ();
  CsMiniSim *s = sim_new (n, 3, 10 * CS_MSEC, &c);
  for (int i = 0; i < 2000; i++)
    cs_mini_sim_submit (s, i % n, 50 * CS_MSEC + i * 2 * CS_MSEC);
  cs_mini_sim_run (s, 6 * CS_SEC);
  guint64 top = check_agree (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 2000);
  double per = (double) (s->msgs_by_type[CS_HOTSTUFF_MSG_PROPOSAL]
                         + s->msgs_by_type[CS_HOTSTUFF_MSG_VOTE]) / top;
  g_test_message ("hotstuff n=%u steady: %" G_GUINT64_FORMAT " blocks, %.2f proposal+vote "
                  "messages per block (2(n-1) = %u)", n, top, per, 2 * (n - 1));
  g_assert_cmpfloat (per, <=, 2 * (n - 1) * 1.1);
  cs_mini_sim_free (s);
}

/* A crashed replica: its views time out and the pacemaker moves on; the rest commit. */
static void
test_crash (void)
{
  CsHotstuffConfig c = config ();
  CsMiniSim *s = sim_new (4, 4, 10 * CS_MSEC, &c);
  cs_mini_sim_crash (s, 2);
  for (int i = 0; i < 100; i++)
    cs_mini_sim_submit (s, (i % 3 == 2) ? 3 : i % 3, 100 * CS_MSEC + i * 20 * CS_MSEC);
  cs_mini_sim_run (s, 20 * CS_SEC);
  check_agree (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 100);
  g_assert_cmpuint (s->elections, >, 0); /* timeouts */
  cs_mini_sim_free (s);
}

static void
run_random (guint64 seed, guint32 n)
{
  CsHotstuffConfig c = config ();
  CsMiniSim *s = sim_new (n, seed, 5 * CS_MSEC + seed % 20 * CS_MSEC, &c);
  guint32 f = (n - 1) / 3;
  gsl_rng *rng = cs_rng_new (seed, 7);
  for (int i = 0; i < 200; i++)
    cs_mini_sim_submit (s, gsl_rng_uniform_int (rng, n),
                        (CsTime) (gsl_rng_uniform (rng) * 9 * CS_SEC));
  cs_mini_sim_random_faults (s, rng, f, 0.42);
  for (int i = 0; i < 20; i++)
    cs_mini_sim_submit (s, i % n, s->now + CS_SEC + i * 50 * CS_MSEC);
  cs_mini_sim_run (s, 20 * CS_SEC);
  cs_mini_sim_assert_safe (s, seed);
  check_agree (s);
  cs_mini_sim_assert_live (s, seed, 14 * CS_SEC);
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
  g_test_add_func ("/hotstuff/normal", test_normal);
  g_test_add_func ("/hotstuff/messages-latency", test_messages_latency);
  g_test_add_func ("/hotstuff/steady", test_steady);
  g_test_add_func ("/hotstuff/crash", test_crash);
  g_test_add_func ("/hotstuff/random", test_random);
  return g_test_run ();
}
