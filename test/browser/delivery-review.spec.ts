/**
 * Delivery review, end to end: the built bundle in Chromium posting to the real reference collector
 * (PGlite in memory), through a small proxy where a fault is needed.
 *
 * 1. A message the collector refuses (dated days ahead by a clock that was wrong) costs only itself:
 *    the other messages of its batch are stored.
 * 2. A 429 with Retry-After answered to one tab holds the other tab back too; flush() still sends.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { expect } from './fixtures'
import { type Collector, collectorTest, open, servePage, uniq } from './collector-fixture'


const test = collectorTest()
test.describe.configure({ timeout: 60_000 })
test.use({ permissions: ['local-network-access'] })

async function storedEvents(c: Collector, userId: string): Promise<string[]> {
  const rows = await c.db.query<{ body: { name: string } }>(`select body from messages where type = 'event' and user_id = $1 order by seq`, [userId])
  return rows.map((r) => r.body.name).sort()
}



/** Forwards to the collector; a POST answered by `fault` (when it returns a status) is not forwarded. */
async function proxy(target: string, fault: (n: number) => { status: number; headers?: Record<string, string> } | null) {
  const posts: number[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (d: Buffer) => chunks.push(d))
    req.on('end', () => {
      const cors: Record<string, string> = req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' } : {}
      const v = req.method === 'POST' ? fault(posts.push(Date.now())) : null
      if (v) return res.writeHead(v.status, { 'Content-Type': 'application/json', ...cors, ...v.headers }), res.end('{"error":"injected"}')
      const up = request(target + (req.url ?? '/'), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      })
      up.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`, posts, close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))) }
}

test('a message the collector refuses (dated days ahead by a wrong clock) costs only itself, not its batch', async ({ page, context, collector }) => {
  const userId = uniq('skew')
  const url = await servePage(context, { endpoint: collector.collectUrl, namespace: uniq('ns'), userId, batchSize: 50 })
  // The device clock, which the test can set wrong (the SDK reads Date.now).
  await page.addInitScript(() => {
    const real = Date.now
    ;(window as unknown as { skew: number }).skew = 0
    Date.now = () => real() + (window as unknown as { skew: number }).skew
  })
  await open(page, url, userId)
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.delivery?.sent ?? 0)).toBeGreaterThan(0)
  await context.setOffline(true)
  // The device clock runs three days ahead while offline, then is put right.
  await page.evaluate(() => ((window as unknown as { skew: number }).skew = 3 * 86_400_000))
  await page.evaluate(() => window.momentkit.track('while_skewed'))
  await page.waitForTimeout(100)
  await page.evaluate(() => ((window as unknown as { skew: number }).skew = 0))
  await page.evaluate(() => ['after_a', 'after_b', 'after_c'].forEach((n) => window.momentkit.track(n)))
  await page.waitForTimeout(100)
  await context.setOffline(false)
  await page.evaluate(() => window.momentkit.flush())
  await expect.poll(() => storedEvents(collector, userId), { timeout: 20_000 }).toEqual(['after_a', 'after_b', 'after_c'])
  const d = await page.evaluate(() => window.momentkit.explain()?.delivery)
  // Dropped: what was made while the clock was wrong (the event, and the score snapshot it may have made).
  expect(d).toMatchObject({ queued: 0 })
  expect(d!.dropped).toBeGreaterThanOrEqual(1)
  expect(d!.dropped).toBeLessThanOrEqual(2)
})

test('a 429 with Retry-After answered to one tab holds the other tab back too; flush() still sends', async ({ page, context, collector }) => {
  const userId = uniq('wait')
  let armed = false
  let limited = 0
  const p = await proxy(collector.url, () => (armed && !limited++ ? { status: 429, headers: { 'Retry-After': '30' } } : null))
  try {
    const url = await servePage(context, { endpoint: p.url, namespace: uniq('ns'), userId, batchSize: 50 })
    const b = await context.newPage()
    await open(page, url, userId)
    await open(b, url, userId)
    await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.delivery?.queued ?? -1)).toBe(0)
    await expect.poll(() => b.evaluate(() => window.momentkit.explain()?.delivery?.queued ?? -1)).toBe(0)
    armed = true
    await page.evaluate(() => window.momentkit.track('from_a'))
    await expect.poll(() => limited).toBe(1)
    const before = p.posts.length
    // Tab B tracks: its outbox drains (interval 0) and must wait for the time the server asked for.
    await b.evaluate(() => window.momentkit.track('from_b'))
    await b.waitForTimeout(1500)
    expect(p.posts.length - before, 'requests sent within the Retry-After wait').toBe(0)
    await b.evaluate(() => window.momentkit.flush())
    await expect.poll(() => storedEvents(collector, userId), { timeout: 20_000 }).toEqual(['from_a', 'from_b'])
  } finally {
    await p.close()
  }
})
