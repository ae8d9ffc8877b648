/* test-world-elision.c: tests of deliveries taken in early (cs_world_set_elision, and
 * CsProtocolClass.absorb and catch_up). The reference is the same world without elision: each
 * node's record of what reached it (hashed in the order it took effect), the event count, the
 * traffic, the stop reason and the end time must be identical, on one thread and on two, for a
 * run that stops when its events run out (the last deliveries are taken in early) and for one
 * stopped by its end time (some taken in early are due after it). The protocol here is a flood
 * whose repeats only leave a note at the receiver, the shape of Nakamoto's announcements. Also:
 * what the world refuses. */
#include <string.h>

#include "engine/cs-rng.h"
#include "net/cs-net.h"
#include "world/cs-world.h"

enum { FLOOD_MSG = 1, FLOOD_TIMER_START = 1, FLOOD_TIMER_FORWARD = 2 };

/* A repeat taken in early. */
typedef struct
{
  CsNodeOrder due;
} Note;

typedef struct
{
  gboolean seen;      /* the flood reached this node */
  guint64 record;     /* FNV-1a over (time, from) of every arrival, in order */
  guint32 arrivals;
  GArray *notes;      /* Note, in due order: repeats taken in early, not yet applied */
  guint32 came_from;  /* the first sender */
} FloodNode;

