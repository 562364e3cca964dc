import { afterEach, describe, expect, it, vi } from 'vitest'
import { trackOp } from '../../src/track/event'
import { createLogger, resetWarnings } from '../../src/log'
import type { Op } from '../../src/store/aggregate'

const log = createLogger(() => false)
const TZ = process.env.TZ
afterEach(() => {
  if (TZ === undefined) delete process.env.TZ
  else process.env.TZ = TZ
  vi.restoreAllMocks()
  resetWarnings()
})
const NOW = Date.parse('2026-12-03T12:00:00Z')
const at = (v: unknown) => (trackOp('x', undefined, { at: v }, NOW, log) as Extract<Op, { k: 'e' }> | null)?.t

describe('track() options.at', () => {
  // README: a bare date is local midnight (identify's trialStart/trialEnd say so; backfilled events
  // must land on the same local day). Date.parse alone takes it as UTC midnight: the evening before
  // west of UTC, so the event was counted on the wrong day.
  it('takes a bare date as local midnight of that day, as identify() does', () => {
    process.env.TZ = 'America/New_York'
    expect(at('2026-11-25')).toBe(new Date(2026, 10, 25).getTime())
    expect(new Date(at('2026-11-25')!).getDate()).toBe(25)
  })
  it('takes date-times, epoch ms and Dates as before', () => {
    expect(at('2026-11-25T10:00:00Z')).toBe(Date.parse('2026-11-25T10:00:00Z'))
    expect(at(NOW - 1000)).toBe(NOW - 1000)
    expect(at(new Date(NOW - 5000))).toBe(NOW - 5000)
  })
  it('refuses a date that does not exist instead of rolling it over', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(at('2026-02-30')).toBeUndefined()
    expect(console.warn).toHaveBeenCalledWith('[momentkit]', expect.stringContaining('options.at must be a date'))
  })
})

describe('track() props that JSON data cannot hold', () => {
  const warnings = () => (console.warn as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => c[1])
  const p = (props: unknown) => (trackOp('x', props, undefined, NOW, log) as Extract<Op, { k: 'e' }> | null)?.p
  // Copied by their own keys they were recorded as {} (Map, Set, RegExp, Error, ArrayBuffer) or as an
  // object of indices (typed arrays): the data was lost without a word.
  it.each([
    ['a Map', { m: new Map([['plan', 'pro']]) }, 'props.m: Map is not JSON data'],
    ['a Set', { tags: new Set(['a', 'b']) }, 'props.tags: Set is not JSON data'],
    ['a Set in an array', { list: [new Set([1])] }, 'props.list[0]: Set is not JSON data'],
    ['a typed array', { bytes: new Uint8Array([1, 2, 3]) }, 'props.bytes: Uint8Array is not JSON data'],
    ['an ArrayBuffer', { buf: new ArrayBuffer(4) }, 'props.buf: ArrayBuffer is not JSON data'],
    ['a RegExp', { o: { re: /x/ } }, 'props.o.re: RegExp is not JSON data'],
    ['an Error', { e: new Error('boom') }, 'props.e: Error is not JSON data'],
    ['a WeakMap', { w: new WeakMap() }, 'props.w: WeakMap is not JSON data'],
    ['a Promise', { p: Promise.resolve(1) }, 'props.p: Promise is not JSON data'],
  ])('refuses %s with one warning naming where', (_, props, where) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(p(props)).toBeUndefined()
    expect(trackOp('x', props, undefined, NOW, log)).toBeNull()
    expect(warnings()).toEqual([expect.stringContaining(where)])
  })
  it('keeps class instances as their own fields, and -0 as 0', () => {
    class Plan {
      tier = 'pro'
      seats = 3
    }
    expect(p({ plan: new Plan(), z: -0 })).toEqual({ plan: { tier: 'pro', seats: 3 }, z: -0 })
    expect(JSON.stringify(p({ z: -0 }))).toBe('{"z":0}')
  })
})
