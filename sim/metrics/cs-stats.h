/* cs-stats.h: summary statistics over samples kept in a GArray of doubles: quantiles (GSL's
 * interpolated quantile of sorted data, the same definition as R type 7), mean. Exact, by sorting a
 * copy: O(n log n), fine for the per-run sample counts chainsim produces (<= 10^7). */
#pragma once

#include <glib.h>

/* The @p-quantile (0 <= p <= 1) of the finite values of @samples (non-finite ones skipped); NAN
 * when there is none. @samples is not modified. */
double cs_quantile (const GArray *samples, double p);

/* Several quantiles at once (one sort): out[i] = quantile of ps[i]. */
void cs_quantiles (const GArray *samples, const double *ps, guint n, double *out);

/* Mean of the finite values; NAN when there is none. */
double cs_mean (const GArray *samples);

/* Number of finite values. */
guint cs_count_finite (const GArray *samples);

/* Sorted copy of the finite values (for CDF tables). */
GArray *cs_sorted_finite (const GArray *samples);
