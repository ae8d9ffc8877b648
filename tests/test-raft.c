/* test-raft.c: Raft (sim/consensus/raft.c) on the small hand-written simulator of cs-mini-sim.h
 * (an event list, a uniform one-way delay, crashes that keep or lose the disk, partitions),
 * checked by the safety and liveness checkers of cs-safety.h: election, replication into a
 * hash-linked chain, commit latency and message counts against theory, leader crash and
 * recovery, partitions, and randomized fault runs over many seeds. */
#include "consensus/cs-raft.h"
#include "consensus/cs-safety.h"
#include "engine/cs-rng.h"
#include "cs-mini-sim.h"

#include <gsl/gsl_randist.h>
#include <string.h>

static void raft_shared_free (gpointer shared) { cs_raft_shared_free (shared); }

static const CsMiniSimProtocol raft = {
  .cls = &cs_raft_class, .election_metric = CS_RAFT_ELECTION, .shared_free = raft_shared_free,
};

static CsMiniSim *
sim_new (guint32 n, guint64 seed, CsTime delay, const CsRaftConfig *config)
{
  return cs_mini_sim_new (&raft, cs_raft_shared_new (config, n), n, seed, delay);
}

static gint32
sim_leader (CsMiniSim *s)
{
  gint32 leader = -1;
  guint64 term = 0;
  for (guint32 i = 0; i < s->n; i++)
    if (s->up[i] && cs_raft_is_leader (s->state[i]) && cs_raft_term (s->state[i]) >= term)
      {
        term = cs_raft_term (s->state[i]);
        leader = i;
      }
  return leader;
}

/* Every up node's committed chain is hash-linked and the same up to the least commit index. */
static void
check_chains (CsMiniSim *s)
{
  for (guint32 i = 0; i < s->n; i++)
    {
      if (!s->up[i])
        continue;
      CsBlock *f = cs_raft_class.final (s->state[i]);
      for (CsBlock *b = f; cs_block_parent (b); b = cs_block_parent (b))
        g_assert_true (cs_hash_equal (cs_block_prev_hash (b), cs_block_hash (cs_block_parent (b))));
      g_assert_cmpuint (cs_block_height (f), ==, cs_raft_commit_index (s->state[i]));
    }
  g_assert_cmpuint (cs_safety_violations (s->safety), ==, 0);
}

static CsRaftConfig
config (void)
{
  CsRaftConfig c;
  cs_raft_config_init (&c);
  return c;
}

static void
test_elect (void)
{
  CsRaftConfig c = config ();
  CsMiniSim *s = sim_new (5, 1, 10 * CS_MSEC, &c);
  cs_mini_sim_run (s, 2 * CS_SEC);
  gint32 leader = sim_leader (s);
  g_assert_cmpint (leader, >=, 0);
  guint leaders = 0;
  for (guint32 i = 0; i < 5; i++)
    {
      leaders += cs_raft_is_leader (s->state[i]);
      g_assert_cmpuint (cs_raft_term (s->state[i]), ==, cs_raft_term (s->state[leader]));
      g_assert_cmpuint (cs_raft_commit_index (s->state[i]), >=, 1); /* the leader's first block */
    }
  g_assert_cmpuint (leaders, ==, 1);
  check_chains (s);
  cs_mini_sim_free (s);
}

static void
test_replicate (void)
{
  CsRaftConfig c = config ();
  CsMiniSim *s = sim_new (5, 2, 10 * CS_MSEC, &c);
  gsl_rng *rng = cs_rng_new (2, 99);
  CsTime t = CS_SEC;
  for (int i = 0; i < 300; i++)
    {
      t += (CsTime) (gsl_ran_exponential (rng, 0.01) * CS_SEC);
      cs_mini_sim_submit (s, gsl_rng_uniform_int (rng, 5), t);
    }
  gsl_rng_free (rng);
  cs_mini_sim_run (s, t + 2 * CS_SEC);
  check_chains (s);
  g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 300);
  /* Every replica holds the same committed chain, carrying every transaction once. */
  CsBlock *f0 = cs_raft_class.final (s->state[0]);
  guint64 n_tx = 0;
  for (CsBlock *b = f0; b; b = cs_block_parent (b))
    n_tx += cs_block_parent (b) ? cs_block_n_tx (b) : 0;
  g_assert_cmpuint (n_tx, ==, 300);
  for (guint32 i = 1; i < 5; i++)
    g_assert_true (cs_raft_class.final (s->state[i]) == f0);
  cs_mini_sim_free (s);
}

/* Fault-free, with the followers up to date: a block costs n-1 appends and n-1 replies, and a
 * transaction submitted at the leader commits there after the batch wait plus 2 one-way delays
 * (append out, reply back). */
