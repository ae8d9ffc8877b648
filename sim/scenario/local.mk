# sim/scenario: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/scenario/libcsscenario.a
sim_scenario_libcsscenario_a_SOURCES =
