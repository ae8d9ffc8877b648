/* cs-protocols.c: the protocol registry of cs-protocols.h, one entry per protocol, in the order of
 * CsProtocolKind. */
#include "world/cs-protocols.h"

#include "consensus/cs-consensus-probe.h"
#include "consensus/cs-hotstuff.h"
#include "consensus/cs-nakamoto-world.h"
#include "consensus/cs-pbft.h"
#include "consensus/cs-raft.h"
#include "fault/cs-fault-runner.h"
#include "gossip/cs-gossip-probe.h"
#include "storage/cs-storage.h"

#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- faults, for every protocol ---- */

/* A fault runner's node events, played into a world. */
static void
fault_to_world (guint32 node, gboolean up, guint flags, gpointer world)
{
  if (up)
    cs_world_recover (world, node);
  else
    cs_world_crash (world, node, (flags & CS_FAULT_DISK_LOST) != 0);
}

/* Plays @schedule (borrowed) into @world, slow_leader episodes slowing the node @leader (may be
 * NULL) names; the runner is freed with the world. */
static void
play_faults (const CsFaultSchedule *schedule, CsWorld *world, CsFaultLeaderFunc leader)
{
  CsFaultRunner *runner = cs_fault_runner_new_full (schedule, cs_world_engine (world),
                                                    cs_world_net (world), fault_to_world, leader,
                                                    world);
  cs_world_attach (world, runner, (GDestroyNotify) cs_fault_runner_free);
}

/* Draws the scenario's fault schedule (`faults:`) and plays it into @world, before the world
 * starts (nodes down at time 0 are then not started). Every entry's plan calls this; a protocol
 * whose nodes cannot yet recover from a crash simply does not. Returns the schedule (owned by
 * the world), NULL without faults. */
static const CsFaultSchedule *
plan_faults (const CsScenario *scenario, CsWorld *world, CsFaultLeaderFunc leader)
{
  if (!cs_fault_config_any (&scenario->faults))
    return NULL;
  CsFaultSchedule *schedule = cs_fault_schedule_new (&scenario->faults, cs_world_net (world),
                                                     (guint64) scenario->seed,
                                                     scenario->duration);
  cs_world_attach (world, schedule, (GDestroyNotify) cs_fault_schedule_free);
  play_faults (schedule, world, leader);
  return schedule;
}

/* ---- gossip ---- */

static gpointer
gossip_shared_new (const CsScenario *scenario, CsNet *net)
{
  return (gpointer) &scenario->gossip; /* its configuration is all it shares */
}

static gpointer
gossip_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  return cs_gossip_probe_new (&scenario->gossip, cs_net_n_nodes (net));
}

static void
gossip_probe_emit (guint32 node, CsTime now, guint metric, guint64 key, double value,
                   gpointer probe)
{
  cs_gossip_probe_emit (probe, node, now, metric, key, value);
}

static gboolean
gossip_probe_report (gpointer probe, const CsScenario *scenario, CsJson *summary, CsOutput *out,
                     GError **error)
{
  cs_gossip_probe_report (probe, summary, out);
  return TRUE;
}

static void
gossip_probe_free (gpointer probe)
{
  cs_gossip_probe_free (probe);
}

static void
inject_origination (guint32 node, CsTime at, guint64 id, gpointer world)
{
  cs_world_inject_timer (world, node, at, CS_GOSSIP_TIMER_ORIGINATE, GSIZE_TO_POINTER (id));
}

static void
gossip_plan (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng)
{
  plan_faults (scenario, world, NULL);
  cs_gossip_plan (&scenario->gossip, cs_net_n_nodes (cs_world_net (world)), rng,
                  scenario->duration, inject_origination, world);
}

/* Gossip nodes share nothing but the read-only config: any node may run on any thread. */
static gboolean
gossip_pinned (gpointer shared, guint32 node)
{
  return FALSE;
}

/* ---- nakamoto ---- */

static gpointer
nakamoto_shared_new (const CsScenario *scenario, CsNet *net)
{
  g_autoptr (GError) error = NULL;
  CsNakamotoShared *s = cs_nakamoto_shared_from_net (&scenario->nakamoto, net,
                                                     (guint64) scenario->seed, &error);
  if (!s)
    {
      /* The scenario's checks rule this out; only a region too small for its pools remains. */
      fprintf (stderr, "chainsim: error: %s\n", error->message);
      exit (2);
    }
  return s;
}

static void
nakamoto_shared_free (gpointer shared)
{
  cs_nakamoto_shared_free (shared);
}

