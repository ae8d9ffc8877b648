/* test-scenario.c: tests of sim/scenario, the schema-driven YAML loader: one test per error class
 * asserting the exact one-line message with its line and column, defaults, presets, --set
 * overrides, the unit parsers, suggestions and the schema description. Run under the sanitizer
 * build, it also proves that nothing leaks after a success or a failure. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include "scenario/cs-config.h"
#include "scenario/cs-text.h"
#include "scenario/cs-units.h"
#include "scenario/cs-yaml-tree.h"
#include "fuzz/test-schema.h"

/* The three required keys, to prefix documents that test something else. */
#define REQ "name: run\nseed: 1\nduration: 10min\n"

/* Whether every byte of @config is zero (the loader clears the struct on failure). */
static gboolean
is_zeroed (const void *config, gsize size)
{
  for (gsize i = 0; i < size; i++)
    if (((const guchar *) config)[i] != 0)
      return FALSE;
  return TRUE;
}

/* Loads @length bytes of @data with @overrides and asserts that it fails with @code and exactly
 * the message @expected. */
static void
assert_error_len (const char *data, gsize length, const char *const *overrides, gint code,
                  const char *expected)
{
  TScenario s;
  g_autoptr (GError) error = NULL;
  gboolean ok = cs_config_load_data (&t_scenario_schema, &s, "test.yaml", data, length,
                                     overrides, &error);

  g_assert_false (ok);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_error (error, CS_CONFIG_ERROR, code);
  g_assert_true (is_zeroed (&s, sizeof s));
}

static void
assert_error (const char *yaml, gint code, const char *expected)
{
  assert_error_len (yaml, strlen (yaml), NULL, code, expected);
}

static void
assert_set_error (const char *yaml, const char *override, gint code, const char *expected)
{
  const char *overrides[] = { override, NULL };

  assert_error_len (yaml, strlen (yaml), overrides, code, expected);
}

/* Loads @yaml with @overrides, asserting success. */
static void
load_ok (const char *yaml, const char *const *overrides, TScenario *s)
{
  g_autoptr (GError) error = NULL;

  if (!cs_config_load_data (&t_scenario_schema, s, "test.yaml", yaml, strlen (yaml), overrides,
                            &error))
    g_error ("unexpected failure: %s", error->message);
}

static guint64
size_at (GArray *a, guint i)
{
  return g_array_index (a, guint64, i);
}

/* --- successful loads --- */

static void
test_defaults (void)
{
  TScenario s;

  load_ok (REQ, NULL, &s);
  g_assert_cmpstr (s.name, ==, "run");
  g_assert_cmpint (s.seed, ==, 1);
  g_assert_cmpint (s.duration, ==, 10 * T_MIN);
  g_assert_false (s.verbose);
  g_assert_cmpfloat (s.weight, ==, 1.5);
  g_assert_cmpint (s.mode, ==, 0);
  g_assert_cmpint (s.network.nodes, ==, 100);
  g_assert_cmpint (s.network.min_delay, ==, T_MS);
  g_assert_cmpint (s.network.max_delay, ==, T_S);
  g_assert_cmpfloat (s.network.bandwidth, ==, 25e6);
  g_assert_cmpfloat (s.network.loss, ==, 0.0);
  g_assert_true (s.network.relay);
  g_assert_cmpint (s.network.links.latency, ==, 50 * T_MS);
  g_assert_cmpint (s.network.links.jitter, ==, 0);
  g_assert_cmpuint (s.relays->len, ==, 0);
  g_assert_cmpuint (s.sizes->len, ==, 1);
  g_assert_cmpuint (size_at (s.sizes, 0), ==, 1000);
  g_assert_cmpuint (s.schedule->len, ==, 0);
  g_assert_cmpuint (s.tags->len, ==, 0);
  cs_config_clear (&t_scenario_schema, &s);
  g_assert_true (is_zeroed (&s, sizeof s));
}

static void
test_all_types (void)
{
  TScenario s;
  GArray *phase;

  load_ok ("# a full scenario\n"
           "name: \"full run\"\n"
           "seed: 1e6\n"
           "duration: 1.5h\n"
           "verbose: yes\n"
           "weight: -2.5e-1\n"
           "mode: lazy\n"
           "network:\n"
           "  nodes: 5000\n"
           "  min_delay: 10 us\n"
           "  max_delay: 250ms\n"
           "  bandwidth: 100Mbps\n"
           "  loss: 5%\n"
           "  relay: off\n"
           "  links: {latency: 0.1s, jitter: 1500us}\n"
           "relays:\n"
           "  - name: r1\n"
           "  - {name: r2, delay: 2min, buffer: 64KiB}\n"
           "sizes: [512B, 1.5KB, 1MiB]\n"
           "schedule: [[1s, 2s], [1h]]\n"
           "tags: [a, 'b c', '3']\n", NULL, &s);
  g_assert_cmpstr (s.name, ==, "full run");
  g_assert_cmpint (s.seed, ==, 1000000);
  g_assert_cmpint (s.duration, ==, 90 * T_MIN);
  g_assert_true (s.verbose);
  g_assert_cmpfloat (s.weight, ==, -0.25);
  g_assert_cmpint (s.mode, ==, 2);
  g_assert_cmpint (s.network.nodes, ==, 5000);
  g_assert_cmpint (s.network.min_delay, ==, 10 * T_US);
  g_assert_cmpint (s.network.max_delay, ==, 250 * T_MS);
  g_assert_cmpfloat (s.network.bandwidth, ==, 100e6);
  g_assert_cmpfloat_with_epsilon (s.network.loss, 0.05, 1e-15);
  g_assert_false (s.network.relay);
  g_assert_cmpint (s.network.links.latency, ==, 100 * T_MS);
  g_assert_cmpint (s.network.links.jitter, ==, 1500 * T_US);
  g_assert_cmpuint (s.relays->len, ==, 2);
  g_assert_cmpstr (g_array_index (s.relays, TRelay, 0).name, ==, "r1");
  g_assert_cmpint (g_array_index (s.relays, TRelay, 0).delay, ==, 10 * T_MS);
  g_assert_cmpuint (g_array_index (s.relays, TRelay, 0).buffer, ==, 1000000);
  g_assert_cmpstr (g_array_index (s.relays, TRelay, 1).name, ==, "r2");
  g_assert_cmpint (g_array_index (s.relays, TRelay, 1).delay, ==, 2 * T_MIN);
  g_assert_cmpuint (g_array_index (s.relays, TRelay, 1).buffer, ==, 65536);
  g_assert_cmpuint (s.sizes->len, ==, 3);
  g_assert_cmpuint (size_at (s.sizes, 0), ==, 512);
  g_assert_cmpuint (size_at (s.sizes, 1), ==, 1500);
  g_assert_cmpuint (size_at (s.sizes, 2), ==, 1048576);
  g_assert_cmpuint (s.schedule->len, ==, 2);
  phase = g_array_index (s.schedule, GArray *, 0);
  g_assert_cmpuint (phase->len, ==, 2);
  g_assert_cmpint (g_array_index (phase, gint64, 1), ==, 2 * T_S);
  phase = g_array_index (s.schedule, GArray *, 1);
  g_assert_cmpint (g_array_index (phase, gint64, 0), ==, T_H);
  g_assert_cmpuint (s.tags->len, ==, 3);
  g_assert_cmpstr (g_array_index (s.tags, char *, 1), ==, "b c");
  g_assert_cmpstr (g_array_index (s.tags, char *, 2), ==, "3");
  cs_config_clear (&t_scenario_schema, &s);
}

