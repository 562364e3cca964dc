import type { ResolvedModel, Where, Window } from '../config/types'
import { field } from '../field'

/**
 * Bounded aggregates: what the scorer reads instead of an event list.
 * Per-day buckets cover the longest window the model uses; everything else
 * is a fixed-size summary, so state size and scoring cost do not grow with
 * history.
 */
export interface DayBucket {
  /**
   * Count per event key the model reads (`name`, or `name?prop=value` for
   * filtered signals). Other events count all time only (total, first, last):
   * per-day counts of every name a busy app tracks would be most of the state.
   */
  e: Record<string, number>
  /** Distinct-value counts per `name|prop` key. */
  d?: Record<string, Record<string, number>>
  /** Sessions started this day. */
  s?: number
  /** Total length in ms, and count, of ended sessions that started this day. */
  sl?: number
  sc?: number
  /** 1 when the user was active this day. */
  a?: 1
  /** Last backfilled activity this day (events tracked with a past `at`), to cut their sessions. */
  h?: number
}

export interface Aggregates {
  v: 1
  /** Timezone offset (minutes, as Date#getTimezoneOffset) used to cut days. */
  tz: number
  days: Record<string, DayBucket>
  /** All-time count, first and last time per event key. */
  total: Record<string, number>
  first: Record<string, number>
  last: Record<string, number>
  /** All-time distinct values per `name|prop` key, capped. */
  distinct: Record<string, Record<string, number>>
  session: { start: number; last: number } | null
  seen: number
  lastActive: number
  /** Last activity of the session before the current one (0: none). */
  prevVisit: number
  trialStart?: number
  trialEnd?: number
  /** Events recorded, all time. */
  n: number
  /** Ids of the last writes that landed (see userstate.ts): a page that went away mid-write hands its ops over with the id. */
  w?: string[]
  /** Revision: one more at each write (see userstate.ts); a page whose view is of the stored revision writes it as is. */
  r?: number
  /** The last visitors (state keys) whose history became this user's (see userstate.ts adoptState). */
  m?: string[]
}

/** One change to the aggregates. Ops are replayable, so tabs can merge. */
export type Op =
  | { k: 'e'; n: string; p?: Record<string, unknown>; t: number }
  | { k: 'a'; t: number }
  | { k: 'trial'; start?: number; end?: number }

const DAY = 86_400_000
export const MAX_KEYS_PER_DAY = 256
export const MAX_VALUES = 64
export const MAX_EVENT_NAMES = 256
const MAX_DAYS = 400

export const dayOf = (ts: number, tz: number): number => Math.floor((ts - tz * 60_000) / DAY)

export function emptyAggregates(now: number, tz = new Date(now).getTimezoneOffset()): Aggregates {
  return {
    v: 1, tz, days: {}, total: {}, first: {}, last: {}, distinct: {},
    session: null, seen: now, lastActive: 0, prevVisit: 0, n: 0,
  }
}

/** Canonical key of an event filtered by props: `name?a=1&b=x`. */
export function eventKey(name: string, where?: Where): string {
  if (!where) return name
  const parts = Object.keys(where).sort().map((k) => k + '=' + String(where[k]))
  return parts.length ? name + '?' + parts.join('&') : name
}

export const distinctKey = (key: string, prop: string): string => key + '|' + prop

/** `dks`: the distinct-value key of each of `props`, made once. */
interface Tap { key: string; where?: Where; props: string[]; dks: string[] }

/**
 * Own entries only: an event or value named "constructor", "toString" or
 * "__proto__" is data and must neither read nor write Object.prototype.
 */
export const own: (map: Record<string, number>, key: string) => number | undefined = field
export function put(map: Record<string, number>, key: string, v: number): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value: v, enumerable: true, writable: true, configurable: true })
  else map[key] = v
}

