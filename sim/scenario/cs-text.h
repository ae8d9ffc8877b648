/* cs-text.h: small text helpers for error messages: quoting user text so that a message stays on
 * one line, "did you mean" suggestions by edit distance, and short comma-separated lists. */
#pragma once

#include <glib.h>

/* Longest user text quoted in a message, in characters; longer text is cut and ends with "...". */
#define CS_TEXT_QUOTE_MAX 60

/* Returns 'text' in single quotes with control characters and line separators escaped (\n, \t,
 * \xNN, \u2028) and long text shortened, so it can never break a one-line message. Invalid UTF-8
 * bytes are escaped as \xNN. */
char *cs_text_quote (const char *text);

/* Replaces in place every control character or line separator of a finished message by '?', a
 * last guard that keeps messages on one line whatever went into them. */
void cs_text_one_line (char *message);

/* Optimal-string-alignment (Damerau-Levenshtein, adjacent transpositions) distance between @a and
 * @b, ASCII case-insensitive. Stops early: any result above @limit is returned as @limit + 1.
 * Linear in the shorter string when the lengths differ by more than @limit. */
guint cs_text_distance (const char *a, const char *b, guint limit);

/* The candidate closest to @word when close enough to be a likely typo (distance <= 1 for
 * candidates of up to 3 characters, <= 2 otherwise; ties go to the first), else NULL. @n is the
 * number of candidates, or -1 when @candidates is NULL-terminated. */
const char *cs_text_suggest (const char *word, const char *const *candidates, gssize n);

/* Appends "a, b, c" to @out; after @max_items items appends ", ..." instead of the rest. */
void cs_text_append_list (GString *out, const char *const *items, gssize n, guint max_items);
