/* cs-storage-workload.c: the client workload, drawn once before the run so that every strategy
 * sees exactly the same requests: reads arrive as a Poisson process (exponential gaps of mean
 * reads.interval) at uniformly chosen client nodes and ask for object ranks from a Zipf law,
 * P(rank i) ~ 1 / i^s, drawn by binary search in its precomputed CDF (O(log n) per draw, O(n)
 * memory; rank i is the collection's object i); inference requests arrive likewise. */
#include "storage/cs-storage-private.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* The cumulative Zipf weights of ranks 1..@n with exponent @s, normalised to end at 1. */
static double *
zipf_cdf (guint n, double s)
{
  double *cdf = g_new (double, n);
  double sum = 0;
  for (guint i = 0; i < n; i++)
    {
      sum += pow ((double) (i + 1), -s);
      cdf[i] = sum;
    }
  for (guint i = 0; i < n; i++)
    cdf[i] /= sum;
  cdf[n - 1] = 1.0;
  return cdf;
}

/* The first rank whose cumulative weight exceeds @u. */
static guint
zipf_rank (const double *cdf, guint n, double u)
{
  guint lo = 0, hi = n - 1;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (cdf[mid] > u)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

void
cs__storage_workload_plan (CsStorageService *svc, gsl_rng *rng)
{
  const CsStorageConfig *c = svc->config;
  if (svc->reads_coll >= 0)
    {
      guint n = (guint) g_array_index (c->collections, CsCollectionConfig,
                                       svc->reads_coll).objects;
      g_autofree double *cdf = zipf_cdf (n, c->reads.zipf);
      double t = cs_time_to_s (c->reads.start), mean = cs_time_to_s (c->reads.interval);
      for (;;)
        {
          t += gsl_ran_exponential (rng, mean); /* GSL takes the mean */
          CsTime at = cs_time_from_s (t);
          if (at >= svc->horizon)
            break;
          CsReadRequest r = {
            .at = at,
            .client = (guint32) gsl_rng_uniform_int (rng, svc->n_nodes),
            .object = svc->coll_base[svc->reads_coll] + zipf_rank (cdf, n, gsl_rng_uniform (rng)),
          };
          g_array_append_val (svc->reads, r);
        }
    }
  if (svc->model_coll >= 0)
    {
      double t = cs_time_to_s (c->inference.start), mean = cs_time_to_s (c->inference.interval);
      for (;;)
        {
          t += gsl_ran_exponential (rng, mean);
          CsTime at = cs_time_from_s (t);
          if (at >= svc->horizon)
            break;
          CsInferRequest r = {
            .at = at, .client = (guint32) gsl_rng_uniform_int (rng, svc->n_nodes),
          };
          g_array_append_val (svc->infers, r);
        }
    }
}