/** What the model needs counted per event name, precomputed once per model. */
export interface Plan {
  taps: Record<string, Tap[]>
  /** Event keys counted per day: the ones the model's windowed signals can read. */
  daily: Record<string, true>
  /** Days of buckets kept whole (event counts and distinct values). */
  retention: number
  /**
   * Days of buckets kept for their activity alone (sessions, active day, session length), at least
   * `retention`: a streak counts back through them, and windowless sessions, active days and session
   * length read all of them (MAX_DAYS: "all time" for observed activity is the last 400 days).
   */
  activity: number
  trialWindows: Array<[number, number]>
  sessionTimeout: number
}

export function planFor(model: ResolvedModel, sessionTimeoutMin = 30): Plan {
  const taps: Record<string, Tap[]> = Object.create(null)
  const daily: Record<string, true> = Object.create(null)
  const tapFor = (name: string, where?: Where): Tap => {
    const key = eventKey(name, where)
    daily[key] = true
    const list = (taps[name] ||= [])
    let tap = list.find((t) => t.key === key)
    if (!tap) list.push((tap = { key, where, props: [], dks: [] }))
    return tap
  }
  let retention = 1
  let activity = 1
  const trialWindows: Array<[number, number]> = []
  for (const s of Object.values(model.signals)) {
    const event = field<string>(s, 'event')
    if (event !== undefined) {
      const tap = tapFor(event, field<Where>(s, 'where'))
      if (s.type === 'distinct' && !tap.props.includes(s.prop)) (tap.props.push(s.prop), tap.dks.push(distinctKey(tap.key, s.prop)))
    }
    const w = field<Window>(s, 'window')
    const last = w && field<number>(w, 'last')
    const trial = w && field<[number, number]>(w, 'trial')
    const observed = s.type === 'sessions' || s.type === 'activeDays' || s.type === 'avgSessionLength'
    // Streaks count back through day buckets: a month of them, or as far as the threshold asks.
    if (s.type === 'streak') activity = Math.max(activity, 31, s.threshold + 1)
    else if (observed && !w) activity = MAX_DAYS
    if (s.type === 'velocity') {
      if (typeof s.of === 'object') tapFor(s.of.event, s.of.where)
      if (typeof s.of === 'object') retention = Math.max(retention, 2 * (s.days ?? 7))
      else activity = Math.max(activity, 2 * (s.days ?? 7))
    }
    if (last !== undefined) {
      if (observed) activity = Math.max(activity, last)
      else retention = Math.max(retention, last)
    }
    if (trial) trialWindows.push(trial)
  }
  retention = Math.min(retention + 1, MAX_DAYS)
  return { taps, daily, retention, activity: Math.max(retention, Math.min(activity + 1, MAX_DAYS)), trialWindows, sessionTimeout: sessionTimeoutMin * 60_000 }
}

function bucket(agg: Aggregates, day: number): DayBucket {
  return (agg.days[day] ||= { e: {} })
}

/** The props hold every value of `where` (no filter: any). */
export function matches(props: Record<string, unknown> | undefined, where?: Where): boolean {
  if (!where) return true
  if (!props) return false
  for (const k in where) if (props[k] !== where[k]) return false
  return true
}

function bump(map: Record<string, number>, key: string, cap: number): void {
  const n = own(map, key)
  if (n !== undefined) map[key] = n + 1
  else if (Object.keys(map).length < cap) put(map, key, 1)
}

