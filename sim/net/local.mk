# sim/net: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/net/libcsnet.a
sim_net_libcsnet_a_SOURCES = \
	sim/net/cs-net-config.h \
	sim/net/cs-net-config.c \
	sim/net/cs-net.h \
	sim/net/cs-net-private.h \
	sim/net/cs-net.c \
	sim/net/cs-peer-graph.c

check_PROGRAMS += tests/test-net
TESTS += tests/test-net
tests_test_net_SOURCES = tests/test-net.c
tests_test_net_LDADD = sim/net/libcsnet.a sim/scenario/libcsscenario.a sim/engine/libcsengine.a $(DEPS_LIBS)
