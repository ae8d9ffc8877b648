/* cs-units.c: exact parsing of numbers with units, and printing them back. A number is scanned
 * once into (sign, integer mantissa, decimal exponent); integer results (ns, bytes, integers) are
 * then computed with checked 64-bit arithmetic, so "0.1s" is exactly 100000000 ns and overflow is
 * detected rather than wrapped. Doubles go through g_ascii_strtod (locale independent) after the
 * syntax has been checked here, so "inf", "nan" and hex never get in. */
#include "config.h"

#include <math.h>
#include <string.h>
#include "scenario/cs-units.h"
#include "scenario/cs-text.h"

/* A scanned decimal number: value = (negative ? -1 : 1) * mantissa * 10^exponent. */
typedef struct
{
  gboolean negative;  /* a leading '-' */
  guint64 mantissa;   /* significant digits, trailing fractional zeros dropped */
  gboolean too_long;  /* more significant digits than fit in 64 bits */
  gint exponent;      /* power of ten, clamped to +-100000 */
  gboolean fraction;  /* written with a '.' or a negative exponent (not a plain integer) */
  const char *end;    /* first character after the number */
} Number;

/* One unit: its spelling and its size in base units. */
typedef struct
{
  const char *name;  /* as written after the number */
  guint64 factor;    /* base units (ns, B, bit/s) per unit */
} Unit;

static const Unit duration_units[] = {
  { "ns", 1 },
  { "us", 1000 },
  { "\xc2\xb5s", 1000 }, /* U+00B5 MICRO SIGN */
  { "\xce\xbcs", 1000 }, /* U+03BC GREEK SMALL LETTER MU */
  { "ms", 1000000 },
  { "s", G_GUINT64_CONSTANT (1000000000) },
  { "min", G_GUINT64_CONSTANT (60000000000) },
  { "h", G_GUINT64_CONSTANT (3600000000000) },
  { "d", G_GUINT64_CONSTANT (86400000000000) },
  { NULL, 0 }
};

static const Unit size_units[] = {
  { "B", 1 },
  { "KB", 1000 },
  { "kB", 1000 },
  { "MB", 1000000 },
  { "GB", G_GUINT64_CONSTANT (1000000000) },
  { "TB", G_GUINT64_CONSTANT (1000000000000) },
  { "PB", G_GUINT64_CONSTANT (1000000000000000) },
  { "KiB", G_GUINT64_CONSTANT (1) << 10 },
  { "MiB", G_GUINT64_CONSTANT (1) << 20 },
  { "GiB", G_GUINT64_CONSTANT (1) << 30 },
  { "TiB", G_GUINT64_CONSTANT (1) << 40 },
  { "PiB", G_GUINT64_CONSTANT (1) << 50 },
  { NULL, 0 }
};

static const Unit bitrate_units[] = {
  { "bit/s", 1 },
  { "kbit/s", 1000 },
  { "Kbit/s", 1000 },
  { "Mbit/s", 1000000 },
  { "Gbit/s", G_GUINT64_CONSTANT (1000000000) },
  { "Tbit/s", G_GUINT64_CONSTANT (1000000000000) },
  { "bps", 1 },
  { "kbps", 1000 },
  { "Kbps", 1000 },
  { "Mbps", 1000000 },
  { "Gbps", G_GUINT64_CONSTANT (1000000000) },
  { "Tbps", G_GUINT64_CONSTANT (1000000000000) },
  { NULL, 0 }
};