static void
test_messages_latency (void)
{
  for (guint32 n = 3; n <= 9; n += 2)
    {
      CsRaftConfig c = config ();
      c.heartbeat = CS_SEC; /* slow heartbeats, none inside the measured window */
      c.election_min = 3 * CS_SEC;
      c.election_max = 6 * CS_SEC;
      c.batch = 5 * CS_MSEC;
      CsTime d = 20 * CS_MSEC;
      CsMiniSim *s = sim_new (n, 3, d, &c);
      cs_mini_sim_run (s, 10 * CS_SEC);
      gint32 leader = sim_leader (s);
      g_assert_cmpint (leader, >=, 0);
      /* the last heartbeat's replies were sent 20 ms after it: the next one is 1 s after it */
      CsTime t0 = s->last_send - d + CS_SEC + 100 * CS_MSEC;
      cs_mini_sim_run (s, t0 - 1);
      guint64 before = s->msgs;
      cs_mini_sim_submit (s, leader, t0);
      cs_mini_sim_run (s, t0 + c.batch + 2 * d - 1);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 0);
      cs_mini_sim_run (s, t0 + c.batch + 2 * d);
      g_assert_cmpuint (g_hash_table_size (s->committed_tx), ==, 1);
      g_assert_cmpfloat (g_array_index (s->latency, double, 0), ==,
                         (double) (c.batch + 2 * d) / CS_SEC);
      g_assert_cmpuint (s->msgs - before, ==, 2 * (n - 1));
      g_test_message ("raft n=%u: %" G_GUINT64_FORMAT " messages per block, latency %.3f s",
                      n, s->msgs - before, g_array_index (s->latency, double, 0));
      cs_mini_sim_free (s);
    }
}

static void
test_leader_crash (void)
{
  CsRaftConfig c = config ();
  CsMiniSim *s = sim_new (5, 4, 10 * CS_MSEC, &c);
  for (int i = 0; i < 400; i++)
    cs_mini_sim_submit (s, i % 5, CS_SEC + i * 10 * CS_MSEC);
  cs_mini_sim_run (s, 2 * CS_SEC);
  gint32 old = sim_leader (s);
  g_assert_cmpint (old, >=, 0);
  guint64 old_term = cs_raft_term (s->state[old]);
  cs_mini_sim_crash (s, old);
  cs_mini_sim_run (s, 3 * CS_SEC);
  gint32 leader = sim_leader (s);
  g_assert_cmpint (leader, >=, 0);
  g_assert_cmpint (leader, !=, old);
  g_assert_cmpuint (cs_raft_term (s->state[leader]), >, old_term);
  cs_mini_sim_recover (s, old, FALSE);
  /* the recovered node keeps its term and log */
  g_assert_cmpuint (cs_raft_term (s->state[old]), >=, old_term);
  g_assert_cmpuint (cs_raft_log_len (s->state[old]), >=, 1);
  cs_safety_mark_heal (s->safety, s->now);
  cs_mini_sim_run (s, 8 * CS_SEC);
  check_chains (s);
  g_assert_cmpuint (cs_safety_liveness (s->safety, 2 * CS_SEC, s->up, NULL), ==, 0);
  for (guint32 i = 0; i < 5; i++)
    g_assert_true (cs_raft_class.final (s->state[i]) == cs_raft_class.final (s->state[leader]));
  cs_mini_sim_free (s);
}

static void
test_partition (void)
{
  CsRaftConfig c = config ();
  CsMiniSim *s = sim_new (5, 5, 10 * CS_MSEC, &c);
  cs_mini_sim_run (s, 2 * CS_SEC);
  gint32 old = sim_leader (s);
  g_assert_cmpint (old, >=, 0);
  /* The old leader and one follower on one side, three on the other. */
  guint32 buddy = (old + 1) % 5;
  s->group[old] = s->group[buddy] = 1;
  guint32 minority_commit = cs_raft_commit_index (s->state[old]);
  for (int i = 0; i < 100; i++)
    cs_mini_sim_submit (s, i % 5, 2 * CS_SEC + i * 20 * CS_MSEC);
  cs_mini_sim_run (s, 5 * CS_SEC);
  g_assert_cmpuint (cs_raft_commit_index (s->state[old]), ==, minority_commit);
  gint32 leader = -1;
  for (guint32 i = 0; i < 5; i++)
    if (s->group[i] == 0 && cs_raft_is_leader (s->state[i]))
      leader = i;
  g_assert_cmpint (leader, >=, 0);
  g_assert_cmpuint (cs_raft_commit_index (s->state[leader]), >, minority_commit);
  for (guint32 i = 0; i < 5; i++)
    s->group[i] = 0;
  cs_safety_mark_heal (s->safety, s->now);
  for (int i = 0; i < 20; i++)
    cs_mini_sim_submit (s, i % 5, 5 * CS_SEC + i * 50 * CS_MSEC);
  cs_mini_sim_run (s, 9 * CS_SEC);
  check_chains (s);
  g_assert_cmpuint (cs_safety_liveness (s->safety, 2 * CS_SEC, s->up, NULL), ==, 0);
  gint32 final_leader = sim_leader (s);
  for (guint32 i = 0; i < 5; i++)
    g_assert_true (cs_raft_class.final (s->state[i])
                   == cs_raft_class.final (s->state[final_leader]));
  cs_mini_sim_free (s);
}

