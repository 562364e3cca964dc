import type { KV } from '../store/kv'
import type { Message } from './types'

const CHUNK = 200

export type Chunk = [key: string, messages: Message[]]

/**
 * The chunks holding any of `ids`, each with how many of its messages go. In order, and only as far
 * as the last id: a batch is the head of the queue, so confirming one looks at a few chunks, not at
 * the whole queue once per batch (a backlog of 45,000 took over 80 ms of scanning).
 */
export function touched(chunks: Chunk[], ids: Set<string>): Array<[chunk: Chunk, hits: number]> {
  const out: Array<[Chunk, number]> = []
  const found = new Set<string>()
  for (const c of chunks) {
    if (found.size === ids.size) break
    let n = 0
    for (const m of c[1]) if (ids.has(m.id)) (n++, found.add(m.id))
    if (n) out.push([c, n])
  }
  return out
}

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
  const keyOf = (n: number) => prefix + String(n).padStart(6, '0')
  /**
   * Whether no tab will append to a chunk again: a tab appends only to its latest chunk, and only
   * until it has put CHUNK messages in it. So: any tab's message chunk seen holding CHUNK messages,
   * and this tab's chunks but a latest one it can still add to. (Rollup chunks are never closed.)
   */
  const closed = (key: string, list: Message[]) =>
    /:\d{6}$/.test(key) && (list.length >= CHUNK || (key.startsWith(prefix) && (key < keyOf(seq) || fill >= CHUNK)))
  return {
    /** In one transaction, however many chunks the messages fill. Resolves with the parts written, by chunk. */
    async append(messages: Message[]): Promise<Chunk[]> {
      const updates: Array<[string, (old: Message[] | undefined) => Message[]]> = []
      const parts: Chunk[] = []
      for (let i = 0; i < messages.length; ) {
        if (fill >= CHUNK) (seq++, (fill = 0))
        const part = messages.slice(i, i + CHUNK - fill)
        i += part.length
        fill += part.length
        parts.push([keyOf(seq), part])
        updates.push([keyOf(seq), (old) => (Array.isArray(old) ? old.concat(part) : part)])
      }
      await kv.updateMany(updates)
      return parts
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
    /**
     * `chunks` as loaded, plus `parts` appended since by this tab (as `append` answered): what is
     * stored, as long as no other tab removed anything meanwhile (only the lease holder removes).
     */
    merge(chunks: Chunk[], parts: Chunk[]): Chunk[] {
      const out = new Map(chunks)
      for (const [k, part] of parts) out.set(k, (out.get(k) ?? []).concat(part))
      return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    },
    /**
     * Drops the messages with these ids, in one transaction; a chunk left empty is deleted. `chunks`
     * are as the caller read them (what is stored may have more, appended since, or less).
     */
    remove(chunks: Chunk[], ids: Set<string>): Promise<void> {
      return kv.updateMany<Message[]>(
        touched(chunks, ids).map(([[key, list], hits]) => [
          key,
          // A chunk no tab appends to any more, every message of which goes: deleted without reading
          // it back (a burst's backlog is removed a chunk at a time, and reading costs as much as
          // writing). Otherwise read, and only these messages dropped.
          closed(key, list) && hits === list.length
            ? null
            : (old) => {
                const left = Array.isArray(old) ? old.filter((m) => !ids.has(m.id)) : []
                return left.length ? left : undefined
              },
        ]),
      )
    },
  }
}
