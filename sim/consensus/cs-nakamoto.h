/* cs-nakamoto.h: Nakamoto proof-of-work consensus (nakamoto.c) and its scenario section.
 *
 * Every node keeps a CsBlockTree (most work wins, first seen on ties). Mining is a race: a miner
 * with hash share s finds its next block after an exponential time of mean interval / s (scaled
 * by difficulty), drawn from its own stream and redrawn whenever its tip changes. Blocks travel
 * by one of three relay modes (inv-getdata, unsolicited, compact), are validated on arrival at a
 * simulated cost, and become the node's tip when they carry more work. Orphans (parent missing)
 * wait in the tree while the parent is requested from the peer that sent them.
 *
 * Hash power sits either in pools (a list of shares, each placed on one node) or is spread evenly
 * over miners. Pools are placed on distinct nodes: in their region when one is given, else
 * anywhere; `placement: random` draws uniformly among the candidates, `best-connected` takes
 * those with the most peers (ties to the lower id). `pool_mesh` links every pool to every other
 * directly (the miners' own interconnection, as in Gervais et al.'s simulator and in practice
 * through relay networks); `pool_upload`/`pool_download` give pool nodes their own bandwidth.
 *
 * Per-node memory: the block tree (cs-block-tree.h), one bit per block of the run for "received",
 * and small arrays that are empty between blocks (validation queue, requests in flight, orphans
 * waiting): about 200 bytes + 2 bits per (node, block). */
#pragma once

#include <glib.h>

#include "chain/cs-block-tree.h"
#include "chain/cs-retarget.h"
#include "chain/cs-validate.h"
#include "consensus/cs-consensus.h"
#include "net/cs-net-config.h"
#include "scenario/cs-schema.h"

/* Block relay modes. */
typedef enum
{
  CS_RELAY_INV_GETDATA,  /* announce (inv), the peer asks (getdata) if it lacks it, then block */
  CS_RELAY_UNSOLICITED,  /* push the full block to every peer */
  CS_RELAY_COMPACT,      /* BIP152 compact blocks, missing transactions in one more round trip */
} CsRelayMode;

/* Where hash power sits. */
typedef enum
{
  CS_HASH_POOLS,    /* the `pools` list */
  CS_HASH_UNIFORM,  /* `miners` nodes (0: all) with equal shares */
} CsHashPower;

/* How pools (or uniform miners) are placed on nodes. */
typedef enum
{
  CS_PLACE_RANDOM,          /* uniformly among the candidate nodes */
  CS_PLACE_BEST_CONNECTED,  /* the candidates with the most peers */
} CsPlacement;

/* One element of `pools:`. */
typedef struct
{
  double share;   /* fraction of the network's hash power (the shares are normalized) */
  char *region;   /* network region to place it in; NULL or empty: any */
} CsPoolConfig;

/* The scenario's `nakamoto:` section. */
typedef struct
{
  CsTime interval;            /* target time between blocks */
  guint64 block_size;         /* bytes of every block on the wire */
  guint64 tx_size;            /* mean transaction size: a block stands for block_size / tx_size */
  gint64 tx_sample;           /* real transactions carried (and hashed) per block */
  guint64 max_block_size;     /* consensus size limit; 0: none */
  int relay;                  /* CsRelayMode */
  gboolean compact_high_bandwidth; /* compact: push compact blocks (BIP152 high-bandwidth mode);
                                    * FALSE: announce, and send one when asked (low-bandwidth) */
  double compact_miss_rate;   /* compact: fraction of a block's transactions a receiver lacks */
  int hash_power;             /* CsHashPower */
  GArray *pools;              /* CsPoolConfig, inline */
  gint64 miners;              /* uniform: how many miners (0: every node) */
  int placement;              /* CsPlacement */
  gboolean pool_mesh;         /* pools send blocks to every other pool directly */
  gboolean known_filter;      /* no announcement to a peer that announced the block first */
  double pool_upload;         /* bit/s of pool nodes' uplinks; 0: their region's */
  double pool_download;       /* bit/s of pool nodes' downlinks; 0: their region's */
  CsTime validation_fixed;    /* simulated validation time of a block... */
  CsTime validation_per_kb;   /* ...plus this per 1000 bytes... */
  CsTime validation_per_tx;   /* ...plus this per transaction */
  gint64 retarget_interval;   /* blocks between difficulty adjustments; 0: fixed difficulty */
  double hashrate_scale;      /* the network's hash rate over the one the genesis target expects
                               * (1: blocks come every `interval`) */
  char *genesis_bits;         /* compact target of the genesis block, hex ("0x1d00ffff") */
  gboolean real_pow;          /* miners search nonces for real (needs an easy target) */
  double invalid_fraction;    /* probability that a mined block is invalid (a faulty miner) */
  CsTime request_timeout;     /* a block requested this long ago may be asked from another peer */
  gint64 confirmations;       /* depth at which a block counts as committed; 0: never */
  CsTime settle;              /* blocks mined this close to the end are left out of the stale
                               * accounting (0: three intervals) */
} CsNakamotoConfig;

