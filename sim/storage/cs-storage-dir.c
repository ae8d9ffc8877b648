/* cs-storage-dir.c: a strategy's directory (which node holds which fragment, whether its disk
 * still has it) and the exact accounting of availability: per object, the count of intact
 * fragments on up nodes, and the number of readable objects integrated over time into bins.
 * A crash or recovery costs O(fragments the node holds); memory is 7 bytes per fragment slot
 * plus 8 per slot in the per-node lists. */
#include "storage/cs-storage-private.h"

#include <string.h>

void
cs__storage_dir_init (CsStorageStrategy *s)
{
  CsStorageService *svc = s->service;
  gsize n_slots = (gsize) svc->n_objects * s->n_frag;
  s->holder = g_new (guint32, n_slots);
  s->intact = g_new0 (guint8, n_slots);
  s->live = g_new0 (guint16, svc->n_objects);
  s->stored = g_new0 (guint16, svc->n_objects);
  s->lost = g_new0 (guint8, svc->n_objects);
  s->node_slots = g_new (GArray *, svc->n_nodes);
  s->up = g_new (guint8, svc->n_nodes);
  s->down_since = g_new (CsTime, svc->n_nodes);
  s->crashes = g_new0 (guint32, svc->n_nodes);
  for (guint32 v = 0; v < svc->n_nodes; v++)
    {
      s->node_slots[v] = g_array_new (FALSE, FALSE, sizeof (guint64));
      s->up[v] = 1;
      s->down_since[v] = CS_TIME_NEVER;
    }
  s->nodes_up = svc->n_nodes;

  g_autofree guint32 *nodes = g_new (guint32, s->n_frag);
  for (guint32 o = 0; o < svc->n_objects; o++)
    {
      s->placement->place (s->placement_state, &s->env, o, s->n_frag, nodes, s->rng);
      for (guint f = 0; f < s->n_frag; f++)
        {
          guint64 slot = (guint64) o * s->n_frag + f;
          s->holder[slot] = nodes[f];
          s->intact[slot] = 1;
          g_array_append_val (s->node_slots[nodes[f]], slot);
        }
      s->live[o] = s->stored[o] = (guint16) s->n_frag;
    }
  s->readable = svc->n_objects;

  if (svc->original)
    {
      s->frag_bytes = g_new0 (GBytes *, n_slots);
      for (guint32 o = 0; o < svc->n_objects; o++)
        {
          gsize size;
          const guint8 *data = g_bytes_get_data (svc->original[o], &size);
          if (s->config->policy == CS_PLACEMENT_ERASURE)
            {
              g_autoptr (GPtrArray) frags = cs_rs_encode (s->rs, data, size);
              for (guint f = 0; f < s->n_frag; f++)
                s->frag_bytes[(gsize) o * s->n_frag + f] = g_bytes_ref (frags->pdata[f]);
            }
          else
            for (guint f = 0; f < s->n_frag; f++)
              s->frag_bytes[(gsize) o * s->n_frag + f] = g_bytes_ref (svc->original[o]);
        }
    }

  guint n_bins = (guint) ((svc->horizon + s->bin_width - 1) / s->bin_width);
  s->bin_readable = g_array_new (FALSE, TRUE, sizeof (double));
  s->bin_up = g_array_new (FALSE, TRUE, sizeof (double));
  s->bin_lost = g_array_new (FALSE, TRUE, sizeof (guint32));
  s->bin_repair = g_array_new (FALSE, TRUE, sizeof (guint64));
  s->bin_fraction = g_array_new (FALSE, TRUE, sizeof (double));
  g_array_set_size (s->bin_readable, MAX (n_bins, 1));
  g_array_set_size (s->bin_up, MAX (n_bins, 1));
  g_array_set_size (s->bin_lost, MAX (n_bins, 1));
  g_array_set_size (s->bin_repair, MAX (n_bins, 1));
}

void
cs__storage_dir_clear (CsStorageStrategy *s)
{
  CsStorageService *svc = s->service;
  if (!s->holder)
    return;
  if (s->frag_bytes)
    {
      for (gsize i = 0; i < (gsize) svc->n_objects * s->n_frag; i++)
        g_clear_pointer (&s->frag_bytes[i], g_bytes_unref);
      g_free (s->frag_bytes);
    }
  for (guint32 v = 0; v < svc->n_nodes; v++)
    g_array_unref (s->node_slots[v]);
  g_free (s->node_slots);
  g_free (s->holder);
  g_free (s->intact);
  g_free (s->live);
  g_free (s->stored);
  g_free (s->lost);
  g_free (s->up);
  g_free (s->down_since);
  g_free (s->crashes);
  g_array_unref (s->bin_readable);
  g_array_unref (s->bin_up);
  g_array_unref (s->bin_lost);
  g_array_unref (s->bin_repair);
  g_array_unref (s->bin_fraction);
}

