# sim/engine: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/engine/libcsengine.a
sim_engine_libcsengine_a_SOURCES = \
	sim/engine/cs-time.h \
	sim/engine/cs-engine.h \
	sim/engine/cs-rng.h