static void
note_arrival (FloodNode *node, CsTime at, guint32 from)
{
  guint64 words[2] = { (guint64) at, from };
  const guint8 *p = (const guint8 *) words;
  guint64 h = node->record ? node->record : G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (guint i = 0; i < sizeof words; i++)
    h = (h ^ p[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  node->record = h;
  node->arrivals++;
}

static void
flood_forward (CsNodeCtx *ctx, FloodNode *node)
{
  guint n = 0;
  const guint32 *peers = cs_peers (ctx, &n);
  g_autofree guint32 *to = g_new (guint32, MAX (n, 1));
  guint k = 0;
  for (guint i = 0; i < n; i++)
    if (peers[i] != node->came_from)
      to[k++] = peers[i];
  g_autoptr (CsMsg) msg = cs_msg_new (FLOOD_MSG, 300, NULL, NULL);
  cs_send_all (ctx, to, k, msg);
}

static void
flood_on_message (CsNodeCtx *ctx, gpointer state, guint32 from, CsMsg *msg)
{
  FloodNode *node = state;
  note_arrival (node, cs_now (ctx), from);
  if (node->seen)
    return; /* a repeat: the note is all it leaves */
  node->seen = TRUE;
  node->came_from = from;
  cs_emit (ctx, 0, from, 0);
  /* Forwarding takes a while, so that repeats arrive in between. */
  cs_timer_start (ctx, 2 * CS_MSEC, FLOOD_TIMER_FORWARD, NULL);
}

static void
flood_on_timer (CsNodeCtx *ctx, gpointer state, guint16 kind, gpointer arg)
{
  FloodNode *node = state;
  if (kind == FLOOD_TIMER_START)
    {
      node->seen = TRUE;
      node->came_from = G_MAXUINT32;
    }
  flood_forward (ctx, node);
}

/* A repeat (the node was reached already, and stays so) leaves only its note. */
static gboolean
flood_absorb (gconstpointer shared, gpointer state, guint32 from, const CsMsg *msg,
              const CsNodeOrder *due)
{
  FloodNode *node = state;
  if (!node->seen)
    return FALSE;
  if (!node->notes)
    node->notes = g_array_new (FALSE, FALSE, sizeof (Note));
  guint i = node->notes->len;
  while (i > 0 && cs_node_order_before (due, &g_array_index (node->notes, Note, i - 1).due))
    i--;
  Note note = { *due };
  g_array_insert_val (node->notes, i, note);
  return TRUE;
}

static void
flood_catch_up (gconstpointer shared, gpointer state, const CsNodeOrder *next)
{
  FloodNode *node = state;
  guint k = 0;
  while (node->notes && k < node->notes->len
         && cs_node_order_before (&g_array_index (node->notes, Note, k).due, next))
    {
      const Note *n = &g_array_index (node->notes, Note, k++);
      note_arrival (node, n->due.time, n->due.src);
    }
  if (k > 0)
    g_array_remove_range (node->notes, 0, k);
}

static void
flood_clear (gpointer state)
{
  FloodNode *node = state;
  g_clear_pointer (&node->notes, g_array_unref);
}

static const CsProtocolClass flood_class = {
  .name = "flood",
  .state_size = sizeof (FloodNode),
  .on_message = flood_on_message,
  .on_timer = flood_on_timer,
  .clear = flood_clear,
  .absorb = flood_absorb,
  .catch_up = flood_catch_up,
};

/* The same without the early path. */
static const CsProtocolClass flood_plain_class = {
  .name = "flood-plain",
  .state_size = sizeof (FloodNode),
  .on_message = flood_on_message,
  .on_timer = flood_on_timer,
  .clear = flood_clear,
};

/* One region, 40 ms with Pareto jitter, no bandwidth limit. */
static CsNet *
make_net (guint n)
{
  CsNetConfig c = { .nodes = n, .jitter = CS_JITTER_PARETO, .pareto_shape = 3,
                    .bandwidth_model = CS_BANDWIDTH_NONE };
  c.regions = g_array_new (FALSE, TRUE, sizeof (CsNetRegion));
  CsNetRegion region = { .name = g_strdup ("ONE"), .share = 1.0 };
  g_array_append_val (c.regions, region);
  c.latency = g_array_new (FALSE, FALSE, sizeof (GArray *));
  GArray *row = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 latency = 40 * CS_MSEC;
  g_array_append_val (row, latency);
  g_array_append_val (c.latency, row);
  c.peers.outbound = 8;
  c.peers.max_inbound = 125;
  g_autoptr (GError) error = NULL;
  CsNet *net = cs_net_new (&c, 5, &error);
  g_assert_no_error (error);
  g_free (region.name);
  g_array_unref (row);
  g_array_unref (c.regions);
  g_array_unref (c.latency);
  return net;
}

typedef struct
{
  gchar *records;     /* every node's record and arrival count */
  guint64 events, absorbed;
  CsWorldTraffic traffic;
  CsTime now;
  CsStopReason reason;
} Result;

static void
count_emit (guint32 node, CsTime now, guint metric, guint64 key, double value, gpointer data)
{
  (*(guint64 *) data)++;
}

/* Floods from three nodes (at 1 s, 1.05 s and 3 s) over @n nodes until @until. */
static void
run (Result *out, const CsProtocolClass *klass, gboolean elision, guint threads, guint n,
     CsTime until)
{
  g_autoptr (CsNet) net = make_net (n);
  guint64 emits = 0;
  g_autoptr (CsWorld) world = cs_world_new (net, klass, NULL, 9, count_emit, &emits);
  if (threads > 1)
    g_assert_true (cs_world_set_threads (world, threads, cs_net_min_latency (net), NULL));
  g_assert_cmpint (cs_world_set_elision (world, until), ==, elision);
  cs_world_start (world);
  const CsTime starts[3] = { CS_SEC, CS_SEC + 50 * CS_MSEC, 3 * CS_SEC };
  for (guint i = 0; i < 3; i++)
    cs_world_inject_timer (world, 7 * i, starts[i], FLOOD_TIMER_START, NULL);
  out->reason = cs_world_run (world, until, 0);
  out->now = cs_engine_now (cs_world_engine (world));
  out->events = cs_world_events_processed (world);
  out->absorbed = cs_world_deliveries_absorbed (world);
  cs_world_traffic (world, &out->traffic);
  /* The notes due by the end took effect in the reference run: apply them here. */
  GString *s = g_string_new (NULL);
  CsNodeOrder end = { .time = until + 1 };
  for (guint32 v = 0; v < n; v++)
    {
      FloodNode *node = cs_world_node_state (world, v);
      flood_catch_up (NULL, node, &end);
      g_string_append_printf (s, "%u:%" G_GUINT64_FORMAT "/%u ", v, node->record,
                              node->arrivals);
    }
  out->records = g_string_free (s, FALSE);
  g_assert_cmpuint (emits, >, 0);
}

static void
assert_same (const Result *a, const Result *b)
{
  g_assert_cmpstr (a->records, ==, b->records);
  g_assert_cmpuint (a->events, ==, b->events);
  g_assert_cmpint (a->reason, ==, b->reason);
  g_assert_cmpint (a->now, ==, b->now);
  g_assert_cmpmem (&a->traffic, sizeof a->traffic, &b->traffic, sizeof b->traffic);
}

static void
check (CsTime until, CsStopReason expect)
{
  cs_gsl_init ();
  Result plain = { 0 }, early = { 0 }, early2 = { 0 }, plain2 = { 0 };
  run (&plain, &flood_plain_class, FALSE, 1, 400, until);
  run (&early, &flood_class, TRUE, 1, 400, until);
  run (&plain2, &flood_plain_class, FALSE, 2, 400, until);
  run (&early2, &flood_class, TRUE, 2, 400, until);
  g_test_message ("until %.3f s: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT
                  " delivered, stopped %d at %.6f s; %" G_GUINT64_FORMAT " taken in early (%"
                  G_GUINT64_FORMAT " on 2 threads)", cs_time_to_s (until), plain.events,
                  plain.traffic.messages_delivered, plain.reason, cs_time_to_s (plain.now),
                  early.absorbed, early2.absorbed);
  g_assert_cmpint (plain.reason, ==, expect);
  g_assert_cmpuint (plain.absorbed, ==, 0);
  g_assert_cmpuint (early.absorbed, >, plain.events / 5); /* most repeats */
  g_assert_cmpuint (early2.absorbed, >, plain.events / 5);
  assert_same (&early, &plain);
  assert_same (&plain2, &plain);
  assert_same (&early2, &plain);
  g_free (plain.records);
  g_free (early.records);
  g_free (plain2.records);
  g_free (early2.records);
}

static void
test_runs_out (void)
{
  /* The floods end long before: the last deliveries (repeats) are all taken in early, and the
   * run still stops at the last one's time. */
  check (60 * CS_SEC, CS_STOP_EMPTY);
}

static void
test_end_time (void)
{
  /* Stopped in the middle of the first two floods: repeats due after the end are neither counted
   * nor applied. */
  check (CS_SEC + 120 * CS_MSEC, CS_STOP_TIME);
}

static void
test_refused (void)
{
  /* A protocol without absorb gets no elision; a world with elision refuses crashes and event
   * budgets. */
  g_autoptr (CsNet) net = make_net (20);
  g_autoptr (CsWorld) plain = cs_world_new (net, &flood_plain_class, NULL, 1, NULL, NULL);
  g_assert_false (cs_world_set_elision (plain, CS_SEC));
  g_autoptr (CsWorld) world = cs_world_new (net, &flood_class, NULL, 1, NULL, NULL);
  g_assert_true (cs_world_set_elision (world, CS_SEC));
  cs_world_start (world);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*elision*");
  cs_world_crash (world, 3, FALSE);
  g_test_assert_expected_messages ();
  g_assert_true (cs_world_node_is_up (world, 3));
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*max_events*");
  cs_world_run (world, CS_SEC, 10);
  g_test_assert_expected_messages ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/world/elision/runs-out", test_runs_out);
  g_test_add_func ("/world/elision/end-time", test_end_time);
  g_test_add_func ("/world/elision/refused", test_refused);
  return g_test_run ();
}
