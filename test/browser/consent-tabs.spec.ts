/**
 * Consent across tabs of one origin, with real localStorage `storage` events and real IndexedDB:
 * quick changes of mind in one tab leave every tab, and what is stored, as the last choice says.
 */
import type { Page } from '@playwright/test'
import { test, expect, explain, ready } from './fixtures'

const SNIPPET = `!function(w,k){if(w[k])return;var q=[],m=w[k]={q:q};["init","track","identify","reset","on","flush","destroy","preview","action","optIn","optOut"].forEach(function(f){m[f]=function(){q.push([f,arguments])}})}(window,"momentkit")`

const html = (config: object) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>consent tabs</title>
<script>${SNIPPET}</script>
<script>momentkit.init(${JSON.stringify(config)})</script>
<script async src="/dist/momentkit.iife.js"></script>
</head><body><h1>consent tabs</h1></body></html>`

/** The keys of the namespace's state database (none when it does not exist). */
const stateKeys = (page: Page, ns: string) =>
  page.evaluate(
    (ns) =>
      new Promise<string[]>((resolve) => {
        const req = indexedDB.open(ns)
        req.onupgradeneeded = () => req.result.createObjectStore('state')
        req.onsuccess = () => {
          const d = req.result
          const r = d.transaction('state').objectStore('state').getAllKeys()
          r.onsuccess = () => (d.close(), resolve((r.result as string[]).map(String)))
        }
      }),
    ns,
  )

type Consenting = { optIn(): void; optOut(): Promise<void> }

function engage(): void {
  for (const feature of ['editor', 'export', 'search', 'comments']) window.momentkit.track('feature_used', { feature })
  window.momentkit.track('teammate_invited')
  window.momentkit.track('integration_connected')
}

test('optOut() then optIn() in one tab: a tab that follows late does not delete what the consenting tab stored since', async ({ context, server }) => {
  const ns = 'consent-race'
  server.page('/app.html', html({ namespace: ns, trackPages: false }))
  const a = await context.newPage()
  const b = await context.newPage()
  await a.goto('/app.html')
  await b.goto('/app.html')
  await ready(a)
  await ready(b)
  await a.evaluate(engage)
  await a.evaluate(() => window.momentkit.flush())

  // Tab B is busy (a long task of the host app) while the person changes their mind in tab A:
  // B sees both storage events only afterwards.
  const busy = b.evaluate(() => {
    const t = Date.now()
    while (Date.now() - t < 2500);
  })
  await a.waitForTimeout(100)
  await a.evaluate(async () => {
    const mk = window.momentkit as unknown as Consenting
    void mk.optOut()
    mk.optIn()
  })
  await expect.poll(async () => (await explain(a))?.ready).toBe(true)
  await a.evaluate(engage)
  await a.evaluate(() => window.momentkit.flush())
  const score = (await explain(a))!.score
  expect(score).toBeGreaterThan(0)
  expect(await stateKeys(a, ns)).toContain('identity')
  await busy

  // B has followed both choices: it runs again, and A's data is still there.
  await expect.poll(async () => (await explain(b))?.consent).toBe('granted')
  await expect.poll(async () => (await explain(b))?.ready).toBe(true)
  await b.waitForTimeout(500)
  expect(await stateKeys(a, ns)).toContain('identity')
  const anon = (await explain(a))!.user.anonymousId
  expect((await explain(b))!.user.anonymousId).toBe(anon)
  await a.reload()
  const again = await ready(a)
  expect(again.user.anonymousId).toBe(anon)
  expect(again.score).toBe(score)
})

/** Holds a read-write transaction on the namespace's state for `ms` (another tab's long write): IndexedDB queues the others behind it. */
const holdState = (page: Page, ns: string, ms: number) =>
  page.evaluate(
    ({ ns, ms }) =>
      new Promise<void>((resolve) => {
        const req = indexedDB.open(ns)
        req.onsuccess = () => {
          const tx = req.result.transaction('state', 'readwrite')
          const until = Date.now() + ms
          const spin = () => {
            if (Date.now() < until) tx.objectStore('state').get('nothing').onsuccess = spin
          }
          spin()
          tx.oncomplete = () => (req.result.close(), resolve())
        }
      }),
    { ns, ms },
  )

test('optOut() then optIn() while the deletion waits for a write: the tab that follows reads nothing of the refused data', async ({ context, server }) => {
  const ns = 'consent-race-read'
  server.page('/app.html', html({ namespace: ns, trackPages: false }))
  const a = await context.newPage()
  await a.goto('/app.html')
  await ready(a)
  await a.evaluate(engage)
  await a.evaluate(() => window.momentkit.flush())
  const b = await context.newPage()
  await b.goto('/app.html')
  const before = await ready(b)
  expect(before.signals.teammates_invited.value).toBe(1)

  // A third tab writes for a while; tab A's last write waits behind it, and so its deletion after
  // the opt-out. Meanwhile the person opts in again.
  const c = await context.newPage()
  server.page('/other.html', '<!doctype html><title>other</title>')
  await c.goto('/other.html')
  const held = holdState(c, ns, 1500)
  await a.evaluate(async () => {
    window.momentkit.track('teammate_invited')
    void window.momentkit.flush()
    await new Promise((r) => setTimeout(r, 100))
    const mk = window.momentkit as unknown as Consenting
    void mk.optOut()
    mk.optIn()
  })
  await held
  for (const page of [a, b]) {
    await expect.poll(async () => (await explain(page))?.consent).toBe('granted')
    await expect.poll(async () => (await explain(page))?.ready).toBe(true)
  }
  await b.waitForTimeout(300)
  // Neither tab kept the refused visitor's id or events: both run as one new anonymous visitor.
  const [sa, sb] = [(await explain(a))!, (await explain(b))!]
  expect(sa.user.anonymousId).not.toBe(before.user.anonymousId)
  expect(sb.user.anonymousId).toBe(sa.user.anonymousId)
  for (const s of [sa, sb]) expect(s.signals.teammates_invited.value).toBe(0)
})
