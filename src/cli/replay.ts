import { type Aggregates, apply, dayOf, emptyAggregates, type Op, type Plan } from '../store/aggregate'
import { type Block, TRIAL } from './partition'

export const DAY = 86_400_000

/**
 * Where each user's history is cut, so nothing after the decision leaks in.
 * - `day`: the start of calendar day N after the user's start (trial start,
 *   else first event): days 0..N-1 are seen. A converter who converted
 *   earlier is cut at conversion.
 * - `conversion`: converters just before they converted; everyone else at
 *   an age (time since start) drawn from the converters' conversion ages,
 *   so both groups are seen at the same mix of trial ages and windows
 *   ("active days in the last 14") cover the same stretch of a trial.
 */
export type Observe = { mode: 'day'; days: number } | { mode: 'conversion'; ages: number[] }

/**
 * Exclusive cut time: events at or after it are not replayed. Scores are
 * read at cut - 1 ms. `draw` in [0, 1) is the user's own fixed random
 * number, picking their age in `conversion` mode.
 */
export function cutFor(o: Observe, start: number, convertedAt: number, tz: number, draw: number): number {
  if (Number.isFinite(convertedAt) && o.mode === 'conversion') return convertedAt
  if (o.mode === 'conversion') return start + o.ages[Math.min(o.ages.length - 1, Math.floor(draw * o.ages.length))]
  const boundary = (dayOf(start, tz) + o.days) * DAY + tz * 60_000
  return Number.isFinite(convertedAt) ? Math.min(boundary, convertedAt) : boundary
}

export interface UserHistory {
  block: Block
  /** Row indices of the user's events, in time order. */
  rows: Int32Array
  names: string[]
}

/**
 * Feeds a user's events before `cut` through the SDK's own aggregates
 * (`apply`), as the browser would have recorded them, and returns the
 * aggregates as of `cut - 1`. Trial dates from identify messages are
 * applied at their time as the SDK's `trial` op (as the collector replays
 * them); a `trialStart` from the labels is applied first and wins over
 * theirs (their `end` still applies). With `onDay`, events are applied one
 * calendar day at a time and `onDay` is called after each active day with
 * the time of that day's last event, for "when did the score first cross"
 * questions.
 */
export function replay(plan: Plan, h: UserHistory, start: number, trialStart: number, tz: number, cut: number, onDay?: (agg: Aggregates, now: number) => void): Aggregates {
  const agg = emptyAggregates(start, tz)
  const fixed = Number.isFinite(trialStart)
  const head: Op[] = fixed ? [{ k: 'trial', start: trialStart }] : []
  const { block: b, rows, names } = h
  const op = (r: number): Op => {
    if (b.name[r] !== TRIAL) return { k: 'e', n: names[b.name[r]], p: b.props[r], t: b.t[r] }
    const d = b.props[r] as { start?: number; end?: number }
    return { k: 'trial', start: fixed ? undefined : d.start, end: d.end }
  }
  if (!onDay) {
    const ops = head
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]
      if (b.t[r] >= cut) break
      ops.push(op(r))
    }
    return apply(agg, plan, ops, cut - 1)
  }
  if (head.length) apply(agg, plan, head, start)
  let ops: Op[] = []
  let day = NaN
  let now = -Infinity
  let events = 0
  for (let i = 0; i <= rows.length; i++) {
    const r = rows[i]
    const done = i === rows.length || b.t[r] >= cut
    const d = done ? NaN : dayOf(b.t[r], tz)
    if (ops.length && (done || d !== day)) {
      apply(agg, plan, ops, Number.isFinite(now) ? now : b.t[rows[i - 1]])
      if (events) onDay(agg, now)
      ops = []
      now = -Infinity
      events = 0
    }
    if (done) break
    day = d
    ops.push(op(r))
    if (b.name[r] !== TRIAL) (now = b.t[r]), events++
  }
  // Pruning is relative to "now": bring the aggregates to the cut before the final read.
  return apply(agg, plan, [], cut - 1)
}
