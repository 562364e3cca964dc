/**
 * Consent in real pages, real IndexedDB and real localStorage: optOut() in one
 * tab stops every tab, deletes what MomentKit stored and sends nothing more;
 * requireConsent keeps everything off until optIn(), also when the calls are
 * queued by the snippet before the bundle has loaded; a choice made after
 * destroy() still counts.
 */
import type { Page } from '@playwright/test'
import { test, expect, explain, ready } from './fixtures'

const SNIPPET = `!function(w,k){if(w[k])return;var q=[],m=w[k]={q:q};["init","track","identify","reset","on","flush","destroy","preview","action","optIn","optOut"].forEach(function(f){m[f]=function(){q.push([f,arguments])}})}(window,"momentkit")`

const html = (config: object, calls = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>consent</title>
<script>${SNIPPET}</script>
<script>momentkit.init(${JSON.stringify(config)});${calls}</script>
<script async src="/dist/momentkit.iife.js"></script>
</head><body><h1>consent</h1></body></html>`

/** Keys in each of MomentKit's IndexedDB stores for the namespace (absent database: 0). */
const storedKeys = (page: Page, ns: string) =>
  page.evaluate(async (ns) => {
    const count = (db: string, store: string) =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open(db)
        req.onupgradeneeded = () => req.result.createObjectStore(store)
        req.onsuccess = () => {
          const d = req.result
          if (!d.objectStoreNames.contains(store)) return d.close(), resolve(0)
          const r = d.transaction(store).objectStore(store).count()
          r.onsuccess = () => (d.close(), resolve(r.result))
        }
      })
    return { state: await count(ns, 'state'), outbox: await count(ns + '-outbox', 'outbox') }
  }, ns)

function engage(): void {
  for (const feature of ['editor', 'export', 'search', 'comments']) window.momentkit.track('feature_used', { feature })
  window.momentkit.track('teammate_invited')
  window.momentkit.track('integration_connected')
}

test('optOut() in one tab stops every tab, deletes what is stored, sends nothing more, and survives a reload', async ({ context, server }) => {
  const ns = 'consent-tabs'
  server.route('/collect', { status: 503, body: '' })
  server.page('/app.html', html({ namespace: ns, endpoint: '/collect', delivery: { interval: 0 } }))
  const a = await context.newPage()
  const b = await context.newPage()
  await a.goto('/app.html')
  await b.goto('/app.html')
  await ready(a)
  await ready(b)
  await a.evaluate(engage)
  await b.evaluate(engage)
  await a.evaluate(() => window.momentkit.flush())
  await b.evaluate(() => window.momentkit.flush())
  const before = await storedKeys(a, ns)
  expect(before.state).toBeGreaterThan(0)
  expect(before.outbox).toBeGreaterThan(0)

  await a.evaluate(() => (window.momentkit as unknown as { optOut(): Promise<void> }).optOut())
  await expect.poll(async () => (await explain(b))?.consent).toBe('denied')
  expect((await explain(a))?.consent).toBe('denied')
  expect((await explain(b))?.score).toBeNull()

  // The collector comes back; the other tab keeps being used: nothing goes out, nothing is stored.
  server.route('/collect', { status: 200, body: '{}' })
  const sent = server.requests.filter((p) => p.startsWith('/collect')).length
  await b.evaluate(engage)
  await b.evaluate(() => window.momentkit.flush())
  await expect.poll(() => storedKeys(a, ns)).toEqual({ state: 0, outbox: 0 })
  await b.waitForTimeout(500)
  expect(server.requests.filter((p) => p.startsWith('/collect')).length).toBe(sent)
  expect(await storedKeys(a, ns)).toEqual({ state: 0, outbox: 0 })

  await b.reload()
  await b.waitForFunction(() => typeof window.momentkit?.explain === 'function')
  expect((await explain(b))?.consent).toBe('denied')
  await b.evaluate(engage)
  await b.waitForTimeout(300)
  expect(await storedKeys(b, ns)).toEqual({ state: 0, outbox: 0 })
})

test('requireConsent: nothing runs before optIn(); optIn() queued by the snippet starts it, and other tabs follow', async ({ context, server }) => {
  const ns = 'consent-required'
  server.page('/pending.html', html({ namespace: ns, requireConsent: true }, "momentkit.track('teammate_invited')"))
  const a = await context.newPage()
  await a.goto('/pending.html')
  await a.waitForFunction(() => typeof window.momentkit?.explain === 'function')
  await a.evaluate(engage)
  await a.waitForTimeout(300)
  expect((await explain(a))?.consent).toBe('pending')
  expect((await explain(a))?.score).toBeNull()
  expect(await storedKeys(a, ns)).toEqual({ state: 0, outbox: 0 })

  // A second page of the app queues optIn() before the bundle loads (a consent cookie the app read).
  server.page('/granted.html', html({ namespace: ns, requireConsent: true }, 'momentkit.optIn()'))
  const b = await context.newPage()
  await b.goto('/granted.html')
  const started = await ready(b)
  expect(started.consent).toBe('granted')
  // The first tab follows the choice.
  await expect.poll(async () => (await explain(a))?.ready ?? false).toBe(true)
  await a.evaluate(engage)
  await a.evaluate(() => window.momentkit.flush())
  expect((await storedKeys(a, ns)).state).toBeGreaterThan(0)
})

test('script tag: optOut() after destroy() is remembered and deletes what is stored', async ({ page, server }) => {
  const ns = 'consent-review-destroyed'
  server.page('/app.html', html({ namespace: ns }))
  await page.goto('/app.html')
  await ready(page)
  await page.evaluate(engage)
  await page.evaluate(() => window.momentkit.flush())
  expect((await storedKeys(page, ns)).state).toBeGreaterThan(0)
  await page.evaluate(() => window.momentkit.destroy())
  await page.evaluate(() => (window.momentkit as unknown as { optOut(): Promise<void> }).optOut())
  await expect.poll(() => storedKeys(page, ns)).toEqual({ state: 0, outbox: 0 })
  expect(await page.evaluate((ns) => localStorage.getItem(`momentkit:${ns}:consent`), ns)).toBe('denied')
  await page.reload()
  await page.waitForFunction(() => typeof window.momentkit?.explain === 'function')
  await expect.poll(async () => (await explain(page))?.consent).toBe('denied')
})

/** A page that loads its config from data-config (a URL, or JSON) and queues `calls` before the bundle arrives. */
const fromUrl = (config: string, calls: string, attrs = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>consent</title>
<script>${SNIPPET}</script>
<script>${calls}</script>
<script async src="/dist/momentkit.iife.js" data-config='${config}' ${attrs}></script>
</head><body><h1>consent</h1></body></html>`

const choice = (page: Page, ns: string) => page.evaluate((ns) => localStorage.getItem(`momentkit:${ns}:consent`), ns)

test('optOut() queued while the data-config URL fails to load (404) is remembered and deletes what is stored; the next page honours it', async ({ page, server, logs }) => {
  // The default namespace: the config (when it loads) names none.
  server.route('/mk.json', { body: JSON.stringify({ trackPages: false }), headers: { 'content-type': 'application/json' } })
  server.page('/app.html', fromUrl('/mk.json', ''))
  await page.goto('/app.html')
  await ready(page)
  await page.evaluate(engage)
  await page.evaluate(() => window.momentkit.flush())
  expect((await storedKeys(page, 'momentkit')).state).toBeGreaterThan(0)

  // The collector's config is down on the page where the person clicks "Reject".
  server.route('/mk.json', { status: 404, body: 'not found', delayMs: 500 })
  await page.reload()
  await page.evaluate(() => (window.momentkit as unknown as { optOut(): void }).optOut())
  await expect.poll(() => logs.some((l) => l.text.includes('could not load the config from /mk.json'))).toBe(true)
  await expect.poll(() => choice(page, 'momentkit')).toBe('denied')
  await expect.poll(() => storedKeys(page, 'momentkit')).toEqual({ state: 0, outbox: 0 })

  // The config is back: the next page does not track the person.
  server.route('/mk.json', { body: JSON.stringify({ trackPages: false }), headers: { 'content-type': 'application/json' } })
  await page.reload()
  await page.waitForFunction(() => typeof window.momentkit?.explain === 'function')
  await expect.poll(async () => (await explain(page))?.consent).toBe('denied')
  await page.evaluate(engage)
  await page.waitForTimeout(300)
  expect(await storedKeys(page, 'momentkit')).toEqual({ state: 0, outbox: 0 })
})

test('queued optOut() with a config that cannot start: invalid JSON at the URL, invalid inline JSON, an invalid config', async ({ page, server }) => {
  // data-namespace names the namespace while the config is unknown (invalid JSON).
  server.route('/bad.json', { body: '{"namespace": "acme",', headers: { 'content-type': 'application/json' } })
  server.page('/a.html', fromUrl('/bad.json', 'momentkit.optOut()', 'data-namespace="acme"'))
  await page.goto('/a.html')
  await expect.poll(() => choice(page, 'acme')).toBe('denied')

  // Inline JSON that does not parse: the default namespace.
  server.page('/b.html', fromUrl('{"namespace": ', 'momentkit.optOut()'))
  await page.goto('/b.html')
  await expect.poll(() => choice(page, 'momentkit')).toBe('denied')

  // A config that parses but does not validate: its namespace, when that is valid, holds the choice.
  server.page('/c.html', fromUrl('{"namespace": "beta", "model": {"preset": "nope"}}', 'momentkit.optOut()'))
  await page.goto('/c.html')
  await expect.poll(() => choice(page, 'beta')).toBe('denied')

  // And an optOut() made later on such a page (the banner clicked after the failure) counts too.
  server.page('/d.html', fromUrl('/gone.json', '', 'data-namespace="gamma"'))
  server.route('/gone.json', { status: 500, body: '' })
  await page.goto('/d.html')
  await page.waitForFunction(() => typeof window.momentkit?.explain === 'function')
  await page.waitForTimeout(300)
  await page.evaluate(() => (window.momentkit as unknown as { optOut(): void }).optOut())
  await expect.poll(() => choice(page, 'gamma')).toBe('denied')

  // An optIn() is the person's choice too: kept, and the last choice made wins.
  server.page('/e.html', fromUrl('/gone.json', 'momentkit.optOut(); momentkit.optIn()', 'data-namespace="delta"'))
  await page.goto('/e.html')
  await expect.poll(() => choice(page, 'delta')).toBe('granted')
})

test('optOut() then an immediate reload (a consent banner that reloads on "Reject") while a delivery is in flight: what is stored is still deleted', async ({ page, server }) => {
  const ns = 'consent-reload'
  server.route('/collect', { status: 503, body: '' })
  server.page('/app.html', html({ namespace: ns, endpoint: '/collect', delivery: { interval: 0 } }))
  await page.goto('/app.html')
  await ready(page)
  await page.evaluate(engage)
  await page.evaluate(() => window.momentkit.flush())
  const before = await storedKeys(page, ns)
  expect(before.state).toBeGreaterThan(0)
  expect(before.outbox).toBeGreaterThan(0)
  // The collector is slow: a delivery is under way when the person clicks "Reject".
  server.route('/collect', { status: 200, body: '{}', delayMs: 4000 })
  const sent = server.requests.length
  await page.evaluate(() => void window.momentkit.flush())
  await expect.poll(() => server.requests.slice(sent).some((r) => r.startsWith('/collect'))).toBe(true)
  await Promise.all([
    page.waitForEvent('load'),
    page.evaluate(() => {
      void (window.momentkit as unknown as { optOut(): Promise<void> }).optOut()
      location.reload()
    }),
  ])
  await page.waitForFunction(() => typeof window.momentkit?.explain === 'function')
  expect((await explain(page))?.consent).toBe('denied')
  await expect.poll(() => storedKeys(page, ns), { timeout: 3000 }).toEqual({ state: 0, outbox: 0 })
})
