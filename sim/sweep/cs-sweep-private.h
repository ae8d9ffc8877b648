/* cs-sweep-private.h: what cs-sweep.c (planning, the local runs) shares with cs-sweep-ranks.c
 * (the same sweep spread over MPI ranks). With one process (no MPI, or a plain start) the
 * functions of cs-sweep-ranks.c are either not called or do nothing. */
#pragma once

#include "metrics/cs-output.h"
#include "sweep/cs-sweep.h"

/* A run that ended on a rank > 0, handed by its worker thread to the main thread, which sends
 * it to rank 0. */
typedef struct
{
  guint run;
  CsOutput *output;  /* its files, when it succeeded */
  GError *error;     /* why it failed, otherwise */
} CsSweepFinished;

/* A sweep in progress on this process. The fields above the lock belong to the main thread
 * (the worker threads only read run_dirs and sweep); the others are under the lock. */
typedef struct
{
  const CsSweep *sweep;
  GPtrArray *run_dirs;     /* char *: DIR/runs/ID per run, in run order */
  GArray *todo;            /* guint: the runs to do, in run order (rank 0 only) */
  guint next;              /* todo[next] is the next run to hand out */
  gpointer ranks;          /* rank 0: cs-sweep-ranks.c's account of the other ranks */
  GAsyncQueue *finished;   /* ranks > 0: CsSweepFinished *; NULL on rank 0, whose worker threads
                            * write their runs' directories themselves */
  GMutex lock;
  GCond cond;              /* signalled when a local run ends */
  guint ended;             /* local tasks ended (run, failed or skipped) */
  guint executed;          /* runs that succeeded, here or (counted on rank 0) on other ranks */
  guint elsewhere;         /* rank 0: how many of them ran on other ranks */
  gboolean stop;           /* a run failed: hand out and start no more */
  guint failed_run;        /* the lowest-numbered failed run (G_MAXUINT: a rank's failure) */
  guint failed_rank;       /* the rank it ran on */
  GError *failure;         /* its error */
} CsSweepState;

/* --- cs-sweep.c --- */

/* The GThreadPool function: runs run (GPOINTER_TO_UINT (@data) - 1) of the CsSweepState
 * @user_data. */
void cs__sweep_worker (gpointer data, gpointer user_data);
/* Takes the next run to do from st->todo (main thread); FALSE when none is left or a run has
 * failed. */
gboolean cs__sweep_next (CsSweepState *st, guint *run);
/* Removes the regular files of run directory @dir (what an interrupted run may have left). */
void cs__sweep_clear_run_dir (const char *dir);
/* Records that @run (G_MAXUINT: no run in particular) failed on @rank with @error (taken) and
 * stops the sweep; the lowest-numbered failure is the one reported. */
void cs__sweep_fail (CsSweepState *st, guint run, guint rank, GError *error);

/* --- cs-sweep-ranks.c --- */

/* Collective: TRUE when @ok on every rank. Otherwise FALSE on every rank, with @error (which
 * holds this rank's error when !@ok) replaced by the error of the lowest-numbered failing rank. */
gboolean cs__sweep_agree (gboolean ok, GError **error);
/* Collective: rank 0's @data (@length bytes and a NUL after them) becomes every rank's. */
void cs__sweep_share (char **data, gsize *length);
/* Rank 0, main thread, never waiting: answers the other ranks' requests from st->todo and
 * writes the runs they send. TRUE while another rank may still send something. */
gboolean cs__sweep_serve (CsSweepState *st);
/* Rank 0, once every other rank is done: tells them the sweep's outcome (@error NULL: success). */
void cs__sweep_tell_outcome (CsSweepState *st, const GError *error);
/* Ranks > 0: runs what rank 0 hands out on @jobs threads, sends the results, and returns the
 * sweep's outcome as rank 0 tells it. */
gboolean cs__sweep_work (CsSweepState *st, guint jobs, GError **error);
