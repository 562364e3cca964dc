import 'fake-indexeddb/auto'
import { log, newStore as makeStore, until, wait } from './helpers'
import { describe, expect, it } from 'vitest'
import { createKV, type KV } from '../../src/store/kv'
import { createOutbox, type Outbox, type OutboxOptions, type SendResult } from '../../src/sync/outbox'
import type { Batch, EventMessage, Message, RollupMessage, TierMessage } from '../../src/sync/types'

const newStore = () => makeStore('outbox-test')

let seq = 0
const tier = (userId: string | null = 'u1'): TierMessage => ({
  id: 'm' + seq++, type: 'tier', at: new Date().toISOString(), userId, anonymousId: 'a1', accountId: null, model: '1',
  score: 70, tier: 'pql', breakdown: [], reasons: [], topFeatures: [], signals: {}, from: 'moderate', to: 'pql', direction: 'up', crossedAt: new Date().toISOString(),
})
const ev = (name = 'e', userId: string | null = 'u1'): EventMessage => ({
  id: 'm' + seq++, type: 'event', at: new Date().toISOString(), userId, anonymousId: 'a1', accountId: null, model: '1', name,
})

/** A fake server: answers from a script, then 200; records what it accepted. */
function server(script: SendResult[] = []) {
  const received: Batch[] = []
  const accepted = new Map<string, number>()
  const send = async (batch: Batch): Promise<SendResult> => {
    received.push(batch)
    const r = script.shift() ?? { status: 200 }
    if ('status' in r && r.status < 300) batch.messages.forEach((m) => accepted.set(m.id, (accepted.get(m.id) ?? 0) + 1))
    return r
  }
  return { send, received, accepted }
}

function outbox(store: ReturnType<typeof newStore>, send: OutboxOptions['send'], extra: Partial<OutboxOptions> = {}) {
  return createOutbox({ kv: createKV('x', log, { store }, 'outbox'), send, now: Date.now, log, auth: () => ({ writeKey: 'pk' }), sdkVersion: 't', interval: 0, retryBase: 5, ...extra })
}

