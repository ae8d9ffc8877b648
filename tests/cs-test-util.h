/* cs-test-util.h: what the tests that run the chainsim program share: running it as a child
 * process and collecting its exit status and output, temporary directories and their removal,
 * reading a file, comparing two directory trees. Linked into test-cli, test-sweep, test-sweep-mpi
 * and test-plot. */
#pragma once

#include <glib.h>
#include <stdarg.h>

/* The chainsim program under test: $CHAINSIM (set by make check), else the build tree's. */
const char *cs_test_chainsim (void);

typedef struct
{
  int status;   /* exit status (a crash fails the test) */
  char *out;    /* standard output */
  char *err;    /* standard error */
} CsTestResult;

void cs_test_result_clear (CsTestResult *r);

/* Runs chainsim in @cwd (NULL: this directory) with @envp (NULL: inherited) and the arguments
 * from @first to a NULL. */
CsTestResult cs_test_run (const char *cwd, char **envp, const char *first, ...) G_GNUC_NULL_TERMINATED;
CsTestResult cs_test_run_valist (const char *cwd, char **envp, const char *first, va_list ap);

/* A new empty temporary directory (asserts on failure), and removing one recursively. */
char *cs_test_tmp_dir (const char *prefix);
void cs_test_rm_rf (const char *dir);

/* The contents of @path (asserts that it can be read). */
char *cs_test_read_file (const char *path);

/* Asserts that directories @a and @b hold the same files (by relative path) with the same bytes. */
void cs_test_assert_same_tree (const char *a, const char *b);
