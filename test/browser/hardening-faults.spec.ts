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
import { findChromium } from '../../scripts/chromium.mjs'
import { test, expect, ready, explain, sdkLogs, type ConsoleLine } from './fixtures'
import { GATE, NUDGE, host, titleOf } from './moments-helpers'
import {
  cacheable, counted, countReaches, deliveredReaches, expectHostWorks, faultConfig, faultPage, storedActs, stubCollector, tally, trackActs,
} from './hardening-faults-helpers'

/** SDK warnings mentioning `what`. */
const warned = (logs: ConsoleLine[], what: RegExp): string[] => sdkLogs(logs, 'warning').map((l) => l.text).filter((t) => what.test(t))

/** The same origin and config without the fault: what a later visit finds. */
async function revisit(page: Page, server: Parameters<typeof faultPage>[0], cfg = faultConfig()): Promise<number> {
  await page.goto(faultPage(server, '/hf-clean.html', cfg))
  await ready(page)
  return counted(page)
}

// Playwright launches Chromium with --disable-back-forward-cache: this file's browser runs without it,
// so the page lifecycle test below goes through the real cache (nothing else here uses it).
test.use({
  launchOptions: {
    executablePath: findChromium()!,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox', '--disable-gpu'],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
})

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

/** Holds back the completion of every read-write transaction by window.stallWrites ms while it is set. */
const STALL_WRITES = `window.stallWrites = 0; (function () {
  var tx = IDBDatabase.prototype.transaction, d = Object.getOwnPropertyDescriptor(IDBTransaction.prototype, 'oncomplete')
  IDBDatabase.prototype.transaction = function (names, mode) {
    var t = tx.apply(this, arguments), ms = mode === 'readwrite' ? window.stallWrites : 0
    if (ms > 0) Object.defineProperty(t, 'oncomplete', { configurable: true, get: function () { return d.get.call(t) }, set: function (fn) {
      d.set.call(t, fn && function (e) { setTimeout(function () { fn.call(t, e) }, ms) })
    } })
    return t
  }
})()`

test('IndexedDB writes stalling mid-session, 1.5 s then 7 s: waits, then memory with a warning; stored exactly once', async ({ page, server, logs, pageErrors }, info) => {
  test.setTimeout(60_000)
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-idb-stall-writes.html', faultConfig(), { fault: STALL_WRITES }))
  await ready(page)
  const stallWrites = (ms: number) => page.evaluate((ms) => ((window as unknown as { stallWrites: number }).stallWrites = ms), ms)
  await stallWrites(1500)
  await trackActs(page, 5, 'slow')
  await countReaches(page, 5)
  await page.evaluate(() => window.momentkit.flush())
  expect(await explain(page), 'a 1.5 s stall is waited for').toMatchObject({ storage: 'idb' })
  // Longer than the SDK waits (5 s): it gives up on IndexedDB for this page, though the write still lands.
  await stallWrites(7000)
  await trackActs(page, 5, 'hung')
  await countReaches(page, 10)
  await page.evaluate(() => window.momentkit.flush())
  expect(await explain(page)).toMatchObject({ storage: 'memory' })
  expect(warned(logs, /IndexedDB did not answer within 5000 ms; keeping data in memory/)).toHaveLength(1)
  await trackActs(page, 5, 'memory')
  const live = await countReaches(page, 15)
  await page.evaluate(() => window.momentkit.flush())
  const delivered = await deliveredReaches(sink, 15, undefined, 20_000)
  const ok = await expectHostWorks(page)
  await page.waitForTimeout(2500)
  const stored = await revisit(page, server)
  expect(stored, 'the write that timed out landed late and is not handed over again; the later ones are').toBe(15)
  tally(info, pageErrors, 'IndexedDB writes stalling mid-session (1.5 s, then 7 s)', { tried: 15, kept: Math.min(live, delivered, stored), ok, note: 'memory after 5 s, warning; stored once' })
})

/** While window.holdWrites is set, a user's aggregates are never put: the transaction stays busy (a chain of reads) until the page unloads and Chromium drops it. */
const HOLD_AGG_WRITES = `window.holdWrites = false; window.heldWrites = 0; (function () {
  var put = IDBObjectStore.prototype.put
  IDBObjectStore.prototype.put = function (value, key) {
    if (!window.holdWrites || String(key).indexOf('agg:') !== 0) return put.apply(this, arguments)
    var store = this
    ;(function spin() { store.get(key).onsuccess = spin })()
    window.heldWrites++
  }
})()`

const flushInBackground = (page: Page) => page.evaluate(() => void window.momentkit.flush())

/** Opens the page with `fault`, tracks 5 acts and waits until they are stored. */
async function fiveStored(page: Page, server: Parameters<typeof faultPage>[0], path: string, fault: string): Promise<void> {
  await page.goto(faultPage(server, path, faultConfig(), { fault }))
  await ready(page)
  await trackActs(page, 5, 'stored')
  await countReaches(page, 5)
  await page.evaluate(() => window.momentkit.flush())
}

/** Reloads; what the next page counts, and what it stores once it has flushed. */
async function afterReload(page: Page): Promise<{ after: number; stored: number | null }> {
  await page.reload()
  await ready(page)
  const after = await counted(page)
  await page.evaluate(() => window.momentkit.flush())
  return { after, stored: await storedActs(page) }
}

test('a write still in flight when the page reloads is handed over and stored once', async ({ page, server, pageErrors }, info) => {
  await fiveStored(page, server, '/hf-idb-inflight.html', HOLD_AGG_WRITES)
  await page.evaluate(() => ((window as unknown as { holdWrites: boolean }).holdWrites = true))
  await trackActs(page, 5, 'in flight')
  await countReaches(page, 10)
  await flushInBackground(page)
  await expect.poll(() => page.evaluate(() => (window as unknown as { heldWrites: number }).heldWrites)).toBe(1)
  await trackActs(page, 3, 'pending')
  const live = await countReaches(page, 13)
  const { after, stored } = await afterReload(page)
  expect({ after, stored }, 'the dropped write is merged from the hand-over, once').toEqual({ after: 13, stored: 13 })
  tally(info, pageErrors, 'IndexedDB write in flight at reload (dropped by the browser)', { tried: 13, kept: Math.min(live, after, stored ?? 0), ok: await expectHostWorks(page) })
})

test('a write that landed but whose completion the page never saw before reloading is not applied twice', async ({ page, server, pageErrors }, info) => {
  await fiveStored(page, server, '/hf-idb-landed.html', STALL_WRITES)
  await page.evaluate(() => ((window as unknown as { stallWrites: number }).stallWrites = 30_000))
  await trackActs(page, 5, 'landed unseen')
  const live = await countReaches(page, 10)
  await flushInBackground(page)
  // Committed in IndexedDB; the page hears of it only 30 s later, long after it is gone.
  await expect.poll(() => storedActs(page)).toBe(10)
  const { after, stored } = await afterReload(page)
  expect({ after, stored }, 'the hand-over of a write that landed is skipped').toEqual({ after: 10, stored: 10 })
  tally(info, pageErrors, 'IndexedDB write landed, completion unseen at reload', { tried: 10, kept: Math.min(live, after, stored ?? 0), ok: await expectHostWorks(page) })
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

test('IndexedDB deleted by another tab: the delete is not blocked, this page keeps counting and writes again', async ({ page, server, context, logs, pageErrors }, info) => {
  await page.goto(faultPage(server, '/hf-delete.html', faultConfig([], { endpoint: undefined })))
  await ready(page)
  await trackActs(page, 5, 'before')
  await countReaches(page, 5)
  await page.evaluate(() => window.momentkit.flush())

  const other = await context.newPage()
  await other.goto('/fixtures/score.html?noop')
  const deleted = await other.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const req = indexedDB.deleteDatabase('momentkit')
        req.onblocked = () => setTimeout(() => resolve('blocked'), 3000)
        req.onsuccess = () => resolve('deleted')
        req.onerror = () => resolve('error ' + req.error?.name)
      }),
  )
  expect(deleted, 'the other tab\'s delete went through').toBe('deleted')
  await other.close()

  await trackActs(page, 5, 'after')
  const live = await countReaches(page, 10)
  await page.evaluate(() => window.momentkit.flush())
  // Deleted on purpose: what was stored is gone; what this page tracks next is written again.
  const stored = await storedActs(page)
  expect(stored).toBeGreaterThanOrEqual(5)
  tally(info, pageErrors, 'IndexedDB deleted by another tab', { tried: 5, kept: Math.min(live - 5, stored ?? 0), ok: await expectHostWorks(page), note: `${stored} in the re-created database` })
})

