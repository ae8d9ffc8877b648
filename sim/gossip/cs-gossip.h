/* cs-gossip.h: flooding gossip, the first end-to-end workload. Messages originate at random nodes
 * (a Poisson process); every node forwards a message the first time it receives it, after a
 * processing delay, to all its peers but the sender. The probe measures how long each message
 * takes to reach 50%, 90% and 100% of the nodes. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "engine/cs-time.h"
#include "node/cs-node.h"
#include "scenario/cs-schema.h"

/* The scenario's `gossip:` section. */
typedef struct
{
  gint64 messages;          /* how many messages are originated */
  CsTime interval;          /* mean time between originations (exponential gaps) */
  CsTime start;             /* time of the first origination window */
  guint64 size;             /* bytes per message on the wire */
  CsTime processing_delay;  /* from first receipt to forwarding */
} CsGossipConfig;

extern const CsSchema cs_gossip_schema;
extern const CsProtocolClass cs_gossip_class;

/* Metric ids the protocol emits (key: message id, value: unused). */
enum
{
  CS_GOSSIP_ORIGINATED = 1,
  CS_GOSSIP_RECEIVED = 2,
  CS_GOSSIP_DUPLICATE = 3,
};

/* Timer kinds. */
enum
{
  CS_GOSSIP_TIMER_ORIGINATE = 1, /* arg: message id */
  CS_GOSSIP_TIMER_FORWARD = 2,   /* arg: message id and sender, packed */
};

/* Called for each planned origination: message @id starts at node @node at time @at. */
typedef void (*CsGossipPlanFunc) (guint32 node, CsTime at, guint64 id, gpointer user_data);

/* Plans the originations of @config over @n_nodes nodes: gaps exponential with mean
 * config->interval from config->start, origin nodes uniform; only those before @horizon. */
void cs_gossip_plan (const CsGossipConfig *config, guint n_nodes, gsl_rng *rng, CsTime horizon,
                     CsGossipPlanFunc func, gpointer user_data);
