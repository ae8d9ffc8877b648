# sim/consensus: consensus protocols over the node context (Nakamoto proof of work first), the
# chain probe, their unit tests, validation tests and long validation benchmarks (included by
# Makefile.am).
noinst_LIBRARIES += sim/consensus/libcsconsensus.a
sim_consensus_libcsconsensus_a_SOURCES = \
	sim/consensus/cs-consensus.h sim/consensus/cs-consensus.c \
	sim/consensus/cs-nakamoto.h sim/consensus/nakamoto.c \
	sim/consensus/nakamoto-config.c sim/consensus/nakamoto-shared.c \
	sim/consensus/cs-nakamoto-world.h sim/consensus/nakamoto-world.c \
	sim/consensus/cs-chain-probe.h sim/consensus/cs-chain-probe.c \
	sim/consensus/cs-raft.h sim/consensus/raft.c sim/consensus/raft-config.c \
	sim/consensus/cs-consensus-probe.h sim/consensus/cs-consensus-probe.c \
	sim/consensus/cs-safety.h sim/consensus/cs-safety.c \
	sim/consensus/cs-liveness.h sim/consensus/cs-liveness.c \
	sim/consensus/cs-pbft.h sim/consensus/pbft.c \
	sim/consensus/cs-hotstuff.h sim/consensus/hotstuff.c

# Libraries of the unit tests that drive a node by hand (no network, no world).
CS_CONSENSUS_UNIT_LIBS = sim/consensus/libcsconsensus.a sim/node/libcsnode.a \
	sim/chain/libcschain.a sim/metrics/libcsmetrics.a sim/scenario/libcsscenario.a \
	sim/engine/libcsengine.a $(DEPS_LIBS)

check_PROGRAMS += tests/test-nakamoto
TESTS += tests/test-nakamoto
tests_test_nakamoto_SOURCES = tests/test-nakamoto.c
tests_test_nakamoto_LDADD = $(CS_CONSENSUS_UNIT_LIBS)

# The small simulator the Raft, PBFT and HotStuff unit tests run their protocol on.
CS_MINI_SIM_SOURCES = tests/cs-mini-sim.h tests/cs-mini-sim.c

check_PROGRAMS += tests/test-raft
TESTS += tests/test-raft
tests_test_raft_SOURCES = tests/test-raft.c $(CS_MINI_SIM_SOURCES)
tests_test_raft_LDADD = $(CS_CONSENSUS_UNIT_LIBS)

check_PROGRAMS += tests/test-pbft
TESTS += tests/test-pbft
tests_test_pbft_SOURCES = tests/test-pbft.c $(CS_MINI_SIM_SOURCES)
tests_test_pbft_LDADD = $(CS_CONSENSUS_UNIT_LIBS)

check_PROGRAMS += tests/test-hotstuff
TESTS += tests/test-hotstuff
tests_test_hotstuff_SOURCES = tests/test-hotstuff.c $(CS_MINI_SIM_SOURCES)
tests_test_hotstuff_LDADD = $(CS_CONSENSUS_UNIT_LIBS)

check_PROGRAMS += tests/test-consensus-probe
TESTS += tests/test-consensus-probe
tests_test_consensus_probe_SOURCES = tests/test-consensus-probe.c
tests_test_consensus_probe_LDADD = $(CS_CONSENSUS_UNIT_LIBS)

# Validation tests (tests/validation/): runs compared with closed forms and published figures.
CS_VALIDATION_SOURCES = tests/validation/chain-run.h tests/validation/chain-run.c

check_PROGRAMS += tests/validation/test-stale-uniform-delay
TESTS += tests/validation/test-stale-uniform-delay
tests_validation_test_stale_uniform_delay_SOURCES = \
	tests/validation/test-stale-uniform-delay.c $(CS_VALIDATION_SOURCES)
tests_validation_test_stale_uniform_delay_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

check_PROGRAMS += tests/validation/test-stale-decker-wattenhofer
TESTS += tests/validation/test-stale-decker-wattenhofer
tests_validation_test_stale_decker_wattenhofer_SOURCES = \
	tests/validation/test-stale-decker-wattenhofer.c $(CS_VALIDATION_SOURCES)
tests_validation_test_stale_decker_wattenhofer_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

check_PROGRAMS += tests/validation/test-bft-pbft-wire
TESTS += tests/validation/test-bft-pbft-wire
tests_validation_test_bft_pbft_wire_SOURCES = tests/validation/test-bft-pbft-wire.c
tests_validation_test_bft_pbft_wire_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

check_PROGRAMS += tests/validation/test-table1
TESTS += tests/validation/test-table1
tests_validation_test_table1_SOURCES = tests/validation/test-table1.c $(CS_VALIDATION_SOURCES)
tests_validation_test_table1_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

# The long version of validation (c): `make bench-validate-chains` (part of `make bench`).
noinst_PROGRAMS += bench/validate-chains
bench_validate_chains_SOURCES = bench/validate-chains.c $(CS_VALIDATION_SOURCES)
bench_validate_chains_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

.PHONY: bench-validate-chains
bench-validate-chains: bench/validate-chains
	./bench/validate-chains

check_PROGRAMS += tests/test-consensus-run
TESTS += tests/test-consensus-run
tests_test_consensus_run_SOURCES = tests/test-consensus-run.c
tests_test_consensus_run_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