// ---------------------------------------------------------------------------------------------
// Delivery at page hide

const BEACONS: Array<[name: string, fault: string]> = [
  ['sendBeacon missing', `delete Navigator.prototype.sendBeacon`],
  ['sendBeacon returning false', `Navigator.prototype.sendBeacon = function () { return false }`],
]
for (const [name, beacon] of BEACONS) {
  test(`${name} and keepalive fetch refused at page hide: the messages go out on the next load`, async ({ page, server, logs, pageErrors }, info) => {
    const sink = await stubCollector(page)
    sink.status = 503
    // A browser whose keepalive requests fail (old ones had none), so only the beacon could have sent them.
    const fault = `${beacon}; (function () { var f = window.fetch; window.fetch = function (u, init) {
      if (init && init.keepalive) return Promise.reject(new TypeError('keepalive refused')); return f.apply(this, arguments) } })()`
    await page.goto(faultPage(server, '/hf-beacon.html', faultConfig(), { fault }))
    await ready(page)
    expect(await page.evaluate(() => typeof navigator.sendBeacon === 'function' && navigator.sendBeacon('/collect', 'x'))).toBe(false)
    await trackActs(page, 5, 'stored')
    await countReaches(page, 5)
    await expect.poll(async () => (await explain(page))?.delivery?.retries ?? 0, { message: 'the endpoint failed' }).toBeGreaterThan(0)
    const ok = await expectHostWorks(page)
    // And 5 more in the very last moment: not yet in the outbox's database when the page goes.
    await trackActs(page, 5, 'last')
    const posts = sink.posts.length
    sink.status = 200
    await page.goto(faultPage(server, '/hf-clean.html', faultConfig()))
    expect(sink.posts.slice(posts).filter((p) => p.beacon), 'no beacon got through').toEqual([])
    await ready(page)
    const kept = Math.min(await deliveredReaches(sink, 5, 'stored'), 5) + Math.min(await deliveredReaches(sink, 5, 'last'), 5)
    tally(info, pageErrors, `${name}, keepalive fetch refused, at page hide`, { tried: 10, kept, ok, note: 'delivered on the next load' })
  })
}

