import type { KV } from '../store/kv'
import type { Message } from './types'

const CHUNK = 200

export type Chunk = [key: string, messages: Message[]]

/**
 * The outbox's messages in IndexedDB, in chunks. Each tab appends to chunks
 * of its own, CHUNK messages at most (a burst fills several): chunks stay
 * few, and confirming a batch rewrites one small chunk, not the whole queue.
 * Reading gets every tab's chunks, oldest first.
 */
export function createChunks(kv: KV, now: () => number) {
  const prefix = 'c:' + now().toString(36).padStart(9, '0') + ':' + Math.random().toString(36).slice(2, 8) + ':'
  let seq = 0
  let fill = 0
  return {
    /** In one transaction, however many chunks the messages fill. */
    append(messages: Message[]): Promise<void> {
      const updates: Array<[string, (old: Message[] | undefined) => Message[]]> = []
      for (let i = 0; i < messages.length; ) {
        if (fill >= CHUNK) (seq++, (fill = 0))
        const part = messages.slice(i, i + CHUNK - fill)
        i += part.length
        fill += part.length
        updates.push([prefix + String(seq).padStart(6, '0'), (old) => (Array.isArray(old) ? old.concat(part) : part)])
      }
      return kv.updateMany(updates)
    },
    /** Rollups that replace stored messages, as a chunk of their own. */
    // Added to, not set: two roll-ups within the same millisecond share a key (the second one
    // replaced the first, and the events it counted were lost).
    appendRollups: (rollups: Message[]): Promise<void> =>
      kv.updateMany<Message[]>([[prefix + 'r' + now().toString(36), (old) => (Array.isArray(old) ? old.concat(rollups) : rollups)]]),
    /** Every tab's chunks, oldest first, in one read; empty or unreadable ones are deleted. */
    async load(): Promise<Chunk[]> {
      const out: Chunk[] = []
      const empty: string[] = []
      for (const [k, v] of await kv.entries<unknown>('c:')) Array.isArray(v) && v.length ? out.push([k, v]) : empty.push(k)
      // Deleted only if still empty when the delete runs (a tab may have appended since the read).
      if (empty.length) await kv.updateMany<unknown>(empty.map((k) => [k, (old) => (Array.isArray(old) && old.length ? old : undefined)]))
      return out
    },
    /** Drops the messages with these ids, in one transaction; a chunk left empty is deleted. */
    remove(chunks: Chunk[], ids: Set<string>): Promise<void> {
      const touched = chunks.filter(([, list]) => list.some((m) => ids.has(m.id)))
      return kv.updateMany<Message[]>(
        touched.map(([key]) => [
          key,
          (old) => {
            const left = Array.isArray(old) ? old.filter((m) => !ids.has(m.id)) : []
            return left.length ? left : undefined
          },
        ]),
      )
    },
  }
}