function touch(agg: Aggregates, plan: Plan, ts: number, day: number): void {
  const s = agg.session
  if (s && ts < s.start && ts >= s.start - plan.sessionTimeout) {
    // Slightly out of order (another tab's events merged late): same session, starting earlier.
    s.start = ts
    bucket(agg, day).a = 1
    return
  }
  if (s && ts < s.start) {
    // Backfilled history (an event tracked with a past `at`): sessions are cut per day, in the order given.
    const b = bucket(agg, day)
    if (!b.h || ts - b.h > plan.sessionTimeout || ts < b.h) b.s = (b.s || 0) + 1
    b.h = Math.max(b.h || 0, ts)
    b.a = 1
    return
  }
  if (!s || ts - s.last > plan.sessionTimeout) {
    if (s) {
      const b = agg.days[dayOf(s.start, agg.tz)]
      if (b) {
        b.sl = (b.sl || 0) + (s.last - s.start)
        b.sc = (b.sc || 0) + 1
      }
      agg.prevVisit = s.last
    }
    agg.session = { start: ts, last: ts }
    const b = bucket(agg, day)
    b.s = (b.s || 0) + 1
  } else if (ts > s.last) {
    s.last = ts
  }
  bucket(agg, day).a = 1
  if (ts > agg.lastActive) agg.lastActive = ts
}

/**
 * Applies ops to the aggregates, in place, and prunes buckets that no
 * window of the model can reach any more. Pure apart from the mutation.
 */
export function apply(agg: Aggregates, plan: Plan, ops: readonly Op[], now: number): Aggregates {
  for (const op of ops) {
    if (op.k === 'trial') {
      if (op.start !== undefined) agg.trialStart = op.start
      if (op.end !== undefined) agg.trialEnd = op.end
      continue
    }
    const day = dayOf(op.t, agg.tz)
    touch(agg, plan, op.t, day)
    if (op.k !== 'e') continue
    agg.n++
    const taps = plan.taps[op.n]
    const b = bucket(agg, day)
    count(agg, plan.daily[op.n] ? b : null, op.n, op.t, !!taps)
    if (!taps) continue
    for (const tap of taps) {
      if (!matches(op.p, tap.where)) continue
      if (tap.key !== op.n) count(agg, b, tap.key, op.t, true)
      for (let i = 0; i < tap.props.length; i++) {
        const v = op.p?.[tap.props[i]]
        if (v === undefined || v === null || typeof v === 'object') continue
        const dk = tap.dks[i]
        // Kept to 200 characters (not cutting an emoji in two): 64 long values (URLs) a day, for every day
        // of a window, would otherwise take the stored state to megabytes.
        let sv = String(v)
        if (sv.length > 200) sv = sv.slice(0, 200).replace(/[\ud800-\udbff]$/, '')
        bump(((b.d ||= {})[dk] ||= {}), sv, MAX_VALUES)
        bump((agg.distinct[dk] ||= {}), sv, MAX_VALUES)
      }
    }
  }
  prune(agg, plan, now)
  return agg
}

/**
 * One more event under `key`: in its day bucket (when the model reads it per
 * day), and in the all-time count, first and last time. Keys the model reads
 * are always kept; other names up to a cap (they are there for a model that
 * starts reading them later).
 */
function count(agg: Aggregates, b: DayBucket | null, key: string, t: number, read: boolean): void {
  if (b) bump(b.e, key, MAX_KEYS_PER_DAY)
  const total = own(agg.total, key)
  if (total !== undefined || read || Object.keys(agg.total).length < MAX_EVENT_NAMES) {
    put(agg.total, key, (total || 0) + 1)
    const first = own(agg.first, key)
    const last = own(agg.last, key)
    if (first === undefined || t < first) put(agg.first, key, t)
    if (last === undefined || t > last) put(agg.last, key, t)
  }
}

/** Drops day buckets outside every window the model uses, and event counts from those kept for activity only. */
export function prune(agg: Aggregates, plan: Plan, now: number): void {
  const today = dayOf(now, agg.tz)
  const start = dayOf(agg.trialStart ?? agg.seen, agg.tz)
  for (const key of Object.keys(agg.days)) {
    const d = Number(key)
    if (today - d < plan.retention) continue
    if (plan.trialWindows.some(([from, to]) => d >= start + from && d < start + to)) continue
    const b = agg.days[key]
    if (today - d >= plan.activity || !(b.a || b.s)) delete agg.days[key]
    else if (b.d || Object.keys(b.e).length) (agg.days[key] = { ...b, e: {} }), delete agg.days[key].d
  }
}
