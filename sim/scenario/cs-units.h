/* cs-units.h: parsing and printing of the values people write in scenario files: durations
 * ("600s", "1.5min"), sizes ("1MB", "4KiB"), bit rates ("25Mbit/s", "100Mbps"), fractions ("5%",
 * 0.05), booleans, integers and plain numbers. Parsers are exact (no floating point for integer
 * results) and on failure return a one-line message saying what was expected and what was found.
 *
 * Choices:
 *  - Numbers are decimal: optional sign, digits with an optional fraction, an optional exponent
 *    ("1e6", "2.5e-3"). No hex, no underscores, no inf/nan.
 *  - Integers accept an exponent when the result is whole ("1e6" = 1000000); "1.5" is an error.
 *  - Durations and sizes must come out whole: "1.5ns" and "1.5B" are errors, "1.5KB" is 1500 B.
 *  - A bare number for a duration, size or bit rate is an error ("missing unit"), except 0.
 *  - One space is allowed between a number and its unit ("10 ms").
 *  - Sizes cannot be negative; durations and bit rates can be parsed negative and are bounded by
 *    the schema (the loader treats an unbounded minimum as 0 for them). */
#pragma once

#include <glib.h>
#include "scenario/cs-schema.h"

/* Each parser returns TRUE and sets *out (leaving *message alone), or returns FALSE and sets
 * *message (@message must not be NULL; g_free the result) to a message like "expected a
 * duration with a unit (ns, us, ms, s, min, h, d) for 'latency', got '10 parsecs'". @what names
 * the value in messages ("'latency'"); NULL leaves it out. @text is the scalar as written,
 * NUL-terminated. */
gboolean cs_units_parse_bool (const char *text, const char *what, gboolean *out, char **message);
gboolean cs_units_parse_int (const char *text, const char *what, gint64 *out, char **message);
gboolean cs_units_parse_double (const char *text, const char *what, double *out, char **message);
gboolean cs_units_parse_duration (const char *text, const char *what, gint64 *out, char **message);
gboolean cs_units_parse_size (const char *text, const char *what, guint64 *out, char **message);
gboolean cs_units_parse_bitrate (const char *text, const char *what, double *out, char **message);
gboolean cs_units_parse_fraction (const char *text, const char *what, double *out, char **message);

/* What a value of @type looks like, for messages: "a duration with a unit (ns, us, ms, s, min, h,
 * d)", "an integer", "a mapping". Static string. */
const char *cs_units_expected (CsType type);

/* Short type names for `chainsim schema`: "duration", "size", "list". Static string. */
const char *cs_units_type_name (CsType type);

/* Printing in the largest unit that keeps the value exact: 1500000000 ns -> "1500ms",
 * 90 s -> "90s", 7200 s -> "2h", 1048576 B -> "1MiB", 1000000 B -> "1MB". */
char *cs_units_format_duration (gint64 ns);
char *cs_units_format_size (guint64 bytes);
/* Six significant digits in the largest unit not above the value: "25Mbit/s", "1.5Gbit/s". */
char *cs_units_format_bitrate (double bits_per_s);
/* As a percentage: 0.05 -> "5%". */
char *cs_units_format_fraction (double fraction);

/* A bound or default in base units (as stored in CsField.min/max), printed in @type's unit:
 * "10ms", "1MB", "25Mbit/s", "5%", "2", "0.5". */
char *cs_units_format_bound (CsType type, double value);
