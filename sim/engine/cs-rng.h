/* cs-rng.h: reproducible random streams. Every node and every subsystem draws from a stream of its
 * own, seeded from (scenario seed, stream id) through a mixing function, so adding a node or a
 * subsystem shifts no other stream. Streams are GSL generators (taus2: small state, fast), never
 * set up from the environment. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

/* Subsystems that own streams; the stream id combines one of these with an index (node id...). */
typedef enum
{
  CS_STREAM_WORLD = 1,     /* building the world: placement, peer graph */
  CS_STREAM_NET = 2,       /* per-message latency jitter and loss */
  CS_STREAM_NODE = 3,      /* a node's own protocol randomness */
  CS_STREAM_MINING = 4,    /* block discovery */
  CS_STREAM_WORKLOAD = 5,  /* client requests, gossip message origins */
  CS_STREAM_FAULT = 6,     /* failures */
  CS_STREAM_STORAGE = 7,   /* placement and repair */
} CsStreamKind;

/* The stream id of (@kind, @index). */
static inline guint64
cs_stream_id (CsStreamKind kind, guint64 index)
{
  return ((guint64) kind << 48) ^ index;
}

/* SplitMix64 finaliser: a bijective 64-bit mixing function. */
guint64 cs_mix64 (guint64 x);

/* A new generator for stream @stream_id of a run seeded with @seed. Free with gsl_rng_free(). */
gsl_rng *cs_rng_new (guint64 seed, guint64 stream_id);

/* Reseeds @rng in place as stream @stream_id of @seed (no allocation). */
void cs_rng_reseed (gsl_rng *rng, guint64 seed, guint64 stream_id);

/* Turns GSL's abort-on-error handler off once per process; call before any GSL use. */
void cs_gsl_init (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)
