import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { createKV, type KV } from '../../src/store/kv'
import { type Chunk, createChunks, touched } from '../../src/sync/chunks'
import type { Message } from '../../src/sync/types'

let n = 0
const msg = (id: string) => ({ id, type: 'track', at: new Date(0).toISOString(), userId: null, anonymousId: 'a', accountId: null, model: 'm', event: 'e' }) as unknown as Message

describe('outbox chunks', () => {
  it('load() deletes a chunk it read empty only if it is still empty: another tab may have appended to it meanwhile', async () => {
    const kv = createKV('chunks', createLogger(() => false), { store: createStore('chunks-test-' + n++, 'state') })
    const tabB = createChunks(kv, Date.now)
    await tabB.append([msg('m1')])
    const [[key]] = await kv.entries<Message[]>('c:')
    await kv.set(key, []) // an empty chunk (emptied elsewhere, or by an earlier version)

    // Tab A reads every chunk; tab B appends to the empty one after that read and before A's clean-up.
    const racing: KV = {
      ...kv,
      async entries<T>(prefix: string) {
        const seen = await kv.entries<T>(prefix)
        await tabB.append([msg('m2')])
        return seen
      },
    }
    const tabA = createChunks(racing, Date.now)
    const loaded = await tabA.load()
    expect(loaded, 'A read the chunk empty').toEqual([])
    expect(await kv.get(key), "B's message survives A's clean-up").toEqual([msg('m2')])
    expect((await tabA.load()).map(([, list]) => list.map((m) => m.id))).toEqual([['m2']])
  })

  it('load() deletes chunks that are still empty or unreadable', async () => {
    const kv = createKV('chunks', createLogger(() => false), { store: createStore('chunks-test-' + n++, 'state') })
    await kv.set('c:0:x:000000', [])
    await kv.set('c:0:x:000001', 'not a list')
    const chunks = createChunks(kv, Date.now)
    expect(await chunks.load()).toEqual([])
    expect(await kv.entries('c:')).toEqual([])
  })
})

describe('outbox chunks: removing what was sent', () => {
  /** A KV that records the keys each updateMany deletes unread (null in place of an updater). */
  function counting(name: string) {
    const kv = createKV('chunks', createLogger(() => false), { store: createStore('chunks-test-' + n++ + name, 'state') })
    const unread: string[] = []
    const wrapped: KV = {
      ...kv,
      updateMany(updates) {
        for (const [k, fn] of updates) if (!fn) unread.push(k)
        return kv.updateMany(updates)
      },
    }
    return { kv: wrapped, unread }
  }
  const ids = (chunks: Array<[string, Message[]]>) => new Set(chunks.flatMap(([, l]) => l.map((m) => m.id)))
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => msg('m' + (from + i)))

  it('full chunks whose every message went are deleted without being read back; the rest of a part-sent chunk stays', async () => {
    const { kv, unread } = counting('full')
    const tab = createChunks(kv, Date.now)
    await tab.append(range(0, 450)) // chunks of 200, 200 and 50
    const loaded = await tab.load()
    expect(loaded.map(([, l]) => l.length)).toEqual([200, 200, 50])
    // A batch of the first 300: the first chunk all of it, the second half of it.
    const sent = new Set(range(0, 300).map((m) => m.id))
    await tab.remove(loaded, sent)
    expect(unread, 'only the first chunk is deleted unread').toEqual([loaded[0][0]])
    expect((await tab.load()).map(([, l]) => [l[0].id, l.length])).toEqual([['m300', 100], ['m400', 50]])
  })

  it("this tab's latest chunk, which it may still add to, is read before anything is removed from it", async () => {
    const { kv, unread } = counting('latest')
    const tab = createChunks(kv, Date.now)
    await tab.append(range(0, 50))
    const loaded = await tab.load()
    await tab.append(range(50, 60)) // into the same chunk, after the read
    await tab.remove(loaded, ids(loaded))
    expect(unread).toEqual([])
    expect((await tab.load()).map(([, l]) => l.map((m) => m.id))).toEqual([range(50, 60).map((m) => m.id)])
  })

  it("another tab's chunk is deleted unread only when it was read full: until then that tab may add to it", async () => {
    const { kv, unread } = counting('other')
    const tabB = createChunks(kv, Date.now)
    const tabA = createChunks(kv, Date.now)
    await tabB.append(range(0, 50))
    let loaded = await tabA.load()
    await tabB.append(range(50, 60))
    await tabA.remove(loaded, ids(loaded))
    expect(unread).toEqual([])
    expect((await tabA.load()).map(([, l]) => l.length), "B's later messages are kept").toEqual([10])

    // B fills its first chunk (140 more: it put 200 in it, 150 are left), one more, and half of a third.
    await tabB.append(range(60, 440))
    loaded = await tabA.load()
    expect(loaded.map(([, l]) => l.length)).toEqual([150, 200, 40])
    await tabA.remove(loaded, ids(loaded))
    expect(unread, 'only the chunk A read full').toEqual([loaded[1][0]])
    expect(await tabA.load()).toEqual([])
  })

  it('rollup chunks are always read before removing (two roll-ups in one millisecond share one)', async () => {
    const { kv, unread } = counting('rollups')
    const tab = createChunks(kv, () => 1_000)
    await tab.appendRollups(range(0, 250))
    const loaded = await tab.load()
    await tab.remove(loaded, ids(loaded))
    expect(unread).toEqual([])
    expect(await tab.load()).toEqual([])
  })

  describe('touched', () => {
    const chunk = (key: string, ...ids: string[]): Chunk => [key, ids.map(msg)]
    // A chunk that must not be read: iterating its messages throws.
    const unread = (key: string): Chunk => [key, { [Symbol.iterator]: () => { throw new Error(`read ${key}`) } } as unknown as Message[]]

    it('answers the chunks holding the ids, in order, with how many each holds, and reads no further than the last id', () => {
      const out = touched([chunk('c1', 'a', 'b'), chunk('c2', 'c'), chunk('c3', 'd', 'e', 'f'), unread('c4')], new Set(['b', 'e', 'f']))
      expect(out.map(([[k], n]) => [k, n])).toEqual([['c1', 1], ['c3', 2]])
    })

    it('reads every chunk when an id is not there, and answers the ones found', () => {
      const out = touched([chunk('c1', 'a'), chunk('c2', 'b')], new Set(['b', 'gone']))
      expect(out.map(([[k], n]) => [k, n])).toEqual([['c2', 1]])
      expect(() => touched([chunk('c1', 'a'), unread('c2')], new Set(['a', 'gone']))).toThrow('read c2')
    })
  })
})
