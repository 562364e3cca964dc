/** Review of consent through the script tag: a choice made after destroy() still counts. */
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