// ---------------------------------------------------------------------------------------------
// Clock

test('clock jumping 1 day back then 3 days forward mid-session: every event counted, stored and delivered', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  const fault = `(function () { var now = Date.now, off = 0; Date.now = function () { return now() + off }; window.jumpClock = function (ms) { off += ms } })()`
  await page.goto(faultPage(server, '/hf-clock.html', faultConfig([NUDGE]), { fault }))
  await ready(page)
  const jump = (ms: number) => page.evaluate((ms) => (window as unknown as { jumpClock(ms: number): void }).jumpClock(ms), ms)
  await trackActs(page, 3, 'now')
  await countReaches(page, 3)
  await jump(-86_400_000)
  await trackActs(page, 3, 'back')
  await countReaches(page, 6)
  await jump(4 * 86_400_000)
  await trackActs(page, 3, 'forward')
  const live = await countReaches(page, 9)
  // Timers still run (the flush timer, a moment) after the jumps.
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(titleOf(page, 'nudge')).toBeVisible()
  await page.waitForTimeout(1200)
  expect(await storedActs(page)).toBe(9)
  const delivered = await deliveredReaches(sink, 9)
  const ok = await expectHostWorks(page)
  const stored = await revisit(page, server)
  expect(stored).toBe(9)
  tally(info, pageErrors, 'clock jumps -1 day, +3 days', { tried: 9, kept: Math.min(live, delivered, stored), ok })
})

// ---------------------------------------------------------------------------------------------
// Page lifecycle

