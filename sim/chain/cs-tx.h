/* cs-tx.h: transactions as small real records. A CsTx is a by-value struct (72 bytes) whose id is
 * the double SHA-256 of a fixed 36-byte little-endian serialization of its body, so the ids that
 * feed a block's Merkle root are real hashes of real contents. Blocks copy the transactions they
 * carry (cs-block.h): there is no reference counting here.
 *
 * Body serialization (CS_TX_BODY_SIZE bytes, all little-endian):
 *   sender u32 | nonce u64 | n_inputs u16 | n_outputs u16 | amount u64 | fee u64 | size u32 */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include "chain/cs-hash.h"

#define CS_TX_BODY_SIZE 36

typedef struct _CsTx CsTx;

struct _CsTx
{
  CsHash id;          /* sha256d of the serialized body (cs_tx_compute_id) */
  guint64 nonce;      /* the sender's sequence number (makes otherwise equal txs distinct) */
  guint64 amount;     /* total value of the outputs, in base units */
  guint64 fee;        /* fee paid to the miner, in base units */
  guint32 sender;     /* sending account */
  guint32 size;       /* size on the wire, in bytes (what bandwidth and block limits count) */
  guint16 n_inputs;   /* inputs spent */
  guint16 n_outputs;  /* outputs created */
};

/* Writes the body (everything but the id) into @out. */
void cs_tx_serialize (const CsTx *tx, guint8 out[CS_TX_BODY_SIZE]);

/* sha256d of the serialized body. */
void cs_tx_compute_id (const CsTx *tx, CsHash *out);

/* TRUE when tx->id matches the body. */
gboolean cs_tx_id_valid (const CsTx *tx);

/* Fills @tx from explicit fields and computes its id. */
void cs_tx_init (CsTx *tx, guint32 sender, guint64 nonce, guint16 n_inputs, guint16 n_outputs,
                 guint64 amount, guint64 fee, guint32 size);

/* Fills @tx with a plausible random payment drawn from @rng (any GSL generator with at least 16
 * random bits per draw): sender uniform below @n_accounts (> 0), 1-3 inputs and 1-2 outputs,
 * legacy P2PKH size 10 + 148 inputs + 34 outputs bytes, fee rate 1-50 units per byte, a random
 * 64-bit nonce. Deterministic for a given generator state. */
void cs_tx_init_random (CsTx *tx, gsl_rng *rng, guint32 n_accounts);

/* Heap-allocated variants, freed with cs_tx_free() (or g_autoptr (CsTx)). */
CsTx *cs_tx_new (guint32 sender, guint64 nonce, guint16 n_inputs, guint16 n_outputs,
                 guint64 amount, guint64 fee, guint32 size);
CsTx *cs_tx_new_random (gsl_rng *rng, guint32 n_accounts);
void cs_tx_free (CsTx *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTx, cs_tx_free)
