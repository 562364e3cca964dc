/**
 * Delivery review: loss, poisoning, priority and shared waits, each scenario against the real outbox
 * (fake-indexeddb) and, where the wire matters, the real transport and the collector's own validation.
 */
import 'fake-indexeddb/auto'
import { log, newStore as makeStore, until, wait } from './helpers'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseBatch } from '../../src/collector/payload'
import { resolveConfig } from '../../src/config/validate'
import { createInstance } from '../../src/core'
import { createKV } from '../../src/store/kv'
import { createOutbox, type OutboxOptions, type SendResult } from '../../src/sync/outbox'
import { createTransport, encode } from '../../src/sync/transport'
import type { Batch, EventMessage, Message, TierMessage } from '../../src/sync/types'

const newStore = () => makeStore('delivery-review')

let seq = 0
const uid = crypto.randomUUID()
const anon = crypto.randomUUID()
const ev = (at = new Date().toISOString()): EventMessage => ({ id: crypto.randomUUID(), type: 'event', at, userId: uid, anonymousId: anon, accountId: 'acme', model: '1', sdk: '1.0.0', name: 'e' + seq++ })
const tier = (): TierMessage => ({
  ...ev(), type: 'tier', score: 70, tier: 'pql', breakdown: [], reasons: ['invited 2 teammates'], topFeatures: [], signals: {}, from: 'moderate', to: 'pql', direction: 'up', crossedAt: new Date().toISOString(),
}) as unknown as TierMessage

function outbox(store: ReturnType<typeof newStore>, send: OutboxOptions['send'], extra: Partial<OutboxOptions> = {}) {
  return createOutbox({ kv: createKV('x', log, { store }, 'outbox'), send, now: Date.now, log, auth: () => ({}), sdkVersion: 't', interval: 0, retryBase: 5, ...extra })
}

/** The reference collector's validation (src/collector/payload.ts) behind a real HTTP server: 400 with its problems, or 200. */
async function collector() {
  const accepted = new Set<string>()
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const p = parseBatch(body)
      const { ok: _, ...rest } = p as Record<string, unknown>
      if (p.ok) p.batch.messages.forEach((m) => accepted.add(m.id))
      res.writeHead(p.ok ? 200 : 400, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(p.ok ? { ok: true } : rest))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`
  return { url, accepted, close: () => new Promise<void>((r) => server.close(() => r())) }
}

afterEach(() => vi.restoreAllMocks())

describe('one bad message does not poison its batch', () => {
  it('a 400 naming messages drops only those, and the rest of the batch (a tier crossing) is delivered', async () => {
    const script: SendResult[] = [{ status: 400, rejected: [1] }]
    const got: Batch[] = []
    const o = outbox(newStore(), async (b) => (got.push(b), script.shift() ?? { status: 200 }))
    const [a, bad, t] = [ev(), ev(), tier()]
    o.add([a, bad, t])
    await o.drain()
    expect(got.map((b) => b.messages.map((m) => m.id))).toEqual([[a.id, bad.id, t.id], [a.id, t.id]])
    expect(o.stats()).toMatchObject({ sent: 2, dropped: 1, queued: 0 })
  })

  it('through the real transport: a message the collector refuses (dated days ahead: a clock that was wrong) costs only itself', async () => {
    const c = await collector()
    try {
      const send = createTransport({ endpoint: c.url, format: 'momentkit', now: Date.now })
      const o = outbox(newStore(), send)
      const future = ev(new Date(Date.now() + 3 * 86_400_000).toISOString())
      const ok = [ev(), ev(), tier()]
      o.add([ok[0], future, ok[1], ok[2]])
      await o.drain()
      expect([...c.accepted].sort()).toEqual(ok.map((m) => m.id).sort())
      expect(o.stats()).toMatchObject({ dropped: 1, queued: 0 })
    } finally {
      await c.close()
    }
  })

  it('a 400 about the whole body (no message named) still drops the batch, once', async () => {
    const got: Batch[] = []
    const o = outbox(newStore(), async (b) => (got.push(b), got.length === 1 ? { status: 400 } : { status: 200 }))
    o.add([ev(), ev()])
    await o.drain()
    expect(got).toHaveLength(1)
    expect(o.stats()).toMatchObject({ dropped: 2, queued: 0 })
  })
})

describe('Segment format: requests within Segment limits', () => {
  it('a backlog of 1,000 events of a user with an e-mail id and a long account id goes in requests under 500 KB as sent (Segment answers 400 past it, and the batch was dropped)', async () => {
    const r = resolveConfig({ namespace: 'seg-size-' + Math.random(), endpoint: '/v1/batch', writeKey: 'wk', trackPages: false, delivery: { format: 'segment', interval: 60_000 } })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const sizes: number[] = []
    const mk = createInstance(r.config, { send: async (b) => (sizes.push(new Blob([encode({ format: 'segment', writeKey: 'wk' }, b)]).size), { status: 200 }) })
    await mk.ready
    mk.identify('jane.doe+trial@acme-corporation.example.com', { accountId: 'acme-corporation.example.com/workspaces/' + crypto.randomUUID() })
    for (let i = 0; i < 1000; i++) mk.track('feature_used', { feature: 'report-builder-' + String(i).padStart(4, '0'), path: '/workspace/projects/' + 'p'.repeat(80) })
    await wait(50)
    await mk.flush()
    await mk.destroy()
    expect(sizes.length).toBeGreaterThan(0)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500_000)
  })
})

describe('Segment format: a call over 32 KB', () => {
  it('is left out of the request, the rest delivered, and the console says so once', async () => {
    const calls: Array<{ type: string; event?: string }> = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => (calls.push(...JSON.parse(body).batch), res.writeHead(200).end('{}')))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batch`
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const r = resolveConfig({ namespace: 'seg-32k-' + Math.random(), endpoint, writeKey: 'wk', trackPages: false, delivery: { format: 'segment', interval: 60_000 } })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const mk = createInstance(r.config)
    await mk.ready
    // 16K characters pass the SDK's props limit, but are 48 KB in UTF-8.
    mk.track('note_saved', { text: '漢'.repeat(16_000) })
    mk.track('note_saved', { text: '漢'.repeat(16_000) })
    mk.track('project_created')
    await wait(50)
    await mk.flush()
    await mk.destroy()
    await new Promise<void>((r) => server.close(() => r()))
    expect(calls.filter((c) => c.type === 'track' && !c.event?.startsWith('PQL')).map((c) => c.event)).toEqual(['project_created'])
    const said = warn.mock.calls.map((c) => c.join(' ')).filter((t) => t.includes('32 KB'))
    expect(said).toHaveLength(1)
    expect(said[0]).toContain('track "note_saved"')
  })
})

