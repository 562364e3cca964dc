/**
 * The real reference collector (src/collector/server.ts, PGlite in memory) for the delivery specs:
 * `collectorTest(options)` is the shared `test` with a `collector` fixture, one per worker (each
 * test uses its own user, so counts never mix).
 */
import { readFileSync } from 'node:fs'
import { register } from 'node:module'
import { resolve } from 'node:path'
import type { BrowserContext, Page } from '@playwright/test'
import { test as base, expect, ready } from './fixtures'
import { ROOT } from './server'
import type { Collector } from '../../src/collector/server'
import type { CollectorOptions } from '../../src/collector/options'

// The collector imports 'ajv/dist/2020' without an extension, which Vite (vitest) resolves but
// Node's ESM loader (which Playwright uses) does not: add the extension with a resolve hook,
// then load the collector.
register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(s, c, next) { return next(s === 'ajv/dist/2020' ? 'ajv/dist/2020.js' : s, c) }`),
)
const { startCollector } = await import('../../src/collector/server')

export type { Collector }

export const collectorTest = (options: CollectorOptions = {}) =>
  base.extend<{}, { collector: Collector }>({
    collector: [
      async ({}, use) => {
        const c = await startCollector({ port: 0, pgliteDir: 'memory://', log: false, ...options })
        await use(c)
        await c.close()
      },
      { scope: 'worker', timeout: 60_000 },
    ],
  })

let seq = 0
/** A name no other test or worker uses (user ids, namespaces). */
export const uniq = (what: string): string => `${what}-${process.pid}-${Date.now().toString(36)}-${seq++}`

export const BUNDLE = readFileSync(resolve(ROOT, 'dist/momentkit.iife.js'))
/** Never contacted: every request to it is answered by context.route. */
export const ORIGIN = 'http://127.0.0.1:9'

/** The page: snippet, config, identify, bundle. Served by context.route (works offline too). */
export async function servePage(context: BrowserContext, o: { endpoint: string; namespace: string; userId: string; batchSize?: number; timeout?: number }): Promise<string> {
  const config = { endpoint: o.endpoint, namespace: o.namespace, trackPages: false, delivery: { interval: 0, batchSize: o.batchSize ?? 10, ...(o.timeout ? { timeout: o.timeout } : {}) } }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>delivery</title>
<script>!function(w,k){if(w[k])return;var q=[],m=w[k]={q:q};["init","track","identify","reset","on","flush","destroy","preview","action","optIn","optOut"].forEach(function(f){m[f]=function(){q.push([f,arguments])}})}(window,"momentkit")</script>
<script>momentkit.init(${JSON.stringify(config)}); momentkit.identify(${JSON.stringify(o.userId)})</script>
<script async src="/dist/momentkit.iife.js"></script>
</head><body><h1>delivery</h1></body></html>`
  await context.route(ORIGIN + '/**', (route) => {
    const path = new URL(route.request().url()).pathname
    if (path === '/dist/momentkit.iife.js') return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: BUNDLE, headers: { 'cache-control': 'no-store' } })
    if (path === '/delivery.html') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html, headers: { 'cache-control': 'no-store' } })
    return route.fulfill({ status: 204, body: '' })
  })
  return ORIGIN + '/delivery.html'
}

/** Opens the page and waits until the SDK has loaded its stored state and the identify call ran. */
export async function open(page: Page, url: string, userId: string): Promise<void> {
  await page.goto(url)
  await ready(page)
  await expect.poll(async () => (await page.evaluate(() => window.momentkit.explain()?.user?.userId ?? null)), { message: 'identified' }).toBe(userId)
}
