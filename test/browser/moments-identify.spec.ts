/**
 * The first identify() is the same person as the anonymous visitor before it:
 * a moment their first tier crossing triggered is not lost in the switch, and
 * standing moments follow new trial dates.
 */
import { test, expect, ready } from './fixtures'
import { WIDGET, config, daysAhead, host, momentPage, outcomes } from './moments-helpers'

const ACTIVATION = {
  id: 'activation', kind: 'nudge', on: { tierEntered: ['low'] }, target: { tiers: ['low'] },
  copy: { en: { title: 'Invite a teammate to get started', body: 'Projects move faster together.', cta: 'Invite', dismiss: 'Later' } },
  cta: { url: '/invite' },
}

// Regression test: identify() right as the first visit entered "low" switched identities while the
// nudge was being claimed for the anonymous one; the identified user took over the tier (no new
// crossing), so the activation nudge never showed.
test('identify() during the first tier crossing: the activation nudge still shows, once', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-identify-first.html', config([ACTIVATION]), {
    after: `momentkit.on('tier', function (e) { if (e.to === 'low') momentkit.identify('first-visit-user') })`,
  }))
  await ready(page)
  await expect(host(page).getByText('Invite a teammate to get started')).toBeVisible()
  await page.waitForTimeout(1000)
  expect(await outcomes(page)).toEqual(['activation:shown'])
  expect(await page.evaluate(() => window.momentkit.explain()?.user?.userId)).toBe('first-visit-user')
  // Reloading as the identified user does not show it again: the history came along.
  await page.reload()
  await ready(page)
  await page.waitForTimeout(1000)
  expect(await outcomes(page)).toEqual([])
})

// Regression test: the widget kept its first render ("14 days left") while the banner said 2.
test('a widget on screen shows the new days left when identify() brings new trial dates', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-identify-trial.html', config([WIDGET], { plan: 'trial', trial: { end: daysAhead(14) } }), {
    after: `momentkit.identify('trial-user')`,
  }))
  await ready(page)
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.user?.userId)).toBe('trial-user')
  const widget = host(page).getByRole('button', { name: /Trial plan/ })
  await expect(widget).toContainText('14')
  await page.evaluate((end) => window.momentkit.identify('trial-user', { trialEnd: end }), new Date(daysAhead(2)).toISOString())
  await expect(widget).toContainText('2')
  await expect(widget).not.toContainText('14')
})
