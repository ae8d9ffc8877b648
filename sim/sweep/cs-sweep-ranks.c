/* cs-sweep-ranks.c: a sweep spread over MPI ranks (cs-sweep-private.h), in the messages of
 * cs-sweep-wire.h over cs-mpi.h.
 *
 * Rank 0 alone reads the scenario, owns the sweep directory (claims it, writes the plan, knows
 * which runs are finished), hands out the runs, writes every run's directory and aggregates.
 * The others load the scenario from rank 0's bytes, ask for runs, run them on their own thread
 * pools with the outputs kept in memory, and send the files to rank 0. So no filesystem needs
 * to be shared, and the tree on rank 0 is the one a single process writes: a run's files do
 * not depend on where it ran, and rank 0 commits them exactly as cs_run would (atomically,
 * summary.json last), so resuming works as before.
 *
 * Runs are handed out on demand, lowest run first (each rank asks for as many as it has
 * threads, then one more per run it returns): ranks with more or faster processors take more,
 * and a grid whose points differ in cost is balanced. Which rank runs what varies between
 * sweeps; what is written does not.
 *
 * A failure anywhere (a run, a rank that cannot start its threads, a rank running another
 * chainsim version) stops the handing out; the runs under way finish and are kept, and every
 * rank returns the same error. A rank that dies makes mpirun end the job; nothing waits
 * forever. */
#include "config.h"

#include <string.h>

#include "sweep/cs-mpi.h"
#include "sweep/cs-sweep-private.h"
#include "sweep/cs-sweep-wire.h"

/* Sends @message to @rank. */
static void
send_message (guint rank, const CsWireMessage *message)
{
  g_autoptr (GBytes) bytes = cs_wire_encode (message);
  gsize n = 0;
  const void *data = g_bytes_get_data (bytes, &n);
  cs_mpi_send (rank, data, n);
}

/* Decodes @bytes (taken) into @message; a malformed message ends the job. */
static void
decode_or_abort (GBytes *bytes, CsWireMessage *message)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = cs_wire_decode (bytes, message, &error);
  g_bytes_unref (bytes);
  if (!ok)
    cs_mpi_abort (error->message);
}

gboolean
cs__sweep_agree (gboolean ok, GError **error)
{
  guint size = cs_mpi_size (), rank = cs_mpi_rank ();
  if (size == 1)
    return ok;
  guint first = cs_mpi_min (ok ? size : rank);
  if (first == size)
    return TRUE;
  g_autoptr (GBytes) bytes = NULL;
  if (rank == first)
    {
      CsWireMessage m = { .kind = CS_WIRE_STATUS, .ok = FALSE };
      g_autoptr (GError) unknown = NULL;
      if (error == NULL || *error == NULL)
        unknown = g_error_new (CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                               "chainsim: error: MPI rank %u failed", rank);
      cs_wire_set_error (&m, unknown ? unknown : *error);
      bytes = cs_wire_encode (&m);
      cs_wire_message_clear (&m);
    }
  cs_mpi_broadcast (first, &bytes);
  if (rank != first)
    {
      CsWireMessage m = { 0 };
      decode_or_abort (g_steal_pointer (&bytes), &m);
      g_clear_error (error);
      g_propagate_error (error, cs_wire_get_error (&m));
      cs_wire_message_clear (&m);
    }
  return FALSE;
}

void
cs__sweep_share (char **data, gsize *length)
{
  if (cs_mpi_size () == 1)
    return;
  g_autoptr (GBytes) bytes = NULL;
  if (cs_mpi_rank () == 0)
    bytes = g_bytes_new (*data, *length + 1);
  cs_mpi_broadcast (0, &bytes);
  if (cs_mpi_rank () != 0)
    {
      gsize n = 0;
      g_free (*data);
      *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &n);
      *length = n > 0 ? n - 1 : 0;
    }
}

/* --- rank 0 --- */

