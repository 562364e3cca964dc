import { clear, del, get, keys, promisifyRequest, set, update, type UseStore } from 'idb-keyval'
import type { Logger } from '../log'

/**
 * Key-value persistence: IndexedDB through idb-keyval, falling back to
 * memory for the rest of the page's life if IndexedDB is missing, throws,
 * stalls or is full. A write-through cache means the fallback starts from
 * everything already read or written, so nothing known is lost.
 */
export interface KV {
  get<T>(key: string): Promise<T | undefined>
  /** Atomic read-modify-write; resolves with the value written. */
  update<T>(key: string, fn: (old: T | undefined) => T): Promise<T>
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  /** Every key, in IndexedDB's order (sorted); in memory, the keys known to this page. */
  keys(): Promise<string[]>
  /** Every key starting with `prefix` and its value, sorted by key, read in one transaction. */
  entries<T>(prefix: string): Promise<Array<[string, T]>>
  /**
   * Read-modify-write of several keys in one transaction (atomic together); a function that
   * returns undefined deletes its key, and null in place of a function deletes it unread.
   */
  updateMany<T>(updates: Array<[key: string, fn: ((old: T | undefined) => T | undefined) | null]>): Promise<void>
  /** Deletes every key (opt-out: nothing MomentKit stored stays on the device). */
  clear(): Promise<void>
  /** 'idb' while IndexedDB works, 'memory' after a fallback. */
  mode(): 'idb' | 'memory'
  /**
   * Why IndexedDB was given up during this page, if it was: what is written since is in memory
   * only. After 'stalled', the call that timed out may still complete in IndexedDB.
   */
  fellBack(): 'stalled' | 'failed' | null
}

export interface KVOptions {
  /** Store factory; null means no IndexedDB. Default: idb-keyval's createStore(namespace, storeName). */
  store?: UseStore | null
  /** A call that has not answered by then counts as a stall. Default 5000 ms. */
  timeout?: number
}

/**
 * idb-keyval's createStore, except that the connection closes on `versionchange`: another tab
 * upgrading or deleting the database would otherwise wait for this page to close. The next
 * call opens it again.
 */
function openStore(name: string, storeName: string): UseStore {
  let dbp: Promise<IDBDatabase> | undefined
  const db = (): Promise<IDBDatabase> => {
    if (dbp) return dbp
    const req = indexedDB.open(name)
    req.onupgradeneeded = () => req.result.createObjectStore(storeName)
    const p = (dbp = new Promise((resolve, reject) => ((req.onsuccess = () => resolve(req.result)), (req.onerror = () => reject(req.error)))))
    p.then(
      (d) => {
        const drop = () => dbp === p && (dbp = undefined)
        d.onclose = drop
        d.onversionchange = () => (d.close(), drop())
      },
      () => dbp === p && (dbp = undefined),
    )
    return p
  }
  return (mode, fn) => db().then((d) => fn(d.transaction(storeName, mode).objectStore(storeName)))
}

