import { resolveConfig } from '../../src/config/validate'
import type { ResolvedModel } from '../../src/config/types'
import { apply, emptyAggregates, type Aggregates, type Op, planFor } from '../../src/store/aggregate'

export const DAY = 86_400_000
export const NOW = Date.parse('2026-03-15T12:00:00Z')

/** [name, props, dayOffset]: dayOffset is (fractional) days relative to NOW; "$activity" is activity without an event. */
export type EventRow = [string, Record<string, unknown> | null, number]

export function model(m: unknown): ResolvedModel {
  const r = resolveConfig({ model: m })
  if (!r.ok) throw new Error('case model invalid: ' + JSON.stringify(r.errors))
  return r.config.model
}

export function aggregate(m: ResolvedModel, events: EventRow[], opts: { trialStart?: number; sessionTimeout?: number; now?: number } = {}): Aggregates {
  const now = opts.now ?? NOW
  const first = Math.min(now, ...events.map((e) => now + e[2] * DAY))
  const agg = emptyAggregates(first, 0)
  const ops: Op[] = []
  if (opts.trialStart !== undefined) ops.push({ k: 'trial', start: now + opts.trialStart * DAY })
  for (const [n, p, d] of [...events].sort((a, b) => a[2] - b[2])) {
    const t = now + d * DAY
    ops.push(n === '$activity' ? { k: 'a', t } : { k: 'e', n, p: p ?? undefined, t })
  }
  return apply(agg, planFor(m, opts.sessionTimeout ?? 30), ops, now)
}
