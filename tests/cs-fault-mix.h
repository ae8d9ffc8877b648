/* cs-fault-mix.h: consensus runs with faults for the tests: one run of a YAML scenario through
 * cs_run (the real world, probe and checkers) with its verdicts and headline figures read back,
 * and random fault mixes drawn from a seed (crashes, a partition, a loss burst, a delay spike, a
 * slow leader, Byzantine replicas), within what the protocol tolerates or, for PBFT and HotStuff,
 * with f+1 equivocating replicas. Shared by test-consensus-faults (a few seeds, in `make check`) and
 * tests/long/consensus-faults-long (hundreds, `make check-long`). */
#pragma once

#include <glib.h>

/* The outcome of one run. */
typedef struct
{
  gboolean failed;          /* cs_run returned an error (a checker's: see error_code) */
  int error_code;           /* CS_CONSENSUS_ERROR_* when a checker failed the run, else -1 */
  char *error;              /* the error's message, or NULL */
  char *liveness;           /* the liveness verdict (summary.json), NULL when the run failed */
  double committed_blocks;  /* the summary's consensus figures (NAN when absent or failed) */
  double view_changes;
  double safety_violations;
  double last_fault_healed_s;
  double liveness_bound_s;
  double liveness_checked;
  double liveness_recovery_s;
} CsFaultRun;

/* Runs the scenario @yaml (with the NULL-terminated "key=value" @overrides, may be NULL) into a
 * temporary directory, removed after. An error other than a checker's (bad input, output) is a
 * bug of the caller: it aborts. */
void cs_fault_run (const char *yaml, const char *const *overrides, CsFaultRun *out);
void cs_fault_run_clear (CsFaultRun *run);

/* A random fault mix for @protocol ("raft", "pbft", "hotstuff"), drawn from @seed: 4 to 10
 * replicas over the bitcoin-2019 regions, 220 s, every fault over by 75 s (the longest default
 * liveness bound, PBFT and HotStuff at n = 10, is 132 s). Within the tolerated
 * bound: at most f replicas (Raft: a minority) crashed or Byzantine at once, no disk loss. With
 * @beyond (PBFT and HotStuff): f+1 equivocating replicas and nothing else, which may break safety
 * (HotStuff at n = 5 or 8 cannot: its quorums share f+2 replicas there).
 * Returns the scenario's YAML; @what (may be NULL) receives a one-line description. */
char *cs_fault_mix (const char *protocol, guint64 seed, gboolean beyond, char **what);
