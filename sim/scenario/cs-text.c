/* cs-text.c: quoting, one-line guards, edit distance and suggestions for error messages.
 * Complexity: quoting is linear in the quoted prefix; the distance is O(|a| * |b|) but returns
 * at once when the lengths differ by more than the limit, and candidates are short schema keys,
 * so a megabyte-long user key costs nothing. */
#include "config.h"

#include <string.h>
#include "scenario/cs-text.h"

/* Whether @c (a Unicode character) would break a line or a terminal: C0/C1 controls, DEL and
 * the Unicode line and paragraph separators. */
static gboolean
is_breaking (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
}

char *
cs_text_quote (const char *text)
{
  GString *out = g_string_new ("'");
  const char *p = text;
  guint chars = 0;

  while (*p != '\0')
    {
      const char *end = NULL;
      gunichar c;

      if (chars == CS_TEXT_QUOTE_MAX)
        {
          g_string_append (out, "...");
          break;
        }
      c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guint) (guchar) *p);
          p++;
          chars++;
          continue;
        }
      end = g_utf8_next_char (p);
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x100 && is_breaking (c))
        g_string_append_printf (out, "\\x%02x", (guint) c);
      else if (is_breaking (c))
        g_string_append_printf (out, "\\u%04x", (guint) c);
      else
        g_string_append_len (out, p, end - p);
      p = end;
      chars++;
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

void
cs_text_one_line (char *message)
{
  guchar *p = (guchar *) message;

  for (; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f)
        *p = '?';
      /* U+0085 (C2 85), U+2028 and U+2029 (E2 80 A8/A9) */
      else if (p[0] == 0xc2 && p[1] == 0x85)
        p[0] = p[1] = '?';
      else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
        p[0] = p[1] = p[2] = '?';
    }
}

guint
cs_text_distance (const char *a, const char *b, guint limit)
{
  gsize la = strlen (a), lb = strlen (b);
  guint *prev2, *prev, *cur, result;

  if ((la > lb ? la - lb : lb - la) > limit)
    return limit + 1;
  /* Three rolling rows of the dynamic-programming table (the transposition looks two back). */
  prev2 = g_new0 (guint, lb + 1);
  prev = g_new0 (guint, lb + 1);
  cur = g_new0 (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    prev[j] = (guint) MIN (j, (gsize) limit + 1);
  for (gsize i = 1; i <= la; i++)
    {
      guint *tmp;

      cur[0] = (guint) MIN (i, (gsize) limit + 1);
      for (gsize j = 1; j <= lb; j++)
        {
          char ca = g_ascii_tolower (a[i - 1]), cb = g_ascii_tolower (b[j - 1]);
          guint cost = ca == cb ? 0 : 1;
          guint v = MIN (prev[j] + 1, cur[j - 1] + 1);

          v = MIN (v, prev[j - 1] + cost);
          if (i > 1 && j > 1 && ca == g_ascii_tolower (b[j - 2])
              && g_ascii_tolower (a[i - 2]) == cb)
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = MIN (v, limit + 1);
        }
      tmp = prev2;
      prev2 = prev;
      prev = cur;
      cur = tmp;
    }
  result = prev[lb];
  g_free (prev2);
  g_free (prev);
  g_free (cur);
  return result;
}

const char *
cs_text_suggest (const char *word, const char *const *candidates, gssize n)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (gssize i = 0; n < 0 ? candidates[i] != NULL : i < n; i++)
    {
      guint limit = strlen (candidates[i]) <= 3 ? 1 : 2;
      guint d = cs_text_distance (word, candidates[i], limit);

      if (d <= limit && d < best_distance)
        {
          best = candidates[i];
          best_distance = d;
        }
    }
  return best;
}

void
cs_text_append_list (GString *out, const char *const *items, gssize n, guint max_items)
{
  for (gssize i = 0; n < 0 ? items[i] != NULL : i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      if ((guint) i == max_items)
        {
          g_string_append (out, "...");
          break;
        }
      g_string_append (out, items[i]);
    }
}
