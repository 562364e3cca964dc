import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { createStash } from '../../src/store/stash'
import { eventMessage, tierMessage } from '../../src/sync/messages'
import type { Message } from '../../src/sync/types'

/** localStorage as a page has it (Node has none). */
class MemoryStorage {
  private m = new Map<string, string>()
  get length() { return this.m.size }
  key(i: number) { return [...this.m.keys()][i] ?? null }
  getItem(k: string) { return this.m.get(k) ?? null }
  setItem(k: string, v: string) { this.m.set(k, String(v)) }
  removeItem(k: string) { this.m.delete(k) }
}
beforeEach(() => void Object.defineProperty(globalThis, 'localStorage', { value: new MemoryStorage(), configurable: true }))
afterEach(() => void delete (globalThis as { localStorage?: unknown }).localStorage)

const who = { userId: 'u-1', anonymousId: 'a-1', accountId: null, traits: {} } as never
const log = createLogger(() => false)

describe('page-hide hand-over', () => {
  it('over its 2 MB, hands raw events over as counts, and the ops and tier messages whole', () => {
    // 10,000 events of about 300 bytes (3 MB): more than an offline page without IndexedDB may hold.
    const events: Message[] = Array.from({ length: 10_000 }, (_, i) => eventMessage(who, '1', i % 2 ? 'report_viewed' : 'feature_used', { note: 'x'.repeat(200), i }, 1_764_000_000_000 + i))
    const tier = tierMessage(who, '1', { score: 70, breakdown: [], reasons: [], topFeatures: [], signals: {}, at: 1_764_000_000_000 } as never, { from: 'moderate', to: 'pql', direction: 'up', score: 70, at: 1_764_000_000_000 } as never)
    const ops = [{ k: 'e' as const, n: 'feature_used', t: 1_764_000_000_000 }]
    const page = createStash('ns', log)
    expect(page.write({ key: 'u:u-1', ops, messages: [...events, tier] })).toBe(true)
    const [got] = createStash('ns', log).drain()
    expect(got.ops).toEqual(ops)
    expect(got.messages.filter((m) => m.type === 'event')).toEqual([])
    expect(got.messages.find((m) => m.type === 'tier')).toEqual(JSON.parse(JSON.stringify(tier)))
    const rollup = got.messages.find((m) => m.type === 'rollup') as Message & { counts: Record<string, number> }
    expect(rollup.counts).toEqual({ feature_used: 5000, report_viewed: 5000 })
  })

  it('under its 2 MB, hands everything over as it is', () => {
    const events = Array.from({ length: 10 }, (_, i) => eventMessage(who, '1', 'feature_used', { i }, 1_764_000_000_000 + i))
    expect(createStash('ns', log).write({ key: 'u:u-1', ops: [], messages: events })).toBe(true)
    expect(createStash('ns', log).drain()[0].messages).toEqual(JSON.parse(JSON.stringify(events)))
  })
})
