import { afterEach, describe, expect, it } from 'vitest'
import { toTime } from '../src/date'

const TZ = process.env.TZ
afterEach(() => (TZ === undefined ? delete process.env.TZ : (process.env.TZ = TZ)))

describe('toTime', () => {
  it.each([
    ['America/Los_Angeles', '2026-11-25', '2026-11-25T00:00:00-08:00'],
    ['Asia/Tokyo', '2026-11-25', '2026-11-25T00:00:00+09:00'],
    ['UTC', '2026-11-25', '2026-11-25T00:00:00Z'],
    // Summer time: local midnight is UTC-7 in Los Angeles.
    ['America/Los_Angeles', '2026-07-01', '2026-07-01T00:00:00-07:00'],
  ])('in %s, a bare date %s is local midnight of that day', (tz, input, expected) => {
    process.env.TZ = tz
    expect(toTime(input)).toBe(Date.parse(expected))
  })

  it('takes date-times and epoch ms as they are', () => {
    process.env.TZ = 'America/Los_Angeles'
    expect(toTime('2026-11-25T10:00:00Z')).toBe(Date.parse('2026-11-25T10:00:00Z'))
    expect(toTime('2026-11-25T10:00:00+02:00')).toBe(Date.parse('2026-11-25T08:00:00Z'))
    expect(toTime(1_764_000_000_000)).toBe(1_764_000_000_000)
    expect(toTime('2028-02-29T10:00:00Z')).toBe(Date.parse('2028-02-29T10:00:00Z'))
  })

  it.each([['2026-02-30'], ['2026-02-31T10:00'], ['2026-04-31T10:00:00Z'], ['2026-13-01'], ['not a date'], [''], [NaN], [Infinity], [null], [{}]])('answers undefined for %s', (v) => {
    expect(toTime(v)).toBeUndefined()
  })
})
