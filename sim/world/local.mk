# sim/world: the node context over engine and network, the scenario's top level, and a run
# (included by Makefile.am).
noinst_LIBRARIES += sim/world/libcsworld.a
sim_world_libcsworld_a_SOURCES = \
	sim/world/cs-world.h sim/world/cs-world.c \
	sim/world/cs-scenario.h sim/world/cs-scenario.c \
	sim/world/cs-protocols.h sim/world/cs-protocols.c \
	sim/world/cs-run.h sim/world/cs-run.c

check_PROGRAMS += tests/test-world
TESTS += tests/test-world
tests_test_world_SOURCES = tests/test-world.c
tests_test_world_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
