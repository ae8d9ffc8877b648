/* cs-nakamoto-world.h: building a Nakamoto run over a network model (nakamoto-world.c): what the
 * protocol registry calls, kept apart from the node logic, which knows nothing of the network. */
#pragma once

#include <glib.h>

#include "consensus/cs-chain-probe.h"
#include "consensus/cs-nakamoto.h"
#include "net/cs-net.h"

/* The shared data of a run over @net: pools placed by the nodes' degrees and regions, pool nodes
 * given config->pool_upload / pool_download (@net is modified). NULL with @error set when the
 * pools cannot be placed. */
CsNakamotoShared *cs_nakamoto_shared_from_net (const CsNakamotoConfig *config, CsNet *net,
                                               guint64 seed, GError **error);

/* The chain probe of a run (settle: config->settle, or three intervals). */
CsChainProbe *cs_nakamoto_probe_new (const CsNakamotoShared *shared);
