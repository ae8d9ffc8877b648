/* cs-hugepages.c: transparent huge pages for the simulator's heap (see cs-hugepages.h).
 *
 * Why. A large run touches the state of a random node at every event: at 100,000 nodes its
 * hundreds of MB are spread over 4 KB pages, far more than the TLB maps, so most events pay
 * page-table walks besides their cache misses. Debian's kernels give huge pages only where a
 * program asks for them (transparent_hugepage=madvise), and glibc's malloc (2.35 and later) asks
 * when its tunable glibc.malloc.hugetlb is 1. Tunables are read once at start-up, from the
 * environment, hence the second start. Measured on the project's 2-core machine, 100,000 nodes x
 * 20 blocks on one thread: 17.0 s without, 12.6 s with (means of 3; outputs identical).
 *
 * Left alone: sanitizer builds (their allocator is not glibc's), processes with a preloaded
 * library (valgrind, profilers: a second start would escape them), MPI ranks (their launcher is
 * better not surprised by a second start) and CHAINSIM_HUGEPAGES=0. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "cs-hugepages.h"

#define CS_TUNABLE "glibc.malloc.hugetlb"

void
cs_hugepages_enable (char **argv)
{
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) \
  && !defined(__SANITIZE_THREAD__)
  const char *tunables = g_getenv ("GLIBC_TUNABLES");
  const char *wanted = g_getenv ("CHAINSIM_HUGEPAGES");
  if ((wanted && strcmp (wanted, "0") == 0) || (tunables && strstr (tunables, CS_TUNABLE)))
    return;
  /* Started by an MPI launcher (Open MPI, MPICH/Hydra, PMIx, Slurm), or under a tool. */
  if (g_getenv ("OMPI_COMM_WORLD_SIZE") || g_getenv ("PMI_RANK") || g_getenv ("PMIX_RANK")
      || g_getenv ("SLURM_PROCID") || g_getenv ("LD_PRELOAD"))
    return;
  g_autofree char *value = tunables && *tunables
                             ? g_strconcat (tunables, ":" CS_TUNABLE "=1", NULL)
                             : g_strdup (CS_TUNABLE "=1");
  if (!g_setenv ("GLIBC_TUNABLES", value, TRUE))
    return;
  execv ("/proc/self/exe", argv);
  /* No second start (no /proc): go on as we are, and do not try again in children. */
  g_setenv ("CHAINSIM_HUGEPAGES", "0", TRUE);
#else
  (void) argv;
#endif
}
