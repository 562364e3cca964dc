import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { createHistory, type Stored } from '../../src/store/history'
import { createKV, type KV } from '../../src/store/kv'

let n = 0
const fresh = () => createKV('history', createLogger(() => false), { store: createStore('history-test-' + n++, 'state') })

describe('moment history', () => {
  it("an outcome shows at once and stays shown while an earlier write runs over what is stored", async () => {
    const kv = fresh()
    // Each write waits for its own release, in order (IndexedDB runs them one after another).
    const gates: Array<() => void> = []
    const slow: KV = { ...kv, update: async (k, fn) => (await new Promise<void>((r) => gates.push(r)), kv.update(k, fn)) }
    const history = createHistory(slow, () => 'u-1')
    const shown = history.save((s) => ({ ...s, h: { ...s.h, a: { shown: [1] } } }))
    const dismissed = history.note((s) => ({ ...s, h: { ...s.h, b: { ...(s.h.b ?? { shown: [] }), dismissedAt: 2 } } }))
    expect(history.get().h.b?.dismissedAt, 'at once').toBe(2)
    await expect.poll(() => gates.length).toBe(2)
    gates[0]()
    await shown
    expect(history.get().h.a?.shown, 'the earlier write landed').toEqual([1])
    expect(history.get().h.b?.dismissedAt, 'the outcome is still there, not yet written').toBe(2)
    gates[1]()
    await dismissed
    expect(await kv.get<Stored>('moments:u-1')).toEqual({ h: { a: { shown: [1] }, b: { shown: [], dismissedAt: 2 } }, log: [] })
  })

  it('an unreadable stored history loads as empty (with this page\'s outcomes over it); another user has none of them', async () => {
    const kv = fresh()
    await kv.set('moments:u-1', 'not a history')
    let key: string | null = 'u-1'
    const history = createHistory(kv, () => key)
    expect(await history.load(true)).toBe(false)
    expect(history.get()).toEqual({ h: {}, log: [] })
    const held = history.note((s) => ({ ...s, h: { ...s.h, x: { shown: [], heldOut: 1 } } }))
    key = 'u-2'
    expect(await history.load(true)).toBe(false)
    expect(history.get().h.x, "u-1's outcome is not u-2's").toBeUndefined()
    await held
    key = 'u-1'
    expect(await history.load(false)).toBe(true)
    expect(history.get().h.x?.heldOut).toBe(1)
  })
})
