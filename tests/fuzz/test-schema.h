/* test-schema.h: a small scenario schema that uses every feature of the loader (all types, a
 * nested section with presets, a section inside it, a list of sections, a list of lists of
 * durations, an enum, bounds, defaults and cross-field checks). Shared by tests/test-scenario.c
 * and the fuzz harness tests/fuzz/fuzz-scenario.c. Header-only: static tables. */
#pragma once

#include <stddef.h>
#include "scenario/cs-config.h"
#include "scenario/cs-units.h"

/* Nanoseconds per unit (the scenario layer knows nothing of the engine's time header). */
#define T_US G_GINT64_CONSTANT (1000)
#define T_MS G_GINT64_CONSTANT (1000000)
#define T_S G_GINT64_CONSTANT (1000000000)
#define T_MIN (60 * T_S)
#define T_H (3600 * T_S)
#define T_D (86400 * T_S)

/* network.links: a section inside a section. */
typedef struct
{
  gint64 latency;   /* one-way latency, ns */
  gint64 jitter;    /* added uniform jitter, ns */
} TLinks;

/* network: a section with presets and a check. */
typedef struct
{
  gint64 nodes;        /* number of nodes */
  gint64 min_delay;    /* ns */
  gint64 max_delay;    /* ns */
  double bandwidth;    /* bit/s */
  double loss;         /* fraction of messages lost */
  gboolean relay;      /* whether nodes relay */
  TLinks links;        /* per-link figures */
} TNetwork;

/* relays[i]: an element of a list of sections. */
typedef struct
{
  char *name;      /* relay name */
  gint64 delay;    /* ns */
  guint64 buffer;  /* bytes */
} TRelay;

/* The root. */
typedef struct
{
  char *name;          /* run name */
  gint64 seed;         /* seed */
  gint64 duration;     /* simulated time, ns */
  gboolean verbose;    /* chatty output */
  double weight;       /* a plain number */
  int mode;            /* index into t_modes */
  TNetwork network;    /* network section */
  GArray *relays;      /* of TRelay */
  GArray *sizes;       /* of guint64 bytes */
  GArray *schedule;    /* of GArray * of gint64 ns */
  GArray *tags;        /* of char * */
} TScenario;

static const char *const t_modes[] = { "fast", "exact", "lazy", NULL };

static const CsField t_links_fields[] = {
  { .key = "latency", .type = CS_T_DURATION, .offset = offsetof (TLinks, latency),
    .default_text = "50ms", .min = 0, .max = 10 * T_S, .help = "one-way latency" },
  { .key = "jitter", .type = CS_T_DURATION, .offset = offsetof (TLinks, jitter),
    .default_text = "0", .min = NAN, .max = NAN, .help = "uniform jitter" },
  { NULL }
};

static const CsSchema t_links_schema = {
  .name = "links", .struct_size = sizeof (TLinks), .fields = t_links_fields,
};

static gboolean
t_network_check (const void *config, CsCheck *check)
{
  const TNetwork *n = config;

  if (n->min_delay > n->max_delay)
    {
      g_autofree char *min = cs_units_format_duration (n->min_delay);
      g_autofree char *max = cs_units_format_duration (n->max_delay);

      return cs_check_fail (check, cs_check_has_key (check, "min_delay") ? "min_delay" : "max_delay",
                            "min_delay (%s) must not exceed max_delay (%s)", min, max);
    }
  return TRUE;
}

static const CsField t_network_fields[] = {
  { .key = "nodes", .type = CS_T_INT, .offset = offsetof (TNetwork, nodes),
    .default_text = "100", .min = 2, .max = 100000, .help = "number of nodes" },
  { .key = "min_delay", .type = CS_T_DURATION, .offset = offsetof (TNetwork, min_delay),
    .default_text = "1ms", .min = NAN, .max = NAN, .help = "smallest delay" },
  { .key = "max_delay", .type = CS_T_DURATION, .offset = offsetof (TNetwork, max_delay),
    .default_text = "1s", .min = NAN, .max = 1 * T_MIN, .help = "largest delay" },
  { .key = "bandwidth", .type = CS_T_BITRATE, .offset = offsetof (TNetwork, bandwidth),
    .default_text = "25Mbit/s", .min = 1000, .max = NAN, .help = "per-node bandwidth" },
  { .key = "loss", .type = CS_T_FRACTION, .offset = offsetof (TNetwork, loss),
    .default_text = "0", .min = NAN, .max = 0.5, .help = "message loss" },
  { .key = "relay", .type = CS_T_BOOL, .offset = offsetof (TNetwork, relay),
    .default_text = "true", .min = NAN, .max = NAN, .help = "nodes relay messages" },
  { .key = "links", .type = CS_T_SECTION, .offset = offsetof (TNetwork, links),
    .section = &t_links_schema, .min = NAN, .max = NAN, .help = "link figures" },
  { NULL }
};

