/**
 * Storage review: work that waits for a user state to open (the page still loading, or an
 * identify()/reset() switching users) when the page goes away. A login form typically calls
 * identify() and redirects at once; the switch takes several IndexedDB transactions, which Chromium
 * drops when the page unloads first. The next page must still know the user and count the events.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready, explain } from './fixtures'
import { faultConfig, faultPage, counted, storedActs } from './hardening-faults-helpers'

const cfg = faultConfig([], { endpoint: undefined })

/**
 * Holds every IndexedDB transaction started from now on (they never complete), as a page that unloads
 * before its transactions commit sees them: deterministic, where a real redirect races them.
 */
const holdIndexedDB = (page: Page) =>
  page.evaluate(() => {
    const orig = IDBDatabase.prototype.transaction
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const t = orig.apply(this, args)
      // A transaction with a request that never finishes stays open: read a key again and again.
      const store = t.objectStore(t.objectStoreNames[0])
      const spin = () => (store.get('spin').onsuccess = spin)
      spin()
      return t
    } as typeof orig
  })

test('identify() then an immediate redirect: the next page knows the user and counts every event', async ({ page, server }) => {
  await page.goto(faultPage(server, '/sr-login.html', cfg))
  await ready(page)
  faultPage(server, '/sr-app.html', cfg)
  await page.evaluate(() => {
    for (let i = 0; i < 3; i++) window.momentkit.track('act', { i })
  })
  await expect.poll(() => counted(page)).toBe(3)
  await holdIndexedDB(page)
  await page.evaluate(() => {
    window.momentkit.identify('u-login', { plan: 'pro' })
    for (let i = 0; i < 2; i++) window.momentkit.track('act', { after: i })
    location.href = '/sr-app.html'
  })
  await page.waitForURL('**/sr-app.html')
  await ready(page)
  await expect.poll(async () => (await explain(page))?.user.userId).toBe('u-login')
  // 3 anonymous (carried over by the first identify) + 2 after it.
  await expect.poll(() => counted(page)).toBe(5)
  await page.evaluate(() => window.momentkit.flush())
  expect(await storedActs(page)).toBe(5)
})

test('events tracked before the stored state has loaded, then a redirect: counted on the next page', async ({ page, server }) => {
  faultPage(server, '/sr-next.html', cfg)
  // Held before the bundle: the state never opens on this page.
  await page.goto(
    faultPage(server, '/sr-early.html', cfg, {
      fault: `(function () { var orig = IDBDatabase.prototype.transaction; IDBDatabase.prototype.transaction = function () { var t = orig.apply(this, arguments); var s = t.objectStore(t.objectStoreNames[0]); var spin = function () { s.get('spin').onsuccess = spin }; spin(); return t } })()`,
      after: `for (var i = 0; i < 3; i++) momentkit.track('act'); momentkit.identify('u-early'); momentkit.track('act'); setTimeout(function () { location.href = '/sr-next.html' }, 50)`,
    }),
  )
  await page.waitForURL('**/sr-next.html')
  await ready(page)
  await expect.poll(async () => (await explain(page))?.user.userId).toBe('u-early')
  await expect.poll(() => counted(page)).toBe(4)
})

test('reset() then an immediate redirect: the next page is a new anonymous visitor; back as the user, the visitor\'s event is added once', async ({ page, server }) => {
  await page.goto(faultPage(server, '/sr-out.html', cfg, { after: `momentkit.identify('u-out')` }))
  await ready(page)
  await expect.poll(async () => (await explain(page))?.user.userId).toBe('u-out')
  await page.evaluate(() => {
    for (let i = 0; i < 2; i++) window.momentkit.track('act', { i })
  })
  await expect.poll(() => counted(page)).toBe(2)
  await holdIndexedDB(page)
  faultPage(server, '/sr-bye.html', cfg)
  await page.evaluate(() => {
    window.momentkit.reset()
    window.momentkit.track('act', { anonymous: true })
    location.href = '/sr-bye.html'
  })
  await page.waitForURL('**/sr-bye.html')
  await ready(page)
  await expect.poll(async () => (await explain(page))?.user.userId).toBeNull()
  await expect.poll(() => counted(page)).toBe(1)
  // Back as u-out: their two events, and what they did logged out (as PostHog and Segment attribute it).
  await page.evaluate(() => window.momentkit.identify('u-out'))
  await expect.poll(async () => (await explain(page))?.user.userId).toBe('u-out')
  await expect.poll(() => counted(page)).toBe(3)
})
