import type { TierState } from '../score/tier'
import { type Aggregates, apply, emptyAggregates, type Op, type Plan, prune } from './aggregate'
import { validAggregates as valid, validTier } from './check'
import { mergeAggregates } from './merge'
import type { KV } from './kv'

/**
 * One user's aggregates, kept as "stored base + ops not yet written".
 * Writes replay the pending ops onto whatever is stored at that moment in
 * one IndexedDB transaction, so two tabs of the app add up their events
 * instead of overwriting each other.
 */
export interface UserState {
  readonly key: string
  /** Current view: stored base plus pending ops. */
  agg(): Aggregates
  tier(): TierState | null
  /** Applies ops in memory; they are written on the next flush. */
  add(ops: readonly Op[], now: number): void
  /** Writes pending ops; resolves when stored (or kept in memory after a fallback). */
  flush(now: number): Promise<void>
  /** Re-reads the stored base (another tab wrote it) and re-applies pending ops. */
  reload(now: number): Promise<void>
  saveTier(state: TierState): Promise<void>
  pendingCount(): number
  /** Hands the pending ops over (page hide); the view keeps them. */
  takePending(): Op[]
  /** Takes handed-over ops back (page restored from the back/forward cache). */
  restorePending(ops: Op[]): void
  /** The write in flight, if any: a page that goes away before it lands hands it over too (see `mergeOps`). */
  inflight(): Write | null
}

/** Ops on their way to IndexedDB, under an id the write leaves in the aggregates when it lands. */
export interface Write {
  id: string
  ops: Op[]
}

const MAX_WRITE_IDS = 20

/**
 * Days are cut at local midnight of the zone the browser is in now: the offset changes with summer
 * time (and travel), so it is taken again before ops are applied. Days already counted keep the
 * offset they were counted with.
 */
const local = (agg: Aggregates, t: number): Aggregates => ((agg.tz = new Date(t).getTimezoneOffset()), agg)

/** Applies `ops` unless the write `id` already landed; records `id` as landed, and a new revision. */
function applyWrite(agg: Aggregates, plan: Plan, ops: readonly Op[], now: number, id?: string): Aggregates {
  const ids = Array.isArray(agg.w) ? agg.w : []
  if (id && ids.includes(id)) return agg
  apply(local(agg, now), plan, ops, now)
  return landed(agg, id)
}

/** Records a write: its id (when it has one) and the next revision of the stored aggregates. */
function landed(agg: Aggregates, id?: string): Aggregates {
  if (id) agg.w = (Array.isArray(agg.w) ? agg.w : []).concat(id).slice(-MAX_WRITE_IDS)
  agg.r = (typeof agg.r === 'number' ? agg.r : 0) + 1
  return agg
}

/**
 * The revision a page's view was built on: the stored `r`, 0 when nothing was stored, null when
 * what is stored has no revision (written by an earlier version) or was unreadable.
 */
const revOf = (stored: unknown): number | null => (stored === undefined ? 0 : valid(stored) && typeof stored.r === 'number' ? stored.r : null)

/**
 * Applies ops to a user's stored aggregates in one transaction (work handed
 * over by a page that went away). With the id of a write that was in flight
 * when it went away: only if that write did not land (it commits before this
 * transaction starts, or not at all), and the id is recorded so that write,
 * if its page comes back from the back/forward cache, does not apply twice.
 */
export async function mergeOps(kv: KV, key: string, plan: Plan, ops: readonly Op[], now: number, id?: string): Promise<void> {
  if (ops.length) await kv.update<Aggregates>('agg:' + key, (old) => applyWrite(valid(old) ? old : emptyAggregates(now), plan, ops, now, id))
}

/** Ops kept for the page-hide hand-over after a fallback (about 1 MB of localStorage at most). */
const MAX_UNSAVED = 10_000

const clone = <T>(v: T): T => (typeof structuredClone === 'function' ? structuredClone(v) : JSON.parse(JSON.stringify(v)))

