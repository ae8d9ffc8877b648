# sim/scenario: sources and test of this module (included by Makefile.am).
noinst_LIBRARIES += sim/scenario/libcsscenario.a
sim_scenario_libcsscenario_a_SOURCES = \
	sim/scenario/cs-schema.h \
	sim/scenario/cs-config.h \
	sim/scenario/cs-config-private.h \
	sim/scenario/cs-config.c \
	sim/scenario/cs-config-set.c \
	sim/scenario/cs-config-clear.c \
	sim/scenario/cs-config-describe.c \
	sim/scenario/cs-yaml-tree.h \
	sim/scenario/cs-yaml-tree.c \
	sim/scenario/cs-units.h \
	sim/scenario/cs-units.c \
	sim/scenario/cs-text.h \
	sim/scenario/cs-text.c

# The loader's tests: exact messages for every error class, units, presets, --set.
check_PROGRAMS += tests/test-scenario
TESTS += tests/test-scenario
tests_test_scenario_SOURCES = tests/test-scenario.c tests/fuzz/test-schema.h
tests_test_scenario_LDADD = sim/scenario/libcsscenario.a $(DEPS_LIBS)

# The fuzz corpus replayed through the fuzz harness, compiled with the normal compiler.
check_PROGRAMS += tests/fuzz/fuzz-scenario-replay
TESTS += tests/fuzz/fuzz-scenario-replay
tests_fuzz_fuzz_scenario_replay_SOURCES = \
	tests/fuzz/fuzz-replay.c \
	tests/fuzz/fuzz-scenario.c \
	tests/fuzz/test-schema.h
tests_fuzz_fuzz_scenario_replay_LDADD = sim/scenario/libcsscenario.a $(DEPS_LIBS)
EXTRA_DIST += tests/fuzz/corpus

# The libFuzzer binary, built by hand only (not by `make` or `make check`):
#   make fuzz-scenario
#   mkdir -p fuzz-new && ./tests/fuzz/fuzz-scenario fuzz-new $(srcdir)/tests/fuzz/corpus -max_total_time=60
# (libFuzzer writes new inputs into its first directory; keep the checked-in corpus small and
# add only minimized crashers to it: ./tests/fuzz/fuzz-scenario -minimize_crash=1 crash-...)
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SCENARIO_SRC = \
	$(srcdir)/tests/fuzz/fuzz-scenario.c \
	$(srcdir)/sim/scenario/cs-config.c \
	$(srcdir)/sim/scenario/cs-config-set.c \
	$(srcdir)/sim/scenario/cs-config-clear.c \
	$(srcdir)/sim/scenario/cs-config-describe.c \
	$(srcdir)/sim/scenario/cs-yaml-tree.c \
	$(srcdir)/sim/scenario/cs-units.c \
	$(srcdir)/sim/scenario/cs-text.c
fuzz-scenario: $(FUZZ_SCENARIO_SRC) config.h
	$(AM_V_at)$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_srcdir)/sim \
	  -I$(top_builddir) $(GLIB_CFLAGS) $(YAML_CFLAGS) -o tests/fuzz/fuzz-scenario \
	  $(FUZZ_SCENARIO_SRC) $(YAML_LIBS) $(GLIB_LIBS) -lm
.PHONY: fuzz-scenario
CLEANFILES += tests/fuzz/fuzz-scenario
