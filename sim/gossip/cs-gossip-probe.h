/* cs-gossip-probe.h: turns the gossip protocol's measurements into results: per message, the time
 * it took to reach 50%, 90% and 100% of the nodes; over all messages, the medians of these and
 * the propagation curve f(t) (the fraction of nodes holding a message t seconds after it was
 * sent). Writes the `gossip` object of summary.json, messages.csv and propagation.csv. */
#pragma once

#include <glib.h>

#include "engine/cs-time.h"
#include "gossip/cs-gossip.h"
#include "metrics/cs-json.h"
#include "metrics/cs-output.h"

typedef struct _CsGossipProbe CsGossipProbe;

CsGossipProbe *cs_gossip_probe_new (const CsGossipConfig *config, guint n_nodes);
void cs_gossip_probe_free (CsGossipProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsGossipProbe, cs_gossip_probe_free)

/* One measurement emitted by node @node at time @now. Arrivals must come in time order (they do:
 * the engine's order), so the k-th receipt of a message is its k-th arrival. */
void cs_gossip_probe_emit (CsGossipProbe *probe, guint32 node, CsTime now, guint metric,
                           guint64 key, double value);

/* Writes the `gossip` member into @summary (an open object) and the CSV files into @out. */
void cs_gossip_probe_report (CsGossipProbe *probe, CsJson *summary, CsOutput *out);

/* Headline figures, for tests: medians over messages of the time to reach 50/90/100% of nodes
 * (seconds; NAN when no message got there), and how many messages reached every node. */
void cs_gossip_probe_medians (CsGossipProbe *probe, double *p50, double *p90, double *p100,
                              guint *complete);
