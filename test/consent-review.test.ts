import 'fake-indexeddb/auto'
import { createStore, get, keys } from 'idb-keyval'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Instance, TierEvent } from '../src/api'
import { init } from '../src/init'
import { resetWarnings } from '../src/log'
import { $score } from '../src/state'
import type { Batch } from '../src/sync/types'

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms))
let n = 0
let mk: Instance | null = null
let ns = ''

/** localStorage as a page has it (Node has none). */
class MemoryStorage {
  m = new Map<string, string>()
  get length() {
    return this.m.size
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null
  }
  getItem(k: string) {
    return this.m.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.m.set(k, String(v))
  }
  removeItem(k: string) {
    this.m.delete(k)
  }
}

function engage(i: Instance) {
  for (const f of ['boards', 'export', 'automations', 'reports']) i.track('feature_used', { feature: f })
  i.track('teammate_invited')
  i.track('teammate_invited')
  i.track('integration_connected')
}

const stored = (name: string, store = 'state') => keys(createStore(name, store))

beforeEach(() => {
  ns = 'consent-test-' + n++
  vi.stubGlobal('localStorage', new MemoryStorage())
})

afterEach(async () => {
  await mk?.destroy()
  mk = null
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  resetWarnings()
})

describe('consent (review)', () => {
  it('optOut() then optIn() at once: the wipe of the first does not delete what the second instance stores', async () => {
    mk = init({ namespace: ns })
    await mk.ready
    engage(mk)
    await mk.flush()
    const out = mk.optOut()
    mk.optIn()
    engage(mk)
    await out
    await mk.ready
    await mk.flush()
    await tick(30)
    expect(mk.explain().score).toBeGreaterThan(0)
    const keys = await stored(ns)
    // The running instance's identity and this user's state are on the device.
    expect(keys).toContain('identity')
    expect(keys.length).toBeGreaterThan(1)
    // And the next page sees the same visitor with what was tracked after optIn().
    const score = mk.explain().score
    const anon = mk.explain().user.anonymousId
    await mk.destroy()
    mk = init({ namespace: ns })
    await mk.ready
    expect(mk.explain().user.anonymousId).toBe(anon)
    expect(mk.explain().score).toBe(score)
  })

  it('optOut() after destroy() is still remembered and deletes what is stored', async () => {
    mk = init({ namespace: ns })
    await mk.ready
    engage(mk)
    await mk.flush()
    await mk.destroy()
    expect((await stored(ns)).length).toBeGreaterThan(0)
    await mk.optOut()
    expect(localStorage.getItem(`momentkit:${ns}:consent`)).toBe('denied')
    expect(await stored(ns)).toEqual([])
    mk = init({ namespace: ns })
    expect(mk.explain().consent).toBe('denied')
  })
})

describe('consent (review): a new config between optOut() and optIn()', () => {
  it('the opt-out wipe of the replaced instance does not delete what the new one stores', async () => {
    mk = init({ namespace: ns })
    await mk.ready
    engage(mk)
    await mk.flush()
    const out = mk.optOut()
    mk = init({ namespace: ns, debug: false, sessionTimeout: 31 })
    mk.optIn()
    engage(mk)
    await out
    await mk.ready
    await mk.flush()
    await tick(30)
    expect(await stored(ns)).toContain('identity')
  })
})

describe('consent (review): delivery verification', () => {
  it("optOut() then optIn(): the opted-out user's identity verification is not written back", async () => {
    const send = async () => ({ error: 'offline' })
    mk = init({ namespace: ns, endpoint: '/collect', delivery: { interval: 0 } }, { send })
    await mk.ready
    mk.identify('user-1', {}, { userHash: 'a'.repeat(64) })
    engage(mk)
    await mk.flush()
    await tick(20)
    expect(JSON.stringify(await get('auth', createStore(ns + '-outbox', 'outbox')))).toContain('user-1')
    const out = mk.optOut()
    mk.optIn()
    await out
    await mk.ready
    mk.identify('user-2', {}, { userHash: 'b'.repeat(64) })
    engage(mk)
    await mk.flush()
    await tick(30)
    const auth = JSON.stringify(await get('auth', createStore(ns + '-outbox', 'outbox')))
    expect(auth).toContain('user-2')
    expect(auth).not.toContain('user-1')
  })
})
