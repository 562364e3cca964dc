import { describe, expect, it } from 'vitest'
import { score } from '../../src/score/score'
import cases from './score.cases.json'
import { aggregate, type EventRow, model, NOW } from './harness'

interface Case {
  name: string
  model: unknown
  events: EventRow[]
  trialStart?: number
  sessionTimeout?: number
  expect: {
    score?: number
    values?: Record<string, number | null>
    credits?: Record<string, number>
    points?: Record<string, number>
    reasons?: string[]
    topFeatures?: Array<{ name: string; count: number }>
    criteria?: Record<string, string[]>
    floorTier?: string | null
  }
}

describe('score: case table (test/score/score.cases.json)', () => {
  it.each((cases as Case[]).map((c) => [c.name, c] as const))('%s', (_, c) => {
    const m = model(c.model)
    const r = score(m, aggregate(m, c.events, c), NOW)
    const e = c.expect
    if (e.score !== undefined) expect(r.score).toBe(e.score)
    for (const [id, v] of Object.entries(e.values ?? {})) expect(r.signals[id].value, `value of ${id}`).toBe(v)
    for (const [id, v] of Object.entries(e.credits ?? {})) expect(r.signals[id].credit, `credit of ${id}`).toBe(v)
    for (const [id, v] of Object.entries(e.points ?? {})) expect(r.breakdown.find((d) => d.id === id)?.points, `points of ${id}`).toBe(v)
    if (e.reasons) expect(r.reasons).toEqual(e.reasons)
    if (e.topFeatures) expect(r.topFeatures).toEqual(e.topFeatures)
    for (const [id, missing] of Object.entries(e.criteria ?? {})) {
      const cr = r.criteria.find((x) => x.id === id)
      expect(cr?.missing).toEqual(missing)
      expect(cr?.met).toBe(missing.length === 0)
    }
    if (e.floorTier !== undefined) expect(r.floorTier).toBe(e.floorTier)
  })
})

describe('score: invariants', () => {
  const m = model({ preset: 'four-category' })
  it('breakdown points add up to the score (within rounding)', () => {
    const events: EventRow[] = [
      ['project_created', null, -1], ['project_created', null, -2], ['feature_used', { feature: 'x' }, -1],
      ['pricing_viewed', null, -1], ['teammate_invited', null, -3], ['$activity', null, -4],
    ]
    const r = score(m, aggregate(m, events), NOW)
    const sum = r.breakdown.reduce((n, d) => n + d.points, 0)
    expect(r.score).toBeGreaterThan(0)
    expect(Math.abs(sum - r.score)).toBeLessThanOrEqual(1)
  })
  it('is pure: same inputs, same result; aggregates untouched', () => {
    const agg = aggregate(m, [['project_created', null, -1]])
    const before = JSON.stringify(agg)
    expect(score(m, agg, NOW)).toEqual(score(m, agg, NOW))
    expect(JSON.stringify(agg)).toBe(before)
  })
  it('weights 25/25/20/15/15 and 0.25/0.25/0.2/0.15/0.15 mean the same', () => {
    const five = model({ preset: 'five-dimension' })
    const scaled = model({
      preset: 'five-dimension',
      dimensions: Object.fromEntries(Object.entries(five.dimensions).map(([k, d]) => [k, { ...d, weight: d.weight / 100 }])),
    })
    const events: EventRow[] = [['feature_used', { feature: 'a' }, -1], ['teammate_invited', null, -1], ['$activity', null, -3]]
    expect(score(scaled, aggregate(scaled, events), NOW).score).toBe(score(five, aggregate(five, events), NOW).score)
  })
})
