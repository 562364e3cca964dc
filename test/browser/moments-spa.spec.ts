/**
 * SPA navigation: a route-targeted moment appears on history.pushState to
 * a matching route and goes away when the app navigates elsewhere.
 * destroy(): every <momentkit-root> node and every listener is gone; later
 * clicks, navigations, tier crossings and timers show nothing.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { TRIAL, UPGRADE, config, crossTier, daysAhead, host, momentPage, outcomes, shadowText, titleOf } from './moments-helpers'

const BILLING = {
  id: 'billing-nudge', kind: 'nudge', target: { routes: ['/app/billing', '/app/billing/**'] },
  copy: { en: { title: 'Save 20% with yearly billing', cta: 'Switch to yearly', dismiss: 'No thanks' } },
  cta: { url: '/pricing?billing=yearly' },
}
const billingTitle = (page: Page) => host(page).getByText('Save 20% with yearly billing')
const push = (page: Page, path: string) => page.evaluate((p) => history.pushState({}, '', p), path)

test('a route-targeted moment appears on pushState to a matching route and disappears on leaving it', async ({ page, server }) => {
  await page.clock.install({ time: Date.now() })
  await page.goto(momentPage(server, '/moments-route.html', config([BILLING])))
  await ready(page)
  await page.waitForTimeout(200)
  await expect(billingTitle(page), 'not on this route').toHaveCount(0)

  await push(page, '/app/billing/invoices')
  await expect(billingTitle(page)).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['billing-nudge:shown'])

  await push(page, '/app/projects')
  await expect(billingTitle(page)).toHaveCount(0)
  expect(await outcomes(page), 'leaving the route is not a dismissal').toEqual(['billing-nudge:shown'])

  // Back (popstate) to a matching route a few minutes later: it returns.
  await page.clock.fastForward(5 * 60_000)
  await page.goBack()
  expect(await page.evaluate(() => location.pathname)).toBe('/app/billing/invoices')
  await expect(billingTitle(page)).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['billing-nudge:shown', 'billing-nudge:shown'])
})

test('a route-targeted moment shows on load at a matching route', async ({ page, server }) => {
  momentPage(server, '/app/billing', config([BILLING]))
  await page.goto('/app/billing')
  await ready(page)
  await expect(billingTitle(page)).toBeVisible()
})

/** Event listener types on window and document, through the DevTools protocol. */
async function listeners(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  const out: string[] = []
  for (const target of ['window', 'document']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression: target })
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! })
    out.push(...listeners.map((l) => `${target}:${l.type}`))
  }
  await cdp.detach()
  return out.sort()
}

const GATE_BUTTON = `
<button id="export" type="button" data-momentkit-gate="advanced-export">Advanced export</button>
<script>
  window.exports = 0
  document.getElementById('export').addEventListener('click', function () { window.exports++ })
</script>`

test('destroy() removes every momentkit-root node and listener; nothing shows afterwards', async ({ page, server }) => {
  const GATE = { id: 'gate-export', kind: 'gate', on: { gate: ['advanced-export'] }, copy: { en: { title: 'Advanced export is a Pro feature' } } }
  const cfg = config([UPGRADE, GATE, TRIAL, BILLING], { trial: { end: daysAhead(2) } })

  // Control: the same page with the bundle loaded but never started.
  server.page('/moments-destroy-control.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title><script src="/dist/momentkit.iife.js"></script></head><body><main><h1>x</h1>${GATE_BUTTON}</main></body></html>`)
  await page.goto('/moments-destroy-control.html')
  const control = await listeners(page)

  await page.clock.install({ time: Date.now() })
  await page.goto(momentPage(server, '/moments-destroy.html', cfg, { body: GATE_BUTTON }))
  await ready(page)
  await expect(titleOf(page, 'trial')).toBeVisible()
  const running = await listeners(page)
  expect(running.length, 'the SDK listens while it runs').toBeGreaterThan(control.length)

  await page.evaluate(() => window.momentkit.destroy())
  await expect(host(page)).toHaveCount(0)
  expect(await page.evaluate(() => document.querySelectorAll('momentkit-root').length)).toBe(0)
  expect(await listeners(page), 'the same listeners as a page where MomentKit never started').toEqual(control)
  const before = await outcomes(page)

  // Everything that used to show a moment:
  await page.click('#export')
  expect(await page.evaluate(() => (window as unknown as { exports: number }).exports), 'the gate no longer intercepts clicks').toBe(1)
  await push(page, '/app/billing')
  await crossTier(page)
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export')), 'gate() without an instance allows').toBe(true)
  await page.clock.fastForward(2 * 60_000)
  await page.waitForTimeout(500)
  await expect(host(page)).toHaveCount(0)
  expect((await shadowText(page)).hosts).toBe(0)
  expect(await outcomes(page)).toEqual(before)
})

// Regression test for a bug fixed in src/moments.ts / src/trigger/decide.ts.
test('a route-targeted moment comes back when the user returns to its route right away', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-route-back.html', config([BILLING])))
  await ready(page)
  await push(page, '/app/billing')
  await expect(billingTitle(page)).toBeVisible()
  await push(page, '/app/projects')
  await expect(billingTitle(page)).toHaveCount(0)
  await page.goBack()
  await expect(billingTitle(page)).toBeVisible()
})
