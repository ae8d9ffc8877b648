/* cs-mpi.h: the little of MPI that a sweep over several processes needs, behind a thin
 * interface with two implementations chosen at configure time: cs-mpi.c (Open MPI or MPICH,
 * the only file that includes <mpi.h>) and cs-mpi-none.c (a build without MPI: always one
 * process). Only `chainsim sweep` uses it; cs-mpi-launch.c reads the launcher's environment.
 *
 * - MPI starts only when an MPI launcher (mpirun, mpiexec, srun) started this process as one
 *   of several: a plain `chainsim` never needs an MPI runtime, and `mpirun -np 1` is a plain
 *   run too. A launcher MPI cannot see (plain `srun` without --mpi) starts independent copies.
 * - Only the calling (main) thread uses MPI (MPI_THREAD_FUNNELED); the runs' worker threads
 *   never do.
 * - Waiting for a message polls with short sleeps instead of MPI's busy wait, so a rank that
 *   waits does not take a processor from the runs of a rank that shares its node (only the
 *   brief collectives while the sweep starts wait MPI's way).
 * - Any MPI failure aborts the whole job (MPI's default error handler): a sweep never hangs. */
#pragma once

#include <glib.h>

/* --- the launcher's environment (cs-mpi-launch.c, in every build) --- */

/* Whether an MPI launcher started this process: Open MPI's mpirun (OMPI_COMM_WORLD_SIZE),
 * a PMI launcher such as MPICH's mpiexec or `srun --mpi=pmi2` (PMI_SIZE), or a PMIx one such as
 * `srun --mpi=pmix` (PMIX_RANK). @size receives the number of processes it started, or 0 when
 * the environment does not say (PMIx). */
gboolean cs_mpi_launched (guint *size);
/* This process's rank from the same environment (0 when not launched so): valid before MPI
 * starts, for choosing the one process that prints. */
guint cs_mpi_launch_rank (void);

/* --- MPI (cs-mpi.c; cs-mpi-none.c without MPI) --- */

/* Joins the MPI job when cs_mpi_launched () and its size is not 1. Fails with a one-line message
 * (CS_SWEEP_ERROR_MPI) when this build has no MPI, or when MPI does not see the job the launcher
 * announced, rather than run the same sweep in every process. */
gboolean cs_mpi_init (GError **error);
/* Leaves MPI if cs_mpi_init joined it; harmless otherwise. */
void cs_mpi_finalize (void);
/* This process's rank and the number of ranks: 0 and 1 when MPI is not running. */
guint cs_mpi_rank (void);
guint cs_mpi_size (void);

/* Sends @length bytes to rank @dest (blocks until the bytes may be reused). */
void cs_mpi_send (guint dest, const void *data, gsize length);
/* A message that has arrived from any rank, or NULL at once when none has; its sender in
 * @source. */
GBytes *cs_mpi_poll (guint *source);
/* Waits for the next message from rank @source. */
GBytes *cs_mpi_wait (guint source);
/* Collective: @root's bytes (*@bytes, may be NULL on other ranks) become every rank's. */
void cs_mpi_broadcast (guint root, GBytes **bytes);
/* Collective: the smallest of every rank's @value. */
guint cs_mpi_min (guint value);
/* Prints @message (one line) and ends every rank of the job with status 1: for what cannot
 * happen between ranks of the same chainsim (a malformed message). */
G_NORETURN void cs_mpi_abort (const char *message);
