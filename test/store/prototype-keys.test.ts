/**
 * Event names and prop values that are also Object.prototype keys
 * ("__proto__", "constructor", "toString") are data: counted like any other
 * name, across a structured-clone or JSON round trip (IndexedDB, the
 * collector), without touching Object.prototype. Before the fix, apply()
 * threw on them (the batch was lost) and planFor() failed on a signal naming one.
 */
import { describe, expect, it } from 'vitest'
import { signalValue } from '../../src/score/signals'
import { apply, emptyAggregates, type Op, planFor } from '../../src/store/aggregate'
import { model, NOW } from '../score/harness'

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
const m = model({
  signals: {
    ...Object.fromEntries(NAMES.map((n, i) => [`s${i}`, { type: 'count', event: n, threshold: 10 }])),
    firstProto: { type: 'first', event: '__proto__', threshold: 3 },
    lastCtor: { type: 'last', event: 'constructor', threshold: 3 },
    values: { type: 'distinct', event: 'pick', prop: 'v', threshold: 10 },
    valuesWeek: { type: 'distinct', event: 'pick', prop: 'v', threshold: 10, window: { last: 7 } },
  },
  dimensions: { d: { weight: 1, signals: NAMES.map((_, i) => `s${i}`) } },
})

describe('event names and values named like Object.prototype keys', () => {
  it('are counted as data, survive a round trip, and leave Object.prototype alone', () => {
    const plan = planFor(m)
    const ops: Op[] = []
    for (let k = 0; k < 3; k++) for (const n of NAMES) ops.push({ k: 'e', n, t: NOW - 1000 + k })
    for (const v of [...NAMES, 'plain']) ops.push({ k: 'e', n: 'pick', p: { v }, t: NOW })
    ops.push({ k: 'e', n: 'valueOf', t: NOW }) // no signal on it: must not throw either
    const agg = apply(emptyAggregates(NOW - 1000, 0), plan, ops, NOW)

    for (const copy of [agg, structuredClone(agg), JSON.parse(JSON.stringify(agg))]) {
      NAMES.forEach((_, i) => expect(signalValue(m.signals[`s${i}`], copy, NOW), NAMES[i]).toBe(3))
      expect(signalValue(m.signals.firstProto, copy, NOW)).toBe(0)
      expect(signalValue(m.signals.lastCtor, copy, NOW)).toBe(0)
      expect(signalValue(m.signals.values, copy, NOW)).toBe(5)
      expect(signalValue(m.signals.valuesWeek, copy, NOW)).toBe(5)
    }
    expect(Object.getPrototypeOf(agg.total)).toBe(Object.prototype)
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('0')
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
  })
})