static gpointer
nakamoto_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  return cs_nakamoto_probe_new (shared);
}

static void
nakamoto_probe_emit (guint32 node, CsTime now, guint metric, guint64 key, double value,
                     gpointer probe)
{
  cs_chain_probe_emit (probe, node, now, metric, key, value);
}

static gboolean
nakamoto_probe_report (gpointer probe, const CsScenario *scenario, CsJson *summary,
                       CsOutput *out, GError **error)
{
  cs_chain_probe_report (probe, summary, out);
  return TRUE;
}

static void
nakamoto_probe_free (gpointer probe)
{
  cs_chain_probe_free (probe);
}

/* Miners number the blocks they create in the shared chain log: they share the first thread.
 * Everything else a node touches is its own, or read only (nakamoto.c). */
static gboolean
nakamoto_pinned (gpointer shared, guint32 node)
{
  return ((const CsNakamotoShared *) shared)->share[node] > 0;
}

/* ---- storage ----
 * Strategy 0 runs in the world cs_run builds; every other strategy in a world of its own on the
 * same engine, over a network built from the same configuration and seed (the same regions,
 * peers and per-node streams), so strategies never share bandwidth. All worlds replay one fault
 * schedule, drawn once, and one workload, drawn once. */

static gpointer
storage_shared_new (const CsScenario *scenario, CsNet *net)
{
  CsStorageService *svc = cs_storage_service_new (&scenario->storage, net,
                                                  (guint64) scenario->seed, scenario->duration);
  return cs_storage_service_strategy (svc, 0);
}

static void
storage_shared_free (gpointer shared)
{
  cs_storage_service_free (cs_storage_strategy_service (shared));
}

static gpointer
storage_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  return shared; /* strategy 0 measures itself; the service reports them all */
}

static gboolean
storage_probe_report (gpointer probe, const CsScenario *scenario, CsJson *summary, CsOutput *out,
                      GError **error)
{
  CsStorageService *svc = cs_storage_strategy_service (probe);
  cs_storage_service_report (svc, cs_storage_service_now (svc), summary, out);
  return TRUE;
}

static void
storage_probe_free (gpointer probe)
{
  /* freed with the service (storage_shared_free) */
}

static void
inject_into_world (guint32 node, CsTime at, guint16 kind, gpointer arg, gpointer world)
{
  cs_world_inject_timer (world, node, at, kind, arg);
}

static void
storage_plan (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng)
{
  CsStorageService *svc = cs_storage_strategy_service (shared);
  guint64 seed = (guint64) scenario->seed;
  CsFaultSchedule *faults = NULL;
  if (cs_fault_config_any (&scenario->faults))
    faults = cs_fault_schedule_new (&scenario->faults, cs_world_net (world), seed,
                                    scenario->duration);
  cs_storage_service_prepare (svc, faults, rng); /* the service keeps the schedule */
  CsEngine *engine = cs_world_engine (world);
  for (guint i = 0; i < cs_storage_service_n_strategies (svc); i++)
    {
      CsStorageStrategy *strategy = cs_storage_service_strategy (svc, i);
      CsWorld *w = world;
      if (i > 0)
        {
          g_autoptr (GError) error = NULL;
          CsNet *net = cs_net_new (&scenario->network, seed, &error);
          if (!net) /* the same configuration built the first network */
            g_error ("storage: %s", error->message);
          w = cs_world_new_on_engine (engine, net, &cs_storage_class, strategy, seed,
                                      cs_storage_strategy_emit, strategy);
          cs_world_attach (world, net, (GDestroyNotify) cs_net_free); /* freed after w */
          cs_world_attach (world, w, (GDestroyNotify) cs_world_free);
        }
      cs_world_set_lifecycle (w, cs_storage_strategy_node_event, strategy);
      cs_storage_strategy_bind (strategy, engine, inject_into_world, w);
      if (faults)
        play_faults (faults, w, NULL);
      if (i > 0)
        cs_world_start (w); /* cs_run starts the first world */
    }
}

/* ---- raft, pbft, hotstuff ----
 * The shared data is the protocol's (CsRaftShared, ...); the probe a CsConsensusProbe (with the
 * safety and liveness checkers). The world is remembered for the traffic figures and the nodes'
 * states at the end of the run. */

typedef struct
{
  CsConsensusProbe *probe;
  CsWorld *world;
} ConsensusRun;

