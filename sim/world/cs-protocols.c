/* cs-protocols.c: the protocol registry of cs-protocols.h, one entry per protocol, in the order of
 * CsProtocolKind. */
#include "world/cs-protocols.h"

#include "gossip/cs-gossip-probe.h"

/* ---- gossip ---- */

static gpointer
gossip_shared_new (const CsScenario *scenario, CsNet *net)
{
  return (gpointer) &scenario->gossip; /* its configuration is all it shares */
}

static gpointer
gossip_probe_new (const CsScenario *scenario, CsNet *net, gpointer shared)
{
  return cs_gossip_probe_new (&scenario->gossip, cs_net_n_nodes (net));
}

static void
gossip_probe_emit (guint32 node, CsTime now, guint metric, guint64 key, double value,
                   gpointer probe)
{
  cs_gossip_probe_emit (probe, node, now, metric, key, value);
}

static void
gossip_probe_report (gpointer probe, const CsScenario *scenario, CsJson *summary, CsOutput *out)
{
  cs_gossip_probe_report (probe, summary, out);
}

static void
gossip_probe_free (gpointer probe)
{
  cs_gossip_probe_free (probe);
}

static void
inject_origination (guint32 node, CsTime at, guint64 id, gpointer world)
{
  cs_world_inject_timer (world, node, at, CS_GOSSIP_TIMER_ORIGINATE, GSIZE_TO_POINTER (id));
}

static void
gossip_plan (const CsScenario *scenario, gpointer shared, CsWorld *world, gsl_rng *rng)
{
  cs_gossip_plan (&scenario->gossip, cs_net_n_nodes (cs_world_net (world)), rng,
                  scenario->duration, inject_origination, world);
}

static const CsProtocolEntry entries[] = {
  [CS_PROTOCOL_GOSSIP] = {
    .name = "gossip",
    .klass = &cs_gossip_class,
    .shared_new = gossip_shared_new,
    .probe_new = gossip_probe_new,
    .probe_emit = gossip_probe_emit,
    .probe_report = gossip_probe_report,
    .probe_free = gossip_probe_free,
    .plan = gossip_plan,
  },
};

const CsProtocolEntry *
cs_protocol_entry (int kind)
{
  g_return_val_if_fail (kind >= 0 && kind < (int) G_N_ELEMENTS (entries), NULL);
  g_assert (g_strcmp0 (entries[kind].name, cs_protocol_names[kind]) == 0);
  return &entries[kind];
}
