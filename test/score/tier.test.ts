import { describe, expect, it } from 'vitest'
import { defaultTiers } from '../../src/config/presets'
import { nextTierState, tierFor } from '../../src/score/tier'
import cases from './tier.cases.json'

describe('tierFor: default tiers, hysteresis 3 (test/score/tier.cases.json)', () => {
  it.each(cases as Array<[string, string | null, number, string | null, string]>)('%s', (_, current, score, floor, expected) => {
    expect(tierFor(defaultTiers, score, current, 3, floor)).toBe(expected)
  })
})

describe('nextTierState', () => {
  it('records when each tier was entered and reports the change', () => {
    const a = nextTierState(defaultTiers, null, 20, 3, null, 1000)
    expect(a.change).toEqual({ from: null, to: 'low', direction: 'up', score: 20, at: 1000 })
    const b = nextTierState(defaultTiers, a.state, 65, 3, null, 2000)
    expect(b.change).toMatchObject({ from: 'low', to: 'pql', direction: 'up' })
    expect(b.state).toEqual({ tier: 'pql', since: 2000, entered: { low: 1000, pql: 2000 }, score: 65 })
    const c = nextTierState(defaultTiers, b.state, 59, 3, null, 3000)
    expect(c.change).toBeNull()
    expect(c.state.since).toBe(2000)
    const d = nextTierState(defaultTiers, c.state, 40, 3, null, 4000)
    expect(d.change).toMatchObject({ from: 'pql', to: 'moderate', direction: 'down' })
  })
  it('a score oscillating around a boundary changes tier once', () => {
    let state = nextTierState(defaultTiers, null, 59, 3, null, 0).state
    let changes = 0
    for (let i = 1; i < 50; i++) {
      const r = nextTierState(defaultTiers, state, i % 2 ? 61 : 60, 3, null, i)
      if (r.change) changes++
      state = r.state
    }
    expect(changes).toBe(1)
  })
  it('custom tiers with other names and count', () => {
    const tiers = [{ name: 'cold', min: 0 }, { name: 'warm', min: 50 }, { name: 'ready', min: 90 }]
    expect(tierFor(tiers, 89, null, 0, null)).toBe('warm')
    expect(tierFor(tiers, 90, null, 0, null)).toBe('ready')
    expect(tierFor(tiers, 89, 'ready', 0, null)).toBe('warm')
  })
})
