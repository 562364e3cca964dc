import { describe, expect, it } from 'vitest'
import { score } from '../../src/score/score'
import { type Aggregates, planFor } from '../../src/store/aggregate'
import { mergeAggregates } from '../../src/store/merge'
import { aggregate, DAY, type EventRow, model, NOW } from '../score/harness'

// A returning user's history, then what they did logged out (reset(), then identify() again): merged,
// it must read as if one identity had seen every event.
const m = model({ preset: 'five-dimension' })
const plan = planFor(m, 30)
const MIN = 1 / 1440
const strip = ({ r: _r, m: _m, w: _w, ...a }: Aggregates) => a

const user: EventRow[] = [
  ['project_created', null, -6],
  ['feature_used', { feature: 'boards' }, -6 + 2 * MIN],
  ['teammate_invited', null, -2],
  ['feature_used', { feature: 'export' }, -1],
  ['feature_used', { feature: 'boards' }, -1 + 10 * MIN],
]
const cases: Array<[string, EventRow[]]> = [
  ['logged out and back within one visit', [['pricing_viewed', null, -1 + 15 * MIN], ['feature_used', { feature: 'reports' }, -1 + 20 * MIN]]],
  ['logged out, back days later', [['pricing_viewed', null, -0.2], ['feature_used', { feature: 'boards' }, -0.1], ['$activity', null, 0]]],
  ['a visitor session spanning midnight', [['feature_used', { feature: 'x' }, -3.5], ['feature_used', { feature: 'y' }, -3.5 + 25 * MIN], ['teammate_invited', null, -0.5]]],
]

describe('mergeAggregates', () => {
  for (const [name, visitor] of cases) {
    it(name, () => {
      const merged = mergeAggregates(aggregate(m, user), aggregate(m, visitor), plan, NOW)
      const whole = aggregate(m, [...user, ...visitor])
      expect(strip(merged)).toEqual(strip(whole))
      expect(score(m, merged, NOW)).toEqual(score(m, whole, NOW))
    })
  }

  it('keeps keys that are data (__proto__, constructor) as data, and the caps', () => {
    const names: EventRow[] = Array.from({ length: 300 }, (_, i) => ['e' + i, null, -1 + i * MIN * 0.01])
    const a = aggregate(m, names.slice(0, 200))
    const b = aggregate(m, [['__proto__', null, -0.5], ['constructor', null, -0.5], ...names.slice(200).map(([n]) => [n, null, -0.4] as EventRow)])
    const merged = mergeAggregates(a, b, plan, NOW)
    expect(Object.getPrototypeOf(merged.total)).toBe(Object.prototype)
    expect(Object.keys(merged.total).length).toBe(256)
    expect(Object.hasOwn(merged.total, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
    expect(merged.n).toBe(302)
    expect(DAY).toBeGreaterThan(0)
  })
})