void
cs__storage_account (CsStorageStrategy *s, CsTime now)
{
  CsTime t = s->accounted;
  CsTime end_of_run = (CsTime) s->bin_readable->len * s->bin_width;
  now = MIN (now, end_of_run);
  while (t < now)
    {
      guint b = (guint) (t / s->bin_width);
      CsTime bin_end = (CsTime) (b + 1) * s->bin_width;
      CsTime end = MIN (bin_end, now);
      g_array_index (s->bin_readable, double, b) += (double) s->readable * (double) (end - t);
      g_array_index (s->bin_up, double, b) += (double) s->nodes_up * (double) (end - t);
      g_array_index (s->bin_lost, guint32, b) = s->objects_lost;
      g_array_index (s->bin_repair, guint64, b) = s->traffic[CS_STORAGE_TRAFFIC_REPAIR];
      t = end;
    }
  s->accounted = MAX (s->accounted, now);
}

/* Object @o gains or loses a live fragment. */
static void
live_change (CsStorageStrategy *s, guint32 o, gint delta)
{
  gboolean was = s->live[o] >= s->need;
  s->live[o] = (guint16) (s->live[o] + delta);
  gboolean is = s->live[o] >= s->need;
  if (was && !is)
    {
      s->readable--;
      s->max_unreadable = MAX (s->max_unreadable, s->service->n_objects - s->readable);
    }
  else if (!was && is)
    s->readable++;
}

/* Object @o gains or loses a stored (intact) fragment; too few left loses it for good. */
static void
stored_change (CsStorageStrategy *s, guint32 o, gint delta)
{
  s->stored[o] = (guint16) (s->stored[o] + delta);
  if (s->stored[o] < s->need && !s->lost[o])
    {
      s->lost[o] = 1;
      s->objects_lost++;
    }
}

static void
remove_slot (GArray *list, guint64 slot)
{
  for (guint i = 0; i < list->len; i++)
    if (g_array_index (list, guint64, i) == slot)
      {
        g_array_remove_index (list, i); /* keeps order: repairs are queued in list order */
        return;
      }
  g_return_if_reached ();
}

void
cs__storage_dir_node_down (CsStorageStrategy *s, guint32 v, CsTime now, gboolean disk_lost)
{
  cs__storage_account (s, now);
  if (s->up[v])
    {
      s->up[v] = 0;
      s->nodes_up--;
      s->down_since[v] = now;
      s->crashes[v]++;
      GArray *slots = s->node_slots[v];
      for (guint i = 0; i < slots->len; i++)
        {
          guint64 slot = g_array_index (slots, guint64, i);
          if (s->intact[slot])
            live_change (s, (guint32) (slot / s->n_frag), -1);
        }
    }
  if (disk_lost)
    {
      GArray *slots = s->node_slots[v];
      for (guint i = 0; i < slots->len; i++)
        {
          guint64 slot = g_array_index (slots, guint64, i);
          if (s->intact[slot])
            {
              s->intact[slot] = 0;
              stored_change (s, (guint32) (slot / s->n_frag), -1);
              if (s->frag_bytes)
                g_clear_pointer (&s->frag_bytes[slot], g_bytes_unref);
            }
        }
    }
}

void
cs__storage_dir_node_up (CsStorageStrategy *s, guint32 v, CsTime now, gboolean disk_lost)
{
  cs__storage_account (s, now);
  if (disk_lost)
    cs__storage_dir_node_down (s, v, now, TRUE); /* destroys what is left (already down) */
  if (s->up[v])
    return;
  s->up[v] = 1;
  s->nodes_up++;
  s->down_since[v] = CS_TIME_NEVER;
  GArray *slots = s->node_slots[v];
  /* Fragments the disk lost are no longer the node's: it reports them, they are rebuilt. */
  for (guint i = 0; i < slots->len;)
    {
      guint64 slot = g_array_index (slots, guint64, i);
      if (s->intact[slot])
        {
          live_change (s, (guint32) (slot / s->n_frag), +1);
          i++;
          continue;
        }
      s->holder[slot] = CS_NO_NODE;
      g_array_remove_index (slots, i);
      cs__storage_repair_enqueue (s, slot);
    }
}

void
cs__storage_dir_move (CsStorageStrategy *s, guint64 slot, guint32 target, CsTime now)
{
  guint32 o = (guint32) (slot / s->n_frag);
  guint32 old = s->holder[slot];
  cs__storage_account (s, now);
  if (old != CS_NO_NODE)
    {
      remove_slot (s->node_slots[old], slot);
      if (s->intact[slot])
        {
          if (s->up[old])
            live_change (s, o, -1);
          s->stored[o]--; /* no loss check: the new copy is added below */
        }
    }
  s->holder[slot] = target;
  s->intact[slot] = 1;
  g_array_append_val (s->node_slots[target], slot);
  s->stored[o]++;
  if (s->up[target])
    live_change (s, o, +1);
}

gboolean
cs__storage_dir_missing (const CsStorageStrategy *s, guint64 slot, CsTime now)
{
  guint32 h = s->holder[slot];
  return h == CS_NO_NODE || !s->intact[slot] || cs__storage_suspected (s, h, now);
}
