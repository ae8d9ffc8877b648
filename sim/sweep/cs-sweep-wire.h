/* cs-sweep-wire.h: the messages between the ranks of a sweep over MPI (cs-sweep-ranks.c) as
 * bytes. Rank 0 owns the sweep directory and hands out runs; the other ranks ask for runs, run
 * them with their outputs kept in memory, and send the files back, so that rank 0 writes every
 * run's directory itself and no shared filesystem is needed:
 *
 *   rank r > 0                          rank 0
 *   REQUEST (count = its threads) --->
 *                                 <---  ASSIGN (runs; none: nothing left, stop asking)
 *   RESULT (run, files or error,  --->  writes DIR/runs/ID/ as a local run would
 *           count = 1 more or 0)  <---  ASSIGN (when count was 1)
 *   ...                           <---  STATUS (the sweep's outcome, after aggregation)
 *   FAILED (error)                --->  (instead of REQUEST: this rank cannot take part)
 *
 * Encoding: a magic number, the kind, then the fields in a fixed order; integers little-endian,
 * strings and file contents length-prefixed. Decoding checks every length against what is left,
 * so a damaged or foreign message is an error, never a crash. Not in the hot path: one message
 * per run. */
#pragma once

#include <glib.h>

#include "metrics/cs-output.h"

typedef enum
{
  CS_WIRE_REQUEST = 1, /* count: runs wanted; message: the sender's chainsim version */
  CS_WIRE_ASSIGN,      /* runs: run indices to do; none: nothing left */
  CS_WIRE_RESULT,      /* run, ok; files (ok) or the error (not ok); count: runs wanted next */
  CS_WIRE_FAILED,      /* the error that keeps the sender out of the sweep */
  CS_WIRE_STATUS,      /* ok, or the sweep's error */
} CsWireKind;

typedef struct
{
  CsWireKind kind;
  guint32 count;    /* REQUEST, RESULT: runs wanted */
  GArray *runs;     /* ASSIGN: guint32 run indices (NULL: none) */
  guint32 run;      /* RESULT: which run */
  gboolean ok;      /* RESULT, STATUS: success */
  GBytes *files;    /* RESULT when ok: the run's files (cs_wire_pack_files) */
  char *domain;     /* FAILED, and RESULT and STATUS when not ok: the error's GQuark name, */
  guint32 code;     /*   its code */
  char *message;    /*   and its one-line message; REQUEST: the sender's chainsim version */
} CsWireMessage;

GBytes *cs_wire_encode (const CsWireMessage *message);
/* Decodes @bytes into @message (cleared first); FALSE with @error set when they are not a
 * well-formed message. */
gboolean cs_wire_decode (GBytes *bytes, CsWireMessage *message, GError **error);
void cs_wire_message_clear (CsWireMessage *message);

/* Sets @message's error fields from @error, and back. */
void cs_wire_set_error (CsWireMessage *message, const GError *error);
GError *cs_wire_get_error (const CsWireMessage *message);

/* A run's output files (names and bytes, in creation order) as bytes, and back as the output
 * of directory @dir, ready for cs_output_commit. */
GBytes *cs_wire_pack_files (const CsOutput *output);
CsOutput *cs_wire_unpack_files (GBytes *files, const char *dir, GError **error);
