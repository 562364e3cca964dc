import 'fake-indexeddb/auto'
import { createStore, get, set } from 'idb-keyval'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createInstance } from '../../src/core'
import { resolveConfig } from '../../src/config/validate'
import { createLogger, resetWarnings } from '../../src/log'
import { createHistory } from '../../src/store/history'
import { createKV } from '../../src/store/kv'
import { validAggregates } from '../../src/store/check'

// Stored values this version did not write (another SDK version, a hand edit in DevTools, a broken
// disk): detected with a warning naming the key, never thrown into the page, never costing the page
// its IndexedDB, and never scored.
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms))
let n = 0
const config = (extra: Record<string, unknown> = {}) => {
  const r = resolveConfig({ namespace: 'store-review-' + n++, ...extra })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.config
}
const AGG = { v: 1, tz: 0, days: {}, total: {}, first: {}, last: {}, distinct: {}, session: null, seen: 1, lastActive: 0, prevVisit: 0, n: 0 }
const BAD_AGGREGATES: Array<[string, unknown]> = [
  ['fields missing (first, last, distinct...)', { v: 1, days: {}, total: {} }],
  ['first: null', { ...AGG, first: null }],
  ['days: null', { ...AGG, days: null }],
  ['a day bucket that is null', { ...AGG, days: { 20000: null } }],
  ['a day bucket without its event counts', { ...AGG, days: { 20000: { a: 1 } } }],
  ['session: a string', { ...AGG, session: 'x' }],
  ['tz: a string', { ...AGG, tz: 'x' }],
  ['a count that is a string', { ...AGG, total: { feature_used: 'many' } }],
  ['distinct missing', { ...AGG, distinct: undefined }],
  ['trialStart: a string', { ...AGG, trialStart: 'yesterday' }],
  ['n: NaN', { ...AGG, n: NaN }],
]

afterEach(() => {
  vi.restoreAllMocks()
  resetWarnings()
})

/** Runs `fn` with console and uncaught errors recorded. */
async function watched(fn: () => Promise<void>) {
  const uncaught: unknown[] = []
  const onError = (e: unknown) => uncaught.push(e)
  process.on('uncaughtException', onError)
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  try {
    await fn()
  } finally {
    process.off('uncaughtException', onError)
  }
  return { uncaught, warnings: warn.mock.calls.map((c) => c.join(' ')), errors: error.mock.calls.map((c) => c.map(String).join(' ')) }
}

/** The score of a fresh user after the same two events. */
async function freshScore(): Promise<number | null> {
  const mk = createInstance(config())
  await mk.ready
  mk.track('feature_used', { feature: 'x' })
  mk.track('project_created')
  await mk.flush()
  const s = mk.explain().score
  await mk.destroy()
  return s
}

describe('corrupted stored aggregates', () => {
  for (const [name, value] of BAD_AGGREGATES) {
    it(`${name}: a warning naming the key, scored as a fresh user, IndexedDB kept, nothing thrown`, async () => {
      const cfg = config()
      const store = createStore(cfg.namespace, 'state')
      let key = ''
      let score: number | null = null
      let storage = ''
      const seen = await watched(async () => {
        const a = createInstance(cfg)
        await a.ready
        key = 'agg:a:' + a.explain().user.anonymousId
        await a.destroy()
        await set(key, value, store)
        const b = createInstance(cfg)
        await b.ready
        b.track('feature_used', { feature: 'x' })
        b.track('project_created')
        await tick()
        await b.flush()
        score = b.explain().score
        storage = b.explain().storage
        await b.destroy()
      })
      expect(seen.uncaught).toEqual([])
      expect(seen.errors).toEqual([])
      expect(seen.warnings).toEqual([`[momentkit] stored ${key} was unreadable; starting fresh`])
      expect(storage).toBe('idb')
      expect(score).toBe(await freshScore())
      // The next write replaced it with aggregates of this version, holding the two events.
      const stored = await get(key, store)
      expect(validAggregates(stored)).toBe(true)
      expect((stored as { n: number }).n).toBe(2)
    })
  }

  it('a valid value passes the check (the check is not stricter than what the SDK writes)', async () => {
    const cfg = config()
    const store = createStore(cfg.namespace, 'state')
    const a = createInstance(cfg)
    await a.ready
    for (const f of ['a', 'b', 'c']) a.track('feature_used', { feature: f })
    a.track('teammate_invited', { email: 'x' }, { at: Date.now() - 3 * 86_400_000 })
    await a.flush()
    const stored = await get('agg:a:' + a.explain().user.anonymousId, store)
    await a.destroy()
    expect(validAggregates(stored)).toBe(true)
    expect(validAggregates(JSON.parse(JSON.stringify(stored)))).toBe(true)
  })
})

