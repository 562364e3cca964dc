import 'fake-indexeddb/auto'
import { createStore, type UseStore } from 'idb-keyval'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../src/log'
import { createKV } from '../../src/store/kv'

function logger() {
  const warnings: string[] = []
  const log = { ...createLogger(() => false), warn: (m: string) => void warnings.push(m) }
  return { log, warnings }
}

let n = 0
const fresh = () => createStore('kv-test-' + n++, 'state')

describe('createKV', () => {
  it('stores in IndexedDB and reads back across instances', async () => {
    const store = fresh()
    const { log, warnings } = logger()
    const a = createKV('x', log, { store })
    await a.update('k', () => ({ n: 1 }))
    await a.update<{ n: number }>('k', (old) => ({ n: (old?.n ?? 0) + 1 }))
    const b = createKV('x', log, { store })
    expect(await b.get('k')).toEqual({ n: 2 })
    expect(a.mode()).toBe('idb')
    expect(warnings).toEqual([])
  })

  it('falls back to memory when IndexedDB is missing', async () => {
    const { log, warnings } = logger()
    const kv = createKV('x', log, { store: null })
    await kv.update('k', () => 5)
    expect(await kv.get('k')).toBe(5)
    expect(kv.mode()).toBe('memory')
    expect(warnings).toHaveLength(1)
  })

  it('falls back when a call throws, keeping what it already knew', async () => {
    const store = fresh()
    const { log, warnings } = logger()
    let broken = false
    const flaky: UseStore = (mode, cb) => (broken ? Promise.reject(Object.assign(new Error('boom'), { name: 'UnknownError' })) : store(mode, cb))
    const kv = createKV('x', log, { store: flaky })
    await kv.update('k', () => 'before')
    broken = true
    expect(await kv.get('k')).toBe('before')
    await kv.update<string>('k', (old) => old + '+after')
    expect(await kv.get('k')).toBe('before+after')
    expect(kv.mode()).toBe('memory')
    expect(warnings).toEqual(['IndexedDB failed (UnknownError); keeping data in memory for this page'])
  })

  it('falls back when IndexedDB is full', async () => {
    const { log, warnings } = logger()
    const full: UseStore = () => Promise.reject(Object.assign(new Error('quota'), { name: 'QuotaExceededError' }))
    const kv = createKV('x', log, { store: full })
    expect(await kv.update('k', () => 1)).toBe(1)
    expect(warnings[0]).toContain('IndexedDB is full')
  })

  it('falls back when IndexedDB stalls past the timeout', async () => {
    vi.useFakeTimers()
    try {
      const { log, warnings } = logger()
      const stalled: UseStore = () => new Promise(() => {})
      const kv = createKV('x', log, { store: stalled, timeout: 1000 })
      const pending = kv.update('k', () => 7)
      await vi.advanceTimersByTimeAsync(1001)
      expect(await pending).toBe(7)
      expect(warnings[0]).toContain('did not answer within 1000 ms')
    } finally {
      vi.useRealTimers()
    }
  })

  it('reads the keys of a prefix with their values, sorted, and updates several keys together', async () => {
    const store = fresh()
    const { log, warnings } = logger()
    const kv = createKV('x', log, { store })
    await kv.updateMany<number>([['c:2', () => 2], ['c:1', () => 1], ['d:1', () => 9], ['c:\u00e9', () => 3]])
    expect(await kv.entries('c:')).toEqual([['c:1', 1], ['c:2', 2], ['c:\u00e9', 3]])
    await kv.updateMany<number>([['c:1', (old) => (old ?? 0) + 10], ['c:2', () => undefined]])
    // Another instance sees what was stored: the same database, not this page's cache.
    expect(await createKV('x', log, { store }).entries('c:')).toEqual([['c:1', 11], ['c:\u00e9', 3]])
    // null in place of an updater: deleted without being read, in the same transaction.
    await kv.updateMany<number>([['c:\u00e9', null], ['c:1', (old) => (old ?? 0) + 1]])
    expect(await createKV('x', log, { store }).entries('c:')).toEqual([['c:1', 12]])
    expect(warnings).toEqual([])
  })

  it('an updater that throws writes none of the keys and does not reach the page', async () => {
    const store = fresh()
    const { log } = logger()
    const kv = createKV('x', log, { store })
    await kv.updateMany<number>([['a', () => 1], ['b', () => 1]])
    const errors: unknown[] = []
    const onError = (e: unknown) => errors.push(e)
    process.on('uncaughtException', onError)
    try {
      // Rejected with the updater's error (the memory copy runs it again, and it throws again).
      await expect(kv.updateMany<number>([['a', () => 2], ['b', () => { throw new Error('bad updater') }]])).rejects.toThrow('bad updater')
    } finally {
      process.off('uncaughtException', onError)
    }
    expect(errors).toEqual([])
    // All or nothing: "a" was not written either.
    expect(await createKV('x', log, { store }).entries('')).toEqual([['a', 1], ['b', 1]])
  })

  it('after a fallback, entries and updateMany work on what the page knew', async () => {
    const store = fresh()
    const { log } = logger()
    let broken = false
    const flaky: UseStore = (mode, cb) => (broken ? Promise.reject(Object.assign(new Error('boom'), { name: 'UnknownError' })) : store(mode, cb))
    const kv = createKV('x', log, { store: flaky })
    await kv.updateMany<number>([['c:1', () => 1], ['c:2', () => 2]])
    broken = true
    await kv.updateMany<number>([['c:2', () => undefined], ['c:3', () => 3], ['c:4', () => 4]])
    await kv.updateMany<number>([['c:4', null]])
    expect(await kv.entries('c:')).toEqual([['c:1', 1], ['c:3', 3]])
    expect(kv.mode()).toBe('memory')
  })
})
