/* test-gossip.c: tests of sim/gossip driven by hand through a fake node context (no engine, no
 * network): what a node sends, emits and schedules for each input; the probe's threshold times. */
#include "gossip/cs-gossip.h"
#include "gossip/cs-gossip-probe.h"
#include "engine/cs-rng.h"

#include <math.h>
#include <string.h>

/* A fake context recording everything the node does. */
typedef struct
{
  CsTime now;
  guint32 peers[4];
  guint n_peers;
  GArray *sent_to;      /* guint32 peers, in send order */
  GArray *emitted;      /* guint metric */
  guint timers;         /* timers started */
  guint16 last_kind;
  gpointer last_arg;
  CsTime last_delay;
} Fake;

static CsTime fake_now (CsNodeCtx *ctx) { return ((Fake *) ctx->impl)->now; }
static void fake_send (CsNodeCtx *ctx, guint32 peer, CsMsg *msg) { g_array_append_val (((Fake *) ctx->impl)->sent_to, peer); }
static const guint32 *fake_peers (CsNodeCtx *ctx, guint *n) { Fake *f = ctx->impl; *n = f->n_peers; return f->peers; }
static CsNodeTimer
fake_timer_start (CsNodeCtx *ctx, CsTime delay, guint16 kind, gpointer arg)
{
  Fake *f = ctx->impl;
  f->timers++;
  f->last_kind = kind;
  f->last_arg = arg;
  f->last_delay = delay;
  return f->timers;
}
static gboolean fake_timer_cancel (CsNodeCtx *ctx, CsNodeTimer t) { return FALSE; }
static void fake_emit (CsNodeCtx *ctx, guint metric, guint64 key, double value) { g_array_append_val (((Fake *) ctx->impl)->emitted, metric); }

static const CsNodeCtxOps fake_ops = {
  fake_now, fake_send, fake_peers, fake_timer_start, fake_timer_cancel, fake_emit,
};

static CsGossipConfig config = {
  .messages = 10, .interval = CS_SEC, .size = 1000, .processing_delay = 5 * CS_MSEC,
};

static void
test_node_forwards_once (void)
{
  Fake f = { .peers = { 1, 2, 5, 9 }, .n_peers = 4 };
  f.sent_to = g_array_new (FALSE, FALSE, sizeof (guint32));
  f.emitted = g_array_new (FALSE, FALSE, sizeof (guint));
  CsNodeCtx ctx = { .ops = &fake_ops, .id = 7, .shared = &config, .impl = &f };
  gpointer state = g_malloc0 (cs_gossip_class.state_size);
  cs_gossip_class.start (&ctx, state);

  /* First receipt of message 3 from peer 5: RECEIVED, and a forward timer after the delay. */
  g_autoptr (CsMsg) msg = cs_msg_new (1, 1000, GSIZE_TO_POINTER (3), NULL);
  cs_gossip_class.on_message (&ctx, state, 5, msg);
  g_assert_cmpuint (f.emitted->len, ==, 1);
  g_assert_cmpuint (g_array_index (f.emitted, guint, 0), ==, CS_GOSSIP_RECEIVED);
  g_assert_cmpuint (f.timers, ==, 1);
  g_assert_cmpint (f.last_delay, ==, 5 * CS_MSEC);
  g_assert_cmpuint (f.sent_to->len, ==, 0);

  /* The timer forwards to every peer but the sender. */
  cs_gossip_class.on_timer (&ctx, state, f.last_kind, f.last_arg);
  g_assert_cmpuint (f.sent_to->len, ==, 3);
  g_assert_cmpuint (g_array_index (f.sent_to, guint32, 0), ==, 1);
  g_assert_cmpuint (g_array_index (f.sent_to, guint32, 1), ==, 2);
  g_assert_cmpuint (g_array_index (f.sent_to, guint32, 2), ==, 9);

  /* A second copy is a duplicate: nothing sent, nothing scheduled. */
  cs_gossip_class.on_message (&ctx, state, 1, msg);
  g_assert_cmpuint (g_array_index (f.emitted, guint, 1), ==, CS_GOSSIP_DUPLICATE);
  g_assert_cmpuint (f.timers, ==, 1);
  g_assert_cmpuint (f.sent_to->len, ==, 3);

  /* Originating sends to all peers at once. */
  cs_gossip_class.on_timer (&ctx, state, CS_GOSSIP_TIMER_ORIGINATE, GSIZE_TO_POINTER (9));
  g_assert_cmpuint (f.sent_to->len, ==, 7);
  g_assert_cmpuint (g_array_index (f.emitted, guint, 2), ==, CS_GOSSIP_ORIGINATED);

  cs_gossip_class.clear (state);
  g_free (state);
  g_array_unref (f.sent_to);
  g_array_unref (f.emitted);
}

