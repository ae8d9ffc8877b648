# sim/sweep: parameter grids, replicates, parallel runs (threads, and MPI ranks when built with
# MPI), resume, aggregation with confidence intervals, and the plot command's detection of what a
# results directory holds (included by Makefile.am).
noinst_LIBRARIES += sim/sweep/libcssweep.a
sim_sweep_libcssweep_a_SOURCES = \
	sim/sweep/cs-sweep.h sim/sweep/cs-sweep-private.h sim/sweep/cs-sweep.c \
	sim/sweep/cs-sweep-aggregate.c \
	sim/sweep/cs-sweep-ranks.c \
	sim/sweep/cs-sweep-wire.h sim/sweep/cs-sweep-wire.c \
	sim/sweep/cs-mpi.h sim/sweep/cs-mpi-launch.c \
	sim/sweep/cs-table.h sim/sweep/cs-table.c \
	sim/sweep/cs-plot.h sim/sweep/cs-plot.c
# The MPI transport: the real one, or one process (cs-mpi.h).
if HAVE_MPI
sim_sweep_libcssweep_a_SOURCES += sim/sweep/cs-mpi.c
else
sim_sweep_libcssweep_a_SOURCES += sim/sweep/cs-mpi-none.c
endif
# Where `make install` puts the gnuplot scripts (analysis/local.mk); the plot command looks there
# after $CHAINSIM_ANALYSIS_DIR and the source tree.
sim_sweep_libcssweep_a_CPPFLAGS = $(AM_CPPFLAGS) $(MPI_CFLAGS) \
	-DCS_ANALYSISDIR=\"$(pkgdatadir)/analysis\"

check_PROGRAMS += tests/test-sweep tests/test-plot
TESTS += tests/test-sweep tests/test-plot
tests_test_sweep_SOURCES = tests/test-sweep.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_sweep_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS) $(MPI_LIBS)
tests_test_plot_SOURCES = tests/test-plot.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_plot_LDADD = $(CS_ALL_LIBS) $(DEPS_LIBS)

# The sweep over MPI ranks, run with mpirun: only when configure found MPI and mpirun.
if MPI_TESTS
check_PROGRAMS += tests/test-sweep-mpi
TESTS += tests/test-sweep-mpi
endif
tests_test_sweep_mpi_SOURCES = tests/test-sweep-mpi.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_sweep_mpi_CPPFLAGS = $(AM_CPPFLAGS) -DCS_MPIRUN=\"$(MPIRUN)\"
tests_test_sweep_mpi_LDADD = $(DEPS_LIBS)
# What the MPI library itself never frees, for LeakSanitizer (test-sweep-mpi.c).
EXTRA_DIST += tests/lsan-mpi.supp
