import type { ResolvedModel, Signal } from '../config/types'
import { lowerIsBetter } from '../score/signals'

/** A measure calibration tests as a possible signal; its threshold is chosen from the data. */
export interface Candidate {
  id: string
  signal: Signal
  /** config: a signal of the starting config; event: count of one event name; observed: sessions, days, streak... */
  source: 'config' | 'event' | 'observed'
  /** Dimension of the starting config the signal belongs to. */
  dimension?: string
  lower: boolean
}

/** A signal's measure, without threshold, weight or wording: two signals with equal measures have equal values. */
export function measureKey(s: Signal): string {
  const { threshold: _t, label: _l, reason: _r, weight: _w, credit: _c, ...rest } = s as Signal & Record<string, unknown>
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v
  return JSON.stringify(sort(rest))
}

/**
 * A config-safe signal id (1-64 of letters, digits, `_`, `-`, `.`) for an
 * event name. Not "__proto__": the event is counted like any other, but an
 * id assigned into a plain object would set its prototype, not a key.
 */
export const idFor = (name: string): string => {
  const id = name.replace(/[^\w.-]+/g, '_').slice(0, 56) || 'event'
  return id === '__proto__' ? '__proto___count' : id
}

/**
 * Every measure worth testing: the starting config's signals, the count of
 * every event name seen (all time up to the observation point), and what
 * the SDK observes itself over the last `windowDays` days: active days,
 * sessions, average session length, plus streak, recency and session
 * velocity. Duplicated measures are kept once (the config's id wins).
 * Event names are taken in sorted order, so the input's line order never
 * changes the candidates.
 */
export function buildCandidates(start: ResolvedModel, eventNames: string[], windowDays: number, exclude: Set<string>): Candidate[] {
  const out: Candidate[] = []
  const seen = new Set<string>()
  const ids = new Set<string>()
  const dimOf = (id: string) => Object.keys(start.dimensions).find((d) => start.dimensions[d].signals.includes(id))
  const add = (id: string, signal: Signal, source: Candidate['source']) => {
    const key = measureKey(signal)
    if (seen.has(key) || ('event' in signal && exclude.has(signal.event))) return
    let unique = id
    for (let i = 2; ids.has(unique); i++) unique = `${id}_${i}`
    seen.add(key)
    ids.add(unique)
    const c: Candidate = { id: unique, signal, source, lower: lowerIsBetter(signal) }
    if (source === 'config') c.dimension = dimOf(id)
    out.push(c)
  }
  for (const [id, s] of Object.entries(start.signals)) add(id, s, 'config')
  const w = Math.max(1, Math.min(365, Math.round(windowDays)))
  add(`active_days_${w}d`, { type: 'activeDays', window: { last: w }, threshold: 1 }, 'observed')
  add(`sessions_${w}d`, { type: 'sessions', window: { last: w }, threshold: 1 }, 'observed')
  add(`session_length_${w}d`, { type: 'avgSessionLength', window: { last: w }, threshold: 1 }, 'observed')
  add('streak', { type: 'streak', threshold: 1 }, 'observed')
  add('recency', { type: 'recency', threshold: 1 }, 'observed')
  add('velocity_sessions_7d', { type: 'velocity', of: 'sessions', days: 7, threshold: 1 }, 'observed')
  // By name, not in the order the input first showed them: ties in ranking and selection, and id suffixes, follow this order.
  for (const name of [...eventNames].sort()) add(idFor(name), { type: 'count', event: name, threshold: 1 }, 'event')
  return out
}
