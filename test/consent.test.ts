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

/** A running instance with the engaged user's events written. */
async function engaged(config: Record<string, unknown>): Promise<Instance> {
  const i = init(config)
  await i.ready
  engage(i)
  await i.flush()
  return i
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

describe('consent', () => {
  it('runs by default; optOut() stops scoring, deletes what was stored, and is remembered', async () => {
    mk = await engaged({ namespace: ns })
    expect(mk.explain().score).toBeGreaterThan(0)
    expect(mk.explain().consent).toBe('granted')
    expect((await stored(ns)).length).toBeGreaterThan(0)

    await mk.optOut()
    expect(mk.explain().consent).toBe('denied')
    expect(mk.explain().score).toBeNull()
    expect($score.get()).toBeNull()
    expect(await stored(ns)).toEqual([])
    mk.track('teammate_invited')
    await tick()
    expect(await stored(ns)).toEqual([])
    expect(localStorage.getItem(`momentkit:${ns}:consent`)).toBe('denied')

    // Next page: still opted out, nothing opens or is written.
    await mk.destroy()
    mk = init({ namespace: ns })
    await mk.ready
    engage(mk)
    await tick(20)
    expect(mk.explain().consent).toBe('denied')
    expect(await stored(ns)).toEqual([])
  })

  it('with requireConsent, nothing is tracked or stored before optIn(); listeners registered before it then fire', async () => {
    const tiers: TierEvent[] = []
    mk = init({ namespace: ns, requireConsent: true })
    const off = mk.on('score', () => {})
    mk.on('tier', (e) => tiers.push(e))
    await mk.ready
    engage(mk)
    await tick(20)
    expect(mk.explain().consent).toBe('pending')
    expect(mk.explain().score).toBeNull()
    // Not a config problem: a panel reading explain() must not report one.
    expect(mk.explain().problems).toBeUndefined()
    expect(await stored(ns)).toEqual([])
    off()

    mk.optIn()
    await mk.ready
    expect(mk.explain().consent).toBe('granted')
    // The events before consent were not kept.
    expect(mk.explain().signals.teammates_invited.value).toBe(0)
    engage(mk)
    await mk.flush()
    expect(mk.explain().score).toBeGreaterThan(0)
    expect(tiers.length).toBeGreaterThan(0)
    expect((await stored(ns)).length).toBeGreaterThan(0)

    // Remembered: the next page starts without asking again.
    await mk.destroy()
    mk = init({ namespace: ns, requireConsent: true })
    await mk.ready
    expect(mk.explain().consent).toBe('granted')
    expect(mk.explain().score).toBeGreaterThan(0)
  })

  it('optOut() sends nothing more and empties the delivery queue', async () => {
    const sent: Batch[] = []
    let online = false
    const send = async (b: Batch) => (online ? (sent.push(b), { status: 200 }) : { error: 'offline' })
    mk = init({ namespace: ns, endpoint: '/collect', delivery: { interval: 0 } }, { send })
    await mk.ready
    engage(mk)
    await mk.flush()
    expect((await stored(ns + '-outbox', 'outbox')).length).toBeGreaterThan(0)
    await mk.optOut()
    online = true
    mk.track('teammate_invited')
    await mk.flush()
    await tick(50)
    expect(sent).toEqual([])
    expect(await stored(ns + '-outbox', 'outbox')).toEqual([])
  })

  it('an unsubscribe taken before optIn() reaches the listener the running instance got', async () => {
    const seen: number[] = []
    mk = init({ namespace: ns, requireConsent: true })
    const off = mk.on('score', (r) => seen.push(r.score))
    mk.optIn()
    await mk.ready
    mk.track('teammate_invited')
    await mk.flush()
    const before = seen.length
    expect(before).toBeGreaterThan(0)
    off()
    mk.track('teammate_invited')
    await mk.flush()
    expect(seen.length).toBe(before)
  })

  it('without localStorage the choice holds for the page, with a warning', async () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('denied')
      },
    })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    mk = init({ namespace: ns, requireConsent: true })
    expect(mk.explain().consent).toBe('pending')
    mk.optIn()
    await mk.ready
    mk.track('teammate_invited')
    await mk.flush()
    expect(mk.explain().consent).toBe('granted')
    expect(mk.explain().score).toBeGreaterThan(0)
    expect(warn.mock.calls.some((c) => String(c[1]).includes('consent choice holds for this page only'))).toBe(true)
  })

  it('the config option is checked', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    mk = init({ namespace: ns, requireConsent: 'yes' })
    expect(mk.explain().problems?.[0]?.path).toBe('requireConsent')
    expect(error).toHaveBeenCalled()
  })
})

describe('consent: quick changes of mind, destroy(), a new config', () => {
  it('optOut() then optIn() at once: the wipe of the first does not delete what the second instance stores', async () => {
    mk = await engaged({ namespace: ns })
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
    mk = await engaged({ namespace: ns })
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
    mk = await engaged({ namespace: ns })
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

describe('consent (review): who the user is, named before optIn()', () => {
  it('identify() before optIn() (a signed-in page with a consent banner) names the user once they opt in; nothing is stored before', async () => {
    mk = init({ namespace: ns, requireConsent: true, entitlements: { business: ['sso'] } })
    mk.identify('user-42', { accountId: 'acme', plan: 'business' })
    await tick(20)
    expect(await stored(ns)).toEqual([])
    expect(mk.explain().user.userId).toBeNull()
    mk.optIn()
    await mk.ready
    expect(mk.explain().user).toMatchObject({ userId: 'user-42', accountId: 'acme' })
    // Their plan counts: a Business user is not shown the gate for a Business feature.
    expect(mk.gate('sso')).toBe(true)
  })

  it('reset() before optIn() (the user signed out meanwhile) cancels the identify() made before it', async () => {
    mk = init({ namespace: ns, requireConsent: true })
    mk.identify('user-42')
    mk.reset()
    mk.optIn()
    await mk.ready
    expect(mk.explain().user.userId).toBeNull()
  })
})
