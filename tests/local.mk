# tests: programs that test more than one module (included by Makefile.am). Each module's own
# test program is listed in that module's local.mk.
check_PROGRAMS += tests/test-cli
TESTS += tests/test-cli
tests_test_cli_SOURCES = tests/test-cli.c tests/cs-test-util.h tests/cs-test-util.c
tests_test_cli_LDADD = $(DEPS_LIBS)
# The CLI test runs sim/chainsim, which `make check` builds first (check depends on all).
# Bad scenarios and the exact error line each must produce (tests/data/bad/expected).
EXTRA_DIST += tests/data/bad
