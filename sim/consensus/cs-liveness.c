/* cs-liveness.c: the liveness verdict and the `consensus:` section (cs-liveness.h). O(n). */
#include "consensus/cs-liveness.h"

#include <math.h>
#include <stddef.h>

static const CsField liveness_fields[] = {
  { .key = "liveness_bound", .type = CS_T_DURATION,
    .offset = offsetof (CsLivenessConfig, liveness_bound), .default_text = "0", .min = 0,
    .max = 1e18,
    .help = "after the last fault heals, every correct replica must commit a new block within "
            "this (0: from the protocol's timeouts: raft 25 x election_max, pbft and hotstuff "
            "view_timeout x (8 (f+2) + 4))" },
  { NULL }
};

const CsSchema cs_liveness_schema = {
  .name = "consensus",
  .struct_size = sizeof (CsLivenessConfig),
  .fields = liveness_fields,
};

static const char *const verdict_names[] = {
  [CS_LIVENESS_OK] = "ok",
  [CS_LIVENESS_VIOLATED] = "violated",
  [CS_LIVENESS_TOO_SOON] = "too-soon",
  [CS_LIVENESS_UNHEALED] = "unhealed",
  [CS_LIVENESS_TOO_MANY_FAULTY] = "too-many-faulty",
  [CS_LIVENESS_NO_REQUESTS] = "no-requests",
};

const char *
cs_liveness_verdict_name (CsLivenessVerdict verdict)
{
  g_return_val_if_fail ((guint) verdict < G_N_ELEMENTS (verdict_names), "?");
  return verdict_names[verdict];
}

void
cs_liveness_judge (const CsSafety *safety, guint32 n, const gboolean *up, CsTime heal,
                   CsTime bound, CsTime end, guint32 tolerated, gboolean requests_after,
                   CsLivenessResult *out)
{
  *out = (CsLivenessResult) { .heal = heal, .bound = bound, .first_late = G_MAXUINT32 };
  for (guint32 i = 0; i < n; i++)
    {
      if (cs_safety_is_faulty (safety, i) || !up[i])
        {
          out->faulty++;
          continue;
        }
      out->checked++;
      CsTime t = heal == CS_TIME_NEVER ? CS_TIME_NEVER : cs_safety_first_after (safety, i);
      if (t == CS_TIME_NEVER || t - heal > bound)
        {
          if (out->late++ == 0)
            out->first_late = i;
          out->recovery = CS_TIME_NEVER;
        }
      else if (out->recovery != CS_TIME_NEVER)
        out->recovery = MAX (out->recovery, t - heal);
    }
  if (heal == CS_TIME_NEVER)
    out->verdict = CS_LIVENESS_UNHEALED;
  else if (out->faulty > tolerated)
    out->verdict = CS_LIVENESS_TOO_MANY_FAULTY;
  else if (out->late == 0)
    out->verdict = CS_LIVENESS_OK;
  else if (!requests_after)
    out->verdict = CS_LIVENESS_NO_REQUESTS;
  else if (end - heal < bound)
    out->verdict = CS_LIVENESS_TOO_SOON;
  else
    out->verdict = CS_LIVENESS_VIOLATED;
}
