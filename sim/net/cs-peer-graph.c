/* cs-peer-graph.c: draws the undirected peer graph, Bitcoin style. Nodes in id order each open
 * their outbound connections (a fixed count, or a degree drawn from the outbound CDF) to distinct
 * random nodes that still accept inbound connections (fewer than max_inbound): no self links, no
 * duplicate links (a-b and b-a are the same TCP connection). Then the components are found by BFS
 * and each one but the largest is joined to the largest by one extra link, so the graph is always
 * connected; the count is reported. The result is stored in compressed sparse row form, sorted.
 *
 * Cost: O(N * d^2) time for mean degree d (a new link is checked against the node's current
 * links by a linear scan; d is small), O(N * d) memory, about 2 * 4 * N * d bytes for the final
 * graph (N = 10^5, d = 16: 13 MB at the peak of construction). Targets are drawn from a list of
 * nodes with spare inbound capacity, so a tight max_inbound costs no rejection loops. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "net/cs-net-private.h"

/* Random draws for a target before falling back to a scan of the open nodes. */
#define PICK_TRIES 32

/* A growable list of a node's peers during construction. */
typedef struct
{
  guint32 *v;    /* peer ids, in the order the links were made */
  guint32 len;   /* peers */
  guint32 cap;   /* allocated slots */
} PeerVec;

/* Construction state. */
typedef struct
{
  guint32 n;             /* nodes */
  PeerVec *adj;          /* each node's peers */
  guint32 *inbound;      /* inbound links accepted by each node */
  guint32 max_inbound;   /* capacity for inbound links */
  guint32 *open;         /* nodes with inbound < max_inbound, in a deterministic order */
  guint32 n_open;        /* entries of open */
  guint32 *open_pos;     /* each node's index in open, or G_MAXUINT32 */
} Builder;

static void
vec_push (PeerVec *vec, guint32 x)
{
  if (vec->len == vec->cap)
    {
      vec->cap = vec->cap != 0 ? vec->cap * 2 : 8;
      vec->v = g_renew (guint32, vec->v, vec->cap);
    }
  vec->v[vec->len++] = x;
}

static gboolean
linked (const Builder *b, guint32 a, guint32 t)
{
  const PeerVec *vec = &b->adj[a];

  for (guint32 i = 0; i < vec->len; i++)
    if (vec->v[i] == t)
      return TRUE;
  return FALSE;
}

/* Removes @t from the open list (swap with the last entry). */
static void
close_node (Builder *b, guint32 t)
{
  guint32 pos = b->open_pos[t];
  guint32 last = b->open[b->n_open - 1];

  b->open[pos] = last;
  b->open_pos[last] = pos;
  b->open_pos[t] = G_MAXUINT32;
  b->n_open--;
}

/* Links @a (opening) and @t (accepting). */
static void
add_link (Builder *b, guint32 a, guint32 t)
{
  vec_push (&b->adj[a], t);
  vec_push (&b->adj[t], a);
  b->inbound[t]++;
  if (b->inbound[t] >= b->max_inbound && b->open_pos[t] != G_MAXUINT32)
    close_node (b, t);
}

/* A node with spare inbound capacity, not @a, not linked to @a, uniformly at random; or
 * G_MAXUINT32 when there is none. */
static guint32
pick_target (Builder *b, guint32 a, gsl_rng *rng)
{
  guint32 eligible = 0, k;

  if (b->n_open == 0)
    return G_MAXUINT32;
  for (int i = 0; i < PICK_TRIES; i++)
    {
      guint32 t = b->open[gsl_rng_uniform_int (rng, b->n_open)];
      if (t != a && !linked (b, a, t))
        return t;
    }
  /* Few candidates are left (the open list is mostly @a and its peers): count and choose. */
  for (guint32 i = 0; i < b->n_open; i++)
    if (b->open[i] != a && !linked (b, a, b->open[i]))
      eligible++;
  if (eligible == 0)
    return G_MAXUINT32;
  k = (guint32) gsl_rng_uniform_int (rng, eligible);
  for (guint32 i = 0; i < b->n_open; i++)
    if (b->open[i] != a && !linked (b, a, b->open[i]) && k-- == 0)
      return b->open[i];
  g_assert_not_reached ();
}

