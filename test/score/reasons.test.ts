import { describe, expect, it } from 'vitest'
import { reasonFor } from '../../src/score/reasons'
import type { Signal } from '../../src/config/types'

const sig = (s: Record<string, unknown>) => s as unknown as Signal

describe('default reasons of observed signals', () => {
  it.each([
    [{ type: 'activeDays', window: { last: 7 }, threshold: 3 }, 3, 'active 3 of the last 7 days'],
    // A one-day window is today: not "active 1 of today".
    [{ type: 'activeDays', window: { last: 1 }, threshold: 1 }, 1, 'active today'],
    [{ type: 'activeDays', window: { trial: [0, 14] }, threshold: 5 }, 5, 'active 5 of the first 14 days'],
    [{ type: 'activeDays', threshold: 5 }, 6, 'active on 6 days'],
    [{ type: 'sessions', window: { last: 1 }, threshold: 2 }, 2, '2 sessions today'],
  ])('%j with value %d reads "%s"', (s, v, text) => expect(reasonFor(sig(s), v)).toBe(text))
})

describe('default reasons of event signals', () => {
  it.each([
    [{ type: 'distinct', event: 'feature_used', prop: 'feature', window: { last: 14 }, threshold: 4 }, 3, '3 different features in the last 14 days'],
    // Partial credit for one value: not "1 different features".
    [{ type: 'distinct', event: 'feature_used', prop: 'feature', window: { last: 14 }, threshold: 4 }, 1, '1 different feature in the last 14 days'],
    [{ type: 'distinct', event: 'feature_used', prop: 'feature', label: 'core features', threshold: 4 }, 2, '2 different core features'],
  ])('%j with value %d reads "%s"', (s, v, text) => expect(reasonFor(sig(s), v)).toBe(text))
})
