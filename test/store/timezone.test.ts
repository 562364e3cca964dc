import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { score } from '../../src/score/score'
import { planFor } from '../../src/store/aggregate'
import { createKV } from '../../src/store/kv'
import { mergeOps, openUserState } from '../../src/store/userstate'
import { model } from '../score/harness'

// Days are cut at the browser's local midnight, with the offset of now: a user whose state was
// made in winter is still cut at local midnight in summer (the offset changes by an hour).
const TZ = process.env.TZ
afterEach(() => void (TZ === undefined ? delete process.env.TZ : (process.env.TZ = TZ)))
const m = model({
  signals: { days: { type: 'activeDays', window: { last: 7 }, threshold: 2 }, recency: { type: 'recency', threshold: 0 } },
  dimensions: { d: { weight: 1, signals: ['days', 'recency'] } },
})
const plan = planFor(m)
const log = createLogger(() => false)
let n = 0
const kvFor = () => createKV('x', log, { store: createStore('timezone-test-' + n++, 'state') })

describe('days after a change to summer time', () => {
  const winter = Date.parse('2026-01-10T12:00:00-05:00')
  const evening = Date.parse('2026-07-09T23:30:00-04:00')
  const night = Date.parse('2026-07-10T00:30:00-04:00')
  const noon = Date.parse('2026-07-10T12:00:00-04:00')

  it('are cut at local midnight in the page that sees the change', async () => {
    process.env.TZ = 'America/New_York'
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, winter, () => {})
    u.add([{ k: 'a', t: winter }], winter)
    await u.flush(winter)
    // Months later, a new page load.
    const v = await openUserState(kv, 'u:a', plan, evening, () => {})
    v.add([{ k: 'a', t: evening }], evening)
    v.add([{ k: 'a', t: night }], night)
    const r = score(m, v.agg(), noon)
    expect(r.signals.days.value).toBe(2)
    expect(r.signals.recency.value).toBe(0)
    await v.flush(noon)
    expect(score(m, (await openUserState(kv, 'u:a', plan, noon, () => {})).agg(), noon).signals.days.value).toBe(2)
  })

  it('are cut at local midnight when a page that went away hands its ops over', async () => {
    process.env.TZ = 'America/New_York'
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, winter, () => {})
    u.add([{ k: 'a', t: winter }], winter)
    await u.flush(winter)
    await mergeOps(kv, 'u:a', plan, [{ k: 'a', t: evening }, { k: 'a', t: night }], noon)
    expect(score(m, (await openUserState(kv, 'u:a', plan, noon, () => {})).agg(), noon).signals.days.value).toBe(2)
  })
})
