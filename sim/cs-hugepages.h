/* cs-hugepages.h: transparent huge pages for the simulator's heap (cs-hugepages.c). */
#pragma once

#include <glib.h>

/* Makes sure glibc's malloc backs the heap with transparent huge pages: when the process was
 * started without GLIBC_TUNABLES=glibc.malloc.hugetlb (and without CHAINSIM_HUGEPAGES=0), adds
 * it to the environment and executes the program again with the same arguments (the same
 * process: pid, files and terminal stay). Returns when nothing was to be done, when disabled, or
 * when the new start failed (the run then goes on without). Results never depend on it. */
void cs_hugepages_enable (char **argv);
