/* test-hotstuff.c: chained HotStuff (sim/consensus/hotstuff.c) on the small hand-written simulator
 * of cs-mini-sim.h, checked by the safety and liveness checkers of cs-safety.h: normal case,
 * message counts (2(n-1) per view: linear in n) and commit latency (6 one-way delays at the
 * first replica, after the batch wait) against theory, a crashed replica (its views time out,
 * the pacemaker moves on), randomized fault runs; f Byzantine replicas, silent or equivocating
 * (safe, every correct replica keeps committing, and every transaction submitted to a correct one
 * is committed, once), and f+1 equivocating ones (the safety checker
 * catches the fork they drive). */
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
  CsMiniSim *s = cs_mini_sim_new (&hotstuff, cs_hotstuff_shared_new (config, n), n, seed, delay);
  for (guint32 i = 0; i < n; i++) /* Byzantine replicas' commits are not checked */
    cs_safety_set_faulty (s->safety, i, cs_hotstuff_is_byzantine (s->shared, i));
  return s;
}

static gboolean
byzantine (CsMiniSim *s, guint32 i)
{
  return cs_hotstuff_is_byzantine (s->shared, i);
}

static CsHotstuffConfig
config (void)
{
  CsHotstuffConfig c;
  cs_hotstuff_config_init (&c);
  return c;
}

/* No transaction is committed twice (a leader leaves out those already in its branch, though
 * they are forwarded again on every view change until their submitter commits them). */
static void
assert_no_duplicate_tx (CsBlock *top)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (CsBlock *b = top; b; b = cs_block_parent (b))
    {
      guint n;
      const CsTx *txs = cs_block_txs (b, &n);
      for (guint k = 0; k < n; k++)
        {
          guint64 key = ((guint64) txs[k].sender << 32) | (txs[k].nonce & 0xffffffffu);
          if (g_hash_table_contains (seen, &key))
            g_test_message ("transaction %" G_GINT64_MODIFIER "x twice, again at height %u",
                            key, cs_block_height (b));
          g_assert_false (g_hash_table_contains (seen, &key));
          g_hash_table_add (seen, g_memdup2 (&key, sizeof key));
        }
    }
}

/* Up replicas agree on the committed chain, hash-linked, without a transaction twice; the height
 * of the highest. */
static guint64
check_agree (CsMiniSim *s)
{
  CsBlock *top = cs_mini_sim_check_agree (s, byzantine);
  if (top)
    assert_no_duplicate_tx (top);
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

/* f = (n-1)/3 Byzantine replicas (ids 0..f-1; from n = 7 two consecutive leaders): no violation,
 * every correct replica commits, and the transactions sent to correct replicas are committed. */
static void
run_byzantine_f (guint32 n, guint64 seed, int mode)
{
  CsHotstuffConfig c = config ();
  guint32 f = (n - 1) / 3;
  c.byzantine = f;
  c.byzantine_mode = mode;
  CsMiniSim *s = sim_new (n, seed, (5 + seed) * CS_MSEC, &c);
  for (int i = 0; i < 100; i++)
    cs_mini_sim_submit (s, f + i % (n - f), 50 * CS_MSEC + i * 50 * CS_MSEC);
  cs_mini_sim_run (s, 30 * CS_SEC);
  cs_mini_sim_assert_safe (s, seed);
  guint64 top = check_agree (s);
  g_test_message ("hotstuff n=%u f=%u %s seed %" G_GUINT64_FORMAT ": height %" G_GUINT64_FORMAT
                  ", %" G_GUINT64_FORMAT " timeouts, %u/100 transactions committed", n, f,
                  mode ? "equivocating" : "silent", seed, top, s->elections,
                  g_hash_table_size (s->committed_tx));
  for (guint32 i = f; i < n; i++)
    g_assert_cmpuint (cs_hotstuff_committed (s->state[i]), >, 0);
  /* every one: a transaction forwarded to a silent leader is forwarded again by its replica to
   * the leader of each view the pacemaker moves to, and the idle replicas join those view changes
   * (with f silent replicas a view needs every correct one) */
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 100);
  cs_mini_sim_free (s);
}

