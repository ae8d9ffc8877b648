# sim/world: the node context over engine and network, the scenario's top level, and a run
# (included by Makefile.am).
noinst_LIBRARIES += sim/world/libcsworld.a
sim_world_libcsworld_a_SOURCES = \
	sim/world/cs-world.h sim/world/cs-world.c \
	sim/world/cs-world-private.h sim/world/cs-world-threads.c \
	sim/world/cs-scenario.h sim/world/cs-scenario.c \
	sim/world/cs-protocols.h sim/world/cs-protocols.c \
	sim/world/cs-run.h sim/world/cs-run.c

check_PROGRAMS += tests/test-world
TESTS += tests/test-world
tests_test_world_SOURCES = tests/test-world.c
tests_test_world_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

check_PROGRAMS += tests/test-world-threads
TESTS += tests/test-world-threads
tests_test_world_threads_SOURCES = tests/test-world-threads.c
tests_test_world_threads_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

check_PROGRAMS += tests/test-world-elision
TESTS += tests/test-world-elision
tests_test_world_elision_SOURCES = tests/test-world-elision.c
tests_test_world_elision_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
