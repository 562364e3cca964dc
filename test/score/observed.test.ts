import { describe, expect, it, onTestFinished } from 'vitest'
import { createLogger } from '../../src/log'
import { score } from '../../src/score/score'
import { signalValue } from '../../src/score/signals'
import { apply, emptyAggregates, type Op, planFor } from '../../src/store/aggregate'
import { traitsOps } from '../../src/track/identity'
import { aggregate, DAY, type EventRow, model, NOW } from './harness'

// Observed activity (sessions, active days, session length, streaks) is kept per day as long as the
// model reads it, apart from the event windows: README "Signals", "No window means all time"
// (for observed activity, the last 400 days).
const one = (signals: Record<string, unknown>) => model({ signals, dimensions: { d: { weight: 1, signals: Object.keys(signals) } } })
const daily = (from: number, n: number): EventRow[] => Array.from({ length: n }, (_, i) => ['$activity', null, from + i] as EventRow)

describe('observed signals without a window', () => {
  it('sessions counts sessions older than any event window', () => {
    const m = one({ s: { type: 'sessions', threshold: 10 } })
    expect(score(m, aggregate(m, daily(-20, 10)), NOW).signals.s.value).toBe(10)
  })
  it('activeDays counts every active day of the last 400', () => {
    const m = one({ a: { type: 'activeDays', threshold: 5 } })
    expect(score(m, aggregate(m, daily(-30, 5)), NOW).signals.a.value).toBe(5)
    expect(score(m, aggregate(m, [...daily(-420, 5), ...daily(-300, 5)]), NOW).signals.a.value).toBe(5)
  })
  it('avgSessionLength reads sessions older than any event window', () => {
    const m = one({ l: { type: 'avgSessionLength', threshold: 10 }, c: { type: 'count', event: 'x', window: { last: 7 }, threshold: 1 } })
    // Sessions of 20 and 10 minutes two months ago, and one of 30 minutes yesterday: 20 on average.
    const min = 1 / 1440
    const events: EventRow[] = [['x', null, -60], ['x', null, -60 + 20 * min], ['x', null, -59], ['x', null, -59 + 10 * min], ['x', null, -1], ['x', null, -1 + 30 * min]]
    expect(score(m, aggregate(m, events), NOW).signals.l.value).toBe(20)
  })
})

describe('streak', () => {
  it('a 45-day streak meets a 40-day threshold (days are kept as far as the threshold asks)', () => {
    const m = one({ st: { type: 'streak', threshold: 40 } })
    const r = score(m, aggregate(m, daily(-44, 45)), NOW)
    expect(r.signals.st.value).toBeGreaterThanOrEqual(40)
    expect(r.signals.st.met).toBe(true)
  })
  it('a streak of a month still counts in full with a small threshold', () => {
    const m = one({ st: { type: 'streak', threshold: 3 } })
    expect(score(m, aggregate(m, daily(-29, 30)), NOW).signals.st.value).toBe(30)
  })
})

describe('trial windows', () => {
  // A trial starting "2026-11-25" in California: 8 December is its 14th day, in { trial: [0, 14] }.
  it('a trial starting on a bare date starts on that local day, west of UTC too', () => {
    const TZ = process.env.TZ
    process.env.TZ = 'America/Los_Angeles'
    onTestFinished(() => void (TZ === undefined ? delete process.env.TZ : (process.env.TZ = TZ)))
    const m = one({ p: { type: 'count', event: 'project_created', window: { trial: [0, 14] }, threshold: 1 } })
    const agg = emptyAggregates(Date.parse('2026-11-20T12:00:00-08:00'))
    const now = Date.parse('2026-12-08T12:00:00-08:00')
    const ops: Op[] = [...traitsOps({ trialStart: '2026-11-25' }, createLogger(() => false)), { k: 'e', n: 'project_created', t: Date.parse('2026-12-08T10:00:00-08:00') }]
    apply(agg, planFor(m), ops, now)
    expect(signalValue(m.signals.p, agg, now)).toBe(1)
  })

  it('a trial window still reads its days after the other windows passed, applied day by day', () => {
    const m = one({ a: { type: 'activeDays', window: { trial: [0, 14] }, threshold: 5 }, s: { type: 'sessions', window: { last: 3 }, threshold: 1 } })
    const plan = planFor(m)
    const start = NOW - 30 * DAY
    const agg = emptyAggregates(start, 0)
    apply(agg, plan, [{ k: 'trial', start }], start)
    for (let d = 0; d < 31; d++) if (d < 6 || d > 20) apply(agg, plan, [{ k: 'a', t: start + d * DAY }], start + d * DAY)
    expect(signalValue(m.signals.a, agg, NOW)).toBe(6)
  })
})