static void
test_aliases (void)
{
  TScenario s;

  /* Aliases are expanded into copies; values keep the anchor's location. */
  load_ok (REQ "tags: &t [a, b]\nrelays: [{name: &n x}, {name: *n}]\n"
           "schedule: &p [[1s, 2s], [3s]]\nnetwork: {links: {latency: &l 20ms, jitter: *l}}\n",
           NULL, &s);
  g_assert_cmpstr (g_array_index (s.relays, TRelay, 1).name, ==, "x");
  g_assert_cmpint (s.network.links.jitter, ==, 20 * T_MS);
  cs_config_clear (&t_scenario_schema, &s);
  assert_error (REQ "sizes: &s [1KB, 2KB]\nschedule: [*s]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:12: error: expected a duration with a unit (ns, us, ms, s, min, h, "
                "d) for 'schedule[0][0]', got '1KB'");
  assert_error ("a: *nope\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:4: error: undefined alias '*nope' (no anchor of that name before it)");
  assert_error ("a: &x [1, *x]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:11: error: alias '*x' is inside its own anchor (a cycle)");
}

static void
test_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-scenario-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "s.yaml", NULL);
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;
  TScenario s;

  g_assert_true (g_file_set_contents (path, REQ "seed: 2\n", -1, NULL));
  g_assert_false (cs_config_load_file (&t_scenario_schema, &s, path, NULL, &error));
  expected = g_strdup_printf ("%s:4:1: error: duplicate key 'seed' (first defined at line 2)",
                              path);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, REQ, -1, NULL));
  g_assert_true (cs_config_load_file (&t_scenario_schema, &s, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s.name, ==, "run");
  cs_config_clear (&t_scenario_schema, &s);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* --- one test per error class --- */

static void
test_missing_file (void)
{
  TScenario s;
  g_autoptr (GError) error = NULL;

  g_assert_false (cs_config_load_file (&t_scenario_schema, &s, "/nonexistent/s.yaml", NULL,
                                       &error));
  g_assert_error (error, CS_CONFIG_ERROR, CS_CONFIG_ERROR_IO);
  g_assert_cmpstr (error->message, ==,
                   "/nonexistent/s.yaml: error: cannot read: No such file or directory");
  g_assert_true (is_zeroed (&s, sizeof s));
}

static void
test_syntax (void)
{
  assert_error ("name: run\nseed 1\nduration: 1s\n", CS_CONFIG_ERROR_SYNTAX,
                "test.yaml:3:1: error: could not find expected ':' while scanning a simple key "
                "(which started at line 2, column 1)");
  assert_error ("name: [run\n", CS_CONFIG_ERROR_SYNTAX,
                "test.yaml:2:1: error: did not find expected ',' or ']' while parsing a flow "
                "sequence (which started at line 1, column 7)");
  assert_error ("name: \"run\nseed: 1\n", CS_CONFIG_ERROR_SYNTAX,
                "test.yaml:3:1: error: found unexpected end of stream while scanning a quoted "
                "scalar (which started at line 1, column 7)");
  assert_error ("name: run\n\tseed: 1\n", CS_CONFIG_ERROR_SYNTAX,
                "test.yaml:2:1: error: found a tab character that violates indentation while "
                "scanning a plain scalar (which started at line 1, column 7)");
  assert_error ("name: run\n@seed: 1\n", CS_CONFIG_ERROR_SYNTAX,
                "test.yaml:2:1: error: found character that cannot start any token while "
                "scanning for the next token");
}

static void
test_unknown_key (void)
{
  assert_error (REQ "network:\n  nodez: 5\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:3: error: unknown key 'nodez' in network; did you mean 'nodes'?");
  assert_error (REQ "network:\n  links: {latnecy: 5ms}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:11: error: unknown key 'latnecy' in network.links; did you mean "
                "'latency'?");
  assert_error (REQ "Verbose: true\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:1: error: unknown key 'Verbose' in the scenario; did you mean "
                "'verbose'?");
  assert_error (REQ "colour: red\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:1: error: unknown key 'colour' in the scenario (valid keys: name, "
                "seed, duration, verbose, weight, mode, network, relays, sizes, schedule, tags)");
  assert_error (REQ "relays: [{name: a, delya: 1s}]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:20: error: unknown key 'delya' in relays[0]; did you mean 'delay'?");
  /* unknown keys are reported before bad values of the same section */
  assert_error ("name: run\nseed: x\nduration: 1s\nsede: 1\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:1: error: unknown key 'sede' in the scenario; did you mean 'seed'?");
}

static void
test_duplicate_key (void)
{
  assert_error (REQ "network:\n  nodes: 5\n  loss: 1%\n  nodes: 6\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:7:3: error: duplicate key 'nodes' (first defined at line 5)");
  assert_error ("{name: a, 'name': b}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:11: error: duplicate key 'name' (first defined at line 1)");
}

static void
test_wrong_type (void)
{
  assert_error (REQ "network: [1, 2]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:10: error: expected a mapping for 'network', got a sequence");
  assert_error (REQ "sizes: 1KB\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:8: error: expected a sequence for 'sizes', got '1KB'");
  assert_error ("name: {first: a}\nseed: 1\nduration: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:7: error: expected a string for 'name', got a mapping");
  assert_error ("name:\nseed: 1\nduration: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:6: error: expected a string for 'name', got nothing");
  assert_error (REQ "verbose: maybe\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:10: error: expected a boolean (true or false) for 'verbose', got "
                "'maybe'");
  assert_error ("name: run\nseed: 1.5\nduration: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:2:7: error: expected an integer (a whole number) for 'seed', got '1.5'");
  assert_error (REQ "weight: heavy\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:9: error: expected a number for 'weight', got 'heavy'");
  assert_error (REQ "mode: [fast]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:7: error: expected one of fast, exact, lazy for 'mode', got a "
                "sequence");
  assert_error (REQ "tags: [a, [b]]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:11: error: expected a string for 'tags[1]', got a sequence");
  assert_error ("[name, seed]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:1: error: expected a mapping for the scenario, got a sequence");
  assert_error ("hello\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:1: error: expected a mapping for the scenario, got 'hello'");
  /* messages quote user text on one line */
  assert_error (REQ "verbose: \"a\\nb\"\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:10: error: expected a boolean (true or false) for 'verbose', got "
                "'a\\nb'");
}

static void
test_bad_unit (void)
{
  assert_error ("name: run\nseed: 1\nduration: 10 parsecs\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: expected a duration with a unit (ns, us, ms, s, min, h, "
                "d) for 'duration', got '10 parsecs'");
  assert_error ("name: run\nseed: 1\nduration: 10m\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: ambiguous unit 'm' for 'duration' in '10m': write 'min' "
                "for minutes or 'ms' for milliseconds");
  assert_error (REQ "sizes: [1kb]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:9: error: expected a size with a unit (B, KB, MB, GB, TB, KiB, MiB, "
                "GiB, TiB) for 'sizes[0]', got '1kb'");
  assert_error (REQ "network: {bandwidth: 10MB/s}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:22: error: expected a bit rate with a unit (bit/s, kbit/s, Mbit/s, "
                "Gbit/s, or bps, kbps, Mbps, Gbps) for 'bandwidth', got '10MB/s'");
  assert_error (REQ "network: {loss: 5 percent}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:17: error: expected a fraction (0.05 or 5%) for 'loss', got "
                "'5 percent'");
  assert_error ("name: run\nseed: 1\nduration: 1.5ns\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: duration for 'duration' is not a whole number of "
                "nanoseconds: '1.5ns'");
}

static void
test_missing_unit (void)
{
  assert_error ("name: run\nseed: 1\nduration: 600\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: missing unit for 'duration': expected a duration with a "
                "unit (ns, us, ms, s, min, h, d), got '600'");
  assert_error (REQ "sizes: [1024]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:9: error: missing unit for 'sizes[0]': expected a size with a unit "
                "(B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got '1024'");
  assert_error (REQ "network: {bandwidth: 25}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:22: error: missing unit for 'bandwidth': expected a bit rate with a "
                "unit (bit/s, kbit/s, Mbit/s, Gbit/s, or bps, kbps, Mbps, Gbps), got '25'");
  /* a bare 0 needs no unit */
  {
    TScenario s;

    load_ok (REQ "network: {links: {latency: 0}}\n", NULL, &s);
    g_assert_cmpint (s.network.links.latency, ==, 0);
    cs_config_clear (&t_scenario_schema, &s);
  }
}

static void
test_out_of_range (void)
{
  assert_error ("name: run\nseed: -1\nduration: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:2:7: error: 'seed' must be at least 0, got -1");
  assert_error (REQ "network:\n  nodes: 1\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:10: error: 'nodes' must be at least 2, got 1");
  assert_error ("name: run\nseed: 1\nduration: 10us\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: 'duration' must be at least 1ms, got 10us");
  assert_error (REQ "network: {min_delay: -5ms}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:22: error: 'min_delay' must be at least 0s, got -5ms");
  assert_error (REQ "network: {max_delay: 2min}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:22: error: 'max_delay' must be at most 1min, got 2min");
  assert_error (REQ "network: {loss: 70%}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:17: error: 'loss' must be at most 50%, got 70%");
  assert_error (REQ "network: {bandwidth: 100bit/s}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:22: error: 'bandwidth' must be at least 1kbit/s, got 100bit/s");
  assert_error (REQ "weight: 1e3\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:9: error: 'weight' must be at most 10, got 1000");
  assert_error (REQ "network:\n  nodes: 0000000000000000000000000000000000000000000000000000001\n",
                CS_CONFIG_ERROR_INVALID, "test.yaml:5:10: error: 'nodes' must be at least 2, got 1");
  assert_error (REQ "relays: [{name: a, buffer: 2TB}]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:28: error: 'buffer' must be at most 1TB, got 2TB");
  assert_error (REQ "sizes: [-1KB]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:9: error: size for 'sizes[0]' cannot be negative: '-1KB'");
  assert_error (REQ "schedule: [[1s], [2h]]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:19: error: 'schedule[1][0]' must be at most 1h, got 2h");
  assert_error ("name: run\nseed: 1\nduration: 300000y\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: expected a duration with a unit (ns, us, ms, s, min, h, "
                "d) for 'duration', got '300000y'");
  assert_error ("name: run\nseed: 1\nduration: 300000000d\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:11: error: duration for 'duration' is too large: '300000000d' (the "
                "limit is about 106751d)");
  assert_error ("name: run\nseed: 9223372036854775808\nduration: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:2:7: error: integer for 'seed' is out of range: '9223372036854775808' "
                "(the limit is +-9223372036854775807)");
}

static void
test_list_length (void)
{
  assert_error (REQ "sizes: []\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:8: error: 'sizes' must have at least 1 element, got 0");
  assert_error (REQ "relays: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}]\n",
                CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:54: error: 'relays' must have at most 4 elements, got 5");
  assert_error (REQ "schedule: [[1s], []]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:18: error: 'schedule[1]' must have at least 1 element, got 0");
}

static void
test_enum (void)
{
  assert_error (REQ "mode: exakt\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:7: error: unknown value 'exakt' for 'mode'; did you mean 'exact'? "
                "(one of fast, exact, lazy)");
  assert_error (REQ "mode: quick\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:7: error: unknown value 'quick' for 'mode' (one of fast, exact, lazy)");
}

static void
test_missing_required (void)
{
  assert_error ("name: run\nduration: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:1: error: missing required key 'seed' in the scenario");
  assert_error (REQ "relays:\n  - delay: 1s\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:5: error: missing required key 'name' in relays[0]");
}

static void
test_check (void)
{
  /* the section's check runs after the whole section; it blames the key that was written */
  assert_error (REQ "network:\n  min_delay: 2s\n  nodes: 7\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:14: error: min_delay (2s) must not exceed max_delay (1s)");
  assert_error (REQ "network:\n  max_delay: 100us\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:14: error: min_delay (1ms) must not exceed max_delay (100us)");
  /* a check locating an element of a list */
  assert_error (REQ "relays:\n  - name: a\n  - name: b\n    delay: 1h\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:6:5: error: relay 'b' delay 1h is not shorter than the duration 10min");
  /* a key supplied by --set is located in the --set text */
  assert_set_error (REQ, "network.max_delay=10us", CS_CONFIG_ERROR_INVALID,
                    "--set:1:19: error: min_delay (1ms) must not exceed max_delay (10us)");
}

static void
test_empty (void)
{
  assert_error ("", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:1: error: empty scenario: expected a mapping with keys name, seed, "
                "duration");
  assert_error ("---\n...\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:2:1: error: empty scenario: expected a mapping with keys name, seed, "
                "duration");
}

static void
test_comments_only (void)
{
  assert_error ("# nothing here\n\n   # still nothing\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:1: error: empty scenario: expected a mapping with keys name, seed, "
                "duration");
}

static void
test_binary (void)
{
  static const char nul[] = "name: run\nseed: 1\0\0\0\n";
  static const char bad_utf8[] = "name: r\xc3\x28n\n";
  static const char garbage[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00";
  static const char escaped_nul[] = "name: \"a\\0b\"\n";

  assert_error_len (nul, sizeof nul - 1, NULL, CS_CONFIG_ERROR_SYNTAX,
                    "test.yaml:2:8: error: control characters are not allowed (U+0000)");
  assert_error_len (bad_utf8, sizeof bad_utf8 - 1, NULL, CS_CONFIG_ERROR_SYNTAX,
                    "test.yaml:1:8: error: invalid trailing UTF-8 octet (0x28): the file must be "
                    "UTF-8 text");
  assert_error_len (garbage, sizeof garbage - 1, NULL, CS_CONFIG_ERROR_SYNTAX,
                    "test.yaml:1:1: error: control characters are not allowed (U+007F)");
  assert_error_len (escaped_nul, sizeof escaped_nul - 1, NULL, CS_CONFIG_ERROR_INVALID,
                    "test.yaml:1:7: error: NUL characters are not allowed in a value");
}

static void
test_alias_bomb (void)
{
  GString *bomb = g_string_new ("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");

  for (int i = 1; i < 10; i++)
    {
      g_string_append_printf (bomb, "a%d: &a%d [", i, i);
      for (int j = 0; j < 10; j++)
        g_string_append_printf (bomb, "%s*a%d", j ? ", " : "", i - 1);
      g_string_append (bomb, "]\n");
    }
  assert_error (bomb->str, CS_CONFIG_ERROR_LIMIT,
                "test.yaml:5:45: error: alias '*a3' expands the document to more than 100000 "
                "nodes (each use of an alias copies its 11111 nodes)");
  g_string_free (bomb, TRUE);
}

static void
test_deep_nesting (void)
{
  GString *deep = g_string_new ("name: ");

  for (int i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  assert_error (deep->str, CS_CONFIG_ERROR_LIMIT,
                "test.yaml:1:70: error: nesting is deeper than 64 levels");
  g_string_truncate (deep, 0);
  for (int i = 0; i < 100; i++)
    g_string_append_printf (deep, "%*sk:\n", i * 2, "");
  assert_error (deep->str, CS_CONFIG_ERROR_LIMIT,
                "test.yaml:65:129: error: nesting is deeper than 64 levels");
  /* an alias can nest deeper than its text */
  g_string_assign (deep, "a: &a ");
  for (int i = 0; i < 40; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 40; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
  assert_error (deep->str, CS_CONFIG_ERROR_LIMIT,
                "test.yaml:2:34: error: alias '*a' makes nesting deeper than 64 levels");
  g_string_free (deep, TRUE);
}

static void
test_merge_key (void)
{
  assert_error ("base: &b {seed: 1}\nrun:\n  <<: *b\n  name: x\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:3:3: error: merge keys ('<<') are not supported: write the keys out, "
                "or use a preset");
}

static void
test_multiple_documents (void)
{
  assert_error (REQ "---\n" REQ, CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:1: error: only one YAML document is allowed, found a second one here");
}

static void
test_tags (void)
{
  TScenario s;

  assert_error (REQ "tags: [!custom a]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:8: error: unsupported tag '!custom': only the standard tags !!str, "
                "!!int, !!float, !!bool, !!null, !!seq and !!map are allowed");
  assert_error (REQ "tags: [!!binary aGk=]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:8: error: unsupported tag '!!binary': only the standard tags !!str, "
                "!!int, !!float, !!bool, !!null, !!seq and !!map are allowed");
  /* standard tags are accepted and the schema decides */
  load_ok ("name: !!str 42\nseed: !!int 3\nduration: !!str 1s\ntags: !!seq [!!str ~, ! null]\n"
           "network: !!map {}\n", NULL, &s);
  g_assert_cmpstr (s.name, ==, "42");
  g_assert_cmpstr (g_array_index (s.tags, char *, 0), ==, "~");
  g_assert_cmpstr (g_array_index (s.tags, char *, 1), ==, "null");
  cs_config_clear (&t_scenario_schema, &s);
  assert_error (REQ "tags: [a, !!null b]\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:4:11: error: expected a string for 'tags[1]', got nothing");
  cs_config_clear (&t_scenario_schema, &s);
}

static void
test_keys (void)
{
  assert_error ("[a]: 1\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:1: error: mapping keys must be names, got a sequence");
  assert_error ("? \n: 1\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:1:2: error: mapping keys must be names, got nothing");
  assert_error (": 1\n", CS_CONFIG_ERROR_SYNTAX,
                "test.yaml:1:1: error: did not find expected key while parsing a block mapping");
}

/* --- presets --- */

static void
test_preset_unknown (void)
{
  assert_error (REQ "network:\n  preset: bitcoin-2018\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:11: error: unknown preset 'bitcoin-2018' for network; did you mean "
                "'bitcoin-2019'? (presets: bitcoin-2019, lan)");
  assert_error (REQ "network:\n  preset: ethereum\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:11: error: unknown preset 'ethereum' for network (presets: "
                "bitcoin-2019, lan)");
  /* "preset" is only a key of sections that have presets */
  assert_error (REQ "network:\n  links: {preset: lan}\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:11: error: unknown key 'preset' in network.links (valid keys: "
                "latency, jitter)");
}

static void
test_preset_override (void)
{
  TScenario s;

  load_ok (REQ "network:\n  preset: bitcoin-2019\n", NULL, &s);
  g_assert_cmpint (s.network.nodes, ==, 10000);
  g_assert_cmpfloat (s.network.bandwidth, ==, 50e6);
  g_assert_cmpint (s.network.links.latency, ==, 100 * T_MS);
  g_assert_cmpint (s.network.links.jitter, ==, 20 * T_MS);
  g_assert_cmpint (s.network.max_delay, ==, T_S); /* not in the preset: default */
  cs_config_clear (&t_scenario_schema, &s);

  /* user keys win, inside nested sections too, whatever their order */
  load_ok (REQ "network:\n  nodes: 20\n  links:\n    jitter: 5ms\n  preset: bitcoin-2019\n",
           NULL, &s);
  g_assert_cmpint (s.network.nodes, ==, 20);
  g_assert_cmpfloat (s.network.bandwidth, ==, 50e6);
  g_assert_cmpint (s.network.links.latency, ==, 100 * T_MS);
  g_assert_cmpint (s.network.links.jitter, ==, 5 * T_MS);
  cs_config_clear (&t_scenario_schema, &s);

  /* a bad user value over a preset is located in the file */
  assert_error (REQ "network:\n  preset: lan\n  nodes: 1\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:6:10: error: 'nodes' must be at least 2, got 1");
  /* an inconsistency caused by the preset is located at the preset's name */
  assert_error (REQ "network:\n  preset: lan\n  min_delay: 5ms\n", CS_CONFIG_ERROR_INVALID,
                "test.yaml:6:14: error: min_delay (5ms) must not exceed max_delay (1ms)");
  assert_error (REQ "network:\n  preset: lan\n  relay: no\n  max_delay: 1us\n",
                CS_CONFIG_ERROR_INVALID,
                "test.yaml:5:11: error: min_delay (10us) must not exceed max_delay (1us)");
}

/* --- --set --- */

static void
test_set_ok (void)
{
  const char *overrides[] = { "network.nodes=500", "sizes=[1KB, 2KB]", "name=my run",
                              "network.links.jitter=3ms", "network.nodes=600", NULL };
  TScenario s;

  load_ok (REQ "network: {nodes: 5, loss: 1%}\n", overrides, &s);
  g_assert_cmpint (s.network.nodes, ==, 600);
  g_assert_cmpfloat (s.network.loss, ==, 0.01);
  g_assert_cmpint (s.network.links.jitter, ==, 3 * T_MS);
  g_assert_cmpstr (s.name, ==, "my run");
  g_assert_cmpuint (s.sizes->len, ==, 2);
  g_assert_cmpuint (size_at (s.sizes, 1), ==, 2000);
  cs_config_clear (&t_scenario_schema, &s);
}

static void
test_set_creates_section (void)
{
  const char *overrides[] = { "network.links.latency=7ms", NULL };
  const char *preset[] = { "network.preset=lan", "network.nodes=3", NULL };
  const char *everything[] = { "name=x", "seed=2", "duration=1s", NULL };
  TScenario s;

  load_ok (REQ, overrides, &s);
  g_assert_cmpint (s.network.links.latency, ==, 7 * T_MS);
  g_assert_cmpint (s.network.nodes, ==, 100);
  cs_config_clear (&t_scenario_schema, &s);
  /* a preset chosen by --set; other --set keys win over it */
  load_ok (REQ "network:\n", preset, &s);
  g_assert_cmpint (s.network.nodes, ==, 3);
  g_assert_cmpint (s.network.max_delay, ==, T_MS);
  cs_config_clear (&t_scenario_schema, &s);
  /* an empty file completed by --set */
  load_ok ("", everything, &s);
  g_assert_cmpint (s.seed, ==, 2);
  cs_config_clear (&t_scenario_schema, &s);
}

static void
test_set_unknown_key (void)
{
  assert_set_error (REQ, "network.nodez=500", CS_CONFIG_ERROR_INVALID,
                    "--set:1:9: error: unknown key 'nodez' in network; did you mean 'nodes'?");
  assert_set_error (REQ, "netwrok.nodes=500", CS_CONFIG_ERROR_INVALID,
                    "--set:1:1: error: unknown key 'netwrok' in the scenario; did you mean "
                    "'network'?");
  assert_set_error (REQ, "relays.name=a", CS_CONFIG_ERROR_INVALID,
                    "--set:1:1: error: cannot set a key inside the list 'relays': set the whole "
                    "list, like relays=[...]");
  assert_set_error (REQ, "network.nodes.max=3", CS_CONFIG_ERROR_INVALID,
                    "--set:1:9: error: 'nodes' is an integer, not a section: it has no keys");
}

static void
test_set_bad_value (void)
{
  const char *two[] = { "seed=3", "network.nodes=abc", NULL };

  assert_set_error (REQ, "network.nodes=abc", CS_CONFIG_ERROR_INVALID,
                    "--set:1:15: error: expected an integer for 'nodes', got 'abc'");
  assert_error_len (REQ, strlen (REQ), two, CS_CONFIG_ERROR_INVALID,
                    "--set:2:15: error: expected an integer for 'nodes', got 'abc'");
  assert_set_error (REQ, "sizes=[1KB, 2 parsecs]", CS_CONFIG_ERROR_INVALID,
                    "--set:1:13: error: expected a size with a unit (B, KB, MB, GB, TB, KiB, MiB, "
                    "GiB, TiB) for 'sizes[1]', got '2 parsecs'");
  assert_set_error (REQ, "network.nodes=", CS_CONFIG_ERROR_INVALID,
                    "--set:1:15: error: expected an integer for 'nodes', got nothing");
  assert_set_error (REQ, "network.nodes=[1", CS_CONFIG_ERROR_SYNTAX,
                    "--set:1:17: error: did not find expected ',' or ']' while parsing a flow "
                    "sequence");
}

static void
test_set_bad_syntax (void)
{
  assert_set_error (REQ, "network.nodes", CS_CONFIG_ERROR_INVALID,
                    "--set:1:1: error: expected KEY=VALUE (like network.nodes=500), got "
                    "'network.nodes'");
  assert_set_error (REQ, "network..nodes=5", CS_CONFIG_ERROR_INVALID,
                    "--set:1:9: error: empty key in the path 'network..nodes' (expected keys "
                    "separated by dots, like network.nodes)");
  assert_set_error (REQ, "=5", CS_CONFIG_ERROR_INVALID,
                    "--set:1:1: error: empty key in the path '' (expected keys separated by dots, "
                    "like network.nodes)");
  assert_set_error (REQ, "name=a\nb", CS_CONFIG_ERROR_INVALID,
                    "--set:1:7: error: a --set override must be on one line");
}

/* --- units and text --- */

typedef struct
{
  const char *text;   /* input */
  gboolean ok;        /* expected to parse */
  gint64 ns;          /* expected value */
} DurationCase;

static void
test_units_duration (void)
{
  static const DurationCase cases[] = {
    { "0", TRUE, 0 }, { "0.0", TRUE, 0 }, { "1ns", TRUE, 1 }, { "10ms", TRUE, 10000000 },
    { "600s", TRUE, 600 * T_S }, { "2h", TRUE, 2 * T_H }, { "7d", TRUE, 7 * T_D },
    { "1.5min", TRUE, 90 * T_S }, { "1.5s", TRUE, 1500 * T_MS }, { "10 ms", TRUE, 10 * T_MS },
    { "0.1s", TRUE, 100 * T_MS }, { "1e3ms", TRUE, T_S }, { "2.5e-3s", TRUE, 2500 * T_US },
    { "\xc2\xb5s", FALSE, 0 }, { "5\xc2\xb5s", TRUE, 5000 }, { "5us", TRUE, 5000 },
    { "-5ms", TRUE, -5 * T_MS }, { "+5ms", TRUE, 5 * T_MS }, { ".5s", TRUE, 500 * T_MS },
    { "1.000000000000000000000000s", TRUE, T_S },
    { "9223372036854775807ns", TRUE, G_MAXINT64 }, { "9223372036854775808ns", FALSE, 0 },
    { "106751d", TRUE, 106751 * T_D }, { "106752d", FALSE, 0 }, { "1e30s", FALSE, 0 },
    { "1e-30s", FALSE, 0 }, { "1.5ns", FALSE, 0 }, { "600", FALSE, 0 }, { "s", FALSE, 0 },
    { "1 s ", FALSE, 0 }, { "10  ms", FALSE, 0 }, { "1m", FALSE, 0 }, { "1S", FALSE, 0 },
    { "inf s", FALSE, 0 }, { "nan", FALSE, 0 }, { "0x10s", FALSE, 0 }, { "1e99999999999s", FALSE, 0 },
    { "", FALSE, 0 }, { "1..2s", FALSE, 0 }, { "--1s", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 v = -42;
      g_autofree char *message = NULL;
      gboolean ok = cs_units_parse_duration (cases[i].text, NULL, &v, &message);

      g_test_message ("duration '%s' -> %d %" G_GINT64_FORMAT " %s", cases[i].text, ok, v,
                      message ? message : "");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (v, ==, cases[i].ns);
      else
        g_assert_nonnull (message);
    }
}

typedef struct
{
  const char *text;  /* input */
  gboolean ok;       /* expected to parse */
  guint64 bytes;     /* expected value */
} SizeCase;

static void
test_units_size (void)
{
  static const SizeCase cases[] = {
    { "0", TRUE, 0 }, { "512B", TRUE, 512 }, { "1.5KB", TRUE, 1500 }, { "1kB", TRUE, 1000 },
    { "1MB", TRUE, 1000000 }, { "2GB", TRUE, 2000000000 }, { "1TB", TRUE, 1000000000000 },
    { "1KiB", TRUE, 1024 }, { "1.5MiB", TRUE, 1572864 }, { "1GiB", TRUE, 1073741824 },
    { "16EB", FALSE, 0 }, { "18446744073709551615B", TRUE, G_MAXUINT64 },
    { "18446744073709551616B", FALSE, 0 }, { "16384PiB", FALSE, 0 }, { "1.5B", FALSE, 0 },
    { "1.0001KB", FALSE, 0 }, { "-1KB", FALSE, 0 }, { "-0KB", TRUE, 0 }, { "1024", FALSE, 0 },
    { "1kb", FALSE, 0 }, { "1 MB", TRUE, 1000000 }, { "1Mb", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 v = 42;
      g_autofree char *message = NULL;
      gboolean ok = cs_units_parse_size (cases[i].text, NULL, &v, &message);

      g_test_message ("size '%s' -> %d %" G_GUINT64_FORMAT " %s", cases[i].text, ok, v,
                      message ? message : "");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpuint (v, ==, cases[i].bytes);
      else
        g_assert_nonnull (message);
    }
}

typedef struct
{
  const char *text;  /* input */
  gboolean ok;       /* expected to parse */
  double value;      /* expected value */
} DoubleCase;

/* Runs @parse over @cases. */
static void
run_double_cases (gboolean (*parse) (const char *, const char *, double *, char **),
                  const DoubleCase *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      double v = -42;
      g_autofree char *message = NULL;
      gboolean ok = parse (cases[i].text, "'x'", &v, &message);

      g_test_message ("'%s' -> %d %g %s", cases[i].text, ok, v, message ? message : "");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_true (fabs (v - cases[i].value) <= fabs (cases[i].value) * 1e-15);
      else
        g_assert_nonnull (message);
    }
}

static void
test_units_bitrate (void)
{
  static const DoubleCase cases[] = {
    { "0", TRUE, 0 }, { "800bit/s", TRUE, 800 }, { "100kbit/s", TRUE, 1e5 },
    { "100Kbit/s", TRUE, 1e5 }, { "25Mbit/s", TRUE, 25e6 }, { "1.5Gbit/s", TRUE, 1.5e9 },
    { "10bps", TRUE, 10 }, { "56kbps", TRUE, 56e3 }, { "100Mbps", TRUE, 1e8 }, { "1Gbps", TRUE, 1e9 },
    { "1e400Mbit/s", FALSE, 0 }, { "25", FALSE, 0 }, { "25MB/s", FALSE, 0 }, { "25 Mbit/s", TRUE, 25e6 },
    { "fast", FALSE, 0 },
  };

  run_double_cases (cs_units_parse_bitrate, cases, G_N_ELEMENTS (cases));
}

static void
test_units_fraction (void)
{
  static const DoubleCase cases[] = {
    { "0", TRUE, 0 }, { "0.05", TRUE, 0.05 }, { "5%", TRUE, 0.05 }, { "5 %", TRUE, 0.05 },
    { "100%", TRUE, 1 }, { "1", TRUE, 1 }, { "2.5e-1", TRUE, 0.25 }, { "5%%", FALSE, 0 },
    { "%", FALSE, 0 }, { "five", FALSE, 0 }, { "1e999%", FALSE, 0 },
  };

  run_double_cases (cs_units_parse_fraction, cases, G_N_ELEMENTS (cases));
}

static void
test_units_double (void)
{
  static const DoubleCase cases[] = {
    { "0", TRUE, 0 }, { "1.5", TRUE, 1.5 }, { "-2e3", TRUE, -2000 }, { ".5", TRUE, 0.5 },
    { "5.", TRUE, 5 }, { "1e999", FALSE, 0 }, { "inf", FALSE, 0 }, { ".inf", FALSE, 0 },
    { "nan", FALSE, 0 }, { "0x1p3", FALSE, 0 }, { "1,5", FALSE, 0 }, { "1e", FALSE, 0 },
  };

  run_double_cases (cs_units_parse_double, cases, G_N_ELEMENTS (cases));
}

static void
test_units_int_bool (void)
{
  static const struct
  {
    const char *text;  /* input */
    gboolean ok;       /* expected to parse */
    gint64 value;      /* expected value */
  } cases[] = {
    { "0", TRUE, 0 }, { "42", TRUE, 42 }, { "-42", TRUE, -42 }, { "1e6", TRUE, 1000000 },
    { "1.5e1", TRUE, 15 }, { "1.5", FALSE, 0 }, { "1e-1", FALSE, 0 }, { "10e-1", TRUE, 1 },
    { "9223372036854775807", TRUE, G_MAXINT64 }, { "-9223372036854775808", TRUE, G_MININT64 },
    { "9223372036854775808", FALSE, 0 }, { "-9223372036854775809", FALSE, 0 },
    { "1e19", FALSE, 0 }, { "0x10", FALSE, 0 }, { "1_000", FALSE, 0 }, { "", FALSE, 0 },
    { "+7", TRUE, 7 }, { "7 ", FALSE, 0 },
  };
  static const char *const yes[] = { "true", "True", "TRUE", "yes", "on", "ON", NULL };
  static const char *const no[] = { "false", "no", "No", "off", "OFF", NULL };
  static const char *const neither[] = { "1", "0", "y", "n", "tru", "", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 v = -1;
      g_autofree char *message = NULL;
      gboolean ok = cs_units_parse_int (cases[i].text, NULL, &v, &message);

      g_test_message ("int '%s' -> %d %s", cases[i].text, ok, message ? message : "");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (v, ==, cases[i].value);
    }
  for (gsize i = 0; yes[i] != NULL; i++)
    {
      gboolean v = FALSE;
      char *message = NULL;

      g_assert_true (cs_units_parse_bool (yes[i], NULL, &v, &message));
      g_assert_true (v);
      g_assert_null (message);
    }
  for (gsize i = 0; no[i] != NULL; i++)
    {
      gboolean v = TRUE;
      char *message = NULL;

      g_assert_true (cs_units_parse_bool (no[i], NULL, &v, &message));
      g_assert_false (v);
      g_assert_null (message);
    }
  for (gsize i = 0; neither[i] != NULL; i++)
    {
      gboolean v;
      g_autofree char *message = NULL;

      g_assert_false (cs_units_parse_bool (neither[i], NULL, &v, &message));
      g_assert_nonnull (message);
    }
}

static void
test_units_format (void)
{
  static const struct
  {
    CsType type;          /* unit */
    double value;         /* in base units */
    const char *expected; /* printed */
  } cases[] = {
    { CS_T_DURATION, 0, "0s" }, { CS_T_DURATION, 1, "1ns" }, { CS_T_DURATION, 1e7, "10ms" },
    { CS_T_DURATION, 1.5e9, "1500ms" }, { CS_T_DURATION, 9e10, "90s" },
    { CS_T_DURATION, 7.2e12, "2h" }, { CS_T_DURATION, 6.048e14, "7d" },
    { CS_T_DURATION, -5e6, "-5ms" }, { CS_T_SIZE, 0, "0B" }, { CS_T_SIZE, 1e6, "1MB" },
    { CS_T_SIZE, 1048576, "1MiB" }, { CS_T_SIZE, 1536, "1536B" }, { CS_T_SIZE, 3072, "3KiB" },
    { CS_T_SIZE, 2e9, "2GB" }, { CS_T_BITRATE, 25e6, "25Mbit/s" }, { CS_T_BITRATE, 800, "800bit/s" },
    { CS_T_BITRATE, 1.5e9, "1.5Gbit/s" }, { CS_T_FRACTION, 0.05, "5%" },
    { CS_T_FRACTION, 1, "100%" }, { CS_T_INT, 2, "2" }, { CS_T_DOUBLE, 0.5, "0.5" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = cs_units_format_bound (cases[i].type, cases[i].value);

      g_assert_cmpstr (s, ==, cases[i].expected);
    }
  {
    g_autofree char *min = cs_units_format_duration (G_MININT64);

    g_assert_cmpstr (min, ==, "-9223372036854775808ns");
  }
}

static void
test_units_messages (void)
{
  g_autofree char *m1 = NULL;
  g_autofree char *m2 = NULL;
  g_autofree char *m3 = NULL;
  gint64 ns;
  guint64 b;

  g_assert_false (cs_units_parse_duration ("10 parsecs", NULL, &ns, &m1));
  g_assert_cmpstr (m1, ==, "expected a duration with a unit (ns, us, ms, s, min, h, d), got "
                   "'10 parsecs'");
  g_assert_false (cs_units_parse_size ("1.5B", "'buf'", &b, &m2));
  g_assert_cmpstr (m2, ==, "size for 'buf' is not a whole number of bytes: '1.5B'");
  g_assert_false (cs_units_parse_size ("20EB", NULL, &b, &m3));
  g_assert_cmpstr (m3, ==, "expected a size with a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), "
                   "got '20EB'");
}

static void
test_text (void)
{
  static const char *const keys[] = { "nodes", "latency", "bandwidth", "id", NULL };
  g_autofree char *q1 = cs_text_quote ("a\nb\tc\x01\xe2\x80\xa8\xff");
  g_autofree char *long_text = g_strnfill (100, 'x');
  g_autofree char *q2 = cs_text_quote (long_text);
  g_autofree char *msg = g_strdup ("a\nb\rc\xe2\x80\xa8" "d");

  g_assert_cmpuint (cs_text_distance ("nodes", "nodes", 2), ==, 0);
  g_assert_cmpuint (cs_text_distance ("nodez", "nodes", 2), ==, 1);
  g_assert_cmpuint (cs_text_distance ("ndoes", "nodes", 2), ==, 1);
  g_assert_cmpuint (cs_text_distance ("NODES", "nodes", 2), ==, 0);
  g_assert_cmpuint (cs_text_distance ("latnecy", "latency", 2), ==, 1);
  g_assert_cmpuint (cs_text_distance ("abc", "xyz", 2), ==, 3);
  g_assert_cmpuint (cs_text_distance ("a", "abcdefgh", 2), ==, 3);
  g_assert_cmpstr (cs_text_suggest ("nodez", keys, -1), ==, "nodes");
  g_assert_cmpstr (cs_text_suggest ("bandwith", keys, -1), ==, "bandwidth");
  g_assert_cmpstr (cs_text_suggest ("ix", keys, -1), ==, "id");
  g_assert_null (cs_text_suggest ("ixy", keys, -1));
  g_assert_null (cs_text_suggest ("colour", keys, -1));
  g_assert_cmpstr (q1, ==, "'a\\nb\\tc\\x01\\u2028\\xff'");
  g_assert_cmpuint (strlen (q2), ==, 2 + CS_TEXT_QUOTE_MAX + 3);
  cs_text_one_line (msg);
  g_assert_cmpstr (msg, ==, "a?b?c???d");
}

static void
test_describe (void)
{
  GString *out = g_string_new (NULL);

  cs_config_describe (&t_scenario_schema, out);
  g_test_message ("%s", out->str);
  g_assert_true (g_str_has_prefix (out->str, "name: string, required. run name\n"));
  g_assert_nonnull (strstr (out->str, "\n  nodes: integer, default 100, at least 2, at most "
                                      "100000. number of nodes\n"));
  g_assert_nonnull (strstr (out->str, "\n    latency: duration, default 50ms, at least 0s, at "
                                      "most 10s. one-way latency\n"));
  g_assert_nonnull (strstr (out->str, "\n  preset: one of bitcoin-2019, lan. "));
  g_assert_nonnull (strstr (out->str, "\nsizes: list (1 to 8 elements) of size (at least 1B), "
                                      "default [1KB]. message sizes\n"));
  g_assert_nonnull (strstr (out->str, "\nschedule: list of list (at least 1 element) of duration "
                                      "(at most 1h). phases of delays\n"));
  g_assert_nonnull (strstr (out->str, "\n  buffer: size, default 1MB, at least 1B, at most 1TB. "
                                      "buffer size\n"));
  g_string_free (out, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scenario/load/defaults", test_defaults);
  g_test_add_func ("/scenario/load/all-types", test_all_types);
  g_test_add_func ("/scenario/load/aliases", test_aliases);
  g_test_add_func ("/scenario/load/file", test_file);
  g_test_add_func ("/scenario/error/missing-file", test_missing_file);
  g_test_add_func ("/scenario/error/syntax", test_syntax);
  g_test_add_func ("/scenario/error/unknown-key", test_unknown_key);
  g_test_add_func ("/scenario/error/duplicate-key", test_duplicate_key);
  g_test_add_func ("/scenario/error/wrong-type", test_wrong_type);
  g_test_add_func ("/scenario/error/bad-unit", test_bad_unit);
  g_test_add_func ("/scenario/error/missing-unit", test_missing_unit);
  g_test_add_func ("/scenario/error/out-of-range", test_out_of_range);
  g_test_add_func ("/scenario/error/list-length", test_list_length);
  g_test_add_func ("/scenario/error/enum", test_enum);
  g_test_add_func ("/scenario/error/missing-required", test_missing_required);
  g_test_add_func ("/scenario/error/check", test_check);
  g_test_add_func ("/scenario/error/empty", test_empty);
  g_test_add_func ("/scenario/error/comments-only", test_comments_only);
  g_test_add_func ("/scenario/error/binary", test_binary);
  g_test_add_func ("/scenario/error/alias-bomb", test_alias_bomb);
  g_test_add_func ("/scenario/error/deep-nesting", test_deep_nesting);
  g_test_add_func ("/scenario/error/merge-key", test_merge_key);
  g_test_add_func ("/scenario/error/multiple-documents", test_multiple_documents);
  g_test_add_func ("/scenario/error/tags", test_tags);
  g_test_add_func ("/scenario/error/keys", test_keys);
  g_test_add_func ("/scenario/preset/unknown", test_preset_unknown);
  g_test_add_func ("/scenario/preset/override", test_preset_override);
  g_test_add_func ("/scenario/set/ok", test_set_ok);
  g_test_add_func ("/scenario/set/creates-section", test_set_creates_section);
  g_test_add_func ("/scenario/set/unknown-key", test_set_unknown_key);
  g_test_add_func ("/scenario/set/bad-value", test_set_bad_value);
  g_test_add_func ("/scenario/set/bad-syntax", test_set_bad_syntax);
  g_test_add_func ("/scenario/units/duration", test_units_duration);
  g_test_add_func ("/scenario/units/size", test_units_size);
  g_test_add_func ("/scenario/units/bitrate", test_units_bitrate);
  g_test_add_func ("/scenario/units/fraction", test_units_fraction);
  g_test_add_func ("/scenario/units/double", test_units_double);
  g_test_add_func ("/scenario/units/int-bool", test_units_int_bool);
  g_test_add_func ("/scenario/units/format", test_units_format);
  g_test_add_func ("/scenario/units/messages", test_units_messages);
  g_test_add_func ("/scenario/text", test_text);
  g_test_add_func ("/scenario/describe", test_describe);
  return g_test_run ();
}