/* Labels the components by BFS in node order and joins each one to the largest. */
static void
join_components (Builder *b, CsPeerGraph *g, gsl_rng *rng)
{
  guint32 n = b->n;
  g_autofree guint32 *comp = g_new (guint32, n);
  g_autofree guint32 *queue = g_new (guint32, n);
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint32 *start = NULL, *members = NULL, *fill = NULL;
  guint32 n_comp, main_comp = 0;

  for (guint32 v = 0; v < n; v++)
    comp[v] = G_MAXUINT32;
  for (guint32 s = 0; s < n; s++)
    {
      guint32 head = 0, tail = 0, label = sizes->len;
      if (comp[s] != G_MAXUINT32)
        continue;
      comp[s] = label;
      queue[tail++] = s;
      while (head < tail)
        {
          guint32 v = queue[head++];
          for (guint32 i = 0; i < b->adj[v].len; i++)
            {
              guint32 w = b->adj[v].v[i];
              if (comp[w] == G_MAXUINT32)
                {
                  comp[w] = label;
                  queue[tail++] = w;
                }
            }
        }
      g_array_append_val (sizes, tail);
    }
  n_comp = sizes->len;
  g->components = n_comp;
  if (n_comp <= 1)
    return;

  /* The largest component (the first one on ties) receives the others. */
  for (guint32 c = 1; c < n_comp; c++)
    if (g_array_index (sizes, guint32, c) > g_array_index (sizes, guint32, main_comp))
      main_comp = c;

  /* Members of each component, in node order (counting sort). */
  start = g_new0 (guint32, n_comp + 1);
  fill = g_new (guint32, n_comp);
  members = g_new (guint32, n);
  for (guint32 c = 0; c < n_comp; c++)
    start[c + 1] = start[c] + g_array_index (sizes, guint32, c);
  memcpy (fill, start, n_comp * sizeof (guint32));
  for (guint32 v = 0; v < n; v++)
    members[fill[comp[v]]++] = v;

  for (guint32 c = 0; c < n_comp; c++)
    {
      guint32 size_c = g_array_index (sizes, guint32, c);
      guint32 size_m = g_array_index (sizes, guint32, main_comp);
      guint32 u, t = 0;
      if (c == main_comp)
        continue;
      u = members[start[c] + gsl_rng_uniform_int (rng, size_c)];
      /* Prefer a target with spare inbound capacity; take any after PICK_TRIES draws. */
      for (int i = 0; i < PICK_TRIES; i++)
        {
          t = members[start[main_comp] + gsl_rng_uniform_int (rng, size_m)];
          if (b->inbound[t] < b->max_inbound)
            break;
        }
      add_link (b, u, t);
      g->links_joining++;
    }
}

static int
cmp_guint32 (const void *pa, const void *pb)
{
  guint32 a = *(const guint32 *) pa, b = *(const guint32 *) pb;

  return (a > b) - (a < b);
}

void
cs__peer_graph_build (CsPeerGraph *g, guint32 n, const CsNetPeersConfig *config, gsl_rng *rng)
{
  Builder b = { 0 };
  gsl_ran_discrete_t *degree_table = NULL;
  guint k = config->outbound_cdf != NULL ? config->outbound_cdf->len : 0;
  gsize total = 0;

  memset (g, 0, sizeof *g);
  g->n_nodes = n;
  g->n_out = g_new0 (guint32, n);

  b.n = n;
  b.adj = g_new0 (PeerVec, n);
  b.inbound = g_new0 (guint32, n);
  b.max_inbound = (guint32) MIN (config->max_inbound, (gint64) G_MAXUINT32);
  b.open = g_new (guint32, n);
  b.open_pos = g_new (guint32, n);
  for (guint32 v = 0; v < n; v++)
    {
      b.open_pos[v] = b.max_inbound > 0 ? b.n_open : G_MAXUINT32;
      if (b.max_inbound > 0)
        b.open[b.n_open++] = v;
    }

  if (k > 0)
    {
      /* P(degree = d) = cdf[d-1] - cdf[d-2]; Walker's alias table draws one in O(1). */
      g_autofree double *p = g_new (double, k);
      for (guint d = 0; d < k; d++)
        p[d] = g_array_index (config->outbound_cdf, double, d)
               - (d > 0 ? g_array_index (config->outbound_cdf, double, d - 1) : 0.0);
      degree_table = gsl_ran_discrete_preproc (k, p);
      g_assert (degree_table != NULL);
    }

  for (guint32 a = 0; a < n; a++)
    {
      guint32 want = degree_table != NULL ? (guint32) gsl_ran_discrete (rng, degree_table) + 1
                                          : (guint32) config->outbound;
      guint32 got = 0;
      want = MIN (want, n - 1);
      while (got < want)
        {
          guint32 t = pick_target (&b, a, rng);
          if (t == G_MAXUINT32)
            break;
          add_link (&b, a, t);
          got++;
        }
      g->n_out[a] = got;
      g->outbound_shortfall += want - got;
    }
  if (degree_table != NULL)
    gsl_ran_discrete_free (degree_table);

  join_components (&b, g, rng);

  /* Compressed sparse rows, each node's peers sorted (ids are distinct, so qsort's lack of
   * stability cannot show). */
  g->offsets = g_new (gsize, (gsize) n + 1);
  for (guint32 v = 0; v < n; v++)
    {
      g->offsets[v] = total;
      total += b.adj[v].len;
    }
  g->offsets[n] = total;
  g->peers = g_new (guint32, MAX (total, 1));
  for (guint32 v = 0; v < n; v++)
    {
      guint32 *row = g->peers + g->offsets[v];
      if (b.adj[v].len > 0)
        memcpy (row, b.adj[v].v, b.adj[v].len * sizeof (guint32));
      qsort (row, b.adj[v].len, sizeof (guint32), cmp_guint32);
      g_free (b.adj[v].v);
    }

  g_free (b.adj);
  g_free (b.inbound);
  g_free (b.open);
  g_free (b.open_pos);
}

void
cs__peer_graph_clear (CsPeerGraph *g)
{
  g_clear_pointer (&g->offsets, g_free);
  g_clear_pointer (&g->peers, g_free);
  g_clear_pointer (&g->n_out, g_free);
}
