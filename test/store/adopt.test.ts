import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { type Aggregates, type Op, planFor } from '../../src/store/aggregate'
import { createKV } from '../../src/store/kv'
import { adoptState, openUserState } from '../../src/store/userstate'
import { model, NOW } from '../score/harness'

// A first identify copies the anonymous state to the user's key (core.ts switchTo) unless the browser
// holds state for that user already.
const plan = planFor(model({ preset: 'five-dimension' }))
const log = createLogger(() => false)
const ev = (name: string, n: number): Op[] => Array.from({ length: n }, (_, i) => ({ k: 'e', n: name, t: NOW + i }))

describe('adoptState', () => {
  it('two tabs adopting one visitor at once: the history is counted once', async () => {
    const kv = createKV('x', log, { store: createStore('adopt-test-1', 'state') })
    const a = await openUserState(kv, 'anon:a', plan, NOW, () => {})
    a.add(ev('project_created', 3), NOW)
    await a.flush(NOW)
    await Promise.all([adoptState(kv, a, 'user:u', plan, NOW), adoptState(kv, a, 'user:u', plan, NOW)])
    expect((await kv.get<Aggregates>('agg:user:u'))!.total.project_created).toBe(3)
    // Again later (a third tab, a page replaying the identify() of one that went away): still once.
    await adoptState(kv, a, 'user:u', plan, NOW)
    expect((await kv.get<Aggregates>('agg:user:u'))!.total.project_created).toBe(3)
  })

  it('copies aggregates and moment history to a new user; adds the aggregates to a user the browser knows', async () => {
    const kv = createKV('x', log, { store: createStore('adopt-test-2', 'state') })
    const anon = await openUserState(kv, 'anon:a', plan, NOW, () => {})
    anon.add(ev('project_created', 2), NOW)
    await kv.set('moments:anon:a', { v: 1, h: {} })
    await adoptState(kv, anon, 'user:new', plan, NOW)
    expect((await kv.get<Aggregates>('agg:user:new'))!.total.project_created).toBe(2)
    expect(await kv.get('moments:user:new')).toEqual({ v: 1, h: {} })

    // Back after a reset(): what they did logged out counts for them; their moment history stays theirs.
    const known = await openUserState(kv, 'user:known', plan, NOW, () => {})
    known.add(ev('project_created', 5).map((op) => ({ ...op, t: NOW - 86_400_000 }) as Op), NOW)
    await known.flush(NOW)
    await adoptState(kv, anon, 'user:known', plan, NOW)
    const merged = (await kv.get<Aggregates>('agg:user:known'))!
    expect(merged.total.project_created).toBe(7)
    expect(merged.first.project_created).toBe(NOW - 86_400_000)
    expect(merged.n).toBe(7)
    expect(await kv.get('moments:user:known')).toBeUndefined()
    // A tab holding the user's state from before writes on top of the merge, not over it.
    known.add(ev('project_created', 1), NOW + 10)
    await known.flush(NOW + 10)
    expect((await kv.get<Aggregates>('agg:user:known'))!.total.project_created).toBe(8)
  })
})