static const CsPreset t_network_presets[] = {
  { .name = "bitcoin-2019", .source = "test figures",
    .yaml = "nodes: 10000\nbandwidth: 50Mbit/s\nlinks: {latency: 100ms, jitter: 20ms}\n" },
  { .name = "lan", .source = "test figures",
    .yaml = "nodes: 10\nmin_delay: 10us\nmax_delay: 1ms\nlinks:\n  latency: 100us\n" },
  { NULL }
};

static const CsSchema t_network_schema = {
  .name = "network", .struct_size = sizeof (TNetwork), .fields = t_network_fields,
  .presets = t_network_presets, .check = t_network_check,
};

static const CsField t_relay_fields[] = {
  { .key = "name", .type = CS_T_STRING, .offset = offsetof (TRelay, name), .required = TRUE,
    .min = NAN, .max = NAN, .help = "relay name" },
  { .key = "delay", .type = CS_T_DURATION, .offset = offsetof (TRelay, delay),
    .default_text = "10ms", .min = NAN, .max = NAN, .help = "added delay" },
  { .key = "buffer", .type = CS_T_SIZE, .offset = offsetof (TRelay, buffer),
    .default_text = "1MB", .min = 1, .max = 1e12, .help = "buffer size" },
  { NULL }
};

static const CsSchema t_relay_schema = {
  .name = "relay", .struct_size = sizeof (TRelay), .fields = t_relay_fields,
};

static const CsField t_relay_item = {
  .type = CS_T_SECTION, .section = &t_relay_schema, .min = NAN, .max = NAN,
};

static const CsField t_size_item = {
  .type = CS_T_SIZE, .min = 1, .max = NAN,
};

static const CsField t_delay_item = {
  .type = CS_T_DURATION, .min = NAN, .max = 1 * T_H,
};

static const CsField t_delay_list_item = {
  .type = CS_T_LIST, .item = &t_delay_item, .min_len = 1, .min = NAN, .max = NAN,
};

static const CsField t_tag_item = {
  .type = CS_T_STRING, .min = NAN, .max = NAN,
};

static gboolean
t_scenario_check (const void *config, CsCheck *check)
{
  const TScenario *s = config;

  for (guint i = 0; i < s->relays->len; i++)
    {
      const TRelay *r = &g_array_index (s->relays, TRelay, i);

      if (r->delay >= s->duration)
        {
          g_autofree char *delay = cs_units_format_duration (r->delay);
          g_autofree char *duration = cs_units_format_duration (s->duration);

          return cs_check_fail_at_index (check, "relays", i,
                                         "relay '%s' delay %s is not shorter than the duration %s",
                                         r->name, delay, duration);
        }
    }
  return TRUE;
}

static const CsField t_scenario_fields[] = {
  { .key = "name", .type = CS_T_STRING, .offset = offsetof (TScenario, name), .required = TRUE,
    .min = NAN, .max = NAN, .help = "run name" },
  { .key = "seed", .type = CS_T_INT, .offset = offsetof (TScenario, seed), .required = TRUE,
    .min = 0, .max = NAN, .help = "seed of all random streams" },
  { .key = "duration", .type = CS_T_DURATION, .offset = offsetof (TScenario, duration),
    .required = TRUE, .min = 1 * T_MS, .max = NAN, .help = "simulated time" },
  { .key = "verbose", .type = CS_T_BOOL, .offset = offsetof (TScenario, verbose),
    .default_text = "no", .min = NAN, .max = NAN, .help = "chatty output" },
  { .key = "weight", .type = CS_T_DOUBLE, .offset = offsetof (TScenario, weight),
    .default_text = "1.5", .min = -10, .max = 10, .help = "a plain number" },
  { .key = "mode", .type = CS_T_ENUM, .offset = offsetof (TScenario, mode),
    .default_text = "fast", .choices = t_modes, .min = NAN, .max = NAN, .help = "how to run" },
  { .key = "network", .type = CS_T_SECTION, .offset = offsetof (TScenario, network),
    .section = &t_network_schema, .min = NAN, .max = NAN, .help = "the network" },
  { .key = "relays", .type = CS_T_LIST, .offset = offsetof (TScenario, relays),
    .item = &t_relay_item, .max_len = 4, .min = NAN, .max = NAN, .help = "relays" },
  { .key = "sizes", .type = CS_T_LIST, .offset = offsetof (TScenario, sizes),
    .item = &t_size_item, .default_text = "[1KB]", .min_len = 1, .max_len = 8, .min = NAN,
    .max = NAN, .help = "message sizes" },
  { .key = "schedule", .type = CS_T_LIST, .offset = offsetof (TScenario, schedule),
    .item = &t_delay_list_item, .min = NAN, .max = NAN, .help = "phases of delays" },
  { .key = "tags", .type = CS_T_LIST, .offset = offsetof (TScenario, tags),
    .item = &t_tag_item, .min = NAN, .max = NAN, .help = "free labels" },
  { NULL }
};

static const CsSchema t_scenario_schema = {
  .name = "scenario", .struct_size = sizeof (TScenario), .fields = t_scenario_fields,
  .check = t_scenario_check,
};
