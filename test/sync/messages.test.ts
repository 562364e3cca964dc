import { describe, expect, it } from 'vitest'
import { eventMessage, iso, snapshot, uuid } from '../../src/sync/messages'
import type { ScoreResult } from '../../src/score/score'

describe('message ids and timestamps', () => {
  it('iso(t) is exactly new Date(t).toISOString(), across seconds, days and years', () => {
    const ts = [0, 1, 999, 1000, 1001, 59_999, 86_399_999, 86_400_000, Date.UTC(2026, 11, 2, 3, 4, 5, 6), 253_402_300_799_999, 253_402_300_800_000, 8.64e15]
    let x = Date.UTC(2026, 0, 1)
    for (let i = 0; i < 5000; i++) ts.push((x += Math.floor((i * 7919) % 1500)))
    for (let i = 0; i < 2000; i++) ts.push(Math.floor(Math.random() * 4e12))
    for (const t of ts) expect(iso(t)).toBe(new Date(t).toISOString())
    // Out of the fast path, still the same answer.
    for (const t of [-1, -86_400_001, 1.5, 1764640000000.25]) expect(iso(t)).toBe(new Date(t).toISOString())
    expect(() => iso(NaN)).toThrow(RangeError)
  })

  it('uuid() is a random version 4 UUID, unique', () => {
    const seen = new Set<string>()
    const digits = Array.from({ length: 36 }, () => new Set<string>())
    for (let i = 0; i < 20_000; i++) {
      const id = uuid()
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      seen.add(id)
      for (let c = 0; c < 36; c++) digits[c].add(id[c])
    }
    expect(seen.size).toBe(20_000)
    // Every random hex position takes all 16 digits (the variant position 4: 8, 9, a, b).
    expect(digits.map((d) => d.size)).toEqual([...'xxxxxxxx-xxxx-4xxx-vxxx-xxxxxxxxxxxx'].map((c) => (c === 'x' ? 16 : c === 'v' ? 4 : 1)))
  })

  it('an event message has the same shape as before: base fields, then name, then props when given', () => {
    const identity = { userId: 'u', anonymousId: 'a', accountId: null, traits: {} } as never
    const m = eventMessage(identity, 'v1', 'x', { a: 1 }, 1_764_640_000_123)
    expect(Object.keys(m)).toEqual(['id', 'type', 'at', 'userId', 'anonymousId', 'accountId', 'model', 'sdk', 'name', 'props'])
    expect(m).toMatchObject({ type: 'event', at: '2025-12-02T01:46:40.123Z', userId: 'u', anonymousId: 'a', accountId: null, model: 'v1', name: 'x', props: { a: 1 } })
    expect('props' in eventMessage(identity, 'v1', 'x', undefined, 0)).toBe(false)
  })

  it('a snapshot cuts reasons and feature names to the schema\'s 1000 characters, ending in "…", never halving an emoji', () => {
    const r = { score: 1, breakdown: [], signals: {}, reasons: ['r'.repeat(1000), 'x'.repeat(998) + '😀😀'], topFeatures: [{ name: 'f'.repeat(16_000), count: 2 }, { name: 'ok', count: 1 }] } as unknown as ScoreResult
    const s = snapshot(r, 'low')
    expect(s.reasons).toEqual(['r'.repeat(1000), 'x'.repeat(998) + '…'])
    expect(s.topFeatures).toEqual([{ name: 'f'.repeat(999) + '…', count: 2 }, { name: 'ok', count: 1 }])
  })
})
