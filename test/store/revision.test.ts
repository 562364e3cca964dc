import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { type Aggregates, type Op, type Plan, planFor } from '../../src/store/aggregate'
import { createKV } from '../../src/store/kv'
import { mergeOps, openUserState, type UserState } from '../../src/store/userstate'
import { model, NOW } from '../score/harness'

// A write replays the pending ops onto what is stored, so that tabs add up; when nothing else wrote
// since the view was read (same revision) and nothing came in meanwhile, the view itself is written.
// apply() reads plan.taps once per event op it applies: counting those reads counts the ops replayed.
const base = planFor(model({ preset: 'five-dimension' }))
let reads = 0
const plan: Plan = Object.defineProperty({ ...base }, 'taps', { get: () => (reads++, base.taps) })
const log = createLogger(() => false)
const ev = (n: number, name = 'project_created', at = NOW): Op[] => Array.from({ length: n }, (_, i) => ({ k: 'e', n: name, p: { template: 't' + (i % 3) }, t: at + i }))
let n = 0
const kvFor = () => createKV('x', log, { store: createStore('revision-test-' + n++, 'state') })
const stored = (kv: ReturnType<typeof kvFor>) => kv.get<Aggregates>('agg:u:a') as Promise<Aggregates>
/** Flushes `u` at `t`; answers how many event ops the write replayed. */
async function flushReplayed(u: UserState, t: number): Promise<number> {
  reads = 0
  await u.flush(t)
  return reads
}

describe('writing the aggregates', () => {
  it('with the store still at its revision, writes the view without replaying the ops', async () => {
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, NOW, () => {})
    u.add(ev(500), NOW)
    expect(await flushReplayed(u, NOW)).toBe(0)
    const s = await stored(kv)
    expect(s.total.project_created).toBe(500)
    expect(s.r).toBe(1)
    expect(s).toEqual(u.agg())
    u.add(ev(2, 'teammate_invited'), NOW + 1000)
    expect(await flushReplayed(u, NOW + 1000)).toBe(0)
    expect((await stored(kv)).r).toBe(2)
    expect((await stored(kv)).total.teammate_invited).toBe(2)
  })

  it('after another tab wrote, replays the ops onto what that tab stored', async () => {
    const kv = kvFor()
    const a = await openUserState(kv, 'u:a', plan, NOW, () => {})
    const b = await openUserState(kv, 'u:a', plan, NOW, () => {})
    a.add(ev(3), NOW)
    b.add(ev(4), NOW)
    await a.flush(NOW)
    expect(await flushReplayed(b, NOW)).toBe(4)
    expect((await stored(kv)).total.project_created).toBe(7)
    // b's view is now of the stored revision: its next write is a copy again, and still adds up.
    expect(b.agg().total.project_created).toBe(7)
    b.add(ev(1), NOW + 10)
    expect(await flushReplayed(b, NOW + 10)).toBe(0)
    expect((await stored(kv)).total.project_created).toBe(8)
    // a is behind (revision 1 of 3): it replays.
    a.add(ev(2), NOW + 20)
    expect(await flushReplayed(a, NOW + 20)).toBe(2)
    expect((await stored(kv)).total.project_created).toBe(10)
  })

  it('ops that come in while the write is on its way make it replay, and none is lost or counted twice', async () => {
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, NOW, () => {})
    u.add(ev(5), NOW)
    const writing = u.flush(NOW)
    u.add(ev(3), NOW + 100)
    await writing
    expect((await stored(kv)).total.project_created).toBe(5)
    expect(u.agg().total.project_created).toBe(8)
    await u.flush(NOW + 200)
    expect((await stored(kv)).total.project_created).toBe(8)
    expect(u.agg()).toEqual(await stored(kv))
  })

  it('a hand-over merged by the next page counts as a write: a page of the older revision replays', async () => {
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, NOW, () => {})
    u.add(ev(2), NOW)
    await u.flush(NOW)
    await mergeOps(kv, 'u:a', plan, ev(3), NOW)
    u.add(ev(1), NOW + 5)
    await u.flush(NOW + 5)
    expect((await stored(kv)).total.project_created).toBe(6)
  })

  it('aggregates stored without a revision (an earlier version) are replayed onto, then get one', async () => {
    const kv = kvFor()
    const first = await openUserState(kv, 'u:a', plan, NOW, () => {})
    first.add(ev(2), NOW)
    await first.flush(NOW)
    await kv.update<Aggregates>('agg:u:a', (old) => (delete old!.r, old!))
    const u = await openUserState(kv, 'u:a', plan, NOW, () => {})
    u.add(ev(1), NOW + 5)
    expect(await flushReplayed(u, NOW + 5)).toBe(1)
    expect((await stored(kv)).r).toBe(1)
    expect((await stored(kv)).total.project_created).toBe(3)
  })

  it('three tabs writing in every order add up', async () => {
    for (let round = 0; round < 20; round++) {
      const kv = kvFor()
      const tabs = await Promise.all([0, 1, 2].map(() => openUserState(kv, 'u:a', plan, NOW, () => {})))
      let expected = 0
      // A fixed pseudo-random schedule per round: which tab adds how many ops, and which flushes.
      let seed = round + 1
      const rnd = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 16) % k)
      const writes: Promise<void>[] = []
      for (let step = 0; step < 30; step++) {
        const tab = tabs[rnd(3)]
        if (rnd(2)) {
          const k = 1 + rnd(4)
          tab.add(ev(k, 'project_created', NOW + step), NOW + step)
          expected += k
        } else writes.push(tab.flush(NOW + step))
      }
      await Promise.all(writes)
      for (const tab of tabs) await tab.flush(NOW + 100)
      expect(expected).toBeGreaterThan(10)
      expect((await stored(kv)).total.project_created).toBe(expected)
    }
  })
})
