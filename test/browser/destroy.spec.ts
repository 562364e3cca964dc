/**
 * destroy(): history methods restored, listeners gone, pending state
 * written, and nothing written to IndexedDB afterwards.
 */
import { test, expect, explain, ready, scoreIs, sdkLogs } from './fixtures'

declare global {
  interface Window {
    /** IndexedDB write requests, as "method key", recorded by the init script below. */
    idbWrites: string[]
    originalPushState: History['pushState']
    originalReplaceState: History['replaceState']
  }
}

/** Runs before any page script: remembers the native history methods and records every IDB write. */
function instrument(): void {
  window.originalPushState = history.pushState
  window.originalReplaceState = history.replaceState
  window.idbWrites = []
  for (const method of ['put', 'add', 'delete', 'clear'] as const) {
    const native = IDBObjectStore.prototype[method] as (...a: unknown[]) => IDBRequest
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    ;(IDBObjectStore.prototype as any)[method] = function (this: IDBObjectStore, ...args: unknown[]) {
      window.idbWrites.push(`${method} ${String(method === 'put' || method === 'add' ? args[1] : args[0])}`)
      return native.apply(this, args)
    }
  }
}

test('destroy() restores history.pushState/replaceState, writes pending state, and then writes nothing', async ({ page, logs }) => {
  await page.addInitScript(instrument)
  await page.goto('/fixtures/score.html')
  await ready(page)
  await page.evaluate(() => {
    for (const feature of ['editor', 'export', 'search', 'comments']) window.momentkit.track('feature_used', { feature })
    window.momentkit.track('teammate_invited')
    window.momentkit.track('teammate_invited')
    window.momentkit.track('integration_connected')
    window.momentkit.track('share_link_created')
    window.momentkit.track('data_imported')
  })
  const before = await scoreIs(page, 72)
  const wrapped = await page.evaluate(() => [history.pushState === window.originalPushState, history.replaceState === window.originalReplaceState])
  expect(wrapped, 'the SDK wraps both history methods while it runs').toEqual([false, false])

  await page.evaluate(() => window.momentkit.destroy())
  const atDestroy = await page.evaluate(() => ({
    restored: [history.pushState === window.originalPushState, history.replaceState === window.originalReplaceState],
    explained: window.momentkit.explain(),
    score: window.momentkit.$score.get(),
    tier: window.momentkit.$tier.get(),
    writes: [...window.idbWrites],
  }))
  expect(atDestroy.restored).toEqual([true, true])
  expect(atDestroy.explained).toBeNull()
  expect(atDestroy.score).toBeNull()
  expect(atDestroy.tier).toBeNull()
  const userKey = 'a:' + before.user.anonymousId
  expect(atDestroy.writes, 'the events were written (by the flush timer or by destroy)').toContain(`put agg:${userKey}`)

  // Everything that used to cause work: events, navigation, activity, page hide.
  await page.evaluate(async () => {
    for (let i = 0; i < 5; i++) window.momentkit.track('teammate_invited')
    history.pushState(null, '', '?after=destroy')
    history.replaceState(null, '', '?after=destroy2')
    dispatchEvent(new PopStateEvent('popstate'))
    for (const type of ['pointerdown', 'keydown', 'scroll']) dispatchEvent(new Event(type))
    document.dispatchEvent(new Event('visibilitychange'))
    dispatchEvent(new PageTransitionEvent('pagehide'))
    // Longer than the 1 s flush timer.
    await new Promise((r) => setTimeout(r, 1500))
  })
  const later = await page.evaluate(() => ({ writes: [...window.idbWrites], tiers: window.tierEvents.length, score: window.momentkit.$score.get() }))
  expect(later.writes).toEqual(atDestroy.writes)
  expect(later.tiers).toBe(2)
  expect(later.score).toBeNull()
  expect(sdkLogs(logs, 'error')).toEqual([])
  expect(await page.evaluate(() => location.search)).toBe('?after=destroy2')
})

test('destroy() right after tracking loses nothing: a reload finds the events', async ({ page }) => {
  await page.goto('/fixtures/score.html')
  await ready(page)
  // No waiting for the score or the flush timer: destroy must write what is pending.
  await page.evaluate(async () => {
    for (const feature of ['editor', 'export', 'search', 'comments']) window.momentkit.track('feature_used', { feature })
    window.momentkit.track('teammate_invited')
    window.momentkit.track('teammate_invited')
    window.momentkit.track('integration_connected')
    window.momentkit.track('share_link_created')
    window.momentkit.track('data_imported')
    await window.momentkit.destroy()
  })
  await page.reload()
  expect(await ready(page)).toMatchObject({ score: 72, tier: 'pql', storage: 'idb' })
})

test('after destroy(), init() starts the SDK again from what is stored', async ({ page, logs }) => {
  await page.addInitScript(instrument)
  await page.goto('/fixtures/score.html')
  await ready(page)
  await page.evaluate(() => window.momentkit.track('integration_connected'))
  // 12 + integrations 0.5 of 15 = 19.575 -> 20
  await scoreIs(page, 20)
  await page.evaluate(() => window.momentkit.destroy())
  expect(await explain(page)).toBeNull()
  await page.evaluate(() => window.momentkit.init({ model: { preset: 'five-dimension' } }))
  expect(await ready(page)).toMatchObject({ score: 20, tier: 'low', storage: 'idb' })
  expect(await page.evaluate(() => history.pushState === window.originalPushState)).toBe(false)
  expect(sdkLogs(logs, 'error')).toEqual([])
})

test('init() with an invalid config while the SDK runs: refused, the SDK keeps running, and destroy() tears it down', async ({ page, logs }) => {
  await page.addInitScript(instrument)
  await page.goto('/fixtures/score.html')
  await ready(page)
  await page.evaluate(() => window.momentkit.init({ sessionTimeout: -1 })) // a typo in a config update
  expect(sdkLogs(logs, 'error').map((l) => l.text)).toEqual([expect.stringContaining('The new config was refused: MomentKit keeps running')])
  await page.evaluate(() => window.momentkit.track('integration_connected'))
  await scoreIs(page, 20)
  await page.evaluate(() => window.momentkit.destroy())
  expect(await explain(page)).toBeNull()
  expect(await page.evaluate(() => [history.pushState === window.originalPushState, history.replaceState === window.originalReplaceState])).toEqual([true, true])
})

// destroy()/flush() with no running instance are no-ops (unless a data-config URL is still
// loading: then they wait for it, see queue.spec.ts); after destroy(), calls are ignored
// until the next init().
test('destroy() twice, then init(): the new instance runs', async ({ page, logs }) => {
  await page.addInitScript(instrument)
  await page.goto('/fixtures/score.html')
  await ready(page)
  await page.evaluate(async () => {
    await window.momentkit.destroy()
    await window.momentkit.destroy()
  })
  expect(await explain(page)).toBeNull()
  await page.evaluate(() => window.momentkit.init({ model: { preset: 'five-dimension' } }))
  expect(await ready(page)).toMatchObject({ score: 12, storage: 'idb' })
  expect(await page.evaluate(() => history.pushState === window.originalPushState)).toBe(false)
  expect(sdkLogs(logs, 'error')).toEqual([])
})
