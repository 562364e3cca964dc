/**
 * The demo exactly as `npm run demo` tells a newcomer to try it: open the
 * app and press "Simulate 6 days of trial activity" at once, without closing
 * the activation nudge that greets the new user. The simulation's crossing
 * into PQL must still bring the upgrade prompt (README: "the simulation's
 * crossing into PQL brings the upgrade prompt"); the nudge, meant for
 * low-engagement users, goes once the user is no longer one.
 */
import type { Locator, Page } from '@playwright/test'
import { expect, ready, sdkLogs } from './fixtures'
import { test } from './demo-fixture'

const MOMENT = { timeout: 10_000 }
const host = (page: Page): Locator => page.locator('momentkit-root')

test('open the app, press Simulate right away: the upgrade prompt shows, the stale activation nudge goes', async ({ page, logs }) => {
  test.setTimeout(90_000)
  await page.goto('/')
  await ready(page)
  await expect(host(page).getByText('Get set up in 2 minutes'), 'the activation nudge greets a new user').toBeVisible(MOMENT)

  await page.getByRole('button', { name: /Simulate 6 days of trial activity/ }).click()
  await expect(page.locator('#simulate-status')).toHaveText(/^Done:/, { timeout: 30_000 })
  await expect(page.locator('#tier')).toHaveText(/^(PQL|Hot PQL)$/, MOMENT)

  await expect(host(page).getByText(/^(Ready for more\?|Your team is getting real value)$/), 'the upgrade prompt').toBeVisible(MOMENT)
  await expect(host(page).getByText('Get set up in 2 minutes'), 'the activation nudge is gone').toBeHidden()
  await expect(page.locator('#tier-log')).toContainText('Upgrade prompt shown')
  expect(sdkLogs(logs, 'error'), 'no MomentKit errors').toEqual([])
})
