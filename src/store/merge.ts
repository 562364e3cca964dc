import { type Aggregates, type DayBucket, dayOf, MAX_EVENT_NAMES, MAX_KEYS_PER_DAY, MAX_VALUES, own, type Plan, prune, put } from './aggregate'

type Counts = Record<string, number>

/** Adds `from`'s counts to `into`'s; a key `into` lacks only while it has room (the caps of aggregate.ts). */
function add(into: Counts, from: Counts, cap: number): void {
  for (const k of Object.keys(from)) {
    const n = own(into, k)
    if (n !== undefined) into[k] = n + from[k]
    else if (Object.keys(into).length < cap) put(into, k, from[k])
  }
}

function addDistinct(into: Record<string, Counts>, from: Record<string, Counts>): void {
  for (const k of Object.keys(from)) add((into[k] ||= {}), from[k], MAX_VALUES)
}

/** A session that is over: its length goes to the day it started (as aggregate.ts touch() does). */
function close(agg: Aggregates, s: { start: number; last: number }): void {
  const b = agg.days[dayOf(s.start, agg.tz)]
  if (b) (b.sl = (b.sl || 0) + s.last - s.start), (b.sc = (b.sc || 0) + 1)
}

/**
 * Adds a visitor's aggregates to those of the user they turned out to be (a returning user who
 * browsed logged out, then logged in again). Counts add up; a visit that ran on from the user's
 * last session into the visitor's (logout, then login) stays one session. Mutates `into`.
 */
export function mergeAggregates(into: Aggregates, from: Aggregates, plan: Plan, now: number): Aggregates {
  for (const day of Object.keys(from.days)) {
    const b: DayBucket = from.days[day]
    const t: DayBucket = (into.days[day] ||= { e: {} })
    add(t.e, b.e, MAX_KEYS_PER_DAY)
    if (b.d) addDistinct((t.d ||= {}), b.d)
    for (const k of ['s', 'sl', 'sc'] as const) if (b[k] !== undefined) t[k] = (t[k] || 0) + b[k]
    if (b.a) t.a = 1
    if (b.h) t.h = Math.max(t.h || 0, b.h)
  }
  for (const k of Object.keys(from.total)) {
    const n = own(into.total, k)
    if (n === undefined && !plan.daily[k] && !plan.taps[k] && Object.keys(into.total).length >= MAX_EVENT_NAMES) continue
    put(into.total, k, (n || 0) + from.total[k])
    const f = own(from.first, k)
    const l = own(from.last, k)
    if (f !== undefined && !(f >= (own(into.first, k) ?? Infinity))) put(into.first, k, f)
    if (l !== undefined && !(l <= (own(into.last, k) ?? -Infinity))) put(into.last, k, l)
  }
  addDistinct(into.distinct, from.distinct)
  const a = into.session
  const b = from.session
  if (b && a && b.start >= a.start && b.start - a.last <= plan.sessionTimeout) {
    // One visit: the visitor's session start was counted as a new session.
    const d = into.days[dayOf(b.start, into.tz)]
    if (d?.s) d.s--
    into.session = { start: a.start, last: Math.max(a.last, b.last) }
  } else if (b && (!a || b.last > a.last)) {
    if (a) (close(into, a), (into.prevVisit = a.last < b.start ? Math.max(into.prevVisit, a.last) : into.prevVisit))
    into.session = { start: b.start, last: b.last }
  } else if (b) close(into, b)
  // The last activity before the session now current.
  const cur = into.session?.start ?? Infinity
  into.prevVisit = Math.max(0, ...[into.prevVisit, from.prevVisit].filter((v) => v < cur))
  into.lastActive = Math.max(into.lastActive, from.lastActive)
  into.seen = Math.min(into.seen, from.seen)
  into.n += from.n
  prune(into, plan, now)
  return into
}
