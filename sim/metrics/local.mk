# sim/metrics: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/metrics/libcsmetrics.a
sim_metrics_libcsmetrics_a_SOURCES = \
	sim/metrics/cs-json.h sim/metrics/cs-json.c \
	sim/metrics/cs-csv.h sim/metrics/cs-csv.c \
	sim/metrics/cs-output.h sim/metrics/cs-output.c \
	sim/metrics/cs-stats.h sim/metrics/cs-stats.c

check_PROGRAMS += tests/test-metrics
TESTS += tests/test-metrics
tests_test_metrics_SOURCES = tests/test-metrics.c
tests_test_metrics_LDADD = sim/metrics/libcsmetrics.a $(DEPS_LIBS)
