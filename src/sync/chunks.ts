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
    async append(messages: Message[]): Promise<void> {
      for (let i = 0; i < messages.length; ) {
        if (fill >= CHUNK) (seq++, (fill = 0))
        const part = messages.slice(i, i + CHUNK - fill)
        i += part.length
        fill += part.length
        await kv.update<Message[]>(prefix + String(seq).padStart(6, '0'), (old) => (Array.isArray(old) ? old.concat(part) : part))
      }
    },
    /** Rollups that replace stored messages, as a chunk of their own. */
    appendRollups: (rollups: Message[]): Promise<void> => kv.set(prefix + 'r' + now().toString(36), rollups),
    async load(): Promise<Chunk[]> {
      const out: Chunk[] = []
      for (const key of (await kv.keys()).filter((k) => k.startsWith('c:')).sort()) {
        const v = await kv.get<Message[]>(key)
        if (Array.isArray(v) && v.length) out.push([key, v])
        else await kv.del(key)
      }
      return out
    },
    async remove(chunks: Chunk[], ids: Set<string>): Promise<void> {
      for (const [key, list] of chunks) {
        if (!list.some((m) => ids.has(m.id))) continue
        await kv.update<Message[]>(key, (old) => (Array.isArray(old) ? old.filter((m) => !ids.has(m.id)) : []))
      }
    },
  }
}
