/**
 * Hardening, server replies (issue 7): the delivery endpoint answers badly
 * and a recording stub counts what it finally accepted once it answers 200
 * again. One test per case, from a table, each recorded in the hardening
 * tally (suite 'server').
 *
 * The contract (README "Delivery and the collector", src/sync/outbox.ts):
 * - 2xx: delivered, removed, never sent again;
 * - 5xx, 408, 429, network errors, timeouts and redirects: kept and retried
 *   with backoff (Retry-After honoured when it asks for longer); nothing lost,
 *   nothing doubled once the endpoint recovers;
 * - 413: the batch is split in halves; a single message still refused is dropped;
 * - other 4xx: the batch is dropped and counted, with one warning per status.
 *
 * The stub serves the page, the bundle and the endpoint from one origin (no
 * CORS in the way), so a redirect or a reset is exactly what the browser
 * sees. Retries are made fast by calling flush() once the endpoint is
 * healthy again, rather than by waiting; the hang case sets `delivery.timeout`
 * to 1 s.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, ready, sdkLogs } from './fixtures'
import { recordCase } from './hardening'
import { ROOT } from './server'

const BUNDLE = readFileSync(resolve(ROOT, 'dist/momentkit.iife.js'))
const EVENT = 'hx_event'

type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'reset' | 'hang'

interface Post {
  n: number
  at: number
  method: string
  path: string
  /** Message ids in the request body (none for a GET after a 301/302). */
  ids: string[]
  /** `props.i` of the test's events in it. */
  events: number[]
  reply: string
}

interface Stub {
  url: string
  posts: Post[]
  /** While set, decides every request to an endpoint path; null: 200. */
  fault: ((p: Post) => Reply) | null
  /** Times each message id was accepted (answered 2xx). */
  accepted: Map<string, number>
  /** Times each test event (`props.i`) was accepted. */
  acceptedEvents: Map<number, number>
  /** Message type by id. */
  types: Map<string, string>
  close(): Promise<void>
}