/* Scans a decimal number at the start of @s. Returns FALSE when @s does not start with one. */
static gboolean
scan_number (const char *s, Number *n)
{
  const char *p = s;
  guint digits = 0, pending_zeros = 0;
  gint exponent = 0;

  memset (n, 0, sizeof *n);
  if (*p == '+' || *p == '-')
    n->negative = *p++ == '-';
  /* Digits before and after the point; zeros after the point are held back until a non-zero
   * digit follows, so "1.000000000000000000000" does not overflow the mantissa. */
  for (gboolean after_point = FALSE;; p++)
    {
      if (*p == '.' && !after_point)
        {
          after_point = TRUE;
          n->fraction = TRUE;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        break;
      digits++;
      if (after_point && *p == '0')
        {
          pending_zeros++;
          continue;
        }
      for (; pending_zeros > 0; pending_zeros--)
        {
          exponent--;
          if (!g_uint64_checked_mul (&n->mantissa, n->mantissa, 10))
            n->too_long = TRUE;
        }
      if (after_point)
        exponent--;
      if (!g_uint64_checked_mul (&n->mantissa, n->mantissa, 10)
          || !g_uint64_checked_add (&n->mantissa, n->mantissa, (guint64) (*p - '0')))
        n->too_long = TRUE;
    }
  if (digits == 0)
    return FALSE;
  if ((*p == 'e' || *p == 'E')
      && (g_ascii_isdigit (p[1])
          || ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
    {
      gboolean negative_exponent = FALSE;
      gint e = 0;

      p++;
      if (*p == '+' || *p == '-')
        negative_exponent = *p++ == '-';
      for (; g_ascii_isdigit (*p); p++)
        if (e < 100000)
          e = e * 10 + (*p - '0');
      exponent += negative_exponent ? -e : e;
      if (negative_exponent)
        n->fraction = TRUE;
    }
  n->exponent = exponent;
  n->end = p;
  return TRUE;
}

/* Outcome of scaling a number into whole base units. */
typedef enum
{
  SCALE_OK,
  SCALE_TOO_LARGE,
  SCALE_NOT_WHOLE,
} ScaleResult;

/* |n| * factor as a whole number, exactly. */
static ScaleResult
scale (const Number *n, guint64 factor, guint64 *out)
{
  guint64 r;

  if (n->mantissa == 0 && !n->too_long)
    {
      *out = 0;
      return SCALE_OK;
    }
  if (n->too_long || !g_uint64_checked_mul (&r, n->mantissa, factor))
    return SCALE_TOO_LARGE;
  /* Each loop ends within 20 steps: r overflows, or stops being a multiple of 10. */
  for (gint e = n->exponent; e > 0; e--)
    if (!g_uint64_checked_mul (&r, r, 10))
      return SCALE_TOO_LARGE;
  for (gint e = n->exponent; e < 0; e++)
    {
      if (r % 10 != 0)
        return SCALE_NOT_WHOLE;
      r /= 10;
    }
  *out = r;
  return SCALE_OK;
}

/* Whether @n is zero. */
static gboolean
is_zero (const Number *n)
{
  return n->mantissa == 0 && !n->too_long;
}

/* " for 'x'" or "". */
static char *
for_what (const char *what)
{
  return what ? g_strdup_printf (" for %s", what) : g_strdup ("");
}

/* "expected EXPECTED for WHAT, got 'TEXT'" */
static gboolean
fail_expected (char **message, const char *expected, const char *what, const char *text)
{
  g_autofree char *quoted = cs_text_quote (text);
  g_autofree char *f = for_what (what);

  *message = g_strdup_printf ("expected %s%s, got %s", expected, f, quoted);
  return FALSE;
}

/* Finds @name in @units. */
static const Unit *
find_unit (const Unit *units, const char *name)
{
  for (const Unit *u = units; u->name != NULL; u++)
    if (strcmp (u->name, name) == 0)
      return u;
  return NULL;
}

/* Splits "12.5 ms" into the scanned number and the unit text ("ms", or "" when none). Returns
 * FALSE when the text does not start with a number. */
static gboolean
split_unit (const char *text, Number *n, const char **unit)
{
  if (!scan_number (text, n))
    return FALSE;
  *unit = n->end;
  if (**unit == ' ')
    (*unit)++;
  /* "10 " (space, no unit) is malformed, not "missing unit" */
  if (*unit != n->end && **unit == '\0')
    return FALSE;
  return TRUE;
}

/* Shared body of the duration and size parsers: an exact whole count of base units. */
/* Splits @text into a number and its unit, which @type requires: returns 1 when a unit follows
 * the number, 0 for a bare zero (allowed without a unit), -1 with @message set otherwise. */
static int
split_required_unit (const char *text, const char *what, CsType type, Number *n,
                     const char **unit_text, char **message)
{
  if (!split_unit (text, n, unit_text))
    {
      fail_expected (message, cs_units_expected (type), what, text);
      return -1;
    }
  if (**unit_text != '\0')
    return 1;
  if (is_zero (n))
    return 0;
  g_autofree char *quoted = cs_text_quote (text);
  g_autofree char *f = for_what (what);
  *message = g_strdup_printf ("missing unit%s: expected %s, got %s", f, cs_units_expected (type),
                              quoted);
  return -1;
}

static gboolean
parse_whole_with_unit (const char *text, const char *what, CsType type, const Unit *units,
                       const char *base_name, guint64 limit, guint64 *magnitude,
                       gboolean *negative, char **message)
{
  Number n;
  const char *unit_text;
  const Unit *unit;
  guint64 v;

  switch (split_required_unit (text, what, type, &n, &unit_text, message))
    {
    case -1:
      return FALSE;
    case 0:
      *magnitude = 0;
      *negative = FALSE;
      return TRUE;
    default:
      break;
    }
  unit = find_unit (units, unit_text);
  if (unit == NULL)
    {
      if (type == CS_T_DURATION && strcmp (unit_text, "m") == 0)
        {
          g_autofree char *quoted = cs_text_quote (text);
          g_autofree char *f = for_what (what);

          *message = g_strdup_printf ("ambiguous unit 'm'%s in %s: write 'min' for minutes or "
                                      "'ms' for milliseconds", f, quoted);
          return FALSE;
        }
      return fail_expected (message, cs_units_expected (type), what, text);
    }
  switch (scale (&n, unit->factor, &v))
    {
    case SCALE_OK:
      if (v <= limit)
        break;
      G_GNUC_FALLTHROUGH;
    case SCALE_TOO_LARGE:
      {
        g_autofree char *quoted = cs_text_quote (text);
        g_autofree char *f = for_what (what);

        *message = g_strdup_printf ("%s%s is too large: %s (the limit is %s)",
                                    cs_units_type_name (type), f, quoted,
                                    type == CS_T_DURATION ? "about 106751d"
                                                          : "about 18EB, 2^64-1 bytes");
        return FALSE;
      }
    case SCALE_NOT_WHOLE:
    default:
      {
        g_autofree char *quoted = cs_text_quote (text);
        g_autofree char *f = for_what (what);

        *message = g_strdup_printf ("%s%s is not a whole number of %s: %s",
                                    cs_units_type_name (type), f, base_name, quoted);
        return FALSE;
      }
    }
  *magnitude = v;
  *negative = n.negative && v != 0;
  return TRUE;
}

gboolean
cs_units_parse_duration (const char *text, const char *what, gint64 *out, char **message)
{
  guint64 magnitude;
  gboolean negative;

  if (!parse_whole_with_unit (text, what, CS_T_DURATION, duration_units, "nanoseconds",
                              G_MAXINT64, &magnitude, &negative, message))
    return FALSE;
  *out = negative ? -(gint64) magnitude : (gint64) magnitude;
  return TRUE;
}

gboolean
cs_units_parse_size (const char *text, const char *what, guint64 *out, char **message)
{
  guint64 magnitude;
  gboolean negative;

  if (!parse_whole_with_unit (text, what, CS_T_SIZE, size_units, "bytes", G_MAXUINT64,
                              &magnitude, &negative, message))
    return FALSE;
  if (negative)
    {
      g_autofree char *quoted = cs_text_quote (text);
      g_autofree char *f = for_what (what);

      *message = g_strdup_printf ("size%s cannot be negative: %s", f, quoted);
      return FALSE;
    }
  *out = magnitude;
  return TRUE;
}

gboolean
cs_units_parse_bool (const char *text, const char *what, gboolean *out, char **message)
{
  static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On",
                                     "ON", NULL };
  static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off",
                                    "OFF", NULL };

  if (g_strv_contains (yes, text))
    *out = TRUE;
  else if (g_strv_contains (no, text))
    *out = FALSE;
  else
    return fail_expected (message, cs_units_expected (CS_T_BOOL), what, text);
  return TRUE;
}

gboolean
cs_units_parse_int (const char *text, const char *what, gint64 *out, char **message)
{
  Number n;
  guint64 v;
  ScaleResult r;

  if (!scan_number (text, &n) || *n.end != '\0')
    return fail_expected (message, cs_units_expected (CS_T_INT), what, text);
  r = scale (&n, 1, &v);
  if (r == SCALE_NOT_WHOLE)
    return fail_expected (message, "an integer (a whole number)", what, text);
  if (r == SCALE_TOO_LARGE
      || v > (n.negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64))
    {
      g_autofree char *quoted = cs_text_quote (text);
      g_autofree char *f = for_what (what);

      *message = g_strdup_printf ("integer%s is out of range: %s (the limit is +-%"
                                  G_GINT64_FORMAT ")", f, quoted, G_MAXINT64);
      return FALSE;
    }
  /* -(2^63) is representable only through the unsigned detour. */
  *out = n.negative ? (gint64) (0 - v) : (gint64) v;
  return TRUE;
}

/* The double value of a syntax-checked number at the start of @text, ending at @n->end. */
static gboolean
number_to_double (const char *text, const Number *n, double *out)
{
  g_autofree char *copy = g_strndup (text, n->end - text);

  *out = g_ascii_strtod (copy, NULL);
  return isfinite (*out);
}

gboolean
cs_units_parse_double (const char *text, const char *what, double *out, char **message)
{
  Number n;

  if (!scan_number (text, &n) || *n.end != '\0')
    return fail_expected (message, cs_units_expected (CS_T_DOUBLE), what, text);
  if (!number_to_double (text, &n, out))
    {
      g_autofree char *quoted = cs_text_quote (text);
      g_autofree char *f = for_what (what);

      *message = g_strdup_printf ("number%s is out of range: %s", f, quoted);
      return FALSE;
    }
  return TRUE;
}

gboolean
cs_units_parse_bitrate (const char *text, const char *what, double *out, char **message)
{
  Number n;
  const char *unit_text;
  const Unit *unit;
  double v;

  switch (split_required_unit (text, what, CS_T_BITRATE, &n, &unit_text, message))
    {
    case -1:
      return FALSE;
    case 0:
      *out = 0.0;
      return TRUE;
    default:
      break;
    }
  unit = find_unit (bitrate_units, unit_text);
  if (unit == NULL)
    return fail_expected (message, cs_units_expected (CS_T_BITRATE), what, text);
  if (!number_to_double (text, &n, &v) || !isfinite (v * (double) unit->factor))
    {
      g_autofree char *quoted = cs_text_quote (text);
      g_autofree char *f = for_what (what);

      *message = g_strdup_printf ("bit rate%s is out of range: %s", f, quoted);
      return FALSE;
    }
  *out = v * (double) unit->factor;
  if (*out == 0.0)
    *out = 0.0; /* no -0 */
  return TRUE;
}

gboolean
cs_units_parse_fraction (const char *text, const char *what, double *out, char **message)
{
  Number n;
  const char *rest;
  double v;

  if (!scan_number (text, &n))
    return fail_expected (message, cs_units_expected (CS_T_FRACTION), what, text);
  rest = n.end;
  if (*rest == ' ' && rest[1] == '%')
    rest++;
  if (!(*rest == '\0' || (*rest == '%' && rest[1] == '\0')))
    return fail_expected (message, cs_units_expected (CS_T_FRACTION), what, text);
  if (!number_to_double (text, &n, &v))
    {
      g_autofree char *quoted = cs_text_quote (text);
      g_autofree char *f = for_what (what);

      *message = g_strdup_printf ("fraction%s is out of range: %s", f, quoted);
      return FALSE;
    }
  if (*rest == '%')
    v /= 100.0;
  *out = v == 0.0 ? 0.0 : v;
  return TRUE;
}

const char *
cs_units_expected (CsType type)
{
  switch (type)
    {
    case CS_T_BOOL:
      return "a boolean (true or false)";
    case CS_T_INT:
      return "an integer";
    case CS_T_DOUBLE:
      return "a number";
    case CS_T_STRING:
      return "a string";
    case CS_T_DURATION:
      return "a duration with a unit (ns, us, ms, s, min, h, d)";
    case CS_T_SIZE:
      return "a size with a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
    case CS_T_BITRATE:
      return "a bit rate with a unit (bit/s, kbit/s, Mbit/s, Gbit/s, or bps, kbps, Mbps, Gbps)";
    case CS_T_FRACTION:
      return "a fraction (0.05 or 5%)";
    case CS_T_ENUM:
      return "a name";
    case CS_T_SECTION:
      return "a mapping";
    case CS_T_LIST:
      return "a sequence";
    default:
      g_return_val_if_reached ("a value");
    }
}

const char *
cs_units_type_name (CsType type)
{
  static const char *const names[] = {
    [CS_T_BOOL] = "boolean", [CS_T_INT] = "integer", [CS_T_DOUBLE] = "number",
    [CS_T_STRING] = "string", [CS_T_DURATION] = "duration", [CS_T_SIZE] = "size",
    [CS_T_BITRATE] = "bit rate", [CS_T_FRACTION] = "fraction", [CS_T_ENUM] = "enum",
    [CS_T_SECTION] = "section", [CS_T_LIST] = "list",
  };

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (names), "value");
  return names[type];
}