// A real back/forward cache round trip. The test server marks pages no-store, so this page is served
// cacheable; the flag is dropped for the whole file (top of file).
test.describe('back/forward cache', () => {

  test('navigating away and back through the back/forward cache: restored, nothing lost, nothing counted twice', async ({ page, server, logs, pageErrors }, info) => {
    const sink = await stubCollector(page)
    server.page('/hf-elsewhere.html', '<!doctype html><title>elsewhere</title><body>elsewhere</body>', { 'cache-control': 'private, max-age=0' })
    const path = await cacheable(server, faultPage(server, '/hf-bfcache-real.html', faultConfig(), { body: '<a id="away" href="/hf-elsewhere.html">away</a>' }))
    await page.goto(path)
    await ready(page)
    await page.evaluate(() => {
      ;(window as unknown as { restored: boolean[] }).restored = []
      addEventListener('pageshow', (e) => (window as unknown as { restored: boolean[] }).restored.push(e.persisted))
    })
    await trackActs(page, 5, 'before')
    await countReaches(page, 5)
    await deliveredReaches(sink, 5, 'before')
    // 5 more right before leaving: still pending when the page goes into the cache.
    await trackActs(page, 5, 'leaving')
    await page.click('#away')
    await page.waitForURL('**/hf-elsewhere.html')
    await page.goBack({ waitUntil: 'commit' })
    await expect.poll(() => page.evaluate(() => (window as unknown as { restored?: boolean[] }).restored ?? null), { message: 'restored from the back/forward cache' }).toEqual([true])
    await trackActs(page, 5, 'after')
    const live = await countReaches(page, 15)
    await page.evaluate(() => window.momentkit.flush())
    const delivered = await deliveredReaches(sink, 15)
    const ok = await expectHostWorks(page)
    const stored = await revisit(page, server)
    expect(stored, 'stored once: the hand-over taken back is not merged again').toBe(15)
    tally(info, pageErrors, 'navigated away and back through the back/forward cache', { tried: 15, kept: Math.min(live, delivered, stored), ok, note: 'restored (pageshow persisted)' })
  })
})

// Freezing for real through the DevTools protocol, with the lifecycle events a browser sends around
// it (pagehide persisted, freeze; resume, pageshow persisted).
test('page frozen and resumed (lifecycle events, DevTools freeze): nothing lost, nothing counted twice', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-bfcache.html', faultConfig()))
  await ready(page)
  await trackActs(page, 5, 'before')
  await countReaches(page, 5)
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) window.momentkit.track('act', { tag: 'hidden', i })
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))
    document.dispatchEvent(new Event('freeze'))
  })
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
  await new Promise((r) => setTimeout(r, 1500))
  await cdp.send('Page.setWebLifecycleState', { state: 'active' })
  await page.evaluate(() => {
    document.dispatchEvent(new Event('resume'))
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))
  })
  await trackActs(page, 5, 'after')
  const live = await countReaches(page, 15)
  await page.evaluate(() => window.momentkit.flush())
  const delivered = await deliveredReaches(sink, 15)
  const ok = await expectHostWorks(page)
  const stored = await revisit(page, server)
  expect(stored, 'stored once: the hand-over taken back is not merged again').toBe(15)
  tally(info, pageErrors, 'page frozen and resumed (DevTools freeze, lifecycle events)', { tried: 15, kept: Math.min(live, delivered, stored), ok })
})

test('SDK initialised twice with the same config: one instance, events counted once', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  const cfg = faultConfig()
  await page.goto(faultPage(server, '/hf-init-same.html', cfg))
  await ready(page)
  await trackActs(page, 5, 'first')
  const same = await page.evaluate((cfg) => window.momentkit.init(cfg) !== undefined, cfg)
  expect(same).toBe(true)
  await trackActs(page, 5, 'second')
  const live = await countReaches(page, 10)
  await page.waitForTimeout(500)
  expect(await counted(page), 'not counted twice').toBe(10)
  const delivered = await deliveredReaches(sink, 10)
  expect(warned(logs, /replacing/)).toEqual([])
  tally(info, pageErrors, 'SDK initialised twice, same config', { tried: 10, kept: Math.min(live, delivered), ok: await expectHostWorks(page) })
})

