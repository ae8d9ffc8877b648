/* cs-mpi-launch.c: what the environment says about an MPI launcher (cs-mpi.h), read without
 * MPI, so that a build without MPI can refuse to run one sweep N times over, and only one of
 * the processes prints that refusal. */
#include "sweep/cs-mpi.h"

/* The value of environment variable @name as a number, or -1 when unset or not a number. */
static gint64
env_number (const char *name)
{
  const char *text = g_getenv (name);
  guint64 value = 0;
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL))
    return -1;
  return (gint64) value;
}

gboolean
cs_mpi_launched (guint *size)
{
  const char *sizes[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE" };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gint64 n = env_number (sizes[i]);
      if (n >= 1)
        {
          *size = (guint) n;
          return TRUE;
        }
    }
  *size = 0;
  return env_number ("PMIX_RANK") >= 0;
}

guint
cs_mpi_launch_rank (void)
{
  const char *ranks[] = { "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK" };
  for (guint i = 0; i < G_N_ELEMENTS (ranks); i++)
    {
      gint64 r = env_number (ranks[i]);
      if (r >= 0)
        return (guint) r;
    }
  return 0;
}
