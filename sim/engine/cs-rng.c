/* cs-rng.c: reproducible random streams (see cs-rng.h). A stream is a GSL taus2 generator whose
 * 88-bit state is written directly from a SplitMix64 sequence started at a mix of (seed, stream
 * id). gsl_rng_set() is not used: taus2's seeding keeps only 32 bits of its seed, so among 10^4
 * streams two would share a state with probability about 1%. Here, for a given seed, distinct
 * stream ids give distinct 64-bit starting points (every step is a bijection). */
#define G_LOG_DOMAIN "cs-rng"

#include "config.h"

#include <gsl/gsl_errno.h>

#include "engine/cs-rng.h"

/* GSL's taus2 state (taus.c, not public): three words of which the low 32 bits are used. */
typedef struct
{
  unsigned long int s1;  /* component 1: must be > 1 */
  unsigned long int s2;  /* component 2: must be > 7 */
  unsigned long int s3;  /* component 3: must be > 15 */
} CsTaus2State;

/* Outputs thrown away after seeding, as GSL's own taus2 seeding does (it discards 6). */
#define CS_RNG_DISCARD 8

guint64
cs_mix64 (guint64 x)
{
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* One SplitMix64 step. */
static guint64
splitmix64_next (guint64 *state)
{
  *state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return cs_mix64 (*state);
}

/* One 32-bit taus2 component from @sm, at least @min. */
static unsigned long int
taus2_word (guint64 *sm, unsigned long int min)
{
  unsigned long int w = (unsigned long int) (splitmix64_next (sm) >> 32);

  return w < min ? w + min : w;
}

void
cs_rng_reseed (gsl_rng *rng, guint64 seed, guint64 stream_id)
{
  CsTaus2State *st;
  guint64 sm;

  g_return_if_fail (rng != NULL);
  g_return_if_fail (rng->type == gsl_rng_taus2);
  g_return_if_fail (gsl_rng_size (rng) == sizeof (CsTaus2State));

  /* The stream id is mixed before it meets the seed, so neighbouring ids (and neighbouring seeds)
   * start from unrelated points; the constant keeps stream 0 of seed 0 away from the all-zero
   * fixed point of cs_mix64. */
  sm = cs_mix64 (seed ^ cs_mix64 (stream_id + G_GUINT64_CONSTANT (0x6a09e667f3bcc909)));
  st = gsl_rng_state (rng);
  st->s1 = taus2_word (&sm, 2);
  st->s2 = taus2_word (&sm, 8);
  st->s3 = taus2_word (&sm, 16);
  for (int i = 0; i < CS_RNG_DISCARD; i++)
    gsl_rng_get (rng);
}

gsl_rng *
cs_rng_new (guint64 seed, guint64 stream_id)
{
  gsl_rng *rng;

  cs_gsl_init ();
  rng = gsl_rng_alloc (gsl_rng_taus2);
  if (rng == NULL)
    g_error ("gsl_rng_alloc: out of memory");
  cs_rng_reseed (rng, seed, stream_id);
  return rng;
}

void
cs_gsl_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      gsl_set_error_handler_off ();
      g_once_init_leave (&done, 1);
    }
}