describe('corrupted stored tier state', () => {
  for (const [name, value] of [
    ['since: a string', { tier: 'low', since: 'monday', entered: {}, score: 1 }],
    ['entered: a string', { tier: 'low', since: 1, entered: 'abc', score: 1 }],
    ['score missing', { tier: 'low', since: 1, entered: {} }],
  ] as const) {
    it(`${name}: a warning, read as no tier (a fresh crossing, a number for tierSince)`, async () => {
      const cfg = config()
      const store = createStore(cfg.namespace, 'state')
      let since: unknown
      let key = ''
      const seen = await watched(async () => {
        const a = createInstance(cfg)
        await a.ready
        key = 'tier:a:' + a.explain().user.anonymousId
        await a.destroy()
        await set(key, value, store)
        const b = createInstance(cfg)
        await b.ready
        await tick()
        since = b.explain().tierSince
        await b.destroy()
      })
      expect(seen.warnings).toEqual([`[momentkit] stored ${key} was unreadable; starting fresh`])
      expect(typeof since).toBe('number')
    })
  }
})

describe('corrupted stored moment history', () => {
  for (const [name, value] of [
    ['log missing', { h: {} }],
    ['log: a string', { h: {}, log: 'x' }],
    ['an entry without shown times', { h: { m: {} }, log: [] }],
    ['shown: a string', { h: { m: { shown: 'x' } }, log: [] }],
  ] as const) {
    it(`${name}: loads as empty with a warning; a claim writes a readable history`, async () => {
      const kv = createKV('history', createLogger(() => false), { store: createStore('store-review-history-' + n++, 'state') })
      await kv.set('moments:u-1', value)
      const corrupt: string[] = []
      const history = createHistory(kv, () => 'u-1', (what) => corrupt.push(what))
      expect(await history.load(true)).toBe(false)
      expect(corrupt).toEqual(['moments:u-1'])
      expect(history.get()).toEqual({ h: {}, log: [] })
      // What the moments controller does on a claim: reads shown times and the daily log.
      await history.save((s) => ({ h: { ...s.h, m: { shown: [...(s.h.m?.shown ?? []), 5] } }, log: [...s.log.filter((t) => t > 0), 5] }))
      expect(await kv.get('moments:u-1')).toEqual({ h: { m: { shown: [5] } }, log: [5] })
      expect(kv.mode()).toBe('idb')
    })
  }
})

describe('an updater that throws', () => {
  it('fails its own call and leaves IndexedDB in use (update and updateMany)', async () => {
    const warnings: string[] = []
    const log = { ...createLogger(() => false), warn: (m: string) => void warnings.push(m) }
    const kv = createKV('x', log, { store: createStore('store-review-kv-' + n++, 'state') })
    await kv.set('k', 1)
    await expect(kv.update('k', () => { throw new TypeError('bad value') })).rejects.toThrow('bad value')
    await expect(kv.updateMany([['k', () => { throw new TypeError('bad too') }]])).rejects.toThrow('bad too')
    expect(kv.mode()).toBe('idb')
    expect(warnings).toEqual([])
    await kv.update<number>('k', (old) => (old ?? 0) + 1)
    expect(await kv.get('k')).toBe(2)
  })

  it('a put refused by IndexedDB (quota) in updateMany still falls back to memory, as before', async () => {
    const warnings: string[] = []
    const log = { ...createLogger(() => false), warn: (m: string) => void warnings.push(m) }
    const kv = createKV('x', log, { store: createStore('store-review-kv-' + n++, 'state') })
    const put = IDBObjectStore.prototype.put
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
    try {
      await kv.updateMany<number>([['k', () => 1]])
    } finally {
      IDBObjectStore.prototype.put = put
    }
    expect(kv.mode()).toBe('memory')
    expect(warnings).toEqual(['IndexedDB is full; keeping data in memory for this page'])
    expect(await kv.get('k')).toBe(1)
  })
})