/* What rank 0 knows of each other rank. */
typedef struct
{
  guint size;          /* ranks */
  guint *outstanding;  /* runs handed to rank r and not yet returned */
  gboolean *drained;   /* rank r was told that nothing is left (or dropped out) */
} Ranks;

static void
ranks_free (Ranks *ranks)
{
  g_free (ranks->outstanding);
  g_free (ranks->drained);
  g_free (ranks);
}

/* Hands up to @count runs to @rank; none tells it to stop asking. */
static void
assign (CsSweepState *st, Ranks *ranks, guint rank, guint count)
{
  CsWireMessage m = { .kind = CS_WIRE_ASSIGN };
  m.runs = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint run;
  while (m.runs->len < count && cs__sweep_next (st, &run))
    {
      guint32 r = run;
      g_array_append_val (m.runs, r);
    }
  ranks->outstanding[rank] += m.runs->len;
  if (m.runs->len == 0)
    ranks->drained[rank] = TRUE;
  send_message (rank, &m);
  cs_wire_message_clear (&m);
}

/* Writes run @run's files, sent by another rank, as its directory. */
static void
store_result (CsSweepState *st, guint run, GBytes *files)
{
  const char *dir = st->run_dirs->pdata[run];
  GError *error = NULL;
  g_autoptr (CsOutput) output = cs_wire_unpack_files (files, dir, &error);
  if (output)
    cs__sweep_clear_run_dir (dir);
  if (output && cs_output_commit (output, &error))
    {
      g_mutex_lock (&st->lock);
      st->executed++;
      st->elsewhere++;
      g_mutex_unlock (&st->lock);
      return;
    }
  if (!g_str_has_prefix (error->message, dir))
    g_prefix_error (&error, "%s: ", dir);
  cs__sweep_fail (st, run, 0, error);
}

gboolean
cs__sweep_serve (CsSweepState *st)
{
  Ranks *ranks = st->ranks;
  if (ranks == NULL)
    {
      ranks = st->ranks = g_new0 (Ranks, 1);
      ranks->size = cs_mpi_size ();
      ranks->outstanding = g_new0 (guint, ranks->size);
      ranks->drained = g_new0 (gboolean, ranks->size);
      ranks->drained[0] = TRUE; /* rank 0 runs its share on its own pool */
    }
  GBytes *bytes;
  guint source = 0;
  while ((bytes = cs_mpi_poll (&source)) != NULL)
    {
      CsWireMessage m = { 0 };
      decode_or_abort (bytes, &m);
      switch (m.kind)
        {
        case CS_WIRE_REQUEST:
          if (g_strcmp0 (m.message, PACKAGE_VERSION) != 0)
            {
              cs__sweep_fail (st, G_MAXUINT, source,
                              g_error_new (CS_SWEEP_ERROR, CS_SWEEP_ERROR_MPI,
                                           "chainsim: error: MPI rank %u runs chainsim %s and "
                                           "rank 0 chainsim %s; install the same chainsim on "
                                           "every node", source, m.message, PACKAGE_VERSION));
              assign (st, ranks, source, 0);
            }
          else
            assign (st, ranks, source, m.count);
          break;
        case CS_WIRE_RESULT:
          if (m.run >= st->run_dirs->len || ranks->outstanding[source] == 0)
            cs_mpi_abort ("chainsim: error: MPI rank sent the result of a run it was not given");
          ranks->outstanding[source]--;
          if (m.ok)
            store_result (st, m.run, m.files);
          else
            cs__sweep_fail (st, m.run, source, cs_wire_get_error (&m));
          if (m.count > 0)
            assign (st, ranks, source, m.count);
          break;
        case CS_WIRE_FAILED:
          cs__sweep_fail (st, G_MAXUINT, source, cs_wire_get_error (&m));
          ranks->drained[source] = TRUE;
          break;
        default:
          cs_mpi_abort ("chainsim: error: an unexpected message reached MPI rank 0");
        }
      cs_wire_message_clear (&m);
    }
  for (guint r = 1; r < ranks->size; r++)
    if (!ranks->drained[r] || ranks->outstanding[r] > 0)
      return TRUE;
  return FALSE;
}