test('SDK initialised twice with a different config: replaced with a warning, nothing lost across the switch', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-init-other.html', faultConfig()))
  await ready(page)
  await page.evaluate((cfg) => {
    for (let i = 0; i < 5; i++) window.momentkit.track('act', { tag: 'old', i })
    window.momentkit.init(cfg)
    for (let i = 0; i < 5; i++) window.momentkit.track('act', { tag: 'new', i })
  }, faultConfig([], { momentsPerDay: 3 }))
  expect(warned(logs, /init\(\) called again with a different config: replacing the running instance/)).toHaveLength(1)
  await ready(page)
  const live = await countReaches(page, 10)
  const delivered = await deliveredReaches(sink, 10)
  await page.evaluate(() => window.momentkit.flush())
  const ok = await expectHostWorks(page)
  const stored = await revisit(page, server)
  expect(stored).toBe(10)
  tally(info, pageErrors, 'SDK initialised twice, different config', { tried: 10, kept: Math.min(live, delivered, stored), ok, note: 'warning, replaced' })
})

test('the bundle loaded twice: the first is kept with a warning, events counted once', async ({ page, server, logs, pageErrors }, info) => {
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-twice.html', faultConfig(), { body: '<script src="/dist/momentkit.iife.js"></script>' }))
  await ready(page)
  expect(warned(logs, /bundle was loaded twice; keeping the first/)).toHaveLength(1)
  await trackActs(page, 5, 'twice')
  const live = await countReaches(page, 5)
  const delivered = await deliveredReaches(sink, 5)
  await page.waitForTimeout(500)
  expect(await counted(page)).toBe(5)
  expect(sink.acts()).toBe(5)
  tally(info, pageErrors, 'bundle loaded twice', { tried: 5, kept: Math.min(live, delivered), ok: await expectHostWorks(page) })
})

// ---------------------------------------------------------------------------------------------
// DOM

test('script in <head> before <body> exists: the moment it triggers renders once the body is there', async ({ page, server, logs, pageErrors }, info) => {
  // A parser-blocking script after init holds <body> back while the SDK starts and decides.
  server.route('/hf-slow.js', { body: 'window.slowDone = true', delayMs: 1500, headers: { 'content-type': 'text/javascript' } })
  const fault = `window.bodyAtFirstHost = 'no host yet'; new MutationObserver(function () {
    if (window.bodyAtFirstHost === 'no host yet' && document.querySelector('momentkit-root')) window.bodyAtFirstHost = !!document.body
  }).observe(document.documentElement, { childList: true, subtree: true })`
  const after = `momentkit.track('limit_reached'); document.write('<script src="/hf-slow.js"><\\/script>')`
  await page.goto(faultPage(server, '/hf-head.html', faultConfig([NUDGE]), { fault, after }))
  await expect(titleOf(page, 'nudge')).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as { slowDone: boolean }).slowDone)).toBe(true)
  const bodyAtFirstHost = await page.evaluate(() => (window as unknown as { bodyAtFirstHost: unknown }).bodyAtFirstHost)
  const ok = await expectHostWorks(page)
  tally(info, pageErrors, 'script in <head> before <body>', { tried: 1, kept: (await titleOf(page, 'nudge').isVisible()) ? 1 : 0, ok, note: `body existed when the host was first added: ${bodyAtFirstHost}` })
})

const REMOVALS: Array<[name: string, remove: () => void, hosts: number]> = [
  ['the shadow host removed', () => document.querySelector('momentkit-root')?.remove(), 0],
  // An app re-rendering its whole body from its own markup: the shadow host sits on <html>, after <body>, so it stays.
  ['the body re-rendered by the host app', () => (document.body.innerHTML = document.querySelector('main')!.outerHTML), 1],
]
for (const [name, remove, hosts] of REMOVALS) {
  test(`host app removing the SDK's nodes (${name}) while a moment shows: the next moment still renders`, async ({ page, server, logs, pageErrors }, info) => {
    await page.goto(faultPage(server, '/hf-remove.html', faultConfig([NUDGE, GATE], { endpoint: undefined })))
    await ready(page)
    await page.evaluate(() => window.momentkit.track('limit_reached'))
    await expect(titleOf(page, 'nudge')).toBeVisible()
    await page.evaluate(remove)
    await expect(host(page)).toHaveCount(hosts)
    const ok = await expectHostWorks(page)
    await page.evaluate(() => window.momentkit.gate('advanced-export'))
    await expect(titleOf(page, 'gate')).toBeVisible()
    await expect(host(page)).toHaveCount(1)
    const shown = await page.evaluate(() => window.momentEvents.filter((e) => e.outcome === 'shown').length)
    expect(shown).toBe(2)
    tally(info, pageErrors, `host app removing the SDK's nodes: ${name}`, { tried: 2, kept: shown, ok, note: 'moments shown' })
  })
}

