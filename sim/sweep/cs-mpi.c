/* cs-mpi.c: cs-mpi.h over a real MPI library (built with --with-mpi; the only file that
 * includes <mpi.h>). Every message travels on one tag of MPI_COMM_WORLD as MPI messages from
 * the same sender, which MPI delivers in order: first its length (8 bytes, little-endian), then
 * the bytes in pieces of at most CHUNK; so run outputs beyond MPI's 2 GiB count limit still
 * travel, and nothing is copied on the way. */
#include "config.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "sweep/cs-mpi.h"
#include "sweep/cs-sweep.h"

#define TAG 7137
#define CHUNK ((gsize) 1 << 30)

static gboolean started;  /* cs_mpi_init called MPI_Init_thread */
static guint my_rank;
static guint n_ranks = 1;

gboolean
cs_mpi_init (GError **error)
{
  guint announced = 0;
  if (!cs_mpi_launched (&announced) || announced == 1)
    return TRUE;
  int provided = 0, rank = 0, size = 1;
  MPI_Init_thread (NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  started = TRUE;
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  MPI_Comm_size (MPI_COMM_WORLD, &size);
  my_rank = (guint) rank;
  n_ranks = (guint) size;
  if (provided < MPI_THREAD_FUNNELED)
    {
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                   "chainsim: error: the MPI library does not support threads "
                   "(MPI_THREAD_FUNNELED), which a sweep's runs need");
      return FALSE;
    }
  if (announced > 0 && n_ranks != announced)
    {
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                   "chainsim: error: started as one of %u processes, but MPI sees a job of %u; "
                   "start the sweep with the mpirun of the MPI chainsim was built with", announced,
                   n_ranks);
      return FALSE;
    }
  return TRUE;
}

void
cs_mpi_finalize (void)
{
  if (started)
    MPI_Finalize ();
  started = FALSE;
  my_rank = 0;
  n_ranks = 1;
}

guint cs_mpi_rank (void) { return my_rank; }
guint cs_mpi_size (void) { return n_ranks; }

void
cs_mpi_send (guint dest, const void *data, gsize length)
{
  guint64 le = GUINT64_TO_LE ((guint64) length);
  MPI_Send (&le, 8, MPI_BYTE, (int) dest, TAG, MPI_COMM_WORLD);
  for (gsize done = 0; done < length; done += CHUNK)
    MPI_Send ((const guint8 *) data + done, (int) MIN (CHUNK, length - done), MPI_BYTE,
              (int) dest, TAG, MPI_COMM_WORLD);
}

/* Receives the message from @source whose length a probe found waiting. */
static GBytes *
receive (int source)
{
  guint64 le = 0;
  MPI_Recv (&le, 8, MPI_BYTE, source, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  gsize length = (gsize) GUINT64_FROM_LE (le);
  guint8 *data = g_malloc (MAX (length, 1));
  for (gsize done = 0; done < length; done += CHUNK)
    MPI_Recv (data + done, (int) MIN (CHUNK, length - done), MPI_BYTE, source, TAG,
              MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return g_bytes_new_take (data, length);
}

GBytes *
cs_mpi_poll (guint *source)
{
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe (MPI_ANY_SOURCE, TAG, MPI_COMM_WORLD, &flag, &status);
  if (!flag)
    return NULL;
  *source = (guint) status.MPI_SOURCE;
  return receive (status.MPI_SOURCE);
}

GBytes *
cs_mpi_wait (guint source)
{
  /* Polls, sleeping 20 µs at first and up to 2 ms: MPI_Recv would spin a processor. */
  gulong nap = 20;
  for (;;)
    {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe ((int) source, TAG, MPI_COMM_WORLD, &flag, &status);
      if (flag)
        return receive (status.MPI_SOURCE);
      g_usleep (nap);
      nap = MIN (nap * 2, 2000);
    }
}

void
cs_mpi_broadcast (guint root, GBytes **bytes)
{
  if (n_ranks == 1)
    return;
  gsize n = 0;
  const guint8 *data = my_rank == root && *bytes ? g_bytes_get_data (*bytes, &n) : NULL;
  guint64 length = n;
  MPI_Bcast (&length, 1, MPI_UINT64_T, (int) root, MPI_COMM_WORLD);
  if (my_rank == root)
    {
      for (gsize done = 0; done < n; done += CHUNK)
        MPI_Bcast ((void *) (data + done), (int) MIN (CHUNK, n - done), MPI_BYTE, (int) root,
                   MPI_COMM_WORLD);
      return;
    }
  guint8 *buf = g_malloc (MAX (length, 1));
  for (gsize done = 0; done < length; done += CHUNK)
    MPI_Bcast (buf + done, (int) MIN (CHUNK, length - done), MPI_BYTE, (int) root,
               MPI_COMM_WORLD);
  if (*bytes)
    g_bytes_unref (*bytes);
  *bytes = g_bytes_new_take (buf, (gsize) length);
}

guint
cs_mpi_min (guint value)
{
  if (n_ranks == 1)
    return value;
  unsigned in = value, out = value;
  MPI_Allreduce (&in, &out, 1, MPI_UNSIGNED, MPI_MIN, MPI_COMM_WORLD);
  return out;
}

void
cs_mpi_abort (const char *message)
{
  fprintf (stderr, "%s\n", message);
  fflush (stderr);
  if (started)
    MPI_Abort (MPI_COMM_WORLD, 1);
  exit (1);
}