/** One server for the page, the bundle and the endpoint (/collect, and /moved, /loop for redirects). */
async function startStub(config: Record<string, unknown>): Promise<Stub> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>server replies</title>
<script src="/dist/momentkit.iife.js"></script>
<script>momentkit.init(${JSON.stringify(config)}); momentkit.identify('server-case-user')</script>
</head><body><h1>server replies</h1></body></html>`
  const hung: ServerResponse[] = []
  const stub: Stub = {
    url: '',
    posts: [],
    fault: null,
    accepted: new Map(),
    acceptedEvents: new Map(),
    types: new Map(),
    close: async () => {},
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (d: Buffer) => chunks.push(d))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      if (path === '/page.html') return void (res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }), res.end(html))
      if (path === '/dist/momentkit.iife.js') return void (res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }), res.end(BUNDLE))
      if (!['/collect', '/moved', '/loop'].includes(path)) return void (res.writeHead(404), res.end())
      let messages: Array<{ id?: string; type?: string; name?: string; props?: { i?: number } }> = []
      try {
        messages = JSON.parse(Buffer.concat(chunks).toString('utf8')).messages ?? []
      } catch {}
      const post: Post = {
        n: stub.posts.length + 1,
        at: Date.now(),
        method: req.method ?? '',
        path,
        ids: messages.map((m) => String(m.id)),
        events: messages.filter((m) => m.type === 'event' && m.name === EVENT).map((m) => Number(m.props?.i)),
        reply: '200',
      }
      for (const m of messages) stub.types.set(String(m.id), String(m.type))
      const reply: Reply = stub.fault?.(post) ?? { status: 200, body: '{"ok":true}' }
      post.reply = typeof reply === 'string' ? reply : String(reply.status)
      stub.posts.push(post)
      if (reply === 'hang') return void hung.push(res)
      if (reply === 'reset') return void req.socket.destroy()
      if (reply.status >= 200 && reply.status < 300) {
        for (const id of post.ids) stub.accepted.set(id, (stub.accepted.get(id) ?? 0) + 1)
        for (const i of post.events) stub.acceptedEvents.set(i, (stub.acceptedEvents.get(i) ?? 0) + 1)
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(reply.status === 204 || reply.status === 304 ? undefined : reply.body ?? JSON.stringify({ error: 'injected', status: reply.status }))
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  stub.close = () =>
    new Promise<void>((ok) => {
      for (const r of hung) r.destroy()
      server.closeAllConnections()
      server.close(() => ok())
    })
  return stub
}

// ---------------------------------------------------------------------------------------------
// The table.

type Expect =
  /** Delivered at the first try (any 2xx). */
  | 'ok'
  /** Kept and retried; every event arrives exactly once after recovery. */
  | 'retry'
  /** Dropped and counted (other 4xx). */
  | 'drop'
  /** 413 on batches: split until they fit; every event arrives exactly once. */
  | 'split'

interface ServerCase {
  name: string
  reply: (p: Post) => Reply
  expect: Expect
  /** For 'retry': does the SDK try again by itself within a few seconds (false: Retry-After asks for longer)? */
  selfRetry?: boolean
  /** For 'retry': the least gap between the first two attempts (ms), when Retry-After asks for it. */
  minGap?: number
  /** Intercept with page.route instead: the request fails in the browser (connection reset, aborted...). */
  abort?: string
  /**
   * delivery.timeout (ms). Only the hang case sets it short: on a loaded machine a 200 may take
   * over a second to come back, and an abandoned request that did arrive is, by contract, sent
   * again (at least once; the collector deduplicates by id), which would read as a duplicate here.
   */
  timeout?: number
}

const status = (s: number, headers?: Record<string, string>, body?: string) => () => ({ status: s, headers, body })
const RA = (value: string) => status(429, { 'Retry-After': value })
const httpDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString()
/** Redirects /collect elsewhere; what the target answers is given. */
const redirect = (code: number, target: Reply | ((p: Post) => Reply)) => (p: Post): Reply =>
  p.path === '/collect' ? { status: code, headers: { location: '/moved' } } : typeof target === 'function' ? target(p) : target

const CASES: ServerCase[] = [
  { name: '200 with an empty body', reply: status(200, {}, ''), expect: 'ok' },
  { name: '200 with a body that is not JSON (HTML)', reply: status(200, { 'content-type': 'text/html' }, '<!doctype html><h1>Welcome</h1>'), expect: 'ok' },
  { name: '200 with a JSON error body', reply: status(200, {}, '{"error":"nope"}'), expect: 'ok' },
  { name: '200 with a truncated JSON body', reply: status(200, {}, '{"ok":tr'), expect: 'ok' },
  { name: '201 Created', reply: status(201), expect: 'ok' },
  { name: '202 Accepted', reply: status(202), expect: 'ok' },
  { name: '204 No Content', reply: status(204), expect: 'ok' },
  { name: '301 to a page that answers 200 to the GET', reply: redirect(301, (p) => (p.method === 'GET' ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<h1>home</h1>' } : { status: 405 })), expect: 'retry' },
  { name: '302 to a path that answers 404 to the GET', reply: redirect(302, { status: 404 }), expect: 'retry' },
  { name: '303 See Other to a page', reply: redirect(303, (p) => (p.method === 'GET' ? { status: 200, body: 'ok' } : { status: 405 })), expect: 'retry' },
  { name: '307 to another path that accepts the POST', reply: redirect(307, (p) => ({ status: p.method === 'POST' ? 200 : 405 })), expect: 'retry' },
  { name: '308 to another path that accepts the POST', reply: redirect(308, (p) => ({ status: p.method === 'POST' ? 200 : 405 })), expect: 'retry' },
  { name: 'redirect loop (307 between two paths)', reply: (p) => ({ status: 307, headers: { location: p.path === '/collect' ? '/loop' : '/collect' } }), expect: 'retry' },
  { name: '304 Not Modified', reply: status(304), expect: 'retry' },
  { name: '400 Bad Request', reply: status(400), expect: 'drop' },
  { name: '401 Unauthorized', reply: status(401), expect: 'drop' },
  { name: '403 Forbidden', reply: status(403), expect: 'drop' },
  { name: '404 Not Found', reply: status(404), expect: 'drop' },
  { name: '405 Method Not Allowed', reply: status(405), expect: 'drop' },
  { name: '408 Request Timeout', reply: status(408), expect: 'retry' },
  { name: '409 Conflict', reply: status(409), expect: 'drop' },
  { name: '410 Gone', reply: status(410), expect: 'drop' },
  { name: '413 for batches of more than one message: split', reply: (p) => (p.ids.length > 1 ? { status: 413 } : { status: 200 }), expect: 'split' },
  { name: '413 for every message', reply: status(413), expect: 'drop' },
  { name: '422 Unprocessable', reply: status(422), expect: 'drop' },
  { name: '429 without Retry-After', reply: status(429), expect: 'retry' },
  { name: '429 Retry-After: 2 (honoured)', reply: RA('2'), expect: 'retry', minGap: 1_900 },
  { name: '429 Retry-After negative', reply: RA('-5'), expect: 'retry' },
  { name: '429 Retry-After huge (1e9 s)', reply: RA('999999999'), expect: 'retry', selfRetry: false },
  { name: '429 Retry-After an HTTP date in the past', reply: () => ({ status: 429, headers: { 'Retry-After': httpDate(-3_600_000) } }), expect: 'retry' },
  { name: '429 Retry-After an HTTP date an hour ahead', reply: () => ({ status: 429, headers: { 'Retry-After': httpDate(3_600_000) } }), expect: 'retry', selfRetry: false },
  { name: '429 Retry-After garbage', reply: RA('soon, maybe'), expect: 'retry' },
  { name: '429 Retry-After 0', reply: RA('0'), expect: 'retry' },
  { name: '500 Internal Server Error', reply: status(500), expect: 'retry' },
  { name: '502 Bad Gateway (HTML body)', reply: status(502, { 'content-type': 'text/html' }, '<h1>502</h1>'), expect: 'retry' },
  { name: '503 with Retry-After: 1', reply: status(503, { 'Retry-After': '1' }), expect: 'retry' },
  { name: '504 Gateway Timeout', reply: status(504), expect: 'retry' },
  { name: 'connection reset by the server', reply: () => 'reset', expect: 'retry' },
  { name: 'hang: a reply that never comes (delivery.timeout 1 s)', reply: () => 'hang', expect: 'retry', timeout: 1_000 },
  { name: 'network error: connection reset (page.route abort)', reply: status(200), expect: 'retry', abort: 'connectionreset' },
  { name: 'network error: aborted (page.route abort)', reply: status(200), expect: 'retry', abort: 'aborted' },
  { name: 'network error: internet disconnected (page.route abort)', reply: status(200), expect: 'retry', abort: 'internetdisconnected' },
]

// ---------------------------------------------------------------------------------------------

const config = (c: ServerCase) => ({ endpoint: '/collect', trackPages: false, delivery: { interval: 0, batchSize: 5, ...(c.timeout ? { timeout: c.timeout } : {}) } })
const N = 5

const delivery = (page: Page) => page.evaluate(() => window.momentkit.explain()?.delivery ?? null)
const trackRange = (page: Page, from: number, to: number, tag: string) =>
  page.evaluate(
    ([from, to, tag, name]) => {
      for (let i = from; i < to; i++) window.momentkit.track(name, { i, tag })
    },
    [from, to, tag, EVENT] as const,
  )
/** Test events (0..n-1) accepted exactly once, more than once, and never. */
function tally(stub: Stub, from: number, to: number): { once: number; doubled: number; missing: number } {
  let once = 0
  let doubled = 0
  let missing = 0
  for (let i = from; i < to; i++) {
    const n = stub.acceptedEvents.get(i) ?? 0
    if (n === 1) once++
    else if (n > 1) doubled++
    else missing++
  }
  return { once, doubled, missing }
}
/** Endpoint requests answered with the fault that carried test events. */
const faulted = (stub: Stub) => stub.posts.filter((p) => p.events.length || p.method === 'GET')

test.describe.configure({ timeout: 45_000 })

for (const c of CASES) {
  test(`server: ${c.name}`, async ({ page, logs, pageErrors }, testInfo) => {
    const stub = await startStub(config(c))
    try {
      let aborting = false
      const attempts: number[] = []
      if (c.abort) {
        await page.route('**/collect', (route) => {
          if (!aborting || route.request().method() !== 'POST') return route.continue()
          attempts.push(Date.now())
          return route.abort(c.abort)
        })
      }
      await page.goto(stub.url + '/page.html')
      await ready(page)
      // The page load's own messages (identify, first score) go out first, on a healthy endpoint.
      await expect.poll(async () => stub.accepted.size > 0 && (await delivery(page))?.queued === 0, { message: 'initial delivery' }).toBe(true)
      const before = (await delivery(page))!

      // The fault, while N test events are tracked.
      const earlier = new Set(stub.posts.flatMap((p) => p.ids))
      stub.fault = c.reply
      aborting = true
      await trackRange(page, 0, N, c.name)
      const tries = () => (c.abort ? attempts.length : faulted(stub).filter((p) => p.path === '/collect').length)
      let selfRetried = true
      let gap = Infinity
      if (c.expect === 'retry') {
        await expect.poll(tries, { message: 'first attempt' }).toBeGreaterThanOrEqual(1)
        if (c.selfRetry === false) {
          await page.waitForTimeout(2_500)
          selfRetried = tries() > 1
        } else {
          await expect.poll(tries, { message: 'the SDK retries by itself', timeout: 8_000 }).toBeGreaterThanOrEqual(2)
          const times = c.abort ? attempts : faulted(stub).filter((p) => p.path === '/collect').map((p) => p.at)
          gap = times[1] - times[0]
        }
      } else if (c.expect === 'drop') {
        // Until every test event has been refused (a batch may carry only some of them).
        await expect.poll(() => new Set(faulted(stub).flatMap((p) => p.events)).size, { message: 'all events refused' }).toBe(N)
        await expect.poll(async () => (await delivery(page))?.dropped ?? 0, { message: 'dropped count' }).toBeGreaterThanOrEqual(before.dropped + N)
      } else {
        await expect.poll(() => tally(stub, 0, N).once, { message: 'delivered', timeout: 8_000 }).toBe(N)
      }
      const during = (await delivery(page))!
      const keptWhileFailing = c.expect === 'retry' ? during.queued >= N && tally(stub, 0, N).missing === N : true

      // Recovery: the endpoint answers 200 again.
      stub.fault = null
      aborting = false
      if (c.expect === 'drop') await trackRange(page, N, N + 3, c.name)
      await page.evaluate(() => window.momentkit.flush())
      const total = c.expect === 'drop' ? N + 3 : N
      const from = c.expect === 'drop' ? N : 0
      await expect.poll(async () => tally(stub, from, total).missing === 0 && (await delivery(page))?.queued === 0, { message: 'delivered after recovery', timeout: 15_000 }).toBe(true)
      await page.waitForTimeout(500)
      const end = tally(stub, from, total)
      const after = (await delivery(page))!
      // With a short timeout, the page load's own messages may have been abandoned and re-sent (see `timeout`).
      const doubledIds = [...stub.accepted].filter(([id, n]) => n > 1 && !(c.timeout && earlier.has(id))).length
      if (doubledIds) testInfo.annotations.push({ type: 'doubled', description: JSON.stringify(stub.posts.map((p) => ({ n: p.n, t: p.at, path: p.path, reply: p.reply, ids: p.ids.map((id) => id.slice(0, 6) + ':' + (stub.types.get(id) ?? '')) }))) })
      const warned = sdkLogs(logs, 'warning').map((l) => l.text)
      const droppedEvents = c.expect === 'drop' ? tally(stub, 0, N) : null

      const checks = {
        noPageError: pageErrors.length === 0,
        allOnce: end.once === total - from && end.doubled === 0,
        noDuplicateIds: doubledIds === 0,
        kept: keptWhileFailing,
        retryTiming: c.expect !== 'retry' || (selfRetried === (c.selfRetry ?? true) && (!c.minGap || gap >= c.minGap)),
        dropped: c.expect !== 'drop' || (droppedEvents!.missing === N && after.dropped >= before.dropped + N && warned.some((w) => w.includes(`HTTP ${(c.reply({} as Post) as { status: number }).status}`))),
        noDropOtherwise: c.expect === 'drop' || after.dropped === before.dropped,
      }
      const survived = Object.values(checks).every(Boolean)
      const lost = end.missing + (c.expect === 'drop' ? 0 : 0)
      recordCase(testInfo, {
        suite: 'server',
        name: c.name,
        survived,
        lost,
        note: `${c.expect}: ${stub.posts.length} requests, retries ${after.retries - before.retries}, dropped ${after.dropped - before.dropped}${c.expect === 'drop' ? ' (by contract)' : ''}, lastError ${during.lastError}${Number.isFinite(gap) ? `, first retry after ${gap} ms` : ''}`,
      })

      expect(checks.kept, 'retryable: the events stay queued, none accepted, while the endpoint fails').toBe(true)
      expect(checks.retryTiming, `retry timing (retried by itself: ${selfRetried}, gap ${gap} ms)`).toBe(true)
      expect(end, 'every event delivered exactly once after recovery').toEqual({ once: total - from, doubled: 0, missing: 0 })
      expect(doubledIds, 'no message accepted twice').toBe(0)
      if (c.expect === 'drop') {
        expect(droppedEvents!.missing, 'refused events are not resent').toBe(N)
        expect(after.dropped).toBeGreaterThanOrEqual(before.dropped + N)
        expect(checks.dropped, `a warning names the status: ${warned.join(' | ')}`).toBe(true)
      } else {
        expect(after.dropped, 'nothing dropped').toBe(before.dropped)
      }
    } finally {
      await stub.close()
    }
  })
}
