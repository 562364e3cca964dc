import { describe, expect, it } from 'vitest'
import { backoff, retryAfter } from '../../src/sync/backoff'

describe('backoff', () => {
  it.each([
    [0, 500, 1000],
    [1, 1000, 2000],
    [3, 4000, 8000],
    [20, 150_000, 300_000],
  ])('attempt %i waits between %i and %i ms', (attempt, lo, hi) => {
    expect(backoff(attempt, () => 0)).toBe(lo)
    expect(backoff(attempt, () => 1)).toBe(hi)
  })
  it('Retry-After wins when longer, capped at an hour', () => {
    expect(backoff(0, () => 0, 1000, 300_000, 30_000)).toBe(30_000)
    expect(backoff(0, () => 0, 1000, 300_000, 10)).toBe(500)
    expect(backoff(0, () => 0, 1000, 300_000, 1e12)).toBe(3_600_000)
  })
})

describe('retryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it.each([
    ['120', 120_000],
    ['1.5', 1500],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 00:00:00 GMT', undefined],
    ['-5', undefined],
    ['soon', undefined],
    // Only an RFC 7231 IMF-fixdate is a date: Date.parse reads garbage such as these as 2099 and 3000.
    ['soon 2099', undefined],
    ['retry 3000', undefined],
    ['2099-01-01', undefined],
    ['Thu, 01 Jan 2026 00:00:30', undefined],
    // The obsolete RFC 850 and asctime forms, which no server is to send, are not read either.
    ['Thursday, 01-Jan-26 00:00:30 GMT', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j -> %j', (header, ms) => expect(retryAfter(header, now)).toBe(ms))
})
