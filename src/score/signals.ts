import type { Signal, Window } from '../config/types'
import { type Aggregates, type DayBucket, dayOf, distinctKey, eventKey, own } from '../store/aggregate'
import { field } from '../field'

/** Raw value of one signal; null when it cannot be known yet (never happened). */
export type Value = number | null

/** Inclusive day range [from, to] for a window, or null for "all time". */
export function dayRange(w: Window | undefined, agg: Aggregates, now: number): [number, number] | null {
  if (!w) return null
  const today = dayOf(now, agg.tz)
  const last = field<number>(w, 'last')
  if (last !== undefined) return [today - last + 1, today]
  const start = dayOf(agg.trialStart ?? agg.seen, agg.tz)
  const trial = field<[number, number]>(w, 'trial') ?? [0, 0]
  return [start + trial[0], Math.min(start + trial[1] - 1, today)]
}

function eachDay(agg: Aggregates, range: [number, number], fn: (b: DayBucket) => void): void {
  // Own keys only (here and below): Object.prototype may carry other scripts' properties.
  for (const key of Object.keys(agg.days)) {
    const d = Number(key)
    if (d >= range[0] && d <= range[1]) fn(agg.days[key])
  }
}

function sumDays(agg: Aggregates, range: [number, number], pick: (b: DayBucket) => number): number {
  let n = 0
  eachDay(agg, range, (b) => (n += pick(b)))
  return n
}

/** Distinct values with their counts: per window from day buckets, or all time. */
export function distinctCounts(agg: Aggregates, key: string, range: [number, number] | null): Record<string, number> {
  if (!range) return { ...agg.distinct[key] }
  // No prototype: a value named "__proto__" or "constructor" is counted like any other.
  const out: Record<string, number> = Object.create(null)
  eachDay(agg, range, (b) => {
    const values = b.d?.[key]
    if (values) for (const v of Object.keys(values)) out[v] = (out[v] || 0) + values[v]
  })
  return out
}

const days = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 86_400_000))

/** Lower values are better for these types (days since / time to). */
export const lowerIsBetter = (s: Signal): boolean => s.type === 'first' || s.type === 'last' || s.type === 'recency'

/** Computes a signal's raw value from the aggregates, as of `now`. */
export function signalValue(s: Signal, agg: Aggregates, now: number): Value {
  const range = dayRange(field<Window>(s, 'window'), agg, now)
  const today = dayOf(now, agg.tz)
  switch (s.type) {
    case 'count':
    case 'occurred': {
      const key = eventKey(s.event, s.where)
      const n = range ? sumDays(agg, range, (b) => own(b.e, key) || 0) : own(agg.total, key) || 0
      return s.type === 'occurred' ? (n > 0 ? 1 : 0) : n
    }
    case 'distinct':
      return Object.keys(distinctCounts(agg, distinctKey(eventKey(s.event, s.where), s.prop), range)).length
    case 'first': {
      const t = own(agg.first, s.event)
      return t === undefined ? null : days(agg.trialStart ?? agg.seen, t)
    }
    case 'last': {
      const t = own(agg.last, s.event)
      return t === undefined ? null : Math.max(0, today - dayOf(t, agg.tz))
    }
    case 'sessions':
      return range ? sumDays(agg, range, (b) => b.s || 0) : Object.values(agg.days).reduce((n, b) => n + (b.s || 0), 0)
    case 'activeDays':
      return range ? sumDays(agg, range, (b) => b.a || 0) : Object.values(agg.days).reduce((n, b) => n + (b.a || 0), 0)
    case 'avgSessionLength': {
      const r = range ?? [-Infinity, Infinity]
      let ms = sumDays(agg, r as [number, number], (b) => b.sl || 0)
      let count = sumDays(agg, r as [number, number], (b) => b.sc || 0)
      const cur = agg.session
      if (cur) {
        const d = dayOf(cur.start, agg.tz)
        if (d >= r[0] && d <= r[1]) {
          ms += cur.last - cur.start
          count++
        }
      }
      return count ? Math.round((ms / count / 60_000) * 10) / 10 : 0
    }
    case 'streak': {
      // Consecutive active days ending today, or yesterday when today has no activity yet.
      let d = agg.days[today]?.a ? today : today - 1
      let n = 0
      while (agg.days[d]?.a) (n++, d--)
      return n
    }
    case 'recency':
      return agg.lastActive ? Math.max(0, today - dayOf(agg.lastActive, agg.tz)) : null
    case 'velocity': {
      const n = s.days ?? 7
      const pick =
        s.of === 'sessions' ? (b: DayBucket) => b.s || 0
        : s.of === 'activeDays' ? (b: DayBucket) => b.a || 0
        : ((key) => (b: DayBucket) => own(b.e, key) || 0)(eventKey(s.of.event, s.of.where))
      const cur = sumDays(agg, [today - n + 1, today], pick)
      const prev = sumDays(agg, [today - 2 * n + 1, today - n], pick)
      // A user first seen within this period has no previous one to compare: unknown, no credit.
      if (dayOf(agg.seen, agg.tz) > today - n) return null
      // From nothing to something counts as +100%: growth, without dividing by zero.
      if (!prev) return cur ? 100 : 0
      return Math.round(((cur - prev) / prev) * 100)
    }
  }
}

/** Credit in [0, 1] for a value against the signal's threshold. */
export function credit(s: Signal, value: Value): number {
  if (value === null) return 0
  const t = s.threshold ?? 1
  const partial = (s.credit ?? 'partial') === 'partial'
  if (lowerIsBetter(s)) {
    if (value <= t) return 1
    return partial ? Math.max(0, 1 - (value - t) / Math.max(t, 1)) : 0
  }
  if (value >= t) return 1
  return partial && t > 0 ? Math.max(0, value / t) : 0
}
