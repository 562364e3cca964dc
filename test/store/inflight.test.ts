import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { type Aggregates, type Op, planFor } from '../../src/store/aggregate'
import { createKV } from '../../src/store/kv'
import { mergeOps, openUserState } from '../../src/store/userstate'
import { model, NOW } from '../score/harness'

// A page that goes away while its write is in flight hands the write's ops over with the write's id
// (core.ts pageHide, store/stash.ts); the next page merges them only if that write did not land.
const plan = planFor(model({ preset: 'five-dimension' }))
const log = createLogger(() => false)
const ev = (n: number): Op[] => Array.from({ length: n }, (_, i) => ({ k: 'e', n: 'project_created', t: NOW + i }))
let n = 0
const kvFor = () => createKV('x', log, { store: createStore('inflight-test-' + n++, 'state') })

describe('writes handed over while in flight', () => {
  it('a write in flight is visible as such, and records its id when it lands', async () => {
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, NOW, () => {})
    u.add(ev(3), NOW)
    expect(u.inflight()).toBeNull()
    const writing = u.flush(NOW)
    const w = u.inflight()
    expect(w?.ops).toHaveLength(3)
    await writing
    expect(u.inflight()).toBeNull()
    const stored = (await kv.get<Aggregates>('agg:u:a'))!
    expect(stored.total.project_created).toBe(3)
    expect(stored.w).toEqual([w!.id])
  })

  it('merging a write that landed changes nothing; one that did not land is applied once', async () => {
    const kv = kvFor()
    const u = await openUserState(kv, 'u:a', plan, NOW, () => {})
    u.add(ev(3), NOW)
    const writing = u.flush(NOW)
    const landed = u.inflight()!
    await writing
    await mergeOps(kv, 'u:a', plan, landed.ops, NOW, landed.id)
    expect((await kv.get<Aggregates>('agg:u:a'))!.total.project_created).toBe(3)
    // Lost at unload: its id never reached the store.
    await mergeOps(kv, 'u:a', plan, ev(2), NOW, 'lost-write')
    await mergeOps(kv, 'u:a', plan, ev(2), NOW, 'lost-write')
    const stored = (await kv.get<Aggregates>('agg:u:a'))!
    expect(stored.total.project_created).toBe(5)
    expect(stored.w).toEqual([landed.id, 'lost-write'])
  })

  it('keeps the last 20 write ids only', async () => {
    const kv = kvFor()
    for (let i = 0; i < 25; i++) await mergeOps(kv, 'u:a', plan, ev(1), NOW, 'w' + i)
    const stored = (await kv.get<Aggregates>('agg:u:a'))!
    expect(stored.total.project_created).toBe(25)
    expect(stored.w).toEqual(Array.from({ length: 20 }, (_, i) => 'w' + (i + 5)))
  })
})