describe('Retry-After holds for every tab of the origin and across reloads', () => {
  /** One sender at a time, as Web Locks give the tabs of an origin. */
  function locks() {
    let tail = Promise.resolve()
    const lease = (fn: () => Promise<void>) => {
      const run = tail.then(fn)
      tail = run.catch(() => {})
      return run
    }
    return { lease }
  }

  it('a 429 with Retry-After answered to one tab holds the other tab back too', async () => {
    const store = newStore()
    const { lease } = locks()
    const sent: string[] = []
    const script: SendResult[] = [{ status: 429, retryAfter: 60_000 }]
    const send = (tab: string) => async (): Promise<SendResult> => (sent.push(tab), script.shift() ?? { status: 200 })
    const a = outbox(store, send('a'), { lease })
    const b = outbox(store, send('b'), { lease })
    a.add([ev()])
    await a.drain()
    expect(sent).toEqual(['a'])
    b.add([tier()], true)
    await b.drain()
    await wait(50)
    expect(sent).toEqual(['a'])
    // The app's flush() still sends at once.
    await b.drain(true)
    expect(sent).toEqual(['a', 'b'])
    expect(b.stats()).toMatchObject({ sent: 2, queued: 0 })
    await Promise.all([a.stop(), b.stop()])
  })

  it('a reload within the wait does not send before it is over', async () => {
    const store = newStore()
    const sent: number[] = []
    const first = outbox(store, async () => (sent.push(1), { status: 503, retryAfter: 60_000 }))
    first.add([ev()])
    await first.drain()
    await first.stop()
    const next = outbox(store, async () => (sent.push(2), { status: 200 }))
    await next.drain()
    await wait(50)
    expect(sent).toEqual([1])
    await next.stop()
  })
})

describe('a delivery that keeps failing says so', () => {
  it('three 5xx answers in a row warn once, as three network errors do', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const r = resolveConfig({ namespace: 'failing-' + Math.random(), endpoint: '/collect', trackPages: false, delivery: { interval: 60_000 } })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    let calls = 0
    const mk = createInstance(r.config, { send: async () => (calls++, { status: 503 }) })
    await mk.ready
    for (let i = 0; i < 4; i++) {
      mk.track('e' + i)
      await wait(20)
      await mk.flush()
    }
    await mk.destroy()
    expect(calls).toBeGreaterThanOrEqual(3)
    const failing = warn.mock.calls.filter((c) => c.join(' ').includes('keeps failing'))
    expect(failing).toHaveLength(1)
    expect(failing[0].join(' ')).toContain('HTTP 503')
  })
})

describe('page hide within a Retry-After wait', () => {
  it('sends nothing (what is queued stays stored), in the page that was told and in the next one', async () => {
    const store = newStore()
    const keepalive: Batch[] = []
    const first = outbox(store, async (b, k) => (k ? (keepalive.push(b), { status: 429 }) : { status: 429, retryAfter: 60_000 }))
    first.add([ev(), tier()])
    await first.drain()
    first.hide()
    await first.stop()
    // The next page of the site (a navigation): it reads the wait on its first drain.
    const next = outbox(store, async (b, k) => (k ? (keepalive.push(b), { status: 200 }) : { status: 200 }))
    next.add([ev()])
    await next.drain()
    next.hide()
    await wait(20)
    expect(keepalive).toHaveLength(0)
    expect(next.stats().queued).toBe(3)
    await next.stop()
  })
})
