/* fuzz-scenario.c: the libFuzzer entry point for the scenario loader. Each input is loaded with
 * the test schema of test-schema.h (every type, presets, lists of lists, checks); leading lines
 * "#set PATH=VALUE" (YAML comments, so the document is unchanged) are also passed as --set
 * overrides. The harness aborts when a failure message is not exactly one line of the form
 * "fuzz.yaml:LINE:COLUMN: error: ..." or "--set:LINE:COLUMN: error: ...", when a failed load
 * leaves the struct dirty, when the error is not in CS_CONFIG_ERROR, when a loaded struct breaks
 * what the schema promises, or when loading the same input twice gives different outcomes;
 * sanitizers catch the rest, leaks included. Built by `make fuzz-scenario` (clang, libFuzzer) and, with gcc, linked
 * into tests/fuzz/fuzz-scenario-replay to replay the corpus under `make check`. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test-schema.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* At most this many "#set" lines are taken from an input. */
#define MAX_OVERRIDES 8

/* Whether @p starts with "LINE:COLUMN: error: " followed by a non-empty message, both numbers
 * positive and written without leading zeros. */
static gboolean
is_position_and_message (const char *p)
{
  for (int part = 0; part < 2; part++)
    {
      if (*p < '1' || *p > '9')
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
      if (*p++ != ':')
        return FALSE;
    }
  return g_str_has_prefix (p, " error: ") && p[strlen (" error: ")] != '\0';
}

static gboolean
is_well_formed (const char *message)
{
  if (strchr (message, '\n') != NULL || strchr (message, '\r') != NULL)
    return FALSE;
  if (g_str_has_prefix (message, "fuzz.yaml:"))
    return is_position_and_message (message + strlen ("fuzz.yaml:"));
  if (g_str_has_prefix (message, "--set:"))
    return is_position_and_message (message + strlen ("--set:"));
  return FALSE;
}

/* Loads the input once and checks the outcome; returns the error message (or "ok"). */
static char *
load_once (const uint8_t *data, size_t size, const char *const *overrides)
{
  GError *error = NULL;
  TScenario s;
  gboolean ok;
  char *outcome;

  memset (&s, 0x5a, sizeof s); /* the loader must not rely on a zeroed struct */
  ok = cs_config_load_data (&t_scenario_schema, &s, "fuzz.yaml", (const char *) data, size,
                            overrides, &error);
  if (ok)
    {
      /* What the schema promises about a loaded struct. */
      if (s.name == NULL || s.relays == NULL || s.sizes == NULL || s.sizes->len == 0
          || s.schedule == NULL || s.tags == NULL || s.network.nodes < 2
          || s.network.min_delay > s.network.max_delay || s.network.loss > 0.5
          || s.network.min_delay < 0 || s.mode < 0 || s.mode > 2 || s.relays->len > 4)
        abort ();
      cs_config_clear (&t_scenario_schema, &s);
      return g_strdup ("ok");
    }
  {
    static const TScenario zero;

    if (error == NULL || error->domain != CS_CONFIG_ERROR || !is_well_formed (error->message)
        || memcmp (&s, &zero, sizeof s) != 0)
      {
        fprintf (stderr, "bad failure: %s\n", error != NULL ? error->message : "(no error)");
        abort ();
      }
  }
  outcome = g_strdup (error->message);
  g_error_free (error);
  return outcome;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GPtrArray *overrides = g_ptr_array_new_with_free_func (g_free);
  gsize pos = 0;
  char *first, *second;

  while (overrides->len < MAX_OVERRIDES && size - pos > 5 && memcmp (data + pos, "#set ", 5) == 0)
    {
      const uint8_t *nl = memchr (data + pos, '\n', size - pos);
      gsize end = nl != NULL ? (gsize) (nl - data) : size;

      g_ptr_array_add (overrides, g_strndup ((const char *) data + pos + 5, end - pos - 5));
      pos = nl != NULL ? end + 1 : size;
    }
  g_ptr_array_add (overrides, NULL);
  first = load_once (data, size, (const char *const *) overrides->pdata);
  second = load_once (data, size, (const char *const *) overrides->pdata);
  if (strcmp (first, second) != 0)
    {
      fprintf (stderr, "not deterministic:\n%s\n%s\n", first, second);
      abort ();
    }
  g_free (first);
  g_free (second);
  g_ptr_array_unref (overrides);
  return 0;
}