/* @v in the first unit of @prefer (names in @units, largest first) that divides it exactly. */
static char *
format_exact (guint64 v, const Unit *units, const char *const *prefer)
{
  for (const char *const *name = prefer; *name != NULL; name++)
    {
      const Unit *u = find_unit (units, *name);

      if (v % u->factor == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT "%s", v / u->factor, u->name);
    }
  g_return_val_if_reached (NULL);
}

char *
cs_units_format_duration (gint64 ns)
{
  static const char *const prefer[] = { "d", "h", "min", "s", "ms", "us", "ns", NULL };
  guint64 magnitude = ns < 0 ? 0 - (guint64) ns : (guint64) ns;
  g_autofree char *s = NULL;

  if (ns == 0)
    return g_strdup ("0s");
  s = format_exact (magnitude, duration_units, prefer);
  return ns < 0 ? g_strconcat ("-", s, NULL) : g_steal_pointer (&s);
}

char *
cs_units_format_size (guint64 bytes)
{
  static const char *const decimal[] = { "PB", "TB", "GB", "MB", "KB", NULL };
  static const char *const binary[] = { "PiB", "TiB", "GiB", "MiB", "KiB", "B", NULL };
  guint64 d = 0, b = 0;

  if (bytes == 0)
    return g_strdup ("0B");
  /* Prefer a decimal unit unless a binary one is larger (1048576 B is "1MiB", not "1048576B"). */
  for (const char *const *n = decimal; *n != NULL && d == 0; n++)
    if (bytes % find_unit (size_units, *n)->factor == 0)
      d = find_unit (size_units, *n)->factor;
  for (const char *const *n = binary; *n != NULL && b == 0; n++)
    if (bytes % find_unit (size_units, *n)->factor == 0)
      b = find_unit (size_units, *n)->factor;
  if (d >= b)
    return format_exact (bytes, size_units, decimal);
  return format_exact (bytes, size_units, binary);
}

