/* cs-stats.c: quantiles and means of cs-stats.h, on top of GSL's statistics. */
#include "metrics/cs-stats.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

GArray *
cs_sorted_finite (const GArray *samples)
{
  GArray *sorted = g_array_sized_new (FALSE, FALSE, sizeof (double), samples->len);
  for (guint i = 0; i < samples->len; i++)
    {
      double v = g_array_index (samples, double, i);
      if (isfinite (v))
        g_array_append_val (sorted, v);
    }
  g_array_sort (sorted, cmp_double);
  return sorted;
}

void
cs_quantiles (const GArray *samples, const double *ps, guint n, double *out)
{
  g_autoptr (GArray) sorted = cs_sorted_finite (samples);
  for (guint i = 0; i < n; i++)
    out[i] = sorted->len == 0 ? NAN
             : gsl_stats_quantile_from_sorted_data ((const double *) sorted->data, 1,
                                                    sorted->len, ps[i]);
}

double
cs_quantile (const GArray *samples, double p)
{
  double q;
  cs_quantiles (samples, &p, 1, &q);
  return q;
}

double
cs_mean (const GArray *samples)
{
  g_autoptr (GArray) sorted = cs_sorted_finite (samples);
  return sorted->len == 0 ? NAN : gsl_stats_mean ((const double *) sorted->data, 1, sorted->len);
}

guint
cs_count_finite (const GArray *samples)
{
  guint n = 0;
  for (guint i = 0; i < samples->len; i++)
    n += isfinite (g_array_index (samples, double, i)) ? 1 : 0;
  return n;
}