static gpointer
raft_shared_new (const CsScenario *scenario, CsNet *net)
{
  return cs_raft_shared_new (&scenario->raft, cs_net_n_nodes (net));
}

static void
raft_shared_free (gpointer shared)
{
  cs_raft_shared_free (shared);
}

static gpointer
raft_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  ConsensusRun *run = g_new0 (ConsensusRun, 1);
  run->probe = cs_consensus_probe_new (shared, cs_net_n_nodes (net), (guint64) scenario->seed,
                                       CS_RAFT_ELECTION);
  ((CsRaftShared *) shared)->user = run;
  return run;
}

static void
consensus_probe_emit (guint32 node, CsTime now, guint metric, guint64 key, double value,
                      gpointer probe)
{
  cs_consensus_probe_emit (((ConsensusRun *) probe)->probe, node, now, metric, key, value);
}

static gboolean
consensus_probe_report (gpointer probe, const CsScenario *scenario, CsJson *summary,
                        CsOutput *out, GError **error)
{
  ConsensusRun *run = probe;
  CsWorldTraffic t;
  cs_world_traffic (run->world, &t);
  cs_consensus_probe_set_traffic (run->probe, t.messages_sent, t.bytes_sent);
  guint32 n = cs_net_n_nodes (cs_world_net (run->world));
  g_autofree gboolean *up = g_new (gboolean, n);
  for (guint32 i = 0; i < n; i++)
    up[i] = cs_world_node_is_up (run->world, i);
  return cs_consensus_probe_report (run->probe, cs_engine_now (cs_world_engine (run->world)), up,
                                    summary, error);
}

/* The liveness bound when the scenario leaves it 0, from the protocol's timeouts (cs-liveness.h):
 *  - PBFT and HotStuff: view timers double up to 8 view_timeout; after a heal the replicas may
 *    wait out one such timer, one more per faulty replica that may lead next (f), one more when
 *    their timers are out of step (a replica that recovered during the fault), and the views that
 *    commit take a few view_timeout: view_timeout x (8 (f + 2) + 4). The slowest of 2000 random
 *    fault mixes each (make check-long) took 18 view_timeout (HotStuff, f = 1: the bound is 28;
 *    PBFT's slowest, 14);
 *  - Raft: no such argument holds for randomized elections (a replica cut off by a partition
 *    returns with a higher term and disrupts elections, Raft having no pre-vote here), so the
 *    bound is empirical: 25 election_max, where 5000 random fault mixes (make check-long) all
 *    recovered within 19 election_max. */
static CsTime
default_liveness_bound (const CsScenario *scenario, guint32 n)
{
  CsTime f = (n - 1) / 3;
  switch (scenario->protocol)
    {
    case CS_PROTOCOL_RAFT:
      return 25 * scenario->raft.election_max;
    case CS_PROTOCOL_PBFT:
      return scenario->pbft.view_timeout * (8 * (f + 2) + 4);
    case CS_PROTOCOL_HOTSTUFF:
      return scenario->hotstuff.view_timeout * (8 * (f + 2) + 4);
    default:
      return CS_TIME_NEVER;
    }
}

/* Sets the liveness check of @run from the fault schedule (NULL: no faults, judged from time 0). */
static void
plan_liveness (const CsScenario *scenario, ConsensusRun *run, const CsFaultSchedule *faults,
               guint32 tolerated)
{
  guint32 n = cs_net_n_nodes (cs_world_net (run->world));
  CsTime bound = scenario->consensus.liveness_bound ? scenario->consensus.liveness_bound
                                                    : default_liveness_bound (scenario, n);
  CsTime heal = faults ? cs_fault_schedule_last_heal (faults) : 0;
  cs_consensus_probe_set_liveness (run->probe, heal, bound, tolerated);
}

/* The view most up replicas are in (ties: the higher), from @view_of each state; G_MAXUINT64
 * when every replica is down. For the leaders of PBFT and HotStuff. */
static guint64
common_view (CsWorld *world, guint64 (*view_of) (gpointer state))
{
  guint32 n = cs_net_n_nodes (cs_world_net (world));
  guint64 best = G_MAXUINT64;
  guint32 best_count = 0;
  for (guint32 i = 0; i < n; i++)
    {
      if (!cs_world_node_is_up (world, i))
        continue;
      guint64 v = view_of (cs_world_node_state (world, i));
      guint32 count = 0;
      for (guint32 k = 0; k < n; k++)
        count += cs_world_node_is_up (world, k) && view_of (cs_world_node_state (world, k)) == v;
      if (count > best_count || (count == best_count && v > best))
        {
          best = v;
          best_count = count;
        }
    }
  return best;
}

