/**
 * Hardening suite, faults (issue 7): the script-tag bundle in Chromium with
 * one fault injected per test. Each checks that no uncaught error reaches
 * the page (the `pageErrors` fixture), that the host page keeps working,
 * that the events it tracked are still counted, stored and delivered (to a
 * stub collector) where that was possible, and that the SDK says so on the
 * console where it was not. Each case is recorded in the hardening tally
 * with the number of events it measured lost.
 *
 * Already covered elsewhere and not repeated here: IndexedDB missing
 * without delivery (no-indexeddb.spec.ts), the pagehide hand-over on reload
 * (persistence.spec.ts), destroy() (destroy.spec.ts), delivery retries
 * against the real collector (delivery.spec.ts).
 */
import type { Page } from '@playwright/test'
import { test, expect, ready, explain, sdkLogs, type ConsoleLine } from './fixtures'
import { GATE, NUDGE, host, titleOf } from './moments-helpers'
import {
  counted, countReaches, deliveredReaches, expectHostWorks, faultConfig, faultPage, storedActs, stubCollector, tally, trackActs,
} from './hardening-faults-helpers'

/** SDK warnings mentioning `what`. */
const warned = (logs: ConsoleLine[], what: RegExp): string[] => sdkLogs(logs, 'warning').map((l) => l.text).filter((t) => what.test(t))

/** The same origin and config without the fault: what a later visit finds. */
async function revisit(page: Page, server: Parameters<typeof faultPage>[0], cfg = faultConfig()): Promise<number> {
  await page.goto(faultPage(server, '/hf-clean.html', cfg))
  await ready(page)
  return counted(page)
}

// ---------------------------------------------------------------------------------------------
// IndexedDB

test('IndexedDB missing: events counted in memory and delivered, one warning', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-noidb.html', faultConfig(), { fault: 'delete window.indexedDB' }))
  expect(await ready(page)).toMatchObject({ storage: 'memory' })
  await trackActs(page, 10, 'noidb')
  const kept = Math.min(await countReaches(page, 10), await deliveredReaches(sink, 10, 'noidb'))
  expect(warned(logs, /IndexedDB is not available/)).toHaveLength(1)
  tally(info, pageErrors, 'IndexedDB missing', { tried: 10, kept, ok: await expectHostWorks(page), note: 'memory, delivered, one warning' })
})

const THROWING: Array<[name: string, fault: string, message: RegExp]> = [
  ['indexedDB.open throws SecurityError', `IDBFactory.prototype.open = function () { throw new DOMException('denied', 'SecurityError') }`, /IndexedDB failed \(SecurityError\)/],
  ['every transaction throws InvalidStateError', `IDBDatabase.prototype.transaction = function () { throw new DOMException('closing', 'InvalidStateError') }`, /IndexedDB failed \(InvalidStateError\)/],
  [
    'every read request fails asynchronously',
    `IDBObjectStore.prototype.get = function () { var r = {}; setTimeout(function () { r.error = new DOMException('broken', 'UnknownError'); r.onerror && r.onerror() }); return r }`,
    /IndexedDB failed \(UnknownError\)/,
  ],
]
for (const [name, fault, message] of THROWING) {
  test(`IndexedDB throwing (${name}): memory fallback with a warning naming it, nothing lost`, async ({ page, server, logs, pageErrors }, info) => {
    const sink = await stubCollector(page)
    await page.goto(faultPage(server, '/hf-idb-throws.html', faultConfig(), { fault }))
    expect(await ready(page)).toMatchObject({ storage: 'memory' })
    await trackActs(page, 10, 'throws')
    const kept = Math.min(await countReaches(page, 10), await deliveredReaches(sink, 10, 'throws'))
    expect(warned(logs, message).length, 'a warning naming the failure').toBeGreaterThanOrEqual(1)
    tally(info, pageErrors, `IndexedDB throwing: ${name}`, { tried: 10, kept, ok: await expectHostWorks(page), note: warned(logs, message)[0] })
  })
}

/** Holds back every IndexedDB open's success by STALL ms (negative: forever). */
const stall = (ms: number) => `(function () {
  var STALL = ${ms}, open = IDBFactory.prototype.open, d = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'onsuccess')
  IDBFactory.prototype.open = function () {
    var req = open.apply(this, arguments)
    Object.defineProperty(req, 'onsuccess', { configurable: true, get: function () { return d.get.call(req) }, set: function (fn) {
      d.set.call(req, fn && function (e) { if (STALL >= 0) setTimeout(function () { fn.call(req, e) }, STALL) })
    } })
    return req
  }
})()`

test('IndexedDB stalling 1.5 s at page load: nothing lost, no fallback, stored once it answers', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  // Tracked right after init, while IndexedDB has not answered yet.
  await page.goto(faultPage(server, '/hf-idb-slow.html', faultConfig(), { fault: stall(1500), after: `for (var i = 0; i < 10; i++) momentkit.track('act', { tag: 'slow', i: i })` }))
  const start = Date.now()
  expect(await ready(page)).toMatchObject({ storage: 'idb' })
  expect(Date.now() - start, 'the stall really held the SDK back').toBeGreaterThan(1000)
  const live = await countReaches(page, 10)
  const delivered = await deliveredReaches(sink, 10, 'slow')
  await page.evaluate(() => window.momentkit.flush())
  expect(warned(logs, /IndexedDB/)).toEqual([])
  const ok = await expectHostWorks(page)
  const stored = await revisit(page, server)
  expect(stored, 'the events were written once IndexedDB answered').toBe(10)
  tally(info, pageErrors, 'IndexedDB stalling 1.5 s', { tried: 10, kept: Math.min(live, delivered, stored), ok, note: 'waited, then stored in IndexedDB' })
})

