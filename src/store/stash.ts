import { toJson } from '../json'
import type { Logger } from '../log'
import { fold } from '../sync/rollup'
import type { Message } from '../sync/types'
import type { Op } from './aggregate'
import type { Write } from './userstate'

/**
 * Hand-over of unsaved work at `pagehide`. Chromium drops IndexedDB writes
 * started while a page is being unloaded, so the last second of events
 * would be lost on every navigation. localStorage writes are synchronous:
 * the page leaves its pending ops and messages there, and the next page
 * load (any tab) merges them. A page restored from the back/forward cache
 * takes its entry back, unless another page has merged it already.
 */
export interface StashEntry {
  key: string
  ops: Op[]
  messages: Message[]
  /** A write that was in flight: merged only if it did not land (mergeOps). */
  w?: Write
  /**
   * What the page had not yet applied because no user state was open (still loading, or switching
   * users): events, and identify/reset calls (the switch under way first), replayed in order by the next page.
   */
  q?: Array<Op | Call>
}

/** An identify() or reset() call, as data. */
export type Call = ['identify', unknown, unknown, unknown] | ['reset']

const MAX_BYTES = 2_000_000

export function createStash(namespace: string, log: Logger) {
  const prefix = `momentkit:${namespace}:stash:`
  const own = prefix + Math.random().toString(36).slice(2)
  const ls = (): Storage | null => {
    try {
      return typeof localStorage === 'undefined' ? null : localStorage
    } catch {
      return null
    }
  }
  const read = (s: Storage, key: string): StashEntry | null => {
    try {
      const v = JSON.parse(s.getItem(key) ?? 'null')
      s.removeItem(key)
      if (v?.w && (typeof v.w.id !== 'string' || !Array.isArray(v.w.ops))) delete v.w
      if (v && !Array.isArray(v.q)) delete v.q
      return v && typeof v.key === 'string' && Array.isArray(v.ops) && Array.isArray(v.messages) ? v : null
    } catch {
      return null
    }
  }
  return {
    /** Leaves work for the next page; false when it could not (no storage, full, too big). */
    write(entry: StashEntry): boolean {
      const s = ls()
      if (!s) return false
      try {
        let json = toJson(entry)
        // Too big (a long offline spell without IndexedDB): raw events go as counts, as the outbox
        // folds them past its cap, so the ops and the tier, score and moment messages still fit.
        if (json.length > MAX_BYTES) json = toJson({ ...entry, messages: entry.messages.filter((m) => m.type !== 'event').concat(fold([entry.messages], Infinity, false).rollups) })
        if (json.length > MAX_BYTES) return false
        s.setItem(own, json)
        return true
      } catch {
        log.warn('could not hand over unsaved events at page hide (localStorage unavailable or full)', 'stash')
        return false
      }
    },
    /** This page's own entry, if no other page merged it meanwhile. */
    take(): StashEntry | null {
      const s = ls()
      return s && s.getItem(own) !== null ? read(s, own) : null
    },
    /** Removes every entry of the namespace, this page's and other pages' (opt-out). */
    clear(): void {
      const s = ls()
      if (!s) return
      for (let i = s.length - 1; i >= 0; i--) if (s.key(i)?.startsWith(prefix)) s.removeItem(s.key(i)!)
    },
    /** Every entry left by pages that went away, removed as they are read. */
    drain(): StashEntry[] {
      const s = ls()
      if (!s) return []
      const keys: string[] = []
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i)
        if (k && k.startsWith(prefix) && k !== own) keys.push(k)
      }
      return keys.map((k) => read(s, k)).filter((e): e is StashEntry => !!e)
    },
  }
}
