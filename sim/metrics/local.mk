# sim/metrics: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/metrics/libcsmetrics.a
sim_metrics_libcsmetrics_a_SOURCES =