void
cs__sweep_tell_outcome (CsSweepState *st, const GError *error)
{
  CsWireMessage m = { .kind = CS_WIRE_STATUS, .ok = error == NULL };
  if (error)
    cs_wire_set_error (&m, error);
  for (guint r = 1; r < cs_mpi_size (); r++)
    send_message (r, &m);
  cs_wire_message_clear (&m);
  g_clear_pointer ((Ranks **) &st->ranks, ranks_free);
}

/* --- ranks > 0 --- */

/* Waits for rank 0's answer to a request and starts the runs it hands out; returns how many
 * (0: nothing is left). */
static guint
take_assignment (GThreadPool *pool)
{
  CsWireMessage m = { 0 };
  decode_or_abort (cs_mpi_wait (0), &m);
  if (m.kind != CS_WIRE_ASSIGN)
    cs_mpi_abort ("chainsim: error: an MPI rank expected runs and got another message");
  guint n = m.runs->len;
  for (guint i = 0; i < n; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (g_array_index (m.runs, guint32, i) + 1), NULL);
  cs_wire_message_clear (&m);
  return n;
}

static void
finished_free (CsSweepFinished *f)
{
  g_clear_pointer (&f->output, cs_output_free);
  g_clear_error (&f->error);
  g_free (f);
}

gboolean
cs__sweep_work (CsSweepState *st, guint jobs, GError **error)
{
  guint rank = cs_mpi_rank ();
  st->finished = g_async_queue_new ();
  GError *pool_error = NULL;
  GThreadPool *pool = g_thread_pool_new (cs__sweep_worker, st, (gint) jobs, TRUE, &pool_error);
  if (pool == NULL)
    {
      CsWireMessage m = { .kind = CS_WIRE_FAILED };
      g_autoptr (GError) e = g_error_new (CS_SWEEP_ERROR, CS_SWEEP_ERROR_RUN,
                                          "chainsim: error: MPI rank %u cannot start %u threads: "
                                          "%s", rank, jobs, pool_error->message);
      g_error_free (pool_error);
      cs_wire_set_error (&m, e);
      send_message (0, &m);
      cs_wire_message_clear (&m);
    }
  else
    {
      CsWireMessage request = { .kind = CS_WIRE_REQUEST, .count = jobs };
      request.message = g_strdup (PACKAGE_VERSION);
      send_message (0, &request);
      cs_wire_message_clear (&request);
      guint running = take_assignment (pool);
      gboolean drained = running == 0;
      while (running > 0)
        {
          CsSweepFinished *f = g_async_queue_pop (st->finished);
          running--;
          CsWireMessage m = { .kind = CS_WIRE_RESULT, .run = f->run, .ok = f->error == NULL };
          m.count = drained ? 0 : 1;
          if (m.ok)
            m.files = cs_wire_pack_files (f->output);
          else
            cs_wire_set_error (&m, f->error);
          finished_free (f);
          send_message (0, &m);
          cs_wire_message_clear (&m);
          if (!drained)
            {
              guint more = take_assignment (pool);
              running += more;
              drained = more == 0;
            }
        }
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  g_clear_pointer (&st->finished, g_async_queue_unref);

  /* The outcome, once rank 0 has written everything and aggregated. */
  CsWireMessage status = { 0 };
  decode_or_abort (cs_mpi_wait (0), &status);
  if (status.kind != CS_WIRE_STATUS)
    cs_mpi_abort ("chainsim: error: an MPI rank expected the sweep's outcome and got another "
                  "message");
  gboolean ok = status.ok;
  if (!ok)
    g_propagate_error (error, cs_wire_get_error (&status));
  cs_wire_message_clear (&status);
  return ok;
}
