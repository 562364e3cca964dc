import { iso } from './messages'
import type { EventMessage, Message, RollupMessage } from './types'

/**
 * An empty rollup of `first`'s identity, from `first` on. Its counts have no
 * prototype: an event named "constructor" or "__proto__" is counted as data.
 */
export function rollupOf(first: EventMessage): RollupMessage {
  const r = { ...first, type: 'rollup', id: crypto.randomUUID(), counts: Object.create(null), from: first.at, to: first.at } as unknown as RollupMessage
  delete (r as unknown as Record<string, unknown>).name
  delete (r as unknown as Record<string, unknown>).props
  return r
}

/**
 * The first `excess` raw events of `lists`, in order, folded into one rollup per user. `end` is
 * where folding stopped in the last list it reached: before it, only non-events are left.
 */
export function fold(lists: Message[][], excess: number, withIds = true): { rollups: RollupMessage[]; ids: Set<string>; n: number; end: number } {
  const folded = new Map<string, RollupMessage>()
  const ids = new Set<string>()
  let n = 0
  let end = 0
  let last: RollupMessage | undefined
  for (const list of lists) {
    for (end = 0; end < list.length; end++) {
      const m = list[end]
      if (n >= excess) break
      if (m.type !== 'event') continue
      n++
      if (withIds) ids.add(m.id)
      // A burst is one user's: the previous rollup is usually the one.
      let r = last && last.userId === m.userId && last.anonymousId === m.anonymousId ? last : folded.get(m.userId + '\u0000' + m.anonymousId)
      if (!r) folded.set(m.userId + '\u0000' + m.anonymousId, (r = rollupOf(m)))
      r.counts[m.name] = (r.counts[m.name] || 0) + 1
      r.to = m.at
      last = r
    }
  }
  return { rollups: [...folded.values()], ids, n, end }
}

/**
 * The first `n` (> 0) of one identity's `events` folded into one rollup, as `fold` would fold their
 * messages, without making them: `make` makes the first one only, for the rollup's fields.
 */
export function foldEvents<T extends { n: string; t: number }>(events: readonly T[], n: number, make: (e: T) => EventMessage): RollupMessage {
  const r = rollupOf(make(events[0]))
  for (let i = 0; i < n; i++) r.counts[events[i].n] = (r.counts[events[i].n] || 0) + 1
  r.to = iso(events[n - 1].t)
  return r
}