static void
test_probe_thresholds (void)
{
  /* 10 nodes; message 0 originates at t=1 s and reaches node k at 1 + k*0.1 s. 50% needs 5 nodes
   * (delay 0.4 s), 90% needs 9 (0.8 s), 100% needs 10 (0.9 s). Message 1 reaches only 6 nodes. */
  g_autoptr (CsGossipProbe) probe = cs_gossip_probe_new (&config, 10);
  cs_gossip_probe_emit (probe, 0, CS_SEC, CS_GOSSIP_ORIGINATED, 0, 0);
  for (guint k = 1; k < 10; k++)
    cs_gossip_probe_emit (probe, k, CS_SEC + k * 100 * CS_MSEC, CS_GOSSIP_RECEIVED, 0, 0);
  cs_gossip_probe_emit (probe, 3, 2 * CS_SEC, CS_GOSSIP_ORIGINATED, 1, 0);
  for (guint k = 0; k < 5; k++)
    cs_gossip_probe_emit (probe, k, 2 * CS_SEC + (k + 1) * 200 * CS_MSEC, CS_GOSSIP_RECEIVED, 1, 0);
  double p50, p90, p100;
  guint complete;
  cs_gossip_probe_medians (probe, &p50, &p90, &p100, &complete);
  /* Medians over messages: p50 over {0.4, 0.8} = 0.6; p90 and p100 only from message 0. */
  g_assert_cmpfloat_with_epsilon (p50, 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (p90, 0.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (p100, 0.9, 1e-9);
  g_assert_cmpuint (complete, ==, 1);

  g_autoptr (GString) summary = g_string_new (NULL);
  g_autoptr (CsJson) j = cs_json_new (summary);
  g_autoptr (CsOutput) out = cs_output_new ("/nonexistent");
  cs_json_begin_object (j);
  cs_gossip_probe_report (probe, j, out);
  cs_json_end_object (j);
  g_assert_nonnull (strstr (summary->str, "\"coverage_mean\": 0.8"));
  g_assert_nonnull (strstr (cs_output_file (out, "messages.csv")->str,
                            "1,3,2,6,0.8,,\n"));
}

static void
plan_count (guint32 node, CsTime at, guint64 id, gpointer user_data)
{
  GArray *times = user_data;
  g_assert_cmpuint (node, <, 50);
  g_array_append_val (times, at);
}

static void
test_plan_poisson (void)
{
  /* 20,000 originations with mean gap 1 s: the mean gap is within 4 standard errors (1/sqrt(n)
   * = 0.7%) of 1 s; with a horizon the plan stops early. */
  CsGossipConfig c = config;
  c.messages = 20000;
  cs_gsl_init ();
  g_autoptr (gsl_rng) rng = cs_rng_new (1, 1);
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (CsTime));
  cs_gossip_plan (&c, 50, rng, CS_TIME_NEVER, plan_count, times);
  g_assert_cmpuint (times->len, ==, 20000);
  double mean_gap = cs_time_to_s (g_array_index (times, CsTime, times->len - 1)) / times->len;
  g_assert_cmpfloat (fabs (mean_gap - 1.0), <, 4 * 1.0 / sqrt (20000.0));
  g_array_set_size (times, 0);
  cs_gossip_plan (&c, 50, rng, 100 * CS_SEC, plan_count, times);
  g_assert_cmpuint (times->len, >, 50);
  g_assert_cmpuint (times->len, <, 150);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gossip/node/forwards-once", test_node_forwards_once);
  g_test_add_func ("/gossip/probe/thresholds", test_probe_thresholds);
  g_test_add_func ("/gossip/plan/poisson", test_plan_poisson);
  return g_test_run ();
}
