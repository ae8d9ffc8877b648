/* cs-time.h: simulated time. Every time in chainsim is an int64 count of nanoseconds since the
 * start of the run; integer time keeps runs byte-reproducible (no floating-point drift in the
 * event order). Seconds as doubles appear only in outputs. */
#pragma once

#include <glib.h>

typedef gint64 CsTime;

#define CS_NSEC ((CsTime) 1)
#define CS_USEC ((CsTime) 1000)
#define CS_MSEC ((CsTime) 1000000)
#define CS_SEC ((CsTime) 1000000000)
#define CS_MIN (60 * CS_SEC)
#define CS_HOUR (3600 * CS_SEC)
#define CS_DAY (86400 * CS_SEC)

/* A time that never comes: "no deadline", "message lost". */
#define CS_TIME_NEVER G_MAXINT64

static inline double
cs_time_to_s (CsTime t)
{
  return (double) t / (double) CS_SEC;
}

/* Seconds to nanoseconds, rounded to nearest and saturated at CS_TIME_NEVER. */
static inline CsTime
cs_time_from_s (double s)
{
  double ns = s * 1e9;
  if (!(ns < 9.2e18))
    return CS_TIME_NEVER;
  if (ns <= 0)
    return 0;
  return (CsTime) (ns + 0.5);
}
