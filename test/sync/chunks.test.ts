import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { createKV, type KV } from '../../src/store/kv'
import { createChunks } from '../../src/sync/chunks'
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
