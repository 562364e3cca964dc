/**
 * destroy() is final for moments: work already in flight when it is called
 * (a claim waiting on IndexedDB, a scheduled check, another tab's
 * BroadcastChannel message) must not render again and re-create
 * <momentkit-root>.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { UPGRADE, config, host, momentPage, outcomes } from './moments-helpers'

/** Watches for <momentkit-root> being added to the document after this point. */
const watchHosts = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { hostsAdded: number }
    w.hostsAdded = 0
    new MutationObserver((list) => {
      for (const r of list) for (const n of r.addedNodes) if ((n as Element).localName === 'momentkit-root') w.hostsAdded++
    }).observe(document.documentElement, { childList: true, subtree: true })
  })
const hostsAdded = (page: Page) => page.evaluate(() => (window as unknown as { hostsAdded: number }).hostsAdded)

test('a tier crossing claimed just before destroy() does not render afterwards', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-teardown-claim.html', config([UPGRADE])))
  await ready(page)
  await watchHosts(page)
  // destroy() applies the queued events first: the tier crossing starts a claim (an IndexedDB transaction), then teardown runs.
  await page.evaluate(() => {
    window.momentkit.track('act')
    window.momentkit.track('act')
    void window.momentkit.destroy()
  })
  await page.waitForTimeout(800)
  await expect(host(page)).toHaveCount(0)
  expect(await hostsAdded(page), 'no host was created after destroy()').toBe(0)
  expect(await outcomes(page)).not.toContain('upgrade-pql:shown')
})

test('a check scheduled by events, and another tab\'s message, after destroy() render nothing and log nothing', async ({ page, server, logs }) => {
  // No trigger: the score range is its trigger, so the check after the events would show it.
  const scored = { id: 'score-nudge', kind: 'nudge', target: { score: { min: 50 } }, copy: { en: { title: 'Nice progress', cta: 'See plans' } } }
  await page.goto(momentPage(server, '/moments-teardown-check.html', config([scored])))
  await ready(page)
  await watchHosts(page)
  await page.evaluate(() => {
    window.momentkit.track('act')
    window.momentkit.track('act')
    void window.momentkit.destroy()
    // Another tab announces a moment while this one is still closing its channel.
    new BroadcastChannel('momentkit:momentkit').postMessage({ moment: 'score-nudge' })
  })
  await page.waitForTimeout(800)
  await expect(host(page)).toHaveCount(0)
  expect(await hostsAdded(page), 'no host was created after destroy()').toBe(0)
  expect(await outcomes(page)).toEqual([])
  expect(logs.filter((l) => l.type === 'error' || l.type === 'warning').map((l) => l.text), 'no work attempted after teardown').toEqual([])
})