test('IndexedDB stalling forever: memory after 5 s with a warning, events counted and delivered', async ({ page, server, logs, pageErrors }, info) => {
  test.setTimeout(45_000)
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-idb-hung.html', faultConfig(), { fault: stall(-1), after: `for (var i = 0; i < 5; i++) momentkit.track('act', { tag: 'hung', i: i })` }))
  await expectHostWorks(page)
  await expect.poll(async () => (await explain(page))?.ready ?? false, { timeout: 15_000 }).toBe(true)
  expect(await explain(page)).toMatchObject({ storage: 'memory' })
  await trackActs(page, 5, 'hung-later')
  const kept = Math.min(await countReaches(page, 10), (await deliveredReaches(sink, 5, 'hung', 15_000)) + (await deliveredReaches(sink, 5, 'hung-later', 15_000)))
  expect(warned(logs, /IndexedDB did not answer within 5000 ms; keeping data in memory/)).toHaveLength(1)
  tally(info, pageErrors, 'IndexedDB stalling forever', { tried: 10, kept, ok: await expectHostWorks(page), note: 'memory after 5 s, warning' })
})

test('IndexedDB quota exceeded mid-session: counted and delivered, kept for the next visit, warning "is full"', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  const fault = `window.quotaFull = false; (function () { var put = IDBObjectStore.prototype.put
    IDBObjectStore.prototype.put = function () { if (window.quotaFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); return put.apply(this, arguments) } })()`
  await page.goto(faultPage(server, '/hf-quota.html', faultConfig(), { fault }))
  await ready(page)
  await trackActs(page, 5, 'before')
  await countReaches(page, 5)
  await page.evaluate(() => window.momentkit.flush())
  expect(await storedActs(page)).toBe(5)

  await page.evaluate(() => ((window as unknown as { quotaFull: boolean }).quotaFull = true))
  await trackActs(page, 5, 'full')
  const live = await countReaches(page, 10)
  await page.evaluate(() => window.momentkit.flush())
  expect(await explain(page)).toMatchObject({ storage: 'memory' })
  expect(warned(logs, /IndexedDB is full; keeping data in memory/)).toHaveLength(1)
  const delivered = await deliveredReaches(sink, 10)
  const ok = await expectHostWorks(page)
  // Space is back on the next visit: what the full database could not take must be there.
  const stored = await revisit(page, server)
  expect(stored, 'events tracked while IndexedDB was full are kept for the next visit').toBe(10)
  tally(info, pageErrors, 'IndexedDB quota exceeded mid-session', { tried: 10, kept: Math.min(live, delivered, stored), ok, note: 'memory, warning "is full"' })
})

// Site data cleared while the page is open (DevTools, or the browser): the database goes, and with it
// the stored identity, so the next visit is a new anonymous visitor, as clearing means. This page
// goes on as the same user: it keeps counting, writes to a re-created database, and delivers.
test('IndexedDB wiped mid-session (site data cleared): the page keeps counting, storing and delivering', async ({ page, server, logs, pageErrors, baseURL }, info) => {
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-wipe.html', faultConfig()))
  await ready(page)
  await trackActs(page, 5, 'before')
  await countReaches(page, 5)
  await page.evaluate(() => window.momentkit.flush())
  expect(await storedActs(page)).toBe(5)

  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(baseURL!).origin, storageTypes: 'indexeddb' })
  await trackActs(page, 5, 'after')
  const live = await countReaches(page, 10)
  await page.evaluate(() => window.momentkit.flush())
  const stored = await storedActs(page)
  expect(stored, 'events tracked after the wipe are written again').toBeGreaterThanOrEqual(5)
  const delivered = await deliveredReaches(sink, 5, 'after')
  tally(info, pageErrors, 'IndexedDB wiped mid-session', {
    tried: 5, kept: Math.min(live - 5, stored ?? 0, delivered), ok: await expectHostWorks(page),
    note: `counted ${live} live, ${stored} in the re-created database; ${warned(logs, /IndexedDB/).join(' ') || 'no warning'}`,
  })
})

test('IndexedDB version change from another tab: the other tab is not blocked, this one loses nothing', async ({ page, server, context, logs, pageErrors }, info) => {
  await page.goto(faultPage(server, '/hf-version.html', faultConfig([], { endpoint: undefined })))
  await ready(page)
  await trackActs(page, 5, 'before')
  await countReaches(page, 5)
  await page.evaluate(() => window.momentkit.flush())

  // Another tab (a newer app version, say) upgrades the same database.
  const other = await context.newPage()
  await other.goto('/fixtures/score.html?noop')
  const upgrade = await other.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const req = indexedDB.open('momentkit', 50)
        req.onupgradeneeded = () => req.result.createObjectStore('from-another-tab')
        req.onblocked = () => setTimeout(() => resolve('blocked'), 3000)
        req.onsuccess = () => (req.result.close(), resolve('upgraded'))
        req.onerror = () => resolve('error ' + req.error?.name)
      }),
  )
  expect(upgrade, 'the other tab\'s upgrade went through').toBe('upgraded')
  await other.close()

  await trackActs(page, 5, 'after')
  const live = await countReaches(page, 10)
  await page.evaluate(() => window.momentkit.flush())
  const ok = await expectHostWorks(page)
  const stored = await revisit(page, server, faultConfig([], { endpoint: undefined }))
  expect(stored).toBe(10)
  tally(info, pageErrors, 'IndexedDB version change from another tab', { tried: 10, kept: Math.min(live, stored), ok, note: warned(logs, /IndexedDB/).join(' ') || 'reopened' })
})