/* Errors of cs_nakamoto_shared_new() (code 0: the configuration cannot be built). */
#define CS_NAKAMOTO_ERROR (cs_nakamoto_error_quark ())
GQuark cs_nakamoto_error_quark (void);

extern const CsSchema cs_nakamoto_schema;
extern const char *const cs_relay_mode_names[];

/* Message types on the wire. Bodies: a CsBlock* reference (freed with the message), except
 * GETBLOCKTXN: a CsNakGetBlockTxn. */
enum
{
  CS_NAK_MSG_INV = 1,          /* announces a block */
  CS_NAK_MSG_GETDATA,          /* asks for a full block */
  CS_NAK_MSG_GETDATA_CMPCT,    /* asks for a compact block (low-bandwidth compact relay) */
  CS_NAK_MSG_BLOCK,            /* a full block */
  CS_NAK_MSG_CMPCT,            /* a compact block: header, short ids, the coinbase */
  CS_NAK_MSG_GETBLOCKTXN,      /* asks for the transactions a compact block lacked */
  CS_NAK_MSG_BLOCKTXN,         /* those transactions: the block is complete */
};

/* Body of CS_NAK_MSG_GETBLOCKTXN. */
typedef struct
{
  CsBlock *block;    /* the block (a reference) */
  guint64 missing;   /* transactions asked for */
} CsNakGetBlockTxn;

/* Frees a CsNakGetBlockTxn (the body_free of its messages). */
void cs_nakamoto_getblocktxn_free (gpointer body);

/* Wire sizes, bytes (Bitcoin's P2P protocol: 24-byte message header, 36-byte inventory entry,
 * 80-byte block header; a compact block's short ids are 6 bytes, BIP152). */
#define CS_NAK_MSG_HEADER 24
#define CS_NAK_INV_SIZE (CS_NAK_MSG_HEADER + 1 + 36)  /* 61: one inv or getdata entry */
#define CS_NAK_SHORT_ID 6

/* Timer kinds. */
enum
{
  CS_NAK_TIMER_MINE = 1,      /* the node's next block is found */
  CS_NAK_TIMER_VALIDATED = 2, /* the block at the head of the validation queue is checked */
};

/* The protocol's shared data (ctx->shared): the chain log first (cs-consensus.h convention). */
typedef struct
{
  CsChainLog log;                 /* every block of the run; MUST stay first */
  const CsNakamotoConfig *config; /* borrowed */
  CsValidateParams validate;      /* consensus rules, shared by every tree */
  CsRetargetParams retarget;      /* difficulty adjustment (interval 0: off) */
  CsU256 genesis_work;            /* work of a block at the genesis target */
  double *share;                  /* hash share of each node (0: not mining) */
  guint32 *pool_nodes;            /* nodes holding hash power, sorted by id */
  guint n_pool_nodes;
  guint32 n_nodes;
} CsNakamotoShared;

extern const CsConsensusClass cs_nakamoto_class;

/* Builds the shared data for @n_nodes nodes. @degree and @region (may be NULL: every node has
 * degree 0 and region -1) give each node's peer count and region index; @region_names (may be
 * NULL) names the regions, for pools placed by region. Placement draws from stream
 * (CS_STREAM_MINING, 0) of @seed. Returns NULL with @error set when the configuration cannot be
 * placed (more pools than nodes, an unknown region, a bad genesis_bits). */
CsNakamotoShared *cs_nakamoto_shared_new (const CsNakamotoConfig *config, guint32 n_nodes,
                                          const guint32 *degree, const gint *region,
                                          const char *const *region_names, guint64 seed,
                                          GError **error);
void cs_nakamoto_shared_free (CsNakamotoShared *shared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsNakamotoShared, cs_nakamoto_shared_free)

/* Parses a compact target written in hex ("0x1d00ffff" or "1d00ffff"); FALSE on bad input. */
gboolean cs_nakamoto_parse_bits (const char *text, guint32 *bits);

/* The simulated validation time of @block under @config. */
CsTime cs_nakamoto_validation_cost (const CsNakamotoConfig *config, const CsBlock *block);

/* The node's block tree (for tests and checkers). */
CsBlockTree *cs_nakamoto_node_tree (gpointer state);

/* Cross-section checks of a scenario running Nakamoto: pool regions exist in @network, pools fit
 * in its nodes (called from the scenario's check function). */
gboolean cs_nakamoto_check_network (const CsNakamotoConfig *config, const CsNetConfig *network,
                                    CsCheck *check);
