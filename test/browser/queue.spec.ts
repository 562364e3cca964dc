/**
 * The one-line snippet queues calls made before the async bundle has
 * loaded; the bundle replays them in order.
 *
 * Expected score for the queued events (five-dimension, fresh visit today):
 * 2 of 4 features (breadth 0.5 -> 12.5) + engagement 12.075 + 1 share link
 * (team 0.5 -> 10) + velocity 0 (first seen this week) = 34.575 -> 35 ("moderate").
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { test, expect, ready, scoreIs } from './fixtures'
import { ROOT } from './server'

const BUNDLE = '/dist/momentkit.iife.js'
const SNIPPET = readFileSync(resolve(ROOT, 'src/global.ts'), 'utf8').match(/<script>!function.*?<\/script>/)?.[0] ?? 'snippet not found in src/global.ts'
const queuedBeforeLoad = () => (window as unknown as { queuedBeforeLoad: number }).queuedBeforeLoad

test('the fixtures use the snippet exactly as documented in src/global.ts', () => {
  expect(SNIPPET).toMatch(/^<script>!function\(w,k\)/)
  for (const page of ['score.html', 'queue.html', 'queue-identify.html', 'queue-config-url.html']) {
    expect(readFileSync(resolve(ROOT, 'test/browser/fixtures', page), 'utf8'), page).toContain(SNIPPET)
  }
})

test('track and on called before the bundle loads are replayed after init', async ({ page, server }) => {
  // Hold the bundle back so the page certainly runs on the stub first.
  server.route(BUNDLE, { delayMs: 1500 })
  await page.goto('/fixtures/queue.html', { waitUntil: 'domcontentloaded' })
  expect(await page.evaluate(queuedBeforeLoad)).toBe(5)
  expect(await page.evaluate(() => typeof window.momentkit.explain)).toBe('undefined')

  const state = await scoreIs(page, 35)
  expect(state).toMatchObject({ ready: true, tier: 'moderate', storage: 'idb', user: { userId: null } })
  expect(state.signals.features_used.value).toBe(2)
  expect(state.signals.share_links.value).toBe(1)
  expect(state.topFeatures).toEqual([
    { name: 'editor', count: 1 },
    { name: 'export', count: 1 },
  ])
  // The bundle replaced the stub.
  expect(await page.evaluate(() => 'q' in window.momentkit)).toBe(false)
  // The listener was queued before init, so it saw the very first tier.
  const tiers = await page.evaluate(() => window.tierEvents.map((e) => [e.from, e.to, e.score]))
  expect(tiers).toEqual([[null, 'moderate', 35]])
})

test('calls queued while the config loads from a URL run once it has loaded', async ({ page, server }) => {
  server.route('/fixtures/config.json', { delayMs: 300 })
  await page.goto('/fixtures/queue-config-url.html')
  // config.json: 2 of 4 projects -> 50
  const state = await scoreIs(page, 50)
  expect(state).toMatchObject({ modelVersion: 'from-url', tier: 'moderate' })
  expect(state.signals.projects.value).toBe(2)
  expect(server.requests.filter((r) => r === '/fixtures/config.json')).toHaveLength(1)
})

test('identify() after the stored state has loaded names the user and keeps the anonymous events', async ({ page }) => {
  await page.goto('/fixtures/queue.html')
  await scoreIs(page, 35)
  await page.evaluate(() => window.momentkit.identify('user-42', { accountId: 'acme' }))
  await expect.poll(async () => (await ready(page)).user.userId).toBe('user-42')
  const state = await scoreIs(page, 35)
  expect(state.user.accountId).toBe('acme')
  expect(state.signals.features_used.value).toBe(2)
})

// identify() or reset() called before the stored identity has loaded run in call
// order once it has: events tracked before them belong to the previous identity.
test('track and identify queued before the bundle loads: events counted for the identified user', async ({ page, server }) => {
  server.route(BUNDLE, { delayMs: 1500 })
  await page.goto('/fixtures/queue-identify.html', { waitUntil: 'domcontentloaded' })
  expect(await page.evaluate(queuedBeforeLoad)).toBe(6)

  const state = await scoreIs(page, 35)
  expect(state).toMatchObject({ tier: 'moderate', user: { userId: 'user-42', accountId: 'acme' } })
  expect(state.signals.features_used.value).toBe(2)
  expect(state.signals.share_links.value).toBe(1)
  // Events tracked before identify() are scored for the anonymous visitor first, then carried over:
  // ending in moderate, and nothing drops afterwards.
  await page.waitForTimeout(300)
  const tiers = await page.evaluate(() => window.tierEvents.map((e) => [e.from, e.to, e.direction]))
  expect(tiers[tiers.length - 1][1]).toBe('moderate')
  expect(tiers.every((t) => t[2] === 'up')).toBe(true)

  // And the identified user's state is what comes back after a reload.
  await page.evaluate(() => window.momentkit.flush())
  await page.route('**/fixtures/queue-identify.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<script async src="${BUNDLE}" data-config='{}'></script>` }),
  )
  await page.reload()
  expect(await ready(page)).toMatchObject({ score: 35, tier: 'moderate', storage: 'idb', user: { userId: 'user-42', accountId: 'acme' } })
})

test('order matters: reset() between queued calls starts a fresh anonymous user', async ({ page, server }) => {
  server.page(
    '/fixtures/queue-reset.html',
    `<!doctype html>${SNIPPET}<script>
      momentkit.identify('user-1')
      momentkit.track('project_created')
      momentkit.track('project_created')
      momentkit.reset()
      momentkit.track('project_created')
      momentkit.init({ trackPages: false, model: { signals: { projects: { type: 'count', event: 'project_created', threshold: 4 } }, dimensions: { d: { weight: 1, signals: ['projects'] } } } })
    </script><script async src="${BUNDLE}"></script>`,
  )
  await page.goto('/fixtures/queue-reset.html')
  // Only the project tracked after reset() belongs to the new anonymous user: 1 of 4 -> 25.
  await scoreIs(page, 25)
  await page.waitForTimeout(300)
  const state = await scoreIs(page, 25)
  expect(state.user.userId).toBeNull()
  expect(state.signals.projects.value).toBe(1)
  // The two projects tracked between identify() and reset() stayed with user-1; back as user-1, the
  // one tracked logged out is added to theirs (as PostHog and Segment attribute it): 3 of 4 -> 75.
  await page.evaluate(() => window.momentkit.identify('user-1'))
  const back = await scoreIs(page, 75)
  expect(back.user.userId).toBe('user-1')
  expect(back.signals.projects.value).toBe(3)
})

// destroy() and flush() made while the data-config URL loads wait for it like other calls:
// a destroy() replayed right after init leaves the SDK stopped.
test('destroy() queued while the data-config URL loads: the SDK does not keep running once the config arrives', async ({ page, server }) => {
  await page.addInitScript(() => {
    ;(window as unknown as { nativePushState: unknown }).nativePushState = history.pushState
  })
  server.route('/fixtures/config.json', { delayMs: 500 })
  server.page(
    '/fixtures/queue-destroy.html',
    `<!doctype html>${SNIPPET}<script>
      momentkit.track('project_created')
      momentkit.destroy() // the app unmounts, or the user opted out, before the config arrived
    </script><script async src="${BUNDLE}" data-config="/fixtures/config.json"></script>`,
  )
  await page.goto('/fixtures/queue-destroy.html')
  await expect.poll(() => server.requests.includes('/fixtures/config.json')).toBe(true)
  await page.waitForTimeout(1500)
  const state = await page.evaluate(() => ({
    explained: window.momentkit.explain(),
    historyPatched: history.pushState !== (window as unknown as { nativePushState: unknown }).nativePushState,
  }))
  expect(state).toEqual({ explained: null, historyPatched: false })
})

test('destroy() queued while the data-config URL fails to load: a later init() starts the SDK', async ({ page, server, logs }) => {
  server.page(
    '/fixtures/queue-destroy-404.html',
    `<!doctype html>${SNIPPET}<script>momentkit.destroy()</script><script async src="${BUNDLE}" data-config="/fixtures/nope.json"></script>`,
  )
  await page.goto('/fixtures/queue-destroy-404.html')
  await expect.poll(() => logs.some((l) => l.text.includes('could not load the config from /fixtures/nope.json'))).toBe(true)
  await page.evaluate(() => window.momentkit.init({ model: { preset: 'five-dimension' } }))
  expect(await ready(page)).toMatchObject({ ready: true, storage: 'idb' })
})

test('on() before init returns a working unsubscribe function: before the config arrives, once replayed, and after destroy()', async ({ page, server }) => {
  server.route('/fixtures/config.json', { delayMs: 1500 })
  server.page('/fixtures/queue-on.html', `<!doctype html>${SNIPPET}<script async src="${BUNDLE}" data-config="/fixtures/config.json"></script>`)
  await page.goto('/fixtures/queue-on.html', { waitUntil: 'domcontentloaded' })
  await expect.poll(() => page.evaluate(() => typeof window.momentkit.explain)).toBe('function')
  const early = await page.evaluate(() => {
    const w = window as unknown as { seen: Record<string, number>; offKept: () => void }
    w.seen = { dropped: 0, kept: 0 }
    const offDropped = window.momentkit.on('score', () => w.seen.dropped++)
    w.offKept = window.momentkit.on('score', () => w.seen.kept++)
    offDropped() // before the config has arrived: the listener never subscribes
    return [typeof offDropped, typeof w.offKept, window.momentkit.explain()]
  })
  expect(early).toEqual(['function', 'function', null])
  await ready(page)
  await page.evaluate(() => window.momentkit.track('project_created'))
  await scoreIs(page, 25)
  const seen = () => page.evaluate(() => ({ ...(window as unknown as { seen: Record<string, number> }).seen }))
  const afterReplay = await seen()
  expect(afterReplay.dropped).toBe(0)
  expect(afterReplay.kept).toBeGreaterThan(0)
  // Once replayed, the same function unsubscribes from the instance.
  await page.evaluate(() => (window as unknown as { offKept: () => void }).offKept())
  await page.evaluate(() => window.momentkit.track('project_created'))
  await scoreIs(page, 50)
  expect(await seen()).toEqual(afterReplay)
  // After destroy(), on() is ignored but still answers a function.
  const late = await page.evaluate(async () => {
    await window.momentkit.destroy()
    const off = window.momentkit.on('score', () => {})
    off()
    return typeof off
  })
  expect(late).toBe('function')
})