export function createKV(namespace: string, log: Logger, opts: KVOptions = {}, storeName = 'state'): KV {
  const cache = new Map<string, unknown>()
  // Long enough for a loaded low-end device opening IndexedDB at page load (falling back is for the
  // rest of the page: no persistence, no cross-tab coordination), short enough to bound a hung one.
  const timeout = opts.timeout ?? 5000
  let store: UseStore | null = null
  try {
    store = opts.store !== undefined ? opts.store : typeof indexedDB === 'undefined' ? null : openStore(namespace, storeName)
  } catch {
    store = null
  }
  if (!store) log.warn('IndexedDB is not available; keeping data in memory for this page', 'idb')

  let fell: 'stalled' | 'failed' | null = null
  const fallback = (why: string, cause: 'stalled' | 'failed') => {
    if (!store) return
    store = null
    fell = cause
    log.warn(`IndexedDB ${why}; keeping data in memory for this page`, 'idb')
  }

  async function guarded<T>(run: (s: UseStore) => Promise<T>, memory: () => T): Promise<T> {
    const s = store
    if (!s) return memory()
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        run(s),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('stalled')), timeout))),
      ])
    } catch (e) {
      // The caller's own updater threw (wrapped in an array, which IndexedDB never rejects with): the call
      // fails with its error, and IndexedDB stays in use (a bad stored value must not cost the page its storage).
      if (Array.isArray(e)) throw e[0]
      const name = (e as Error)?.name
      const stalled = (e as Error)?.message === 'stalled'
      fallback(stalled ? `did not answer within ${timeout} ms` : name === 'QuotaExceededError' ? 'is full' : `failed (${name || e})`, stalled ? 'stalled' : 'failed')
      return memory()
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    mode: () => (store ? 'idb' : 'memory'),
    fellBack: () => fell,
    get: <T>(key: string) =>
      guarded(
        async (s) => {
          const v = await get<T>(key, s)
          cache.set(key, v)
          return v
        },
        () => cache.get(key) as T | undefined,
      ),
    update: <T>(key: string, fn: (old: T | undefined) => T) => {
      const memory = () => {
        const v = fn(cache.get(key) as T | undefined)
        cache.set(key, v)
        return v
      }
      return guarded(async (s) => {
        let out!: T
        await update<T>(key, (old) => {
          try {
            return (out = fn(old))
          } catch (e) {
            throw [e]
          }
        }, s)
        cache.set(key, out)
        return out
      }, memory)
    },
    set: (key: string, value: unknown) =>
      guarded(
        async (s) => {
          await set(key, value, s)
          cache.set(key, value)
        },
        () => void cache.set(key, value),
      ),
    entries: <T>(prefix: string) =>
      guarded(
        (s) =>
          s('readonly', async (st) => {
            // Every key from `prefix` up to `prefix` followed by the highest code unit.
            const range = IDBKeyRange.bound(prefix, prefix + '\uffff')
            const [ks, vs] = await Promise.all([promisifyRequest(st.getAllKeys(range)), promisifyRequest(st.getAll(range))])
            const out = ks.map((k, i): [string, T] => [String(k), vs[i] as T])
            for (const [k, v] of out) cache.set(k, v)
            return out
          }),
        () =>
          [...cache]
            .filter(([k, v]) => k.startsWith(prefix) && v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) as Array<[string, T]>,
      ),
    updateMany: <T>(updates: Array<[string, ((old: T | undefined) => T | undefined) | null]>) => {
      const memory = () => {
        for (const [k, fn] of updates) {
          const v = fn?.(cache.get(k) as T | undefined)
          if (v === undefined) cache.delete(k)
          else cache.set(k, v)
        }
      }
      if (!updates.length) return Promise.resolve()
      return guarded(
        (s) =>
          s('readwrite', (st) => {
            const out = new Map<string, T | undefined>()
            /** The first error: the updater's (as [e], see guarded) or IndexedDB's (a put over quota). */
            let failure: [unknown] | undefined
            for (const [k, fn] of updates) {
              // Reading a value costs its deserialization: none for a key deleted regardless.
              if (!fn) {
                out.set(k, undefined)
                st.delete(k)
                continue
              }
              st.get(k).onsuccess = function (this: IDBRequest) {
                // Thrown here, it would reach the page as an uncaught error: abort, and reject with it.
                let mine = 1
                try {
                  const v = fn(this.result)
                  mine = 0
                  out.set(k, v)
                  if (v === undefined) st.delete(k)
                  else st.put(v, k)
                } catch (e) {
                  if (!failure) (failure = [mine ? [e] : e]), st.transaction.abort()
                }
              }
            }
            // Resolves when the transaction commits, all or nothing.
            return promisifyRequest(st.transaction).then(
              () => out.forEach((v, k) => (v === undefined ? cache.delete(k) : cache.set(k, v))),
              (e) => Promise.reject(failure ? failure[0] : e),
            )
          }),
        memory,
      )
    },
    keys: () =>
      guarded(
        (s) => keys<string>(s),
        () => [...cache.keys()].filter((k) => cache.get(k) !== undefined).sort(),
      ),
    clear: () => (cache.clear(), guarded((s) => clear(s), () => {})),
    del: (key: string) =>
      guarded(
        async (s) => {
          cache.delete(key)
          await del(key, s)
        },
        () => void cache.delete(key),
      ),
  }
}
