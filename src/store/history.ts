import type { MomentHistory } from '../trigger/types'
import { all, isObj, times } from './check'
import type { KV } from './kv'

/** One user's moment history, as stored. */
export interface Stored {
  h: Record<string, MomentHistory & { convertedAt?: number }>
  /** When any budgeted moment was shown (last 24 h), for the global budget. */
  log: number[]
}

const empty = (): Stored => ({ h: {}, log: [] })

/** A history of the shape this version writes (another version or a hand edit may leave anything). */
function readable(s: unknown): s is Stored {
  return isObj(s) && times(s.log) && all(s.h, (m) => isObj(m) && times(m.shown))
}

/**
 * The current user's moment history as this page sees it: what the store
 * holds, with the outcomes (clicked, dismissed, held_out, converted) that
 * this page recorded and the store has not written yet laid over it. A check
 * or a trigger may come before the store gets to them, and must not show a
 * dismissed moment again or record an outcome twice.
 */
export function createHistory(kv: KV, key: () => string | null, onCorrupt: (what: string) => void = () => {}) {
  let stored = empty()
  const unwritten: Array<{ key: string | null; fn: (s: Stored) => Stored }> = []
  const over = (s: Stored) => unwritten.reduce((v, u) => (u.key === key() ? u.fn(v) : v), s)

  /** A read-modify-write of what is stored (a claim re-decides there, so one tab wins). */
  function save(fn: (s: Stored) => Stored): Promise<unknown> {
    const k = key()
    if (!k) return Promise.resolve(stored)
    return kv.update<Stored>('moments:' + k, (old) => {
      const v = fn(readable(old) ? old : empty())
      stored = over(v)
      return v
    })
  }

  return {
    get: () => stored,
    save,
    /** An outcome's change (it sets fields: applying it twice is harmless): in the history now, written soon. */
    note(fn: (s: Stored) => Stored): Promise<unknown> {
      const u = { key: key(), fn }
      unwritten.push(u)
      stored = fn(stored)
      return save(fn).finally(() => {
        const i = unwritten.indexOf(u)
        if (i >= 0) unwritten.splice(i, 1)
      })
    },
    /** Reads the current user's history again; false if none is stored (then it is empty when `orEmpty`). */
    async load(orEmpty: boolean): Promise<boolean> {
      const k = key()
      const s = k ? await kv.get<Stored>('moments:' + k) : undefined
      const ok = readable(s)
      if (s !== undefined && !ok) onCorrupt('moments:' + k)
      if (ok) stored = over(s)
      else if (orEmpty) stored = over(empty())
      return ok
    },
  }
}
