# sim/sweep: parameter grids, replicates, parallel runs, resume, aggregation with confidence
# intervals, and the plot command's detection of what a results directory holds (included by
# Makefile.am).
noinst_LIBRARIES += sim/sweep/libcssweep.a
sim_sweep_libcssweep_a_SOURCES = \
	sim/sweep/cs-sweep.h sim/sweep/cs-sweep.c \
	sim/sweep/cs-sweep-aggregate.c \
	sim/sweep/cs-table.h sim/sweep/cs-table.c \
	sim/sweep/cs-plot.h sim/sweep/cs-plot.c
# Where `make install` puts the gnuplot scripts (analysis/local.mk); the plot command looks there
# after $CHAINSIM_ANALYSIS_DIR and the source tree.
sim_sweep_libcssweep_a_CPPFLAGS = $(AM_CPPFLAGS) -DCS_ANALYSISDIR=\"$(pkgdatadir)/analysis\"

check_PROGRAMS += tests/test-sweep tests/test-plot
TESTS += tests/test-sweep tests/test-plot
tests_test_sweep_SOURCES = tests/test-sweep.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_sweep_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
tests_test_plot_SOURCES = tests/test-plot.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_plot_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)