static void
test_byzantine_f (void)
{
  for (guint32 n = 4; n <= 10; n += 3)
    for (guint64 seed = 1; seed <= 3; seed++)
      for (int mode = CS_HOTSTUFF_BYZ_SILENT; mode <= CS_HOTSTUFF_BYZ_EQUIVOCATE; mode++)
        run_byzantine_f (n, seed, mode);
}

/* f Byzantine replicas (silent for odd seeds, equivocating for even ones), transactions at random
 * times to random correct replicas, random delays: every one is committed, once. Seeds as
 * cs_mini_sim_each_seed (CS_TEST_SEED, -m slow). */
static void
run_byzantine_random (guint64 seed, guint32 n)
{
  CsHotstuffConfig c = config ();
  guint32 f = (n - 1) / 3;
  c.byzantine = f;
  c.byzantine_mode = seed % 2 ? CS_HOTSTUFF_BYZ_SILENT : CS_HOTSTUFF_BYZ_EQUIVOCATE;
  CsMiniSim *s = sim_new (n, seed, 5 * CS_MSEC + seed % 20 * CS_MSEC, &c);
  gsl_rng *rng = cs_rng_new (seed, 11);
  for (int i = 0; i < 100; i++)
    cs_mini_sim_submit (s, f + gsl_rng_uniform_int (rng, n - f),
                        (CsTime) (gsl_rng_uniform (rng) * 10 * CS_SEC));
  cs_mini_sim_run (s, 90 * CS_SEC);
  cs_mini_sim_assert_safe (s, seed);
  check_agree (s);
  if (g_hash_table_size (s->committed_tx) != 100)
    g_test_message ("seed %" G_GUINT64_FORMAT " (n=%u): %u/100 committed", seed, n,
                    g_hash_table_size (s->committed_tx));
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 100);
  gsl_rng_free (rng);
  cs_mini_sim_free (s);
}

static void
test_byzantine_random (void)
{
  cs_mini_sim_each_seed (6, 7, 10, run_byzantine_random);
}

/* f+1 equivocating replicas: each half of the correct replicas commits its own branch; the safety
 * checker must see it (for n = 5 and 8 two quorums share f+2 replicas: no fork is possible). */
static void
test_equivocate_f_plus_1 (void)
{
  static const guint32 ns[] = { 4, 6, 7, 9, 10 };
  for (guint i = 0; i < G_N_ELEMENTS (ns); i++)
    {
      guint32 n = ns[i];
      guint caught = 0;
      for (guint64 seed = 1; seed <= 3; seed++)
        {
          CsHotstuffConfig c = config ();
          c.byzantine = (n - 1) / 3 + 1;
          c.byzantine_mode = CS_HOTSTUFF_BYZ_EQUIVOCATE;
          CsMiniSim *s = sim_new (n, seed, (5 + seed) * CS_MSEC, &c);
          for (int k = 0; k < 20; k++)
            cs_mini_sim_submit (s, c.byzantine + k % (n - c.byzantine), 50 * CS_MSEC + k * 20 * CS_MSEC);
          cs_mini_sim_run (s, 3 * CS_SEC);
          if (cs_safety_violations (s->safety))
            {
              caught++;
              g_test_message ("hotstuff n=%u, %u equivocating, seed %" G_GUINT64_FORMAT
                              ": caught: %s", n, (guint) c.byzantine, seed,
                              cs_safety_first_violation (s->safety));
            }
          cs_mini_sim_free (s);
        }
      g_test_message ("hotstuff n=%u f+1 equivocating: violation caught in %u of 3 seeds", n,
                      caught);
      g_assert_cmpuint (caught, >=, 1);
    }
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
  g_test_add_func ("/hotstuff/byzantine-f", test_byzantine_f);
  g_test_add_func ("/hotstuff/byzantine-random", test_byzantine_random);
  g_test_add_func ("/hotstuff/equivocate-f-plus-1", test_equivocate_f_plus_1);
  return g_test_run ();
}
