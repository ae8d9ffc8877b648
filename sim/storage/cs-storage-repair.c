/* cs-storage-repair.c: the repair scheduler of a strategy, modelled on a metadata service (GFS
 * master, HDFS NameNode): when a crashed node has been down for detection_delay its fragments are
 * queued for rebuilding (a node that comes back with an empty disk reports its losses at once);
 * at most max_concurrent repairs run at a time, first queued first served. A repair picks a
 * target with the policy's replace() among up nodes holding nothing of the object (when the
 * directory shows `need` live sources; otherwise the repair waits) and injects a
 * REPAIR timer there: the target's own protocol code fetches what it needs (one copy, or k
 * fragments) over the network and reports back through its probe. A repair whose target crashes
 * is re-queued when that crash is detected; one that fails (too few sources reachable) or finds
 * no target waits repair.retry and goes back in the queue. Queued repairs of fragments that came
 * back meanwhile (their node recovered) or of objects lost for good are dropped. */
#include "storage/cs-storage-private.h"

static void
job_free (gpointer data)
{
  CsRepairJob *job = data;
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job);
}

void
cs__storage_repair_init (CsStorageStrategy *s)
{
  s->jobs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, job_free);
  s->queue = g_queue_new ();
  s->active = g_ptr_array_new ();
  s->waiting = g_ptr_array_new ();
}

void
cs__storage_repair_clear (CsStorageStrategy *s)
{
  if (!s->jobs)
    return;
  g_queue_free (s->queue);
  g_ptr_array_unref (s->active);
  g_ptr_array_unref (s->waiting);
  g_hash_table_unref (s->jobs); /* frees every job; order does not matter here */
}

static gboolean
enabled (const CsStorageStrategy *s)
{
  return s->service->config->repair.enabled;
}

void
cs__storage_repair_enqueue (CsStorageStrategy *s, guint64 slot)
{
  if (!enabled (s) || g_hash_table_contains (s->jobs, &slot))
    return;
  CsRepairJob *job = g_new0 (CsRepairJob, 1);
  job->slot = slot;
  job->state = CS_REPAIR_QUEUED;
  g_hash_table_insert (s->jobs, &job->slot, job);
  g_queue_push_tail (s->queue, job);
}

static void
drop (CsStorageStrategy *s, CsRepairJob *job)
{
  g_hash_table_remove (s->jobs, &job->slot);
}

static void
schedule_retry (CsStorageStrategy *s, CsTime now)
{
  if (s->retry_pending)
    return;
  s->retry_pending = TRUE;
  cs_engine_schedule (s->engine, now + s->service->config->repair.retry, CS_SRC_SYSTEM, 0,
                      s->kind_retry, 0, s);
}

static void
wait_and_retry (CsStorageStrategy *s, CsRepairJob *job, CsTime now)
{
  job->state = CS_REPAIR_WAITING;
  g_ptr_array_add (s->waiting, job);
  schedule_retry (s, now);
}

/* What replace() may choose: an up node that holds no fragment of the object. */
typedef struct
{
  const CsStorageStrategy *s;  /* the strategy */
  guint32 object;              /* the object */
} Eligibility;

static gboolean
eligible (guint32 v, gpointer user_data)
{
  const Eligibility *e = user_data;
  const CsStorageStrategy *s = e->s;
  if (!s->up[v])
    return FALSE;
  for (guint f = 0; f < s->n_frag; f++)
    if (s->holder[(gsize) e->object * s->n_frag + f] == v)
      return FALSE;
  return TRUE;
}

/* Whether the directory shows enough sources for a rebuild of object @o: `need` intact
 * fragments on nodes not suspected (a rebuild that cannot succeed is not dispatched). */
static gboolean
enough_sources (const CsStorageStrategy *s, guint32 o, CsTime now)
{
  guint n = 0;
  for (guint f = 0; f < s->n_frag; f++)
    {
      guint64 slot = (guint64) o * s->n_frag + f;
      guint32 h = s->holder[slot];
      n += h != CS_NO_NODE && s->intact[slot] && !cs__storage_suspected (s, h, now);
    }
  return n >= s->need;
}

