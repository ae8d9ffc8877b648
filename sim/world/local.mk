# sim/world: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/world/libcsworld.a
sim_world_libcsworld_a_SOURCES =