describe('outbox', () => {
  it('delivers in batches, each message once, and empties the store', async () => {
    const s = server()
    const store = newStore()
    const o = outbox(store, s.send, { batchSize: 10 })
    const msgs = Array.from({ length: 25 }, () => ev())
    o.add(msgs)
    await o.drain()
    expect(s.received.map((b) => b.messages.length)).toEqual([10, 10, 5])
    expect([...s.accepted.values()].every((c) => c === 1)).toBe(true)
    expect(s.accepted.size).toBe(25)
    expect(s.received[0].auth).toEqual({ writeKey: 'pk' })
    expect(await createKV('x', log, { store }, 'outbox').keys()).toEqual([])
  })

  it('retries 500s and network errors with backoff until delivered', async () => {
    const s = server([{ status: 500 }, { error: 'offline' }, { status: 503 }])
    const o = outbox(newStore(), s.send)
    o.add([ev(), ev()])
    // The server has accepted them before the outbox has read the answer and counted them as sent.
    await until(() => s.accepted.size === 2 && o.stats().sent === 2)
    expect(s.received).toHaveLength(4)
    expect(o.stats()).toMatchObject({ sent: 2, retries: 3, dropped: 0 })
  })

  it('honours Retry-After on 429', async () => {
    const s = server([{ status: 429, retryAfter: 300 }])
    const o = outbox(newStore(), s.send)
    const start = Date.now()
    o.add([ev()])
    await until(() => s.accepted.size === 1)
    expect(Date.now() - start).toBeGreaterThanOrEqual(290)
  })

  it('a tier crossing or a drain does not go before the time Retry-After asked for', async () => {
    const times: number[] = []
    const s = server([{ status: 429, retryAfter: 300 }])
    const o = outbox(newStore(), async (b, k) => (times.push(Date.now()), s.send(b)))
    o.add([ev()])
    await until(() => times.length === 1)
    o.add([tier()], true) // urgent: drained at once, but sent only when the wait is over
    await o.drain()
    await wait(100)
    expect(times).toHaveLength(1)
    await until(() => s.accepted.size === 2)
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(290)
    o.stop()
  })

  it('the app\'s flush() (a forced drain) sends at once, within a Retry-After wait', async () => {
    const s = server([{ status: 429, retryAfter: 60_000 }])
    const o = outbox(newStore(), s.send)
    o.add([ev()])
    await until(() => s.received.length === 1)
    await o.drain()
    expect(s.accepted.size).toBe(0)
    await o.drain(true)
    expect(s.accepted.size).toBe(1)
    o.stop()
  })

  it('a Retry-After wait longer than an hour from now (the clock went back) is over', async () => {
    let now = Date.now()
    const s = server([{ status: 429, retryAfter: 3_600_000 }])
    const o = outbox(newStore(), s.send, { now: () => now })
    o.add([ev()])
    await until(() => s.received.length === 1)
    now -= 86_400_000
    await o.drain()
    expect(s.accepted.size).toBe(1)
    o.stop()
  })

  it('splits a batch on 413 and drops a single message the server still refuses', async () => {
    const s = server([{ status: 413 }, { status: 413 }, { status: 413 }, { status: 413 }])
    const o = outbox(newStore(), s.send, { batchSize: 8 })
    o.add(Array.from({ length: 8 }, () => ev()))
    await o.drain()
    expect(s.received.map((b) => b.messages.length)).toEqual([8, 4, 2, 1, 7])
    expect(s.accepted.size).toBe(7)
    expect(o.stats().dropped).toBe(1)
  })

  it('after a 413, keeps the smaller batch: the next requests do not hit the limit again', async () => {
    // A server that takes at most 300 messages a request.
    const received: number[] = []
    const send = async (b: Batch): Promise<SendResult> => (received.push(b.messages.length), { status: b.messages.length > 300 ? 413 : 200 })
    const o = outbox(newStore(), send, { batchSize: 1000 })
    o.add(Array.from({ length: 1000 }, () => ev()))
    await o.drain()
    expect(received).toEqual([1000, 500, 250, 250, 250, 250])
    expect(o.stats()).toMatchObject({ sent: 1000, dropped: 0 })
  })

  it('drops other 4xx answers, counts them and goes on', async () => {
    const s = server([{ status: 400 }])
    const o = outbox(newStore(), s.send, { batchSize: 2 })
    o.add([ev(), ev(), ev()])
    await o.drain()
    expect(o.stats()).toMatchObject({ dropped: 2, sent: 1, lastError: 'HTTP 400' })
  })

  it('waits while offline and sends when back online', async () => {
    let online = false
    const s = server()
    const o = outbox(newStore(), s.send, { online: () => online })
    o.add([ev()])
    await o.drain()
    expect(s.received).toHaveLength(0)
    online = true
    await o.drain()
    expect(s.accepted.size).toBe(1)
  })

  it('survives a reload: what one page stored, the next one sends', async () => {
    const store = newStore()
    const down = server([{ status: 500 }])
    const first = outbox(store, down.send, { retryBase: 60_000 })
    const msgs = [ev(), ev(), ev()]
    first.add(msgs)
    await first.drain()
    first.stop()
    const up = server()
    await outbox(store, up.send).drain()
    expect([...up.accepted.keys()].sort()).toEqual(msgs.map((m) => m.id).sort())
  })

  it('rolls up the oldest raw events into counts past the cap, keeping tier messages', async () => {
    let online = false
    const s = server()
    const o = outbox(newStore(), s.send, { maxQueue: 100, online: () => online })
    const tier = { ...ev(), type: 'tier' } as unknown as Message
    o.add([tier, ...Array.from({ length: 150 }, (_, i) => ev(i % 2 ? 'a' : 'b'))])
    await o.drain()
    // Still offline: the cap already holds, and the queue is reported, not shown as empty.
    expect(s.received).toHaveLength(0)
    expect(o.stats()).toMatchObject({ rolledUp: 61, queued: 91 }) // 151 over a cap of 100: down to 90, plus the rollup
    online = true
    await o.drain()
    const all = s.received.flatMap((b) => b.messages)
    const rollups = all.filter((m) => m.type === 'rollup')
    expect(rollups).toHaveLength(1)
    expect(rollups[0]).toMatchObject({ type: 'rollup', counts: { a: 30, b: 31 } })
    expect(all.filter((m) => m.type === 'event')).toHaveLength(89)
    expect(all.some((m) => m.id === tier.id)).toBe(true)
    expect(o.stats().rolledUp).toBe(61)
  })

  it('roll-ups made within the same millisecond are all kept', async () => {
    let online = false
    const s = server()
    const o = outbox(newStore(), s.send, { maxQueue: 100, online: () => online, now: () => 1_700_000_000_000 })
    for (let i = 0; i < 10; i++) {
      o.add(Array.from({ length: 20 }, () => ev('tick')))
      await o.drain()
    }
    online = true
    await o.drain()
    const all = s.received.flatMap((b) => b.messages)
    const rolled = all.filter((m): m is RollupMessage => m.type === 'rollup')
    expect(rolled.length).toBeGreaterThan(1)
    expect(all.filter((m) => m.type === 'event').length + rolled.reduce((n, r) => n + r.counts.tick, 0)).toBe(200)
  })

  it('stays bounded through a long offline spell: one rollup per tenth of the cap, nothing counted twice', async () => {
    let online = false
    const s = server()
    const o = outbox(newStore(), s.send, { maxQueue: 100, online: () => online })
    for (let i = 0; i < 50; i++) {
      o.add(Array.from({ length: 20 }, () => ev('tick')))
      await o.drain()
    }
    const queued = o.stats().queued
    online = true
    await o.drain()
    const all = s.received.flatMap((b) => b.messages)
    const rolled = all.filter((m): m is RollupMessage => m.type === 'rollup')
    // At most the cap of raw messages, plus small rollups: at most one per tenth of the cap folded.
    expect(rolled.length).toBeLessThanOrEqual(Math.ceil(o.stats().rolledUp / 10))
    expect(queued).toBeLessThanOrEqual(100 + rolled.length)
    // Every one of the 1000 events arrives, as itself or inside a count.
    expect(all.filter((m) => m.type === 'event').length + rolled.reduce((n, r) => n + r.counts.tick, 0)).toBe(1000)
  })

  /** Web Locks as the SDK uses them: `lease` waits its turn, `tryLease` runs only when nobody holds or waits. */
  function locks() {
    let queued = 0
    let held: Promise<unknown> = Promise.resolve()
    const lease = (fn: () => Promise<void>) => {
      queued++
      const p = held.then(fn).finally(() => queued--)
      held = p.catch(() => {})
      return p
    }
    const tryLease = async (fn: () => Promise<void>) => (queued ? false : (await lease(fn), true))
    return { lease, tryLease }
  }

  it.each([
    ['a lease', false],
    ['a lease taken at once when free (the loop stores and sends without reading back)', true],
  ])('two tabs sharing one outbox under %s send every message exactly once, with more added mid-send', async (_, free) => {
    const store = newStore()
    const s = server()
    const { lease, tryLease } = locks()
    const opts = { lease, batchSize: 7, ...(free && { tryLease }) }
    let calls = 0
    const late: Message[] = []
    const send: OutboxOptions['send'] = async (batch) => {
      // While the second request is in flight, both tabs queue more and ask for a drain.
      if (++calls === 2) for (const o of [a, b]) {
        const more = Array.from({ length: 5 }, () => ev())
        late.push(...more)
        o.add(more)
        void o.drain()
      }
      return s.send(batch)
    }
    const a = outbox(store, send, opts)
    const b = outbox(store, send, opts)
    const ma = Array.from({ length: 30 }, () => ev())
    const mb = Array.from({ length: 30 }, () => ev())
    a.add(ma)
    b.add(mb)
    await Promise.all([a.drain(), b.drain()])
    await Promise.all([a.drain(), b.drain()])
    expect(late).toHaveLength(10)
    expect(new Set(s.accepted.keys())).toEqual(new Set([...ma, ...mb, ...late].map((m) => m.id)))
    expect([...s.accepted.values()].every((c) => c === 1)).toBe(true)
    expect(await createKV('x', log, { store }, 'outbox').keys()).toEqual([])
  })

  it('keeps batches to one identity', async () => {
    const s = server()
    const o = outbox(newStore(), s.send)
    o.add([ev('x', 'u1'), ev('x', 'u1'), ev('x', 'u2'), ev('x', 'u1')])
    await o.drain()
    expect(s.received.map((b) => b.messages.map((m) => m.userId))).toEqual([['u1', 'u1'], ['u2'], ['u1']])
  })

  it('the keepalive budget counts UTF-8 bytes of the body as sent', async () => {
    const calls: Batch[] = []
    const bytes = (b: Batch) => new Blob([JSON.stringify(b)]).size
    const o = outbox(newStore(), async (b) => (calls.push(b), { status: 200 }), { interval: 60_000, bytes })
    // 'é' is two bytes: by string length this would all fit, by bytes it does not.
    o.add(Array.from({ length: 400 }, () => ({ ...ev(), props: { pad: 'é'.repeat(150) } })))
    o.hide()
    await wait(20)
    expect(bytes(calls[0])).toBeLessThanOrEqual(64 * 1024)
    expect(calls[0].messages.length).toBeGreaterThan(10)
    expect(calls[0].messages.length).toBeLessThan(400)
  })

  it('on page hide sends what it holds in one keepalive request under 64 KB', async () => {
    const calls: Array<[Batch, boolean]> = []
    const o = outbox(newStore(), async (b, k) => (calls.push([b, k]), { status: 200 }), { interval: 60_000 })
    o.add(Array.from({ length: 400 }, () => ({ ...ev(), props: { pad: 'x'.repeat(300) } })))
    o.hide()
    await wait(20)
    const [batch, keepalive] = calls[0]
    expect(keepalive).toBe(true)
    expect(JSON.stringify(batch).length).toBeLessThanOrEqual(64 * 1024)
    expect(batch.messages.length).toBeGreaterThan(10)
  })
  // README: without IndexedDB, "what it could not store is handed over at page hide" (core.pageHide
  // hands over takePending()); what the outbox kept in memory went with the page.
  it('without IndexedDB, page hide hands over every message not confirmed, stored in memory or not, rollups included', async () => {
    const o = createOutbox({ kv: createKV('x', log, { store: null }, 'outbox'), send: async () => ({ status: 200 }), now: Date.now, log, auth: () => ({}), sdkVersion: 't', interval: 0, online: () => false, maxQueue: 10 })
    const t = tier()
    const first = Array.from({ length: 8 }, () => ev())
    o.add([...first, t], true)
    await o.drain() // "stored" in memory, then waits: offline
    await wait(10)
    const more = Array.from({ length: 4 }, () => ev())
    o.add(more)
    await o.drain() // 13 raw stored: the oldest 4 events fold, down to 9
    await wait(10)
    expect(o.stats()).toMatchObject({ queued: 10, rolledUp: 4 })
    const last = ev()
    o.add([last]) // not stored yet
    const handed = o.takePending()
    expect(handed.map((m) => m.id)).toEqual(expect.arrayContaining([t.id, ...first.slice(4).map((m) => m.id), ...more.map((m) => m.id), last.id]))
    expect(handed.filter((m) => m.type === 'rollup')).toEqual([expect.objectContaining({ counts: { e: 4 } })])
    expect(handed).toHaveLength(11)
    o.stop()
  })

  it('page hide hands over messages whose IndexedDB write has not landed, and not once it has', async () => {
    const real = createKV('x', log, { store: newStore() }, 'outbox')
    let land!: () => void
    const landed = new Promise<void>((r) => (land = r))
    // A write that lands only when told (Chromium drops one still in flight when the page unloads).
    let writing = false
    const kv: KV = { ...real, updateMany: async (u) => ((writing = true), await landed, real.updateMany(u)) }
    const o = createOutbox({ kv, send: async () => ({ error: 'offline' }), now: Date.now, log, auth: () => ({}), sdkVersion: 't', interval: 0, retryBase: 60_000 })
    const t = tier()
    o.add([t], true) // a tier crossing: drained at once
    // The drain has started the write (waited for, not timed: a loaded machine may take longer than a fixed pause).
    await until(() => writing, 10_000)
    expect(o.takePending().map((m) => m.id)).toEqual([t.id])
    land()
    await until(() => o.stats().retries === 1, 10_000)
    expect(o.takePending()).toEqual([])
    o.stop()
  })

  // Only the tab holding the lease removes from the shared store; another tab kept everything it ever
  // added as unconfirmed, so its page-hide request sent again what was delivered long ago and, full of
  // those, left out its new tier crossing.
  it('a tab waiting for the lease does not send at page hide what another tab removed, and sends what is new', async () => {
    const store = newStore()
    const beacons: Batch[] = []
    // Tab B: another tab (A) holds the lease, so B only stores and waits for it.
    const b = outbox(store, async (batch, keepalive) => (keepalive && beacons.push(batch), { status: 200 }), {
      tryLease: async () => false,
      lease: () => new Promise(() => {}),
      batchSize: 50,
    })
    const old = Array.from({ length: 50 }, () => ev())
    b.add(old)
    void b.drain() // stores them (outside the lease), then waits for it
    await wait(50)
    // Tab A, the lease holder, delivers everything stored, B's messages included, and tells the other tabs.
    const s = server()
    const a = outbox(store, s.send, { onRemove: (ids) => b.removed(ids) })
    await a.drain()
    expect([...s.accepted.keys()]).toEqual(old.map((m) => m.id))
    const t = tier()
    b.add([t])
    b.hide()
    expect(beacons.map((x) => x.messages.map((m) => m.id))).toEqual([[t.id]])
    a.stop()
    b.stop()
  })

  it('messages added while a request is in flight go out in the same drain, without another nudge', async () => {
    const received: Batch[] = []
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const send = async (b: Batch): Promise<SendResult> => {
      received.push(b)
      if (received.length === 1) await held
      return { status: 200 }
    }
    // A long interval: only the in-flight round may pick the late messages up.
    const o = outbox(newStore(), send, { interval: 60_000 })
    o.add([ev('first')], true)
    await until(() => received.length === 1)
    o.add([ev('late'), ev('late')])
    void o.drain() // joins the running round, asks for another
    release()
    await until(() => received.length === 2)
    expect(received[1].messages.map((m) => (m as EventMessage).name)).toEqual(['late', 'late'])
    o.stop()
  })

  it.each([
    ['', undefined],
    [' (tried first: taken)', async () => false],
  ])('a tab waiting for the lease%s stores its messages at once and sends them when the lease frees', async (_, tryLease) => {
    const s = server()
    const store = newStore()
    // A lease held elsewhere until `free()`: the waiting drain must not give up.
    let free!: () => void
    const busy = new Promise<void>((r) => (free = r))
    let holders = 0
    const lease = async (fn: () => Promise<void>) => {
      await busy
      holders++
      try { await fn() } finally { holders-- }
    }
    const o = outbox(store, s.send, { lease, tryLease })
    o.add([ev(), ev(), ev()])
    const done = o.drain()
    await until(() => true)
    await wait(20)
    // Stored while waiting: a reload now would find them.
    const kv = createKV('x', log, { store }, 'outbox')
    const stored = (await Promise.all((await kv.keys()).map((k) => kv.get<Message[]>(k)))).flat()
    expect(stored).toHaveLength(3)
    expect(s.received).toHaveLength(0)
    free()
    await done
    expect(s.accepted.size).toBe(3)
    expect(holders).toBe(0)
  })

  it('rolls up events named like Object.prototype keys as counts, like any other name', async () => {
    let online = false
    const s = server()
    const o = outbox(newStore(), s.send, { maxQueue: 10, online: () => online })
    o.add(['constructor', '__proto__', 'toString', 'constructor', ...Array.from({ length: 9 }, () => 'x')].map((n) => ev(n)))
    await o.drain()
    online = true
    await o.drain()
    const rollups = s.received.flatMap((b) => b.messages).filter((m): m is RollupMessage => m.type === 'rollup')
    expect(rollups).toHaveLength(1)
    // As it goes on the wire: own keys, numbers.
    expect(Object.entries(JSON.parse(JSON.stringify(rollups[0].counts)))).toEqual([['constructor', 2], ['__proto__', 1], ['toString', 1]])
  })

  // A burst of track() calls queues more than the cap at once: the surplus folds before it is stored.
  describe('a burst past the cap', () => {
    it('folds exactly the events storing everything first would fold: the oldest of stored-then-new', async () => {
      let online = false
      const s = server()
      const store = newStore()
      const o = outbox(store, s.send, { maxQueue: 100, online: () => online })
      // 5 stored: with 200 more, 205 raw are over the cap of 100, so the oldest 115 fold (down to 90),
      // the 5 stored among them, though the 90 left in memory plus the 5 stored are not over the cap.
      const stored = Array.from({ length: 5 }, () => ev('old'))
      o.add(stored)
      await o.drain()
      const burst = Array.from({ length: 200 }, (_, i) => ev(i % 2 ? 'a' : 'b'))
      o.add(burst)
      await o.drain()
      expect(o.stats()).toMatchObject({ rolledUp: 115 })
      online = true
      await o.drain()
      const all = s.received.flatMap((b) => b.messages)
      expect(all.filter((m) => m.type === 'event').map((m) => m.id)).toEqual(burst.slice(110).map((m) => m.id))
      const counts: Record<string, number> = {}
      for (const r of all.filter((m): m is RollupMessage => m.type === 'rollup')) for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v
      expect(counts).toEqual({ old: 5, a: 55, b: 55 })
      expect(await createKV('x', log, { store }, 'outbox').keys()).toEqual([])
    })

    // What core.ts does with a burst: addEvents() counts the events add() would fold at once into a
    // rollup without making their messages. Same result as adding them all. Returns how many it made.
    function addBurst(o: Outbox, burst: EventMessage[]): number {
      let made = 0
      o.addEvents(burst.map((m) => ({ n: m.name, t: Date.parse(m.at), m })), (e) => (made++, e.m))
      return made
    }

    it.each([
      ['into an empty queue', 0, 0],
      ['after non-event messages', 30, 0],
      ['after raw events (not folded by the caller: add folds them)', 0, 30],
    ])('a burst folded by the caller %s ends as add() alone would end it', async (_, others, events) => {
      const runs = await Promise.all(
        [false, true].map(async (byCaller) => {
          let online = false
          const s = server()
          const o = outbox(newStore(), s.send, { maxQueue: 100, online: () => online })
          const before = [...Array.from({ length: others }, () => ({ ...ev(), type: 'score' }) as unknown as Message), ...Array.from({ length: events }, (_, i) => ({ ...ev('old'), at: new Date(Date.UTC(2026, 11, 1) + i).toISOString() }))]
          if (before.length) o.add(before)
          const burst = Array.from({ length: 250 }, (_, i) => ({ ...ev(i % 3 ? 'a' : 'b'), at: new Date(Date.UTC(2026, 11, 2) + i).toISOString() }))
          // Each run makes its own messages: compare them by position.
          const at = new Map([...before, ...burst].map((m, i) => [m.id, i]))
          if (byCaller) addBurst(o, burst)
          else o.add(burst)
          const rolledUp = o.stats().rolledUp
          online = true
          await o.drain()
          const all = s.received.flatMap((b) => b.messages)
          const rollups = all.filter((m): m is RollupMessage => m.type === 'rollup')
          return {
            rolledUp,
            raw: all.filter((m) => m.type !== 'rollup').map((m) => at.get(m.id)),
            rollups: rollups.map((r) => ({ counts: { ...r.counts }, from: r.from, to: r.to, userId: r.userId, name: 'name' in r, props: 'props' in r })),
            once: [...s.accepted.values()].every((c) => c === 1),
          }
        }),
      )
      expect(runs[1]).toEqual(runs[0])
      expect(runs[0].rollups).toHaveLength(1)
      expect(runs[0].once).toBe(true)
    })
    it('addEvents() makes the messages it keeps (and one for the rollup), all of them under the cap or with raw events queued', () => {
      const burst = (k: number) => Array.from({ length: k }, () => ev('x'))
      const under = outbox(newStore(), server().send, { maxQueue: 100 })
      expect(addBurst(under, burst(100))).toBe(100)
      expect(under.stats().rolledUp).toBe(0)
      const over = outbox(newStore(), server().send, { maxQueue: 100 })
      expect(addBurst(over, burst(101))).toBe(91)
      expect(over.stats().rolledUp).toBe(11)
      const queued = outbox(newStore(), server().send, { maxQueue: 100 })
      queued.add([ev()])
      expect(addBurst(queued, burst(500))).toBe(500)
      expect(queued.stats().rolledUp).toBe(411)
    })

    it('a burst sent under a free lease is not read back from IndexedDB: what was written is what gets sent', async () => {
      const s = server()
      const base = createKV('x', log, { store: newStore() }, 'outbox')
      // Counts the messages read back by loading the queue (each costs its deserialization).
      let read = 0
      const kv = { ...base, entries: async <T>(prefix: string) => { const out = await base.entries<T>(prefix); read += out.reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : 0), 0); return out } }
      const o = outbox(newStore(), s.send, { kv, maxQueue: 1000, batchSize: 100, tryLease: async (fn) => (await fn(), true) })
      const burst = Array.from({ length: 3000 }, (_, i) => ev(i % 2 ? 'a' : 'b'))
      addBurst(o, burst)
      await o.drain()
      // The 900 newest raw events (the cap's 90%) and one rollup, each once, without reading any of them back.
      expect(s.accepted.size).toBe(901)
      expect([...s.accepted.values()].every((c) => c === 1)).toBe(true)
      expect(read).toBe(0)
      expect(await base.keys()).toEqual([])
    })

    it('takes 200,000 messages in one call (no spread of them as arguments) and stores small chunks', async () => {
      let online = false
      const s = server()
      const store = newStore()
      const o = outbox(store, s.send, { maxQueue: 1000, online: () => online })
      const burst = Array.from({ length: 200_000 }, () => ev('x'))
      expect(() => o.add(burst)).not.toThrow()
      await o.drain()
      const kv = createKV('x', log, { store }, 'outbox')
      const lists = await Promise.all((await kv.keys()).map((k) => kv.get<Message[]>(k)))
      // 900 raw events kept and one rollup, in chunks of at most 200 messages.
      expect(lists.map((l) => l!.length)).toEqual([200, 200, 200, 200, 101])
      online = true
      await o.drain()
      const all = s.received.flatMap((b) => b.messages)
      expect(all.filter((m) => m.type === 'event').map((m) => m.id)).toEqual(burst.slice(-900).map((m) => m.id))
      expect(all.filter((m): m is RollupMessage => m.type === 'rollup').map((r) => r.counts)).toEqual([{ x: 199_100 }])
      expect([...s.accepted.values()].every((c) => c === 1)).toBe(true)
    })
  })
})
