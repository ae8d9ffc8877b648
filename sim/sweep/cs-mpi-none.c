/* cs-mpi-none.c: cs-mpi.h in a build without MPI: always one process. Started by an MPI
 * launcher as one of several, it refuses, rather than run the same sweep in every process. */
#include <stdio.h>
#include <stdlib.h>

#include "sweep/cs-mpi.h"
#include "sweep/cs-sweep.h"

gboolean
cs_mpi_init (GError **error)
{
  guint announced = 0;
  if (cs_mpi_launched (&announced) && announced > 1)
    {
      g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                   "chainsim: error: started by an MPI launcher as one of %u processes, but this "
                   "chainsim was built without MPI (install Open MPI and configure --with-mpi)",
                   announced);
      return FALSE;
    }
  return TRUE;
}

void cs_mpi_finalize (void) { }
guint cs_mpi_rank (void) { return 0; }
guint cs_mpi_size (void) { return 1; }

/* With one process there is nobody to talk to: the sweep never calls these. */
void
cs_mpi_send (guint dest, const void *data, gsize length)
{
  g_assert_not_reached ();
}

GBytes *
cs_mpi_poll (guint *source)
{
  return NULL;
}

GBytes *
cs_mpi_wait (guint source)
{
  g_assert_not_reached ();
}

void cs_mpi_broadcast (guint root, GBytes **bytes) { }
guint cs_mpi_min (guint value) { return value; }

void
cs_mpi_abort (const char *message)
{
  fprintf (stderr, "%s\n", message);
  exit (1);
}
