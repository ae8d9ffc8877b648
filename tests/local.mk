# tests: programs that test more than one module (included by Makefile.am). Each module's own
# test program is listed in that module's local.mk.
check_PROGRAMS += tests/test-cli
TESTS += tests/test-cli
tests_test_cli_SOURCES = tests/test-cli.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_cli_LDADD = $(DEPS_LIBS)
# The CLI test runs sim/chainsim, which `make check` builds first (check depends on all).
# Bad scenarios and the exact error line each must produce (tests/data/bad/expected).
EXTRA_DIST += tests/data/bad

# `make check-long`: random fault runs of Raft, PBFT and HotStuff over hundreds of seeds, checked
# by the simulator's safety and liveness checkers (a few minutes; not part of `make check`, which
# runs a few of the same seeds in tests/test-consensus-faults).
EXTRA_PROGRAMS = tests/long/consensus-faults-long
CLEANFILES += tests/long/consensus-faults-long$(EXEEXT)
tests_long_consensus_faults_long_SOURCES = tests/long/consensus-faults-long.c \
	tests/cs-fault-mix.h tests/cs-fault-mix.c
tests_long_consensus_faults_long_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
CS_CHECK_LONG_SEEDS = 200
.PHONY: check-long
check-long: tests/long/consensus-faults-long$(EXEEXT)
	./tests/long/consensus-faults-long --seeds $(CS_CHECK_LONG_SEEDS) --jobs 2

# Raft, PBFT and HotStuff through faults in full runs, and the liveness verdict.
check_PROGRAMS += tests/test-consensus-faults
TESTS += tests/test-consensus-faults
tests_test_consensus_faults_SOURCES = tests/test-consensus-faults.c \
	tests/cs-fault-mix.h tests/cs-fault-mix.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_consensus_faults_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

# sim/cs-hugepages.c (the chainsim program's own, outside the module libraries).
check_PROGRAMS += tests/test-hugepages
TESTS += tests/test-hugepages
tests_test_hugepages_SOURCES = tests/test-hugepages.c sim/cs-hugepages.h sim/cs-hugepages.c
tests_test_hugepages_LDADD = $(DEPS_LIBS)
