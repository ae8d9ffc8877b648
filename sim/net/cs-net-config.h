/* cs-net-config.h: the `network:` section of a scenario. A plain struct filled by the scenario
 * loader from cs_net_schema (or by hand in C), plus published presets (bitcoin-2015,
 * bitcoin-2019, litecoin, dogecoin; figures from shared/data/FIGURES.md). The model that uses it
 * is cs-net.h. */
#pragma once

#include <glib.h>
#include "scenario/cs-schema.h"

/* Errors of cs_net_config_validate() and cs_net_new(). */
#define CS_NET_ERROR (cs_net_error_quark ())
GQuark cs_net_error_quark (void);

typedef enum
{
  CS_NET_ERROR_INVALID,  /* the configuration is inconsistent */
} CsNetError;

/* How a message's one-way latency varies around the region table's mean. Every distribution
 * has mean equal to the table entry. */
typedef enum
{
  CS_JITTER_PARETO,       /* Pareto, shape pareto_shape, scale mean*(k-1)/k (Gervais et al.) */
  CS_JITTER_EXPONENTIAL,  /* exponential with that mean */
  CS_JITTER_LOGNORMAL,    /* lognormal, log-sd jitter_sigma, mu = ln(mean) - sigma^2/2 */
  CS_JITTER_UNIFORM,      /* uniform on mean*(1 -/+ jitter_spread) */
  CS_JITTER_NONE,         /* exactly the mean */
  CS_JITTER_PARETO_SIMBLOCK, /* Pareto with shape 0.2 x mean (in ms) and scale mean - 5 ms, per
                              * link, as SimBlock's Network.getLatency: mean exactly the table
                              * entry, spread of a few ms; exactly the mean when it is <= 5 ms */
} CsJitter;

/* How message size turns into time. */
typedef enum
{
  CS_BANDWIDTH_SERIALIZED, /* FIFO uplink, then latency, then downlink capacity (cs-net.h) */
  CS_BANDWIDTH_NONE,       /* latency only; sizes are ignored */
} CsBandwidthModel;

/* One region: an element of CsNetConfig.regions. */
typedef struct
{
  char *name;       /* unique label, e.g. "NA" */
  double share;     /* fraction of the nodes placed here; the shares sum to 1 */
  double upload;    /* each node's uplink, bit/s (0: not given; needed by the serialized model) */
  double download;  /* each node's downlink, bit/s (0: not given) */
} CsNetRegion;

/* The `peers:` subsection: how the peer graph is drawn. */
typedef struct
{
  gint64 outbound;       /* connections each node opens (used when outbound_cdf is empty) */
  GArray *outbound_cdf;  /* double: P(outbound degree <= d) for d = 1..K, non-decreasing to 1;
                          * NULL or empty: every node opens `outbound` */
  gint64 max_inbound;    /* a node accepts no more inbound connections than this */
} CsNetPeersConfig;

/* The `network:` section. */
typedef struct
{
  gint64 nodes;               /* number of nodes, >= 2 */
  GArray *regions;            /* CsNetRegion, stored inline, in the latency matrix's order */
  GArray *latency;            /* GArray * rows of gint64 ns: mean one-way latency from the row's
                               * region (sender) to the column's region (receiver) */
  int jitter;                 /* CsJitter */
  double pareto_shape;        /* CS_JITTER_PARETO shape k > 1 (1.25: scale = mean/5) */
  double jitter_sigma;        /* CS_JITTER_LOGNORMAL log-standard deviation */
  double jitter_spread;       /* CS_JITTER_UNIFORM half-width as a fraction of the mean */
  CsNetPeersConfig peers;     /* peer graph */
  double loss;                /* probability that a transfer is lost */
  int bandwidth_model;        /* CsBandwidthModel */
  guint64 tcp_initial_window; /* TCP slow start: bytes of the first congestion window (0: not
                               * modelled); a transfer of B bytes takes ceil(log2(B/IW + 1))
                               * windows, each after the previous one's round trip */
  guint64 interleave_max;     /* messages of at most this many bytes interleave with the
                                 transfers in progress instead of queueing (0: none do) */
} CsNetConfig;

/* The schema of the `network:` section, with its presets and its check function. */
extern const CsSchema cs_net_schema;

/* The presets of cs_net_schema (NULL-terminated), for tests and `chainsim schema`. */
extern const CsPreset cs_net_presets[];

/* The schema's check function: cross-field consistency (matrix square and matching the regions,
 * unique names, shares summing to 1, degrees below the node count...), located with
 * cs_check_fail(). */
gboolean cs_net_config_check (const void *config, CsCheck *check);

/* The same checks without a loader context, for configurations filled in C: returns FALSE and
 * sets @error (CS_NET_ERROR_INVALID) with "network.KEY: message" on the first problem. cs_net_new() calls it. */
gboolean cs_net_config_validate (const CsNetConfig *config, GError **error);