static void
consensus_probe_free (gpointer probe)
{
  ConsensusRun *run = probe;
  cs_consensus_probe_free (run->probe);
  g_free (run);
}

/* The Poisson client workload: @rate transactions per second over the run, each submitted to a
 * uniformly drawn node (the transactions are owned by the world). */
static void
plan_tx_workload (double rate, guint64 tx_size, CsTime duration, CsWorld *world, gsl_rng *rng)
{
  if (rate <= 0)
    return;
  guint32 n = cs_net_n_nodes (cs_world_net (world));
  GPtrArray *txs = g_ptr_array_new_with_free_func (g_free);
  cs_world_attach (world, txs, (GDestroyNotify) g_ptr_array_unref);
  double t = 0;
  for (guint64 i = 0;; i++)
    {
      t += gsl_ran_exponential (rng, 1.0 / rate);
      CsTime at = (CsTime) (t * CS_SEC);
      if (at >= duration)
        break;
      guint32 node = (guint32) gsl_rng_uniform_int (rng, n);
      CsTx *tx = g_new (CsTx, 1);
      cs_tx_init (tx, node, i, 1, 2, 1000 + i % 1000, tx_size, (guint32) tx_size);
      g_ptr_array_add (txs, tx);
      cs_world_inject_timer (world, node, at, CS_CONSENSUS_TIMER_SUBMIT, tx);
    }
}

/* Raft's leader: the up replica that leads in the highest term (none during an election). */
static guint32
raft_leader (gpointer world)
{
  guint32 n = cs_net_n_nodes (cs_world_net (world)), leader = CS_FAULT_LEADER;
  guint64 term = 0;
  for (guint32 i = 0; i < n; i++)
    {
      gpointer state = cs_world_node_state (world, i);
      if (cs_world_node_is_up (world, i) && cs_raft_is_leader (state)
          && (leader == CS_FAULT_LEADER || cs_raft_term (state) > term))
        {
          leader = i;
          term = cs_raft_term (state);
        }
    }
  return leader;
}

static void
raft_plan (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng)
{
  ConsensusRun *run = ((CsRaftShared *) shared)->user;
  run->world = world;
  guint32 n = cs_net_n_nodes (cs_world_net (world));
  plan_liveness (scenario, run, plan_faults (scenario, world, raft_leader), (n - 1) / 2);
  plan_tx_workload (scenario->raft.tx_rate, scenario->raft.tx_size, scenario->duration, world,
                    rng);
}

/* ---- pbft ---- */

static gpointer
pbft_shared_new (const CsScenario *scenario, CsNet *net)
{
  return cs_pbft_shared_new (&scenario->pbft, cs_net_n_nodes (net));
}

static void
pbft_shared_free (gpointer shared)
{
  cs_pbft_shared_free (shared);
}

static gpointer
pbft_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  CsPbftShared *s = shared;
  ConsensusRun *run = g_new0 (ConsensusRun, 1);
  guint32 n = cs_net_n_nodes (net);
  run->probe = cs_consensus_probe_new (shared, n, (guint64) scenario->seed, CS_PBFT_VIEW_CHANGE);
  for (guint32 i = 0; i < n; i++) /* Byzantine replicas' commits are not checked */
    cs_safety_set_faulty (cs_consensus_probe_safety (run->probe), i, cs_pbft_is_byzantine (s, i));
  s->user = run;
  return run;
}

/* PBFT's primary: that of the view most replicas are in. */
static guint32
pbft_leader (gpointer world)
{
  guint64 v = common_view (world, cs_pbft_view);
  return v == G_MAXUINT64 ? CS_FAULT_LEADER
                          : (guint32) (v % cs_net_n_nodes (cs_world_net (world)));
}

static void
pbft_plan (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng)
{
  ConsensusRun *run = ((CsPbftShared *) shared)->user;
  run->world = world;
  plan_liveness (scenario, run, plan_faults (scenario, world, pbft_leader),
                 ((CsPbftShared *) shared)->f);
  plan_tx_workload (scenario->pbft.tx_rate, scenario->pbft.tx_size, scenario->duration, world,
                    rng);
}

/* ---- hotstuff ---- */

static gpointer
hotstuff_shared_new (const CsScenario *scenario, CsNet *net)
{
  return cs_hotstuff_shared_new (&scenario->hotstuff, cs_net_n_nodes (net));
}