// ---------------------------------------------------------------------------------------------
// Other scripts' globals

const POLLUTION: Array<[name: string, fault: string]> = [
  [
    'Object.prototype and Array.prototype extended (enumerable)',
    `Object.prototype.foo = 'polluted'; Object.prototype.extend = function () { return this }
     Array.prototype.first = function () { return this[0] }; Array.prototype.remove = function () { return this }`,
  ],
]
for (const [name, fault] of POLLUTION) {
  test(`${name} before the SDK loads: scores, renders and delivers as usual`, async ({ page, server, logs, pageErrors }, info) => {
    const sink = await stubCollector(page)
    await page.goto(faultPage(server, '/hf-pollution.html', faultConfig([NUDGE]), { fault }))
    await ready(page)
    await trackActs(page, 10, 'polluted')
    const live = await countReaches(page, 10)
    await page.evaluate(() => window.momentkit.track('limit_reached'))
    await expect(titleOf(page, 'nudge')).toBeVisible()
    const delivered = await deliveredReaches(sink, 10)
    const leaked = sink.posts.some((p) => p.raw.includes('"foo"') || p.raw.includes('"first"'))
    expect(leaked, 'no inherited property sent').toBe(false)
    await page.evaluate(() => window.momentkit.flush())
    expect(await storedActs(page)).toBe(10)
    tally(info, pageErrors, `prototype pollution: ${name}`, { tried: 10, kept: Math.min(live, delivered), ok: await expectHostWorks(page) })
  })
}

// Optional config fields (a signal's `event` and `window`, a window's `last` or `trial`) are read as
// own properties, so other scripts' Object.prototype properties of those names do not look like them.
test('Object.prototype extended with names of config fields (event, window, last, trial): scores, renders and delivers as usual', async ({ page, server, pageErrors }, info) => {
  const fault = `['event', 'window', 'last', 'trial'].forEach(function (k) { Object.prototype[k] = 'polluted' })`
  const sink = await stubCollector(page)
  await page.goto(faultPage(server, '/hf-fields.html', faultConfig([NUDGE]), { fault }))
  await ready(page)
  await trackActs(page, 10, 'fields')
  const live = await countReaches(page, 10)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(titleOf(page, 'nudge')).toBeVisible()
  const delivered = await deliveredReaches(sink, 10)
  await page.evaluate(() => window.momentkit.flush())
  expect(await storedActs(page)).toBe(10)
  tally(info, pageErrors, 'prototype pollution: config field names', { tried: 10, kept: Math.min(live, delivered), ok: await expectHostWorks(page) })
})

// Every object is then a thenable, so a promise resolved with one never settles: no promise-based
// code can run. The SDK does not try: it stays inert and says why, and the host page is unharmed.
test('Object.prototype.then defined before the SDK loads: inert with an error naming it, host unharmed', async ({ page, server, logs, pageErrors }, info) => {
  const fault = `Object.defineProperty(Object.prototype, 'then', { value: function () {}, writable: true, configurable: true })`
  await page.goto(faultPage(server, '/hf-then.html', faultConfig([NUDGE]), { fault }))
  await expect.poll(() => sdkLogs(logs, 'error').map((l) => l.text)).toEqual([expect.stringMatching(/Object\.prototype\.then is defined by another script.*MomentKit stays inert/)])
  await trackActs(page, 10, 'then')
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export')), 'an inert SDK blocks nothing').toBe(true)
  const ok = await expectHostWorks(page)
  await expect(host(page)).toHaveCount(0)
  // Nothing could be recorded: counted as lost, with the reason.
  tally(info, pageErrors, 'prototype pollution: Object.prototype.then', { tried: 10, kept: 0, ok, note: 'inert by design, error names the cause' })
})

