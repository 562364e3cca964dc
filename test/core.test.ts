import 'fake-indexeddb/auto'
import { createStore, type UseStore } from 'idb-keyval'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TierEvent } from '../src/api'
import { createInstance } from '../src/core'
import { resolveConfig } from '../src/config/validate'
import { init } from '../src/init'
import { resetWarnings } from '../src/log'
import { $breakdown, $result, $score, $tier } from '../src/state'

const tick = () => new Promise((r) => setTimeout(r, 5))
let n = 0
const config = (extra: Record<string, unknown> = {}) => {
  const r = resolveConfig({ namespace: 'core-test-' + n++, ...extra })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.config
}

function engage(mk: { track: (n: string, p?: Record<string, unknown>) => void }) {
  for (const f of ['boards', 'export', 'automations', 'reports']) mk.track('feature_used', { feature: f })
  mk.track('teammate_invited')
  mk.track('teammate_invited')
  mk.track('integration_connected')
}

afterEach(() => {
  vi.restoreAllMocks()
  resetWarnings()
})

describe('instance', () => {
  it('tracks, scores, publishes atoms and restores from IndexedDB', async () => {
    const cfg = config()
    const a = createInstance(cfg)
    await a.ready
    engage(a)
    await tick()
    const first = a.explain()
    expect(first.score).toBeGreaterThan(40)
    expect($score.get()).toBe(first.score)
    expect($tier.get()).toBe(first.tier)
    expect(first.reasons).toContain('invited 2 teammates')
    expect(first.topFeatures).toHaveLength(3)
    await a.destroy()

    const b = createInstance(cfg)
    await b.ready
    const restored = b.explain()
    expect(restored.score).toBe(first.score)
    expect(restored.tier).toBe(first.tier)
    expect(restored.tierSince).toBe(first.tierSince)
    expect(restored.storage).toBe('idb')
    await b.destroy()
  })

  it('destroy() before the stored state has loaded still writes the events tracked before it', async () => {
    const cfg = config()
    const a = createInstance(cfg)
    engage(a)
    await a.destroy()
    const b = createInstance(cfg)
    await b.ready
    expect(b.explain().reasons).toContain('invited 2 teammates')
    expect(b.explain().score).toBeGreaterThan(40)
    await b.destroy()
  })

  it('emits tier changes with from, to, score and reasons', async () => {
    const mk = createInstance(config())
    const events: TierEvent[] = []
    mk.on('tier', (e) => events.push(e))
    await mk.ready
    engage(mk)
    await tick()
    const tier = mk.explain().tier
    expect(tier).not.toBe('low')
    expect(events.map((e) => e.to)).toEqual(['low', tier])
    expect(events[1]).toMatchObject({ from: 'low', direction: 'up' })
    expect(events[1].score).toBe(mk.explain().score)
    expect(events[1].reasons.length).toBeGreaterThan(0)
    await mk.destroy()
  })

  it('track() does no storage work synchronously; writes are batched', async () => {
    let calls = 0
    const inner = createStore('core-count-' + n++, 'state')
    const counting: UseStore = (mode, cb) => (calls++, inner(mode, cb))
    const mk = createInstance(config(), { kv: { store: counting } })
    await mk.ready
    await mk.flush()
    const before = calls
    for (let i = 0; i < 5000; i++) mk.track('project_created', { i })
    expect(calls).toBe(before)
    await mk.flush()
    expect(calls - before).toBeLessThanOrEqual(2)
    expect(mk.explain().signals.sessions_14d.value).toBe(1)
    await mk.destroy()
  })

  it('drops bad input with one warning per distinct problem', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const mk = createInstance(config())
    await mk.ready
    for (let i = 0; i < 10; i++) {
      mk.track('')
      mk.track(42 as unknown as string)
      mk.track('x', { f: () => 1 })
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.me = cyclic
    mk.track('x', cyclic)
    mk.track('ok')
    await tick()
    expect(warn).toHaveBeenCalledTimes(4)
    expect(mk.explain().ready).toBe(true)
    await mk.destroy()
  })

  it('identify carries anonymous history over; switching users keeps states apart; reset starts fresh', async () => {
    const cfg = config()
    const mk = createInstance(cfg)
    await mk.ready
    mk.track('teammate_invited')
    mk.track('teammate_invited')
    mk.identify('u1', { accountId: 'acme', trialStart: '2026-01-01', plan: 'trial' })
    await mk.flush()
    await mk.ready
    await tick()
    expect(mk.explain().user).toMatchObject({ userId: 'u1', accountId: 'acme' })
    expect(mk.explain().signals.teammates_invited.value).toBe(2)
    expect(mk.explain().trial.start).toBe(Date.parse('2026-01-01'))

    mk.identify('u2')
    mk.track('teammate_invited')
    await mk.flush()
    await tick()
    expect(mk.explain().user.userId).toBe('u2')
    expect(mk.explain().signals.teammates_invited.value).toBe(1)

    mk.identify('u1')
    await mk.flush()
    await tick()
    expect(mk.explain().signals.teammates_invited.value).toBe(2)

    const anon = mk.explain().user.anonymousId
    mk.reset()
    await mk.flush()
    await tick()
    expect(mk.explain().user.userId).toBeNull()
    expect(mk.explain().user.anonymousId).not.toBe(anon)
    expect(mk.explain().signals.teammates_invited.value).toBe(0)
    await mk.destroy()
  })

  it('reset() clears the atoms and does not publish the previous user score again', async () => {
    const mk = createInstance(config())
    await mk.ready
    mk.identify('user-1')
    engage(mk)
    // The switch takes several IndexedDB transactions: a fixed wait fails on a loaded machine.
    await vi.waitFor(() => expect(mk.explain().score).toBeGreaterThan(40))
    const seen: Array<number | null> = []
    const off = $score.listen((v) => seen.push(v))
    mk.reset()
    expect({ score: $score.get(), tier: $tier.get(), seen }).toEqual({ score: null, tier: null, seen: [null] })
    await mk.flush()
    await tick()
    off()
    // Then the new anonymous user's score, and nothing else.
    expect(mk.explain().user.userId).toBeNull()
    expect(seen).toEqual([null, mk.explain().score])
    expect(mk.explain().score).toBeLessThan(40)
    await mk.destroy()
  })

  it('explain() right after reset() or a switch to another user shows none of the previous user score, reasons or features', async () => {
    const mk = createInstance(config())
    await mk.ready
    const blank = { score: null, reasons: [], topFeatures: [] }
    for (const [id, next] of [['user-1', () => mk.reset()], ['user-2', () => mk.identify('user-3')]] as const) {
      mk.identify(id)
      engage(mk)
      // An identify() queued behind reset() switches after the flush: waited for, not timed.
      await vi.waitFor(() => expect(mk.explain()).toMatchObject({ user: { userId: id }, reasons: expect.arrayContaining(['invited 2 teammates']) }))
      next()
      const { score, reasons, topFeatures } = mk.explain()
      expect({ score, reasons, topFeatures }).toEqual(blank)
      expect($score.get()).toBeNull()
    }
    await mk.destroy()
  })

  it('two tabs writing the same user add up instead of overwriting', async () => {
    const cfg = config()
    const a = createInstance(cfg)
    const b = createInstance(cfg)
    await Promise.all([a.ready, b.ready])
    for (let i = 0; i < 3; i++) a.track('teammate_invited')
    for (let i = 0; i < 4; i++) b.track('teammate_invited')
    await tick()
    await Promise.all([a.flush(), b.flush()])
    await tick()
    const c = createInstance(cfg)
    await c.ready
    expect(c.explain().signals.teammates_invited.value).toBe(7)
    await Promise.all([a.destroy(), b.destroy(), c.destroy()])
  })

  it('a destroyed instance publishes nothing when another tab saves (no rescore after destroy)', async () => {
    const cfg = config()
    // Two tabs of one user: a and b share the namespace, and so the anonymous identity.
    const a = createInstance(cfg)
    await a.ready
    await a.flush()
    const b = createInstance(cfg)
    await b.ready
    expect(b.explain().user.anonymousId).toBe(a.explain().user.anonymousId)
    // The host tears b down as soon as the other tab announces a save, while b reloads what it saved.
    const spy = new BroadcastChannel('momentkit:' + cfg.namespace)
    let destroyed: Promise<void> | null = null
    spy.onmessage = (e) => {
      if (e.data?.saved && !destroyed) destroyed = b.destroy()
    }
    engage(a)
    await tick()
    await a.destroy() // writes a's events and posts { saved }
    await expect.poll(() => destroyed).not.toBeNull()
    await destroyed
    await new Promise((r) => setTimeout(r, 50))
    spy.close()
    expect({ score: $score.get(), tier: $tier.get(), result: $result.get(), breakdown: $breakdown.get() }).toEqual({ score: null, tier: null, result: null, breakdown: [] })
  })

  it('keeps working in memory when IndexedDB throws', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const broken: UseStore = () => Promise.reject(new Error('nope'))
    const mk = createInstance(config(), { kv: { store: broken } })
    await mk.ready
    engage(mk)
    await tick()
    await mk.flush()
    expect(mk.explain().storage).toBe('memory')
    expect(mk.explain().score).toBeGreaterThan(40)
    await mk.destroy()
  })

  it('listener errors never reach the caller', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const mk = createInstance(config())
    mk.on('score', () => {
      throw new Error('host bug')
    })
    await mk.ready
    expect(() => mk.track('x')).not.toThrow()
    await tick()
    expect(error).toHaveBeenCalled()
    await mk.destroy()
  })
})

