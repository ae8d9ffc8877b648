/* cs-tx.c: transaction serialization, ids and random payments. */
#include "chain/cs-tx.h"

#include <string.h>

static guint8 *
put_le (guint8 *p, guint64 v, guint bytes)
{
  for (guint i = 0; i < bytes; i++)
    p[i] = (guint8) (v >> (8 * i));
  return p + bytes;
}

void
cs_tx_serialize (const CsTx *tx, guint8 out[CS_TX_BODY_SIZE])
{
  guint8 *p = out;
  p = put_le (p, tx->sender, 4);
  p = put_le (p, tx->nonce, 8);
  p = put_le (p, tx->n_inputs, 2);
  p = put_le (p, tx->n_outputs, 2);
  p = put_le (p, tx->amount, 8);
  p = put_le (p, tx->fee, 8);
  p = put_le (p, tx->size, 4);
  g_assert (p == out + CS_TX_BODY_SIZE);
}

void
cs_tx_compute_id (const CsTx *tx, CsHash *out)
{
  guint8 body[CS_TX_BODY_SIZE];
  cs_tx_serialize (tx, body);
  cs_sha256d (body, sizeof body, out);
}

gboolean
cs_tx_id_valid (const CsTx *tx)
{
  CsHash id;
  cs_tx_compute_id (tx, &id);
  return cs_hash_equal (&id, &tx->id);
}

void
cs_tx_init (CsTx *tx, guint32 sender, guint64 nonce, guint16 n_inputs, guint16 n_outputs,
            guint64 amount, guint64 fee, guint32 size)
{
  memset (tx, 0, sizeof *tx);
  tx->sender = sender;
  tx->nonce = nonce;
  tx->n_inputs = n_inputs;
  tx->n_outputs = n_outputs;
  tx->amount = amount;
  tx->fee = fee;
  tx->size = size;
  cs_tx_compute_id (tx, &tx->id);
}

/* 16 random bits: every GSL generator offers at least that range, so the draw never fails. */
static guint64
rand16 (gsl_rng *rng)
{
  return gsl_rng_uniform_int (rng, 1 << 16);
}

static guint64
rand64 (gsl_rng *rng)
{
  guint64 v = 0;
  for (int i = 0; i < 4; i++)
    v = (v << 16) | rand16 (rng);
  return v;
}

void
cs_tx_init_random (CsTx *tx, gsl_rng *rng, guint32 n_accounts)
{
  guint32 sender, size;
  guint16 n_in, n_out;
  guint64 nonce, amount, fee;

  g_return_if_fail (n_accounts > 0);
  /* Draw in a fixed order (the order is part of the determinism contract). */
  sender = (guint32) gsl_rng_uniform_int (rng, n_accounts);
  nonce = rand64 (rng);
  n_in = (guint16) (1 + gsl_rng_uniform_int (rng, 3));
  n_out = (guint16) (1 + gsl_rng_uniform_int (rng, 2));
  amount = 1000 + (rand64 (rng) % G_GUINT64_CONSTANT (100000000000));
  size = 10 + 148 * (guint32) n_in + 34 * (guint32) n_out;
  fee = (guint64) size * (1 + gsl_rng_uniform_int (rng, 50));
  cs_tx_init (tx, sender, nonce, n_in, n_out, amount, fee, size);
}

CsTx *
cs_tx_new (guint32 sender, guint64 nonce, guint16 n_inputs, guint16 n_outputs, guint64 amount,
           guint64 fee, guint32 size)
{
  CsTx *tx = g_new (CsTx, 1);
  cs_tx_init (tx, sender, nonce, n_inputs, n_outputs, amount, fee, size);
  return tx;
}

CsTx *
cs_tx_new_random (gsl_rng *rng, guint32 n_accounts)
{
  CsTx *tx = g_new (CsTx, 1);
  cs_tx_init_random (tx, rng, n_accounts);
  return tx;
}

void
cs_tx_free (CsTx *tx)
{
  g_free (tx);
}
