/**
 * Exactly once across tabs: two pages of one browser context (one
 * IndexedDB, one BroadcastChannel) with the same config cross into pql at
 * about the same time; the upgrade prompt shows in exactly one of them, and
 * explain().moments in the other says why it did not.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { NUDGE, TRIAL, UPGRADE, config, crossTier, daysAhead, decision, host, momentPage, outcomes, titleOf } from './moments-helpers'

async function twoTabs(page: Page, path: string): Promise<[Page, Page, Error[]]> {
  const other = await page.context().newPage()
  const errors: Error[] = []
  other.on('pageerror', (e) => errors.push(e))
  await page.goto(path)
  await other.goto(path)
  await Promise.all([ready(page), ready(other)])
  return [page, other, errors]
}

/** Both tabs cross into pql together; returns the tab that shows the prompt and the one that does not. */
async function crossTogether(page: Page, path: string) {
  const [a, b, errors] = await twoTabs(page, path)
  await Promise.all([crossTier(a), crossTier(b)])
  await expect.poll(() => Promise.all([a, b].map((p) => p.evaluate(() => window.momentkit.$tier.get())))).toEqual(['pql', 'pql'])
  await expect.poll(async () => (await outcomes(a)).length + (await outcomes(b)).length, { message: 'one shown event in all' }).toBe(1)
  await a.waitForTimeout(1500)
  const tabs = await Promise.all([a, b].map(async (p) => ({ p, events: await outcomes(p), visible: await titleOf(p, 'upgrade').isVisible() })))
  return { tabs, errors }
}

test('a tier crossing in two tabs at the same time shows the upgrade prompt in exactly one', async ({ page, server }) => {
  const { tabs, errors } = await crossTogether(page, momentPage(server, '/moments-tabs.html', config([UPGRADE])))
  expect(tabs.map((s) => s.visible).filter(Boolean), 'visible in exactly one tab').toHaveLength(1)
  expect(tabs.find((s) => s.visible)!.events).toEqual(['upgrade-pql:shown'])
  expect(tabs.find((s) => !s.visible)!.events).toEqual([])
  expect(errors.map(String)).toEqual([])
})

// Regression test for a bug fixed in src/moments.ts / src/trigger/decide.ts.
test('explain().moments in the tab that lost the claim says the other tab showed it', async ({ page, server }) => {
  const { tabs } = await crossTogether(page, momentPage(server, '/moments-tabs-explain.html', config([UPGRADE])))
  const loser = tabs.find((s) => !s.visible)!
  expect(await decision(loser.p, 'upgrade-pql')).toMatchObject({ show: false, reason: expect.stringMatching(/another tab/) })
})

test('a tab crossing later does not show again what another open tab already showed', async ({ page, server }) => {
  const path = momentPage(server, '/moments-tabs-later.html', config([UPGRADE]))
  const [a, b, errors] = await twoTabs(page, path)
  await crossTier(a)
  await expect(titleOf(a, 'upgrade')).toBeVisible()
  await b.waitForTimeout(500)
  await crossTier(b)
  await expect.poll(() => b.evaluate(() => window.momentkit.$tier.get())).toBe('pql')
  await b.waitForTimeout(1000)
  await expect(titleOf(b, 'upgrade')).toBeHidden()
  expect(await outcomes(b)).toEqual([])
  expect(await outcomes(a)).toEqual(['upgrade-pql:shown'])
  // Tab b may already have tab a's tier from storage (no crossing, no decision) or decide against it.
  const why = await decision(b, 'upgrade-pql')
  if (why) expect(why).toMatchObject({ show: false, reason: expect.stringMatching(/another tab/) })
  expect(errors.map(String)).toEqual([])
})

// Regression test for a bug fixed in src/moments.ts / src/trigger/decide.ts.
test('a trial banner dismissed in one tab goes away in the other at its next check, and stays away', async ({ page, server }) => {
  const path = momentPage(server, '/moments-tabs-dismiss.html', config([{ ...TRIAL, snoozeHours: 24 }], { trial: { end: daysAhead(2) } }))
  const [a, b, errors] = await twoTabs(page, path)
  await expect(titleOf(a, 'trial')).toBeVisible()
  await expect(titleOf(b, 'trial')).toBeVisible()
  await host(a).getByRole('button', { name: 'Dismiss', exact: true }).click()
  await expect(titleOf(a, 'trial')).toBeHidden()
  await expect.poll(() => outcomes(a)).toContain('trial-ending:dismissed')
  await a.waitForTimeout(500)

  // A route change makes tab b re-check what stands on screen.
  await b.evaluate(() => history.pushState({}, '', '/app/elsewhere'))
  await expect(titleOf(b, 'trial'), 'the dismissal is remembered across tabs').toBeHidden()
  expect(errors.map(String)).toEqual([])
})

test('a nudge dismissed in one tab does not show in the other on its event', async ({ page, server }) => {
  const path = momentPage(server, '/moments-tabs-nudge.html', config([NUDGE]))
  const [a, b, errors] = await twoTabs(page, path)
  await a.evaluate(() => window.momentkit.track('limit_reached'))
  await host(a).getByRole('button', { name: 'Got it' }).click()
  await expect.poll(() => outcomes(a)).toEqual(['limit-nudge:shown', 'limit-nudge:dismissed'])
  await a.waitForTimeout(500)
  await b.evaluate(() => window.momentkit.track('limit_reached'))
  await b.waitForTimeout(1000)
  await expect(titleOf(b, 'nudge')).toBeHidden()
  expect(await outcomes(b)).toEqual([])
  expect(await decision(b, 'limit-nudge'), 'explain() in tab b says why').toMatchObject({ show: false, reason: expect.stringMatching(/dismiss|another tab/) })
  expect(errors.map(String)).toEqual([])
})

// Regression test: each open tab recorded the person as held out once more (its history did not know
// another tab had), so the control group counted one person per tab.
test('a person held out is recorded once, not once per open tab', async ({ page, server }) => {
  const held = { id: 'score-tip', kind: 'nudge', target: { score: { min: 50 } }, holdout: 100, copy: { en: { title: 'Tip' } } }
  const [a, b, errors] = await twoTabs(page, momentPage(server, '/moments-tabs-holdout.html', config([held])))
  await crossTier(a)
  await expect.poll(() => outcomes(a)).toEqual(['score-tip:held_out'])
  await a.evaluate(() => window.momentkit.flush())
  await expect.poll(() => b.evaluate(() => window.momentkit.$score.get())).toBe(50)
  // Anything that makes tab b check its moments (an event, a route change, the minute).
  await b.evaluate(() => window.momentkit.track('noise'))
  await b.waitForTimeout(1000)
  expect(await decision(b, 'score-tip')).toMatchObject({ show: false, reason: expect.stringMatching(/held out/) })
  expect(await outcomes(b)).toEqual([])
  expect(await outcomes(a)).toEqual(['score-tip:held_out'])
  expect(errors.map(String)).toEqual([])
})