void
cs__storage_repair_dispatch (CsStorageStrategy *s, CsTime now)
{
  guint max = (guint) s->service->config->repair.max_concurrent;
  while (s->active->len < max && !g_queue_is_empty (s->queue))
    {
      CsRepairJob *job = g_queue_pop_head (s->queue);
      guint32 o = (guint32) (job->slot / s->n_frag);
      if (s->lost[o] || !cs__storage_dir_missing (s, job->slot, now))
        {
          drop (s, job);
          continue;
        }
      if (!enough_sources (s, o, now))
        {
          s->repairs_deferred++;
          wait_and_retry (s, job, now);
          continue;
        }
      Eligibility e = { s, o };
      guint missing = (guint) (job->slot % s->n_frag);
      guint32 target = s->placement->replace (s->placement_state, &s->env, o,
                                              s->holder + (gsize) o * s->n_frag, s->n_frag,
                                              missing, eligible, &e, s->rng);
      if (target == CS_NO_NODE)
        {
          s->repairs_deferred++;
          wait_and_retry (s, job, now);
          continue;
        }
      job->gen = ++s->next_gen & 0xffffff;
      job->state = CS_REPAIR_ACTIVE;
      job->target = target;
      job->orphaned = FALSE;
      g_ptr_array_add (s->active, job);
      s->repairs_started++;
      s->inject (target, now, CS_STORAGE_TIMER_REPAIR, cs__storage_repair_arg (job->slot, job->gen),
                 s->inject_data);
    }
}

void
cs__storage_repair_node_down (CsStorageStrategy *s, guint32 v, CsTime now)
{
  if (!enabled (s))
    return;
  for (guint i = 0; i < s->active->len; i++)
    {
      CsRepairJob *job = s->active->pdata[i];
      if (job->target == v)
        job->orphaned = TRUE;
    }
  cs_engine_schedule (s->engine, now + s->service->config->repair.detection_delay, CS_SRC_SYSTEM,
                      v, s->kind_detect, 0, GUINT_TO_POINTER (s->crashes[v]));
}

void
cs__storage_repair_detected (CsStorageStrategy *s, guint32 v, guint32 crash, CsTime now)
{
  for (guint i = 0; i < s->active->len;)
    {
      CsRepairJob *job = s->active->pdata[i];
      if (job->target == v && job->orphaned)
        {
          g_ptr_array_remove_index (s->active, i);
          job->state = CS_REPAIR_QUEUED;
          g_clear_pointer (&job->bytes, g_bytes_unref);
          g_queue_push_tail (s->queue, job);
        }
      else
        i++;
    }
  if (!s->up[v] && s->crashes[v] == crash)
    {
      GArray *slots = s->node_slots[v];
      for (guint i = 0; i < slots->len; i++)
        cs__storage_repair_enqueue (s, g_array_index (slots, guint64, i));
    }
  cs__storage_repair_dispatch (s, now);
}

/* The ACTIVE job of attempt @gen on @slot, or NULL (a stale report). */
static CsRepairJob *
active_job (CsStorageStrategy *s, guint64 slot, guint32 gen)
{
  CsRepairJob *job = g_hash_table_lookup (s->jobs, &slot);
  if (!job || job->state != CS_REPAIR_ACTIVE || job->gen != (gen & 0xffffff))
    return NULL;
  return job;
}

void
cs__storage_repair_done (CsStorageStrategy *s, guint64 slot, guint32 gen, CsTime now)
{
  CsRepairJob *job = active_job (s, slot, gen);
  if (!job)
    return;
  g_ptr_array_remove (s->active, job);
  guint32 o = (guint32) (slot / s->n_frag);
  if (!s->lost[o])
    {
      cs__storage_dir_move (s, slot, job->target, now);
      if (s->frag_bytes)
        {
          g_clear_pointer (&s->frag_bytes[slot], g_bytes_unref);
          s->frag_bytes[slot] = g_steal_pointer (&job->bytes);
        }
      s->repairs_done++;
    }
  drop (s, job);
  cs__storage_repair_dispatch (s, now);
}

void
cs__storage_repair_failed (CsStorageStrategy *s, guint64 slot, guint32 gen, CsTime now)
{
  CsRepairJob *job = active_job (s, slot, gen);
  if (!job)
    return;
  g_ptr_array_remove (s->active, job);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  s->repairs_failed++;
  wait_and_retry (s, job, now);
  cs__storage_repair_dispatch (s, now);
}

void
cs__storage_repair_stage_bytes (CsStorageStrategy *s, guint64 slot, guint32 gen, GBytes *bytes)
{
  CsRepairJob *job = active_job (s, slot, gen);
  if (!job)
    {
      g_bytes_unref (bytes);
      return;
    }
  g_clear_pointer (&job->bytes, g_bytes_unref);
  job->bytes = bytes;
}

void
cs__storage_repair_on_detect (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  cs__storage_repair_detected (user_data, ev->dst, GPOINTER_TO_UINT (ev->data), ev->time);
}

void
cs__storage_repair_on_retry (CsEngine *engine, const CsEvent *ev, gpointer user_data)
{
  CsStorageStrategy *s = user_data;
  s->retry_pending = FALSE;
  for (guint i = 0; i < s->waiting->len; i++)
    {
      CsRepairJob *job = s->waiting->pdata[i];
      job->state = CS_REPAIR_QUEUED;
      g_queue_push_tail (s->queue, job);
    }
  g_ptr_array_set_size (s->waiting, 0);
  cs__storage_repair_dispatch (s, ev->time);
}