export async function openUserState(kv: KV, key: string, plan: Plan, now: number, onCorrupt: (what: string) => void): Promise<UserState> {
  const aggKey = 'agg:' + key
  const tierKey = 'tier:' + key
  // The view is the stored aggregates of revision `rev` plus the pending ops.
  let rev: number | null = null
  const read = async (): Promise<Aggregates> => {
    const stored = await kv.get<Aggregates>(aggKey)
    rev = revOf(stored)
    if (stored === undefined) return emptyAggregates(now)
    if (valid(stored)) return clone(stored)
    onCorrupt(aggKey)
    return emptyAggregates(now)
  }
  let view = await read()
  /** The stored tier state; an unreadable one is reported and read as none. */
  const readTier = async (): Promise<TierState | null> => {
    const t = await kv.get<TierState>(tierKey)
    if (t === undefined || validTier(t)) return t ?? null
    onCorrupt(tierKey)
    return null
  }
  let tier = await readTier()
  let pending: Op[] = []
  // Ops written after IndexedDB failed mid-page live in memory only: they are handed over at page
  // hide with the pending ones, so the next page load can store them. `handed`: how many of the ops
  // handed over were these, so taking them back puts each where it was.
  let unsaved: Op[] = []
  let handed = 0
  let inflight: Write | null = null
  /** Writes started and not finished: the view holds the ops of all of them. */
  let writes = 0

  return {
    key,
    agg: () => view,
    tier: () => tier,
    pendingCount: () => pending.length,
    inflight: () => inflight,
    takePending() {
      const out = unsaved.concat(pending)
      handed = unsaved.length
      unsaved = []
      pending = []
      return out
    },
    restorePending(ops) {
      unsaved = ops.slice(0, handed).concat(unsaved)
      pending = ops.slice(handed).concat(pending)
      handed = 0
    },
    add(ops, t) {
      if (!ops.length) return
      pending.push(...ops)
      apply(local(view, t), plan, ops, t)
    },
    async flush(t) {
      if (!pending.length) return
      const writing = pending
      const id = t.toString(36) + Math.random().toString(36).slice(2, 10)
      pending = []
      inflight = { id, ops: writing }
      const base = rev
      // The view is exactly what would be written when the store is still at the view's revision and
      // nothing was added since (no op pending, no other write in flight): a copy of it is written,
      // instead of replaying every op again (a burst of 100,000 events replayed them all). Otherwise
      // (another tab wrote, or ops came in meanwhile) the ops are replayed onto what is stored, so
      // tabs add up.
      let copied = false
      const write = (old: Aggregates | undefined): Aggregates => {
        if (base !== null && revOf(old) === base && writes === 1 && !pending.length) {
          copied = true
          const out = clone(view)
          prune(out, plan, t)
          return landed(out, id)
        }
        return applyWrite(valid(old) ? old : emptyAggregates(t), plan, writing, t, id)
      }
      writes++
      try {
        const before = kv.fellBack()
        const stored = await kv.update<Aggregates>(aggKey, write)
        // In memory only, unless this is the write that timed out: that one may still land in IndexedDB.
        const cause = kv.fellBack()
        if (cause && (before || cause === 'failed')) unsaved = unsaved.concat(writing).slice(-MAX_UNSAVED)
        rev = revOf(stored)
        // A copy: the view already holds everything since (applied as it came). Replayed: rebuild it.
        if (copied) (view.w = stored.w), (view.r = stored.r)
        else view = apply(clone(stored), plan, pending, t)
      } catch (e) {
        pending = writing.concat(pending)
        throw e
      } finally {
        writes--
        if (inflight?.id === id) inflight = null
      }
    },
    async reload(t) {
      view = apply(local(await read(), t), plan, pending, t)
      tier = (await readTier()) ?? tier
    },
    async saveTier(state) {
      tier = state
      // Requested after whatever else this task requests (a tier crossing's moment claim, which the
      // user is waiting for, is not queued behind this write).
      await Promise.resolve()
      await kv.update<TierState>(tierKey, () => state)
    },
  }
}

/** `agg`, noting that the visitor `key`'s history is in it (the last 8 kept). */
const absorb = (agg: Aggregates, key: string): Aggregates => ((agg.m = (Array.isArray(agg.m) ? agg.m : []).concat(key).slice(-8)), agg)
/** Two tabs naming the user at once adopt one visitor: the second must not add the same history again. */
const holds = (agg: Aggregates, key: string): boolean => Array.isArray(agg.m) && agg.m.includes(key)

/**
 * A first identify: the anonymous visitor's aggregates, tier and moment
 * history (caps, dismissals, what was shown) become the user's; when this
 * browser already holds state for that user, their aggregates are added to
 * it (the user's tier and moment history stay theirs). `identity` (the one naming
 * the user) is written in the same transaction: a page that goes away
 * between the two would leave the next one with the user named and the
 * history still under the visitor, where nothing adopts it any more.
 */
export async function adoptState(kv: KV, from: UserState, key: string, plan: Plan, now: number, identity?: unknown): Promise<void> {
  const seen = await kv.get('moments:' + from.key)
  const t = from.tier()
  // One transaction: two tabs identifying at once must not both find the user new and overwrite each other.
  let adopt = false
  await kv.updateMany<unknown>([
    ['agg:' + key, (old) => {
      if ((adopt = old === undefined)) return absorb({ ...from.agg() }, from.key)
      // A user this browser knows (back after a reset()): what they did logged out adds to their history, once.
      return valid(old) && !holds(old, from.key) ? landed(absorb(mergeAggregates(old, from.agg(), plan, now), from.key)) : old
    }],
    ['tier:' + key, (old) => (adopt ? old ?? t ?? undefined : old)],
    ['moments:' + key, (old) => (adopt ? old ?? seen : old)],
    ...(identity === undefined ? [] : [['identity', () => identity] as [string, () => unknown]]),
  ])
}
