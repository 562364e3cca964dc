/**
 * Pieces of test/browser/hardening-faults.spec.ts: a host page with a fault
 * injected before the bundle, a stub collector that records what arrives,
 * and ways to count what the SDK kept (live, in IndexedDB, delivered).
 *
 * Pages are built with momentPage() (moments-helpers.ts) on the test model
 * there, so every `act` event adds 1 to the `acts` signal and counts are
 * read from explain().signals.acts.value.
 */
import type { Page, Route, TestInfo } from '@playwright/test'
import { expect, explain } from './fixtures'
import { recordCase } from './hardening'
import { config, momentPage } from './moments-helpers'
import type { TestServer } from './server'

/** Host code the page runs before MomentKit: a button that counts its clicks. */
const HOST = `<script>window.hostClicks = 0; addEventListener('click', function (e) { if (e.target && e.target.id === 'host-first') window.hostClicks++ })</script>`

export interface FaultPageOptions {
  /** JS source run before the bundle loads (the fault). */
  fault?: string
  /** JS source run right after init. */
  after?: string
  /** Extra markup at the end of <main>. */
  body?: string
}

/** A host page at `path` with `cfg`, the fault injected in <head> before the bundle. */
export function faultPage(server: TestServer, path: string, cfg: unknown, o: FaultPageOptions = {}): string {
  const fault = o.fault ? `<script>${o.fault}</script>` : ''
  return momentPage(server, path, cfg, { head: HOST + fault, after: o.after, body: o.body })
}

/** The moments test config with an endpoint, delivering every `interval` ms (default: at once). */
export function faultConfig(moments: unknown[] = [], extra: Record<string, unknown> = {}, interval = 0): Record<string, unknown> {
  return config(moments, { endpoint: '/collect', delivery: { interval, batchSize: 50 }, ...extra })
}

/** The host page still works: its button's click handler runs and its content is in place. */
export async function expectHostWorks(page: Page): Promise<boolean> {
  const before = await page.evaluate(() => (window as unknown as { hostClicks: number }).hostClicks)
  await page.locator('#host-first').click()
  await expect.poll(() => page.evaluate(() => (window as unknown as { hostClicks: number }).hostClicks)).toBe(before + 1)
  await expect(page.getByRole('heading', { name: 'Acme Projects' })).toBeVisible()
  await page.locator('#host-input').fill('still typing')
  await expect(page.locator('#host-input')).toHaveValue('still typing')
  return true
}

/** Tracks `n` `act` events tagged with `tag` and a running index. */
export const trackActs = (page: Page, n: number, tag: string): Promise<void> =>
  page.evaluate(([n, tag]) => {
    for (let i = 0; i < n; i++) window.momentkit.track('act', { tag, i })
  }, [n, tag] as const)

/** `act` events the SDK counts right now (explain().signals.acts.value), or -1 without an instance. */
export async function counted(page: Page): Promise<number> {
  const e = await explain(page)
  return (e?.signals?.acts?.value as number | undefined) ?? -1
}

/** Waits until the SDK counts `n` `act` events; answers the count it reached (for the tally). */
export async function countReaches(page: Page, n: number, timeout = 5000): Promise<number> {
  await expect.poll(() => counted(page), { message: `acts counted to reach ${n}`, timeout }).toBe(n)
  return counted(page)
}

/** What a stored user's aggregates say about `act` (all-time total in IndexedDB), read with raw IndexedDB. */
export function storedActs(page: Page, namespace = 'momentkit'): Promise<number | null> {
  return page.evaluate(
    (ns) =>
      new Promise<number | null>((resolve) => {
        const user = window.momentkit.explain()?.user
        if (!user) return resolve(null)
        const key = 'agg:' + (user.userId ? 'u:' + user.userId : 'a:' + user.anonymousId)
        const open = indexedDB.open(ns)
        open.onerror = () => resolve(null)
        open.onsuccess = () => {
          const db = open.result
          try {
            const get = db.transaction('state').objectStore('state').get(key)
            get.onsuccess = () => (db.close(), resolve(get.result?.total?.act ?? 0))
            get.onerror = () => (db.close(), resolve(null))
          } catch {
            db.close()
            resolve(null)
          }
        }
      }),
    namespace,
  )
}

// ---------------------------------------------------------------------------------------------
// The stub collector.

interface WireMessage {
  id: string
  type: string
  name?: string
  props?: Record<string, unknown>
}

export interface Sink {
  /** Every POST body received, parsed (null when it was not JSON of a batch). */
  posts: Array<{ beacon: boolean; messages: WireMessage[] | null; raw: string }>
  /** Distinct `act` event message ids received. */
  acts(tag?: string): number
  /** Answer with this status from now on (default 200). */
  status: number
}

/** Records what reaches /collect (fetch, keepalive fetch or beacon) on this page's context. */
export async function stubCollector(page: Page): Promise<Sink> {
  const sink: Sink = {
    posts: [],
    status: 200,
    acts(tag) {
      const ids = new Set<string>()
      for (const p of sink.posts)
        for (const m of p.messages ?? []) if (m.type === 'event' && m.name === 'act' && (tag === undefined || m.props?.tag === tag)) ids.add(m.id)
      return ids.size
    },
  }
  await page.context().route('**/collect', async (route: Route) => {
    const req = route.request()
    if (req.method() !== 'POST') return route.fulfill({ status: 204, body: '' })
    const raw = req.postData() ?? ''
    let messages: WireMessage[] | null = null
    try {
      const body = JSON.parse(raw)
      messages = Array.isArray(body?.messages) ? body.messages : null
    } catch {
      messages = null
    }
    // The SDK's beacons go as text/plain (its fetches as JSON).
    const beacon = req.resourceType() === 'ping' || req.headers()['content-type']?.startsWith('text/plain') === true
    sink.posts.push({ beacon, messages, raw })
    await route.fulfill({ status: sink.status, contentType: 'application/json', body: '{"ok":true}' }).catch(() => {})
  })
  return sink
}

/** Waits until the stub has received `n` distinct `act` events (with `tag`); answers how many arrived. */
export async function deliveredReaches(sink: Sink, n: number, tag?: string, timeout = 10_000): Promise<number> {
  await expect.poll(() => sink.acts(tag), { message: `act events delivered${tag ? ` (${tag})` : ''}`, timeout }).toBeGreaterThanOrEqual(n)
  return sink.acts(tag)
}

// ---------------------------------------------------------------------------------------------
// The tally.

export interface Outcome {
  /** Items the page tried to keep (events tracked). */
  tried: number
  /** Of those, how many were kept where they should be (counted, stored, delivered: the weakest link). */
  kept: number
  /** The host page still worked and the SDK answered (or said clearly why not). */
  ok: boolean
  note?: string
}

/** Records a fault case from what the test measured; `survived` also needs no uncaught page error. */
export function tally(info: TestInfo, pageErrors: Error[], name: string, o: Outcome): void {
  recordCase(info, { suite: 'fault', name, survived: o.ok && pageErrors.length === 0, lost: Math.max(0, o.tried - o.kept), note: o.note })
}

/**
 * Serves the page at `path` again as cacheable: the test server marks everything no-store, which
 * keeps a page out of the back/forward cache.
 */
export async function cacheable(server: TestServer, path: string): Promise<string> {
  const html = await (await fetch(server.url + path)).text()
  server.page(path, html, { 'cache-control': 'private, max-age=0' })
  return path
}