const FETCHES: Array<[name: string, fault: string]> = [
  ['throws synchronously', `window.fetch = function () { throw new Error('fetch wrapper broke') }`],
  ['answers a non-Response', `window.fetch = function () { return Promise.resolve({ ok: true }) }`],
  ['answers undefined', `window.fetch = function () {}`],
]
for (const [name, patch] of FETCHES) {
  test(`fetch replaced by a wrapper that ${name}: events kept queued, a message, delivered once fetch works again`, async ({ page, server, logs, pageErrors }, info) => {
    const sink = await stubCollector(page)
    const fault = `window.realFetch = window.fetch; ${patch}`
    await page.goto(faultPage(server, '/hf-fetch.html', faultConfig(), { fault }))
    await ready(page)
    await trackActs(page, 10, 'fetch')
    const live = await countReaches(page, 10)
    // Retried with backoff (1 s, 2 s...): the third failure in a row says so on the console.
    await expect
      .poll(() => warned(logs, /delivery to \/collect keeps failing \(.*fetch.*\); messages stay queued/).length, { message: 'a warning says delivery keeps failing', timeout: 15_000 })
      .toBe(1)
    expect(sink.acts()).toBe(0)
    expect((await explain(page))?.delivery).toMatchObject({ dropped: 0 })
    const ok = await expectHostWorks(page)
    // The other script fixes itself (or the page reloads without it): everything queued goes out.
    await page.evaluate(() => {
      window.fetch = (window as unknown as { realFetch: typeof fetch }).realFetch
      return window.momentkit.flush()
    })
    const delivered = await deliveredReaches(sink, 10)
    tally(info, pageErrors, `fetch wrapper that ${name}`, { tried: 10, kept: Math.min(live, delivered), ok, note: (await explain(page))?.delivery?.lastError ?? '' })
  })
}

const JSONS: Array<[name: string, fault: string]> = [
  // Prototype.js 1.6 defined toJSON on arrays and strings, which made native JSON.stringify quote them twice.
  [
    'Array/String.prototype.toJSON as Prototype.js 1.6 defined them',
    `Array.prototype.toJSON = function () { return '[' + this.map(function (v) { return JSON.stringify(v) }).join(', ') + ']' }
     String.prototype.toJSON = function () { return '"' + this + '"' }`,
  ],
  ['JSON.stringify wrapped by a logger that forgot to return', `(function () { var s = JSON.stringify; JSON.stringify = function (v) { s.apply(JSON, arguments) } })()`],
]
for (const [name, fault] of JSONS) {
  test(`JSON patched (${name}): what reaches the endpoint is the SDK's JSON, or it waits`, async ({ page, server, logs, pageErrors }, info) => {
    const sink = await stubCollector(page)
    await page.goto(faultPage(server, '/hf-json.html', faultConfig(), { fault: `window.realStringify = JSON.stringify; ${fault}` }))
    await ready(page)
    await trackActs(page, 10, 'json')
    const live = await countReaches(page, 10)
    await page.waitForTimeout(1500)
    // Whatever was posted while the patch was in place must be a well-formed batch, never garbage.
    const garbage = sink.posts.filter((p) => !p.messages || p.messages.some((m) => typeof m !== 'object' || typeof m.id !== 'string'))
    expect(garbage.map((p) => p.raw.slice(0, 120)), 'malformed batches posted').toEqual([])
    const ok = await expectHostWorks(page)
    // Until the patch goes away (the delivered events must be there either way).
    await page.evaluate(() => {
      JSON.stringify = (window as unknown as { realStringify: typeof JSON.stringify }).realStringify
      delete (Array.prototype as unknown as { toJSON?: unknown }).toJSON
      delete (String.prototype as unknown as { toJSON?: unknown }).toJSON
      return window.momentkit.flush()
    })
    const delivered = await deliveredReaches(sink, 10)
    expect(sink.posts.every((p) => p.messages?.every((m) => m.type !== 'event' || m.name === 'act' || typeof m.name === 'string'))).toBe(true)
    tally(info, pageErrors, `JSON patched: ${name}`, { tried: 10, kept: Math.min(live, delivered), ok, note: `${sink.posts.length} posts` })
  })
}
