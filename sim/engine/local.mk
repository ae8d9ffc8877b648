# sim/engine: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/engine/libcsengine.a
sim_engine_libcsengine_a_SOURCES = \
	sim/engine/cs-time.h \
	sim/engine/cs-engine.h \
	sim/engine/cs-engine.c \
	sim/engine/cs-event-heap.h \
	sim/engine/cs-event-heap.c \
	sim/engine/cs-rng.h \
	sim/engine/cs-rng.c

check_PROGRAMS += tests/test-engine
TESTS += tests/test-engine
tests_test_engine_SOURCES = tests/test-engine.c
tests_test_engine_LDADD = sim/engine/libcsengine.a $(DEPS_LIBS)

# The hold-model benchmark of the future event set (not a test: it takes a few seconds).
noinst_PROGRAMS += bench/hold
bench_hold_SOURCES = bench/hold.c
bench_hold_LDADD = sim/engine/libcsengine.a $(DEPS_LIBS)

.PHONY: bench-hold
bench-hold: bench/hold
	./bench/hold