char *
cs_units_format_bitrate (double v)
{
  static const char *const names[] = { "Tbit/s", "Gbit/s", "Mbit/s", "kbit/s", NULL };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (const char *const *n = names; *n != NULL; n++)
    {
      double factor = (double) find_unit (bitrate_units, *n)->factor;

      if (fabs (v) >= factor)
        return g_strdup_printf ("%s%s", g_ascii_formatd (buf, sizeof buf, "%.6g", v / factor), *n);
    }
  return g_strdup_printf ("%sbit/s", g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

char *
cs_units_format_fraction (double fraction)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s%%", g_ascii_formatd (buf, sizeof buf, "%.6g", fraction * 100.0));
}

char *
cs_units_format_bound (CsType type, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  switch (type)
    {
    case CS_T_DURATION:
      if (value >= 9.2e18)
        return cs_units_format_duration (G_MAXINT64);
      if (value <= -9.2e18)
        return cs_units_format_duration (G_MININT64);
      return cs_units_format_duration ((gint64) value);
    case CS_T_SIZE:
      if (value >= 1.8e19)
        return cs_units_format_size (G_MAXUINT64);
      return cs_units_format_size (value <= 0 ? 0 : (guint64) value);
    case CS_T_BITRATE:
      return cs_units_format_bitrate (value);
    case CS_T_FRACTION:
      return cs_units_format_fraction (value);
    default:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", value));
    }
}