static void
hotstuff_shared_free (gpointer shared)
{
  cs_hotstuff_shared_free (shared);
}

static gpointer
hotstuff_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  ConsensusRun *run = g_new0 (ConsensusRun, 1);
  CsHotstuffShared *s = shared;
  guint32 n = cs_net_n_nodes (net);
  run->probe = cs_consensus_probe_new (shared, n, (guint64) scenario->seed, CS_HOTSTUFF_TIMEOUT);
  for (guint32 i = 0; i < n; i++) /* Byzantine replicas' commits are not checked */
    cs_safety_set_faulty (cs_consensus_probe_safety (run->probe), i,
                          cs_hotstuff_is_byzantine (s, i));
  s->user = run;
  return run;
}

/* HotStuff's leader: that of the view most replicas are in. */
static guint32
hotstuff_leader (gpointer world)
{
  guint64 v = common_view (world, cs_hotstuff_view);
  return v == G_MAXUINT64 ? CS_FAULT_LEADER
                          : (guint32) (v % cs_net_n_nodes (cs_world_net (world)));
}

static void
hotstuff_plan (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng)
{
  ConsensusRun *run = ((CsHotstuffShared *) shared)->user;
  run->world = world;
  plan_liveness (scenario, run, plan_faults (scenario, world, hotstuff_leader),
                 ((CsHotstuffShared *) shared)->f);
  plan_tx_workload (scenario->hotstuff.tx_rate, scenario->hotstuff.tx_size, scenario->duration,
                    world, rng);
}

static const CsProtocolEntry entries[] = {
  [CS_PROTOCOL_GOSSIP] = {
    .name = "gossip",
    .klass = &cs_gossip_class,
    .shared_new = gossip_shared_new,
    .probe_new = gossip_probe_new,
    .probe_emit = gossip_probe_emit,
    .probe_report = gossip_probe_report,
    .probe_free = gossip_probe_free,
    .plan = gossip_plan,
    .pinned = gossip_pinned,
  },
  [CS_PROTOCOL_NAKAMOTO] = {
    .name = "nakamoto",
    .klass = &cs_nakamoto_class.base,
    .shared_new = nakamoto_shared_new,
    .shared_free = nakamoto_shared_free,
    .probe_new = nakamoto_probe_new,
    .probe_emit = nakamoto_probe_emit,
    .probe_report = nakamoto_probe_report,
    .probe_free = nakamoto_probe_free,
    .pinned = nakamoto_pinned,
  },
  [CS_PROTOCOL_STORAGE] = {
    .name = "storage",
    .klass = &cs_storage_class,
    .shared_new = storage_shared_new,
    .shared_free = storage_shared_free,
    .probe_new = storage_probe_new,
    .probe_emit = cs_storage_strategy_emit,
    .probe_report = storage_probe_report,
    .probe_free = storage_probe_free,
    .plan = storage_plan,
  },
  [CS_PROTOCOL_RAFT] = {
    .name = "raft",
    .klass = &cs_raft_class.base,
    .shared_new = raft_shared_new,
    .shared_free = raft_shared_free,
    .probe_new = raft_probe_new,
    .probe_emit = consensus_probe_emit,
    .probe_report = consensus_probe_report,
    .probe_free = consensus_probe_free,
    .plan = raft_plan,
  },
  [CS_PROTOCOL_PBFT] = {
    .name = "pbft",
    .klass = &cs_pbft_class.base,
    .shared_new = pbft_shared_new,
    .shared_free = pbft_shared_free,
    .probe_new = pbft_probe_new,
    .probe_emit = consensus_probe_emit,
    .probe_report = consensus_probe_report,
    .probe_free = consensus_probe_free,
    .plan = pbft_plan,
  },
  [CS_PROTOCOL_HOTSTUFF] = {
    .name = "hotstuff",
    .klass = &cs_hotstuff_class.base,
    .shared_new = hotstuff_shared_new,
    .shared_free = hotstuff_shared_free,
    .probe_new = hotstuff_probe_new,
    .probe_emit = consensus_probe_emit,
    .probe_report = consensus_probe_report,
    .probe_free = consensus_probe_free,
    .plan = hotstuff_plan,
  },
};

const CsProtocolEntry *
cs_protocol_entry (int kind)
{
  g_return_val_if_fail (kind >= 0 && kind < (int) G_N_ELEMENTS (entries), NULL);
  g_assert (g_strcmp0 (entries[kind].name, cs_protocol_names[kind]) == 0);
  return &entries[kind];
}
