/**
 * The real bundle in Chromium, on another origin than the REAL reference
 * collector, which rate-limits it: the 429s' Retry-After is readable across
 * origins (exposed by CORS), the SDK waits as asked, and every event arrives
 * exactly once.
 */
import { expect, ready } from './fixtures'
import { collectorTest } from './collector-fixture'

// 2 requests at once, then one a second: a burst of batches is limited several times.
const test = collectorTest({ rateLimit: { rate: 1, burst: 2 } })
test.describe.configure({ timeout: 90_000 })

test('a rate-limited burst: Retry-After is readable cross-origin, honoured, and every event arrives once', async ({ page, server, collector }) => {
  const userId = `rl-${process.pid}-${Date.now().toString(36)}`
  const config = { endpoint: collector.collectUrl, namespace: 'ns-' + userId, trackPages: false, delivery: { interval: 0, batchSize: 8 } }
  server.page('/rl.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rate limit</title>
<script>!function(w,k){if(w[k])return;var q=[],m=w[k]={q:q};["init","track","identify","reset","on","flush","destroy","preview","action","optIn","optOut"].forEach(function(f){m[f]=function(){q.push([f,arguments])}})}(window,"momentkit")</script>
<script>momentkit.init(${JSON.stringify(config)}); momentkit.identify(${JSON.stringify(userId)})</script>
<script async src="/dist/momentkit.iife.js"></script></head><body><h1>rate limit</h1></body></html>`)
  await page.goto('/rl.html')
  await ready(page)
  // The page's own fetch, as the SDK's transport sees it: past the burst, a 429 whose Retry-After it can read.
  const answers = await page.evaluate(async (url) => {
    const out: Array<[number, string | null]> = []
    for (let i = 0; i < 3; i++) {
      const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', credentials: 'omit' })
      out.push([r.status, r.headers.get('Retry-After')])
    }
    return out
  }, collector.collectUrl)
  expect(answers.at(-1)).toEqual([429, '1'])

  const n = 40
  await page.evaluate((count) => {
    for (let i = 0; i < count; i++) window.momentkit.track('feature_used', { feature: 'f' + (i % 5), i })
    void window.momentkit.flush()
  }, n)
  const stored = async () => (await collector.db.query<{ i: number }>(`select (body->'props'->>'i')::int as i from messages where type = 'event' and user_id = $1 order by 1`, [userId])).map((r) => r.i)
  await expect.poll(async () => (await stored()).length, { timeout: 60_000, intervals: [250, 500, 1000] }).toBe(n)
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.delivery?.queued ?? -1)).toBe(0)
  expect(await stored()).toEqual(Array.from({ length: n }, (_, i) => i))
  const d = await page.evaluate(() => window.momentkit.explain()?.delivery)
  expect(d).toMatchObject({ dropped: 0 })
  expect(d!.retries).toBeGreaterThan(0)
  expect(d!.lastError).toBe('HTTP 429')
})
