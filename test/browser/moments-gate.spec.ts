/**
 * A gate is the user asking for a paid feature: whenever gate() answers
 * false (and the host's own click handler is blocked), a prompt must
 * explain why, or the user meets a dead end — a button that does nothing.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { GATE, config, decision, host, momentPage, outcomes, titleOf } from './moments-helpers'

async function openAndDismiss(page: Page): Promise<void> {
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect(titleOf(page, 'gate')).toBeVisible()
  await host(page).getByRole('button', { name: 'Maybe later' }).click()
  await expect(titleOf(page, 'gate')).toBeHidden()
}

test('a gate opens again when the user asks again after its snooze (cooldownless, snoozeHours 0)', async ({ page, server }) => {
  await page.clock.install({ time: Date.now() })
  await page.goto(momentPage(server, '/moments-gate-again-later.html', config([{ ...GATE, snoozeHours: 0 }])))
  await ready(page)
  await openAndDismiss(page)
  await page.clock.fastForward(60_000)
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect(titleOf(page, 'gate')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed', 'gate-export:shown'])
})

// Regression test for a bug fixed in src/moments.ts / src/trigger/decide.ts.
test('a gate with snoozeHours 0 opens again when the user asks again right away', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-gate-again.html', config([{ ...GATE, snoozeHours: 0 }])))
  await ready(page)
  await openAndDismiss(page)
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect(titleOf(page, 'gate')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed', 'gate-export:shown'])
})

// Regression test for a bug fixed in src/moments.ts / src/trigger/decide.ts.
test('a gate dismissed once opens again the next time the user asks for the feature', async ({ page, server }) => {
  await page.clock.install({ time: Date.now() })
  await page.goto(momentPage(server, '/moments-gate-dismissed.html', config([GATE])))
  await ready(page)
  await openAndDismiss(page)
  await page.clock.fastForward(5 * 60_000)
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect.poll(() => decision(page, 'gate-export')).toMatchObject({ show: true })
  await expect(titleOf(page, 'gate')).toBeVisible()
})

// Regression test: a gate shown and dismissed in one tab marked it "shown in another tab" in every
// other open tab for good, so gate() there answered false and showed nothing: a dead end.
test('a gate dismissed in one tab still opens in another open tab when its user asks', async ({ page, server }) => {
  const path = momentPage(server, '/moments-gate-tabs.html', config([GATE]))
  const other = await page.context().newPage()
  await page.goto(path)
  await other.goto(path)
  await Promise.all([ready(page), ready(other)])
  await openAndDismiss(page)
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed'])
  await other.waitForTimeout(300) // the dismissal's broadcast reaches the other tab
  expect(await other.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect(titleOf(other, 'gate')).toBeVisible()
})

// gate() asked in the page's first script, before the SDK has read its storage: the answer is
// immediate and the prompt follows once the moment history is open (it used to be a dead end).
test('a gate asked before the SDK is ready answers at once and prompts once ready', async ({ page, server }) => {
  const path = momentPage(server, '/moments-gate-early.html', config([GATE]), { after: `window.__early = momentkit.gate('advanced-export')` })
  await page.goto(path)
  expect(await page.evaluate(() => (window as unknown as { __early: boolean }).__early)).toBe(false)
  await expect(titleOf(page, 'gate')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown'])
})

// The page names a Pro user and asks for a Pro feature in the same script, before the SDK is ready:
// the answer is for that user (the plan from identify), not for the config's default plan.
test('a gate asked right after identify() answers for the plan identify gave, before the SDK is ready', async ({ page, server }) => {
  const path = momentPage(server, '/moments-gate-identified.html', config([GATE]), {
    after: `momentkit.identify('u-pro', { plan: 'pro' }); window.__early = momentkit.gate('advanced-export')`,
  })
  await page.goto(path)
  await ready(page)
  expect(await page.evaluate(() => (window as unknown as { __early: boolean }).__early)).toBe(true)
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(true)
  await page.waitForTimeout(300)
  await expect(titleOf(page, 'gate')).toBeHidden()
  expect(await outcomes(page)).toEqual([])
})