describe('init', () => {
  it('same config returns the same instance; a different one replaces it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const cfg = { namespace: 'init-a' }
    const a = init(cfg)
    expect(init({ namespace: 'init-a' })).toBe(a)
    const b = init({ namespace: 'init-b' })
    expect(b).not.toBe(a)
    expect(warn).toHaveBeenCalledOnce()
    await b.destroy()
  })

  it('an invalid config logs every problem with its path and stays inert', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const mk = init({ model: { preset: 'nope', tiers: [{ name: 'a', min: 5 }] }, sessionTimeout: -1 })
    expect(() => mk.track('x')).not.toThrow()
    const message = String(error.mock.calls[0][1])
    expect(message).toContain('model.preset: must be one of')
    expect(message).toContain('model.tiers[0].min: the first tier must start at 0')
    expect(message).toContain('sessionTimeout: must be a number')
    expect(mk.explain().problems).toHaveLength(3)
    expect(mk.explain().ready).toBe(false)
  })

  it('an invalid config while an instance runs is refused: the running instance is kept, returned and destroyable', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const cfg = { namespace: 'init-refused-' + n++ }
    const a = init(cfg)
    await a.ready
    expect(init({ sessionTimeout: -1 })).toBe(a)
    expect(String(error.mock.calls[0][1])).toContain('sessionTimeout: must be')
    expect(String(error.mock.calls[0][1])).toContain('The new config was refused: MomentKit keeps running with the config it had.')
    a.track('teammate_invited')
    await a.flush()
    await tick()
    expect(a.explain().signals.teammates_invited.value).toBe(1)
    await a.destroy()
    // destroy() reached the running instance: the same config now starts a new one.
    const b = init(cfg)
    expect(b).not.toBe(a)
    await b.destroy()
  })
})

describe('the host page never sees an exception from the npm API', () => {
  it('hostile props, identities and event names are dropped with one warning each', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const mk = init({ namespace: 'core-hostile-' + n++ })
    await mk.ready
    const trap = { get boom() { throw new Error('getter says no') } }
    const proxy = new Proxy({}, { ownKeys() { throw new Error('proxy says no') } })
    expect(() => mk.track('e', trap)).not.toThrow()
    expect(() => mk.track('e', proxy)).not.toThrow()
    expect(() => mk.identify('u', proxy)).not.toThrow()
    expect(() => mk.on('constructor' as never, () => {})).not.toThrow()
    expect(() => mk.on('toString' as never, () => {})).not.toThrow()
    expect(typeof mk.on('constructor' as never, () => {})).toBe('function')
    const printed = warn.mock.calls.map((c) => c.join(' '))
    expect(printed.some((l) => /constructor/.test(l))).toBe(true)
    // Still working afterwards.
    mk.track('feature_used', { feature: 'boards' })
    await mk.flush()
    expect(mk.explain().ready).toBe(true)
    await mk.destroy()
  })
})
