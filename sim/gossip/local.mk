# sim/gossip: the flooding gossip workload and its probe (included by Makefile.am).
noinst_LIBRARIES += sim/gossip/libcsgossip.a
sim_gossip_libcsgossip_a_SOURCES = \
	sim/gossip/cs-gossip.h sim/gossip/cs-gossip.c \
	sim/gossip/cs-gossip-probe.h sim/gossip/cs-gossip-probe.c

check_PROGRAMS += tests/test-gossip
TESTS += tests/test-gossip
tests_test_gossip_SOURCES = tests/test-gossip.c
tests_test_gossip_LDADD = sim/gossip/libcsgossip.a sim/node/libcsnode.a sim/metrics/libcsmetrics.a \
	sim/engine/libcsengine.a $(DEPS_LIBS)