/* Randomized crash / recovery (disk kept) and partition runs; the last fault heals at 6 s. */
static void
run_random (guint64 seed, guint32 n)
{
  CsRaftConfig c = config ();
  CsMiniSim *s = sim_new (n, seed, 5 * CS_MSEC + seed % 20 * CS_MSEC, &c);
  gsl_rng *rng = cs_rng_new (seed, 7);
  for (int i = 0; i < 300; i++)
    cs_mini_sim_submit (s, gsl_rng_uniform_int (rng, n),
                        (CsTime) (gsl_rng_uniform (rng) * 9 * CS_SEC));
  cs_mini_sim_random_faults (s, rng, G_MAXUINT32, 0.45);
  cs_mini_sim_run (s, 10 * CS_SEC);
  cs_mini_sim_assert_safe (s, seed);
  check_chains (s);
  cs_mini_sim_assert_live (s, seed, 3 * CS_SEC);
  gsl_rng_free (rng);
  cs_mini_sim_free (s);
}

static void
test_random (void)
{
  cs_mini_sim_each_seed (12, 5, 3, run_random);
}

static void
test_disk_lost (void)
{
  CsRaftConfig c = config ();
  CsMiniSim *s = sim_new (3, 6, 10 * CS_MSEC, &c);
  for (int i = 0; i < 50; i++)
    cs_mini_sim_submit (s, i % 3, CS_SEC + i * 10 * CS_MSEC);
  cs_mini_sim_run (s, 2 * CS_SEC);
  guint32 v = (sim_leader (s) + 1) % 3;
  cs_mini_sim_crash (s, v);
  cs_mini_sim_recover (s, v, TRUE);
  g_assert_cmpuint (cs_raft_log_len (s->state[v]), ==, 0);
  cs_mini_sim_run (s, 4 * CS_SEC);
  for (guint32 i = 0; i < 3; i++)
    g_test_message ("node %u: leader %d term %" G_GUINT64_FORMAT " log %" G_GUINT64_FORMAT
                    " commit %" G_GUINT64_FORMAT " final %" G_GUINT64_FORMAT, i,
                    cs_raft_is_leader (s->state[i]),
                    cs_raft_term (s->state[i]), cs_raft_log_len (s->state[i]),
                    cs_raft_commit_index (s->state[i]),
                    cs_block_serial (cs_raft_class.final (s->state[i])));
  check_chains (s);
  g_assert_true (cs_raft_class.final (s->state[v]) == cs_raft_class.final (s->state[sim_leader (s)]));
  cs_mini_sim_free (s);
}

/* The checker itself: two different blocks committed at one height is a violation. */
static void
test_safety_checker (void)
{
  guint64 serial = 0;
  CsBlockTemplate t = { .bits = 0x207fffff, .simulated_pow = TRUE, .n_tx = 1 };
  g_autoptr (CsBlock) g = cs_block_new (NULL, &t, &serial);
  t.miner = 1;
  g_autoptr (CsBlock) a = cs_block_new (g, &t, &serial);
  t.miner = 2;
  g_autoptr (CsBlock) b = cs_block_new (g, &t, &serial);
  g_autoptr (CsSafety) c = cs_safety_new (3);
  g_assert_true (cs_safety_commit (c, 0, a, 1));
  g_assert_true (cs_safety_commit (c, 1, a, 2));
  cs_safety_set_faulty (c, 2, TRUE);
  g_assert_true (cs_safety_commit (c, 2, b, 3)); /* a faulty replica is not checked */
  g_assert_cmpuint (cs_safety_violations (c), ==, 0);
  cs_safety_set_faulty (c, 2, FALSE);
  g_assert_false (cs_safety_commit (c, 2, b, 4));
  g_assert_cmpuint (cs_safety_violations (c), ==, 1);
  g_assert_nonnull (strstr (cs_safety_first_violation (c), "height 1"));
  cs_safety_mark_heal (c, 10);
  g_assert_true (cs_safety_commit (c, 0, a, 11));
  guint32 late = 99;
  g_assert_cmpuint (cs_safety_liveness (c, 5, NULL, &late), ==, 2); /* nodes 1 and 2 */
  g_assert_cmpuint (late, ==, 1);
  gboolean up[3] = { TRUE, TRUE, FALSE };
  g_assert_cmpuint (cs_safety_liveness (c, 5, up, NULL), ==, 1); /* a down node is excused */
  g_assert_true (cs_safety_commit (c, 1, a, 16));
  g_assert_cmpuint (cs_safety_liveness (c, 5, up, NULL), ==, 1); /* too late: 6 > 5 */
  g_assert_cmpuint (cs_safety_liveness (c, 6, up, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cs_gsl_init ();
  g_test_add_func ("/raft/elect", test_elect);
  g_test_add_func ("/raft/replicate", test_replicate);
  g_test_add_func ("/raft/messages-latency", test_messages_latency);
  g_test_add_func ("/raft/leader-crash", test_leader_crash);
  g_test_add_func ("/raft/partition", test_partition);
  g_test_add_func ("/raft/disk-lost", test_disk_lost);
  g_test_add_func ("/raft/random", test_random);
  g_test_add_func ("/safety/checker", test_safety_checker);
  return g_test_run ();
}
