/**
 * Dismissal is remembered across reloads (IndexedDB), and a snoozed moment
 * comes back once its snooze has passed. Time is moved with Playwright's
 * page clock, which keeps running and survives reloads.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { NUDGE, TRIAL, config, decision, host, momentPage, outcomes, storedHistory, titleOf } from './moments-helpers'

const HOUR = 3_600_000

async function start(page: Page, path: string) {
  const t0 = Date.now()
  await page.clock.install({ time: t0 })
  await page.goto(path)
  await ready(page)
  return t0
}

test('a dismissed trial banner stays dismissed after reload while snoozed, and returns after the snooze', async ({ page, server }) => {
  const t0 = Date.now()
  const path = momentPage(server, '/moments-snooze-trial.html', config([{ ...TRIAL, snoozeHours: 24 }], { trial: { end: t0 + 2.5 * 24 * HOUR } }))
  await start(page, path)
  await expect(titleOf(page, 'trial')).toBeVisible()
  await host(page).getByRole('button', { name: 'Dismiss', exact: true }).click()
  await expect(titleOf(page, 'trial')).toBeHidden()
  await expect.poll(() => outcomes(page)).toEqual(['trial-ending:shown', 'trial-ending:dismissed'])
  await expect.poll(() => storedHistory(page, 'trial-ending'), { message: 'dismissal written to IndexedDB' }).toMatchObject({ dismissedAt: expect.any(Number) })

  // Reload an hour later: still snoozed.
  await page.clock.fastForward(HOUR)
  await page.reload()
  await ready(page)
  await expect.poll(() => decision(page, 'trial-ending')).toMatchObject({ show: false, reason: 'snoozed after dismissal' })
  await page.waitForTimeout(300)
  await expect(titleOf(page, 'trial')).toBeHidden()
  expect(await outcomes(page)).toEqual([])

  // 25 hours after the dismissal the minute re-check brings it back in the open page (the trial still has
  // more than a day left), recorded as shown again; a reload keeps it up as today's standing banner.
  await page.clock.fastForward(24 * HOUR)
  await expect(titleOf(page, 'trial')).toBeVisible()
  await expect(host(page).getByText('Your trial ends in 2 days')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['trial-ending:shown'])
  await page.reload()
  await ready(page)
  await expect(titleOf(page, 'trial')).toBeVisible()
})

test('a dismissed nudge does not re-show on its event after reload while snoozed, and does after the snooze', async ({ page, server }) => {
  const path = momentPage(server, '/moments-snooze-nudge.html', config([{ ...NUDGE, snoozeHours: 2 }]))
  await start(page, path)
  const limit = () => page.evaluate(() => window.momentkit.track('limit_reached'))
  await limit()
  await expect(titleOf(page, 'nudge')).toBeVisible()
  await host(page).getByRole('button', { name: 'Got it' }).click()
  await expect.poll(() => outcomes(page)).toEqual(['limit-nudge:shown', 'limit-nudge:dismissed'])
  await expect.poll(() => storedHistory(page, 'limit-nudge'), { message: 'dismissal written to IndexedDB' }).toMatchObject({ dismissedAt: expect.any(Number) })

  await page.reload()
  await ready(page)
  await limit()
  await expect.poll(() => decision(page, 'limit-nudge')).toMatchObject({ show: false, reason: 'snoozed after dismissal' })
  await expect(titleOf(page, 'nudge')).toBeHidden()
  expect(await outcomes(page)).toEqual([])

  await page.clock.fastForward(2 * HOUR + 60_000)
  await limit()
  await expect(titleOf(page, 'nudge')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['limit-nudge:shown'])
})

test('without snoozeHours a dismissal is for good: not after reload, not a week later', async ({ page, server }) => {
  const path = momentPage(server, '/moments-snooze-never.html', config([NUDGE]))
  await start(page, path)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await host(page).getByRole('button', { name: 'Got it' }).click()
  await expect.poll(() => outcomes(page)).toEqual(['limit-nudge:shown', 'limit-nudge:dismissed'])
  await expect.poll(() => storedHistory(page, 'limit-nudge')).toMatchObject({ dismissedAt: expect.any(Number) })
  await page.clock.fastForward(7 * 24 * HOUR)
  await page.reload()
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect.poll(() => decision(page, 'limit-nudge')).toMatchObject({ show: false, reason: 'dismissed' })
  await expect(titleOf(page, 'nudge')).toBeHidden()
})
