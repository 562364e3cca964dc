/**
 * Backfilled events (track(name, props, { at })) are history: they score,
 * but they are not the user acting now, so they trigger no moment, and a
 * conversion from before a moment was shown is not its conversion.
 */
import { test, expect, ready } from './fixtures'
import { NUDGE, UPGRADE, config, crossTier, host, momentPage, outcomes } from './moments-helpers'

const DAY = 86_400_000
type Track = (name: string, props?: Record<string, unknown>, options?: { at?: number }) => void

test('a backfilled event does not bring its nudge; the same event tracked now does', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-backfill-event.html', config([NUDGE])))
  await ready(page)
  await page.evaluate((at) => (window.momentkit.track as Track)('limit_reached', {}, { at }), Date.now() - 3 * DAY)
  await page.waitForTimeout(1000)
  await expect(host(page).getByText('80% of your free projects used')).toBeHidden()
  expect(await outcomes(page)).toEqual([])
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(host(page).getByText('80% of your free projects used')).toBeVisible()
  expect(await outcomes(page)).toEqual(['limit-nudge:shown'])
})

test('a backfilled upgrade from before the prompt is not recorded as its conversion', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-backfill-conversion.html', config([UPGRADE])))
  await ready(page)
  await crossTier(page)
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown'])
  // The app imports the upgrade its server saw two days ago.
  await page.evaluate((at) => (window.momentkit.track as Track)('upgraded', {}, { at }), Date.now() - 2 * DAY)
  await page.waitForTimeout(1000)
  expect(await outcomes(page)).toEqual(['upgrade-pql:shown'])
  await page.evaluate(() => window.momentkit.track('upgraded'))
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:converted'])
})
