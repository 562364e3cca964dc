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
  it('two tabs adopting at once: the first wins, the second does not overwrite it', async () => {
    const kv = createKV('x', log, { store: createStore('adopt-test-1', 'state') })
    const a = await openUserState(kv, 'anon:a', plan, NOW, () => {})
    const b = await openUserState(kv, 'anon:b', plan, NOW, () => {})
    a.add(ev('project_created', 3), NOW)
    b.add(ev('project_created', 1), NOW)
    await Promise.all([adoptState(kv, a, 'user:u'), adoptState(kv, b, 'user:u')])
    const stored = (await kv.get<Aggregates>('agg:user:u'))!
    expect(stored.total.project_created).toBe(3)
  })

  it('copies aggregates and moment history to a new user, and nothing to one the browser knows', async () => {
    const kv = createKV('x', log, { store: createStore('adopt-test-2', 'state') })
    const anon = await openUserState(kv, 'anon:a', plan, NOW, () => {})
    anon.add(ev('project_created', 2), NOW)
    await kv.set('moments:anon:a', { v: 1, h: {} })
    await adoptState(kv, anon, 'user:new')
    expect((await kv.get<Aggregates>('agg:user:new'))!.total.project_created).toBe(2)
    expect(await kv.get('moments:user:new')).toEqual({ v: 1, h: {} })

    const known = await openUserState(kv, 'user:known', plan, NOW, () => {})
    known.add(ev('project_created', 5), NOW)
    await known.flush(NOW)
    await adoptState(kv, anon, 'user:known')
    expect((await kv.get<Aggregates>('agg:user:known'))!.total.project_created).toBe(5)
    expect(await kv.get('moments:user:known')).toBeUndefined()
  })
})
