/**
 * Review of src/core.ts where identity shared across tabs, the page-hide
 * hand-over of a switch and ready meet: several pages of one browser context
 * (one IndexedDB, one BroadcastChannel).
 */
import { test, expect, ready } from './fixtures'
import { WIDGET, config, host, momentPage } from './moments-helpers'

// Regression test: a tab following another tab's identify() with new traits (same user) took the
// new plan for gate() but kept the widget targeted at the old plan on screen until the minute check.
test('identify() with a new plan in one tab takes a plan-targeted widget down in the other tab', async ({ page, server }) => {
  const path = momentPage(server, '/core-review-plan.html', config([WIDGET]), { after: `momentkit.identify('plan-user', { plan: 'trial' })` })
  const other = await page.context().newPage()
  await page.goto(path)
  await other.goto(path)
  await Promise.all([ready(page), ready(other)])
  const widget = (p: typeof page) => host(p).getByRole('button', { name: /Trial plan/ })
  await expect(widget(page)).toBeVisible()
  await expect(widget(other)).toBeVisible()
  await page.evaluate(() => window.momentkit.identify('plan-user', { plan: 'pro' }))
  await expect(widget(page)).toBeHidden()
  await expect.poll(() => other.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(true)
  await expect(widget(other)).toBeHidden({ timeout: 3000 })
})

// Regression test: a page hidden mid-switch handed the old user's last events over; when the switch
// finished before the page came back from the back/forward cache, pageshow took the hand-over back
// but found another user open and dropped them.
test('the old user keeps their last events when the page is hidden and restored around a reset()', async ({ page, server }) => {
  await page.goto(momentPage(server, '/core-review-bfcache.html', config([])))
  await ready(page)
  await page.evaluate(() => window.momentkit.identify('bf-user'))
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.user?.userId)).toBe('bf-user')
  await page.evaluate(async () => {
    const mk = window.momentkit
    mk.track('act')
    mk.track('act')
    mk.reset()
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))
    await new Promise((r) => setTimeout(r, 800))
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))
  })
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.user?.userId ?? null)).toBe(null)
  await page.waitForTimeout(300)
  await page.evaluate(() => window.momentkit.identify('bf-user'))
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.user?.userId)).toBe('bf-user')
  await expect.poll(() => page.evaluate(() => window.momentkit.$score.get())).toBe(50)
})
