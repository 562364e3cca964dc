/**
 * A burst of track() calls far bigger than a page normally makes, in one
 * synchronous loop (a host app replaying a backlog, a runaway loop): no
 * uncaught error (the `pageErrors` fixture), every event aggregated, and
 * delivery holding its cap: the newest events arrive as themselves, the
 * rest inside rollup counts, each exactly once. bench/track.mjs measures
 * what such a burst costs; this proves it is handled.
 */
import { test, expect, explain, ready } from './fixtures'

const CALLS = 250_000
const CONFIG = {
  model: {
    signals: { acts: { type: 'count', event: 'act', threshold: 1_000_000 } },
    dimensions: { use: { weight: 1, signals: ['acts'] } },
  },
  // A moment listening for another event: every 'act' goes past the moments engine.
  moments: [
    {
      id: 'limit-nudge', kind: 'nudge', on: { event: 'limit_reached' },
      copy: { en: { title: 'Limit reached', body: 'Upgrade for more.', cta: 'See plans', dismiss: 'Got it' } },
      cta: { url: '/pricing' },
    },
  ],
  endpoint: '/collect',
  delivery: { maxQueue: 2000 },
  trackPages: false,
}

test('250,000 track() calls in one loop: no error, all aggregated, delivered or rolled up exactly once', async ({ page, server }) => {
  test.setTimeout(120_000)
  server.page('/fixtures/burst.html', `<!doctype html><title>burst</title><script src="/dist/momentkit.iife.js" data-config='${JSON.stringify(CONFIG)}'></script>`)
  const seen = new Map<string, number>()
  let acts = 0
  await page.route('**/collect', async (route) => {
    const body = JSON.parse(route.request().postData() ?? '{}') as { messages?: Array<{ id: string; type: string; name?: string; counts?: Record<string, number> }> }
    for (const m of body.messages ?? []) {
      seen.set(m.id, (seen.get(m.id) ?? 0) + 1)
      if (seen.get(m.id) !== 1) continue
      if (m.type === 'event' && m.name === 'act') acts++
      if (m.type === 'rollup') acts += m.counts?.act ?? 0
    }
    await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' })
  })
  await page.goto('/fixtures/burst.html')
  await ready(page)

  await page.evaluate((n) => {
    for (let i = 0; i < n; i++) window.momentkit.track('act', { i: i % 10 })
  }, CALLS)

  await expect.poll(async () => (await explain(page))?.signals.acts?.value, { timeout: 60_000 }).toBe(CALLS)
  await expect.poll(() => acts, { timeout: 60_000, message: 'acts delivered, raw or in rollups' }).toBe(CALLS)
  const delivery = (await explain(page))!.delivery!
  expect(delivery.rolledUp).toBeGreaterThanOrEqual(CALLS - 2000)
  expect([...seen.values()].every((c) => c === 1), 'each message delivered once').toBe(true)
})
