/* cs-plot.h: `chainsim plot DIR`. Looks at what DIR holds, a single run (summary.json and its CSV
 * files) or a sweep (sweep.csv), and runs the gnuplot scripts of analysis/ that apply, each
 * writing DIR/NAME.png and DIR/NAME.svg:
 *
 *   single run                        script                     output NAME
 *   messages.csv + propagation.csv    propagation.gp             propagation
 *   blocks.csv (+ propagation.csv)    block-propagation.gp       block-propagation
 *   blocks.csv                        chain.gp                   chain
 *   availability.csv                  availability-time.gp       availability-time
 *   metrics.csv with inference        inference.gp               inference
 *   sweep
 *   chain.stale_rate, nakamoto.interval swept     stale-rate.gp  stale-vs-interval
 *   chain.stale_rate, nakamoto.block_size swept   stale-rate.gp  stale-vs-block-size
 *   storage strategies' object_availability and storage.faults.node_uptime
 *                                                 availability.gp availability-vs-unavailability
 *
 * The scripts read the CSV files themselves; the command passes them file names, column names and
 * what it found (series, strategies) as gnuplot variables. Scripts are looked for in
 * $CHAINSIM_ANALYSIS_DIR, then in the source tree's analysis/ (running from the build tree),
 * then where `make install` put them. gnuplot is found on PATH. */
#pragma once

#include <glib.h>

#define CS_PLOT_ERROR (cs_plot_error_quark ())
GQuark cs_plot_error_quark (void);

typedef enum
{
  CS_PLOT_ERROR_NO_RESULTS,  /* DIR holds neither summary.json nor sweep.csv (bad input) */
  CS_PLOT_ERROR_NO_GNUPLOT,  /* gnuplot is not on PATH */
  CS_PLOT_ERROR_NO_SCRIPTS,  /* the analysis scripts cannot be found */
  CS_PLOT_ERROR_GNUPLOT,     /* gnuplot failed */
  CS_PLOT_ERROR_NOTHING,     /* DIR holds results none of the plots applies to */
} CsPlotError;

/* Draws every plot that applies to @dir. Appends the files written (char *, to be freed by
 * @written's free function) to @written, which may be NULL. */
gboolean cs_plot (const char *dir, GPtrArray *written, GError **error);

/* The directory of the gnuplot scripts (see above), or NULL with @error set. */
char *cs_plot_scripts_dir (GError **error);
