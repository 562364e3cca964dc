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
    ['a Map', { m: new Map([['plan', 'pro']]) }, 'props.m is a Map'],
    ['a Set', { tags: new Set(['a', 'b']) }, 'props.tags is a Set'],
    ['a Set in an array', { list: [new Set([1])] }, 'props.list[0] is a Set'],
    ['a typed array', { bytes: new Uint8Array([1, 2, 3]) }, 'props.bytes is a Uint8Array'],
    ['an ArrayBuffer', { buf: new ArrayBuffer(4) }, 'props.buf is an ArrayBuffer'],
    ['a RegExp', { o: { re: /x/ } }, 'props.o.re is a RegExp'],
    ['an Error', { e: new Error('boom') }, 'props.e is an Error'],
    ['a WeakMap', { w: new WeakMap() }, 'props.w is a WeakMap'],
    ['a Promise', { p: Promise.resolve(1) }, 'props.p is a Promise'],
  ])('refuses %s with one warning naming where', (_, props, where) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(p(props)).toBeUndefined()
    expect(trackOp('x', props, undefined, NOW, log)).toBeNull()
    expect(warnings()).toEqual([expect.stringContaining(where)])
  })
  // As JSON.stringify (and every analytics SDK) writes them: a Decimal, a Luxon DateTime, a money type.
  it('records a class instance with toJSON as its toJSON value', () => {
    class Money {
      constructor(public cents = 1250, public currency = 'EUR') {}
      toJSON() {
        return `${this.cents / 100} ${this.currency}`
      }
    }
    class Range {
      from = 1
      to = 2
      toJSON() {
        return { from: this.from, to: this.to, set: new Set() }
      }
    }
    expect(p({ price: new Money() })).toEqual({ price: '12.5 EUR' })
    expect(p({ o: { price: new Money(), n: 1 } })).toEqual({ o: { price: '12.5 EUR', n: 1 } })
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    // What toJSON answers is checked as any value.
    expect(p({ r: new Range() })).toBeUndefined()
    expect(warnings()).toEqual([expect.stringContaining('props.r.set is a Set')])
  })
  it('a toJSON that throws or answers itself drops the call with a warning, never throws', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    class Bad {
      toJSON(): unknown {
        throw new Error('toJSON boom')
      }
    }
    class Self {
      toJSON(): unknown {
        return this
      }
    }
    expect(p({ b: new Bad() })).toBeUndefined()
    expect(p({ s: new Self() })).toBeUndefined()
    expect(warnings()).toEqual([expect.stringContaining('props.b.toJSON() threw: toJSON boom'), expect.stringContaining('props.s is cyclic')])
  })
  it('keeps class instances without toJSON as their own fields, and -0 as 0', () => {
    class Plan {
      tier = 'pro'
      seats = 3
    }
    expect(p({ plan: new Plan(), z: -0 })).toEqual({ plan: { tier: 'pro', seats: 3 }, z: -0 })
    expect(JSON.stringify(p({ z: -0 }))).toBe('{"z":0}')
  })
})
