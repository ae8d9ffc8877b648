/* cs-sweep-aggregate.c: DIR/sweep.csv from the runs' metrics.csv files (cs-sweep.h). Metrics
 * are every name of the runs' metrics.csv except the seed (each run's own), in the order they
 * are first met reading the runs in run order: deterministic, and the order of summary.json.
 * A metric missing from a run, or null there (non-finite), does not count in its n.
 *
 * Columns: point, the parameters (typed values in base units), runs (per point), then for each
 * metric M: M.mean, M.sd, M.n, M.ci95_lo, M.ci95_hi. Empty cells where a figure is undefined
 * (n = 0 for the mean; n < 2 for the rest).
 *
 * Complexity: O(runs x metrics) time; memory O(points x metrics) for the statistics plus one
 * point's values at a time. */
#include "sweep/cs-sweep.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "metrics/cs-csv.h"
#include "metrics/cs-output.h"
#include "sweep/cs-table.h"

void
cs_sweep_stat (const double *values, guint n, CsSweepStat *stat)
{
  g_autofree double *finite = g_new (double, MAX (n, 1));
  guint k = 0;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      finite[k++] = values[i];
  *stat = (CsSweepStat) { .n = k, .mean = NAN, .sd = NAN, .ci_lo = NAN, .ci_hi = NAN };
  if (k == 0)
    return;
  stat->mean = gsl_stats_mean (finite, 1, k);
  if (k < 2)
    return;
  stat->sd = gsl_stats_sd_m (finite, 1, k, stat->mean);
  double half = gsl_cdf_tdist_Pinv (0.975, (double) (k - 1)) * stat->sd / sqrt ((double) k);
  stat->ci_lo = stat->mean - half;
  stat->ci_hi = stat->mean + half;
}

static const char *const stat_suffixes[] = { "mean", "sd", "n", "ci95_lo", "ci95_hi" };

static void
stats_free (gpointer p)
{
  g_array_unref (p);
}

gboolean
cs_sweep_aggregate (const char *out_dir, const GPtrArray *params, guint n_points,
                    guint replicates, const GPtrArray *run_dirs, const GPtrArray *point_cells,
                    GError **error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);  /* metric order */
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal); /* name -> i + 1 */
  g_autoptr (GPtrArray) point_stats = g_ptr_array_new_with_free_func (stats_free);
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double)); /* [metric][rep] */

  for (guint p = 0; p < n_points; p++)
    {
      g_array_set_size (values, 0);
      for (guint r = 0; r < replicates; r++)
        {
          const char *dir = run_dirs->pdata[p * replicates + r];
          g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
          g_autoptr (GError) local = NULL;
          g_autoptr (CsTable) table = cs_table_read (path, &local);
          if (!table)
            {
              g_set_error (error, CS_SWEEP_ERROR, CS_SWEEP_ERROR_IO, "%s: error: %s", path,
                           local->message);
              return FALSE;
            }
          for (guint row = 0; row < table->rows->len; row++)
            {
              const char *name = cs_table_cell (table, row, 0);
              if (*name == '\0' || strcmp (name, "seed") == 0)
                continue;
              guint m = GPOINTER_TO_UINT (g_hash_table_lookup (index, name));
              if (m == 0)
                {
                  char *copy = g_strdup (name);
                  g_ptr_array_add (names, copy);
                  m = names->len;
                  g_hash_table_insert (index, copy, GUINT_TO_POINTER (m));
                }
              m--;
              if (values->len < (m + 1) * replicates)
                {
                  guint old = values->len;
                  g_array_set_size (values, names->len * replicates);
                  for (guint i = old; i < values->len; i++)
                    g_array_index (values, double, i) = NAN;
                }
              g_array_index (values, double, m * replicates + r)
                = cs_table_number (cs_table_cell (table, row, 1));
            }
        }
      guint n_metrics = values->len / replicates;
      GArray *stats = g_array_sized_new (FALSE, FALSE, sizeof (CsSweepStat), n_metrics);
      for (guint m = 0; m < n_metrics; m++)
        {
          CsSweepStat st;
          cs_sweep_stat (&g_array_index (values, double, m * replicates), replicates, &st);
          g_array_append_val (stats, st);
        }
      g_ptr_array_add (point_stats, stats);
    }

  /* The header. */
  g_autoptr (GPtrArray) cols = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cols, g_strdup ("point"));
  for (guint i = 0; i < params->len; i++)
    g_ptr_array_add (cols, g_strdup (params->pdata[i]));
  g_ptr_array_add (cols, g_strdup ("runs"));
  for (guint m = 0; m < names->len; m++)
    for (guint s = 0; s < G_N_ELEMENTS (stat_suffixes); s++)
      g_ptr_array_add (cols, g_strdup_printf ("%s.%s", (char *) names->pdata[m],
                                              stat_suffixes[s]));
  g_ptr_array_add (cols, NULL);

  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (CsCsv) csv = cs_csv_new (out, (const char *const *) cols->pdata);
  for (guint p = 0; p < n_points; p++)
    {
      const GPtrArray *cells = point_cells->pdata[p];
      const GArray *stats = point_stats->pdata[p];
      cs_csv_int (csv, p);
      for (guint i = 0; i < params->len; i++)
        cs_csv_string (csv, cells->pdata[i]);
      cs_csv_int (csv, replicates);
      for (guint m = 0; m < names->len; m++)
        {
          CsSweepStat st = { .mean = NAN, .sd = NAN, .ci_lo = NAN, .ci_hi = NAN };
          if (m < stats->len)
            st = g_array_index (stats, CsSweepStat, m);
          cs_csv_double (csv, st.mean);
          cs_csv_double (csv, st.sd);
          cs_csv_int (csv, st.n);
          cs_csv_double (csv, st.ci_lo);
          cs_csv_double (csv, st.ci_hi);
        }
      cs_csv_end_row (csv);
    }
  g_autofree char *path = g_build_filename (out_dir, "sweep.csv", NULL);
  if (!cs_write_file_atomic (path, out->str, out->len, error))
    {
      g_prefix_error (error, "%s: error: ", path);
      (*error)->domain = CS_SWEEP_ERROR;
      (*error)->code = CS_SWEEP_ERROR_IO;
      return FALSE;
    }
  return TRUE;
}
