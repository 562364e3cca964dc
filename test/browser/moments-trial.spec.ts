/**
 * The trial banner counts down live as the end nears and says the trial
 * ended once it has. Time is moved with Playwright's page clock.
 */
import { test, expect, ready } from './fixtures'
import { TRIAL, config, daysAhead, host, momentPage, outcomes } from './moments-helpers'

const MIN = 60_000
const banner = { ...TRIAL, copy: { en: { title: 'Your trial ends soon', body: 'Choose a plan to keep your projects.', cta: 'Choose a plan', dismiss: 'Dismiss' } } }
const text = (page: import('@playwright/test').Page) => host(page).getByRole('region', { name: 'Your trial ends soon' }).innerText()

test('the trial banner counts down live and shows that the trial ended after the end', async ({ page, server }) => {
  const t0 = Date.now()
  await page.clock.install({ time: t0 })
  await page.goto(momentPage(server, '/moments-trial-countdown.html', config([banner], { trial: { end: t0 + 90 * MIN } })))
  await ready(page)
  const first = await text(page)
  expect(first).toMatch(/\d/)
  expect(first).not.toMatch(/ended/i)

  await page.clock.fastForward(3 * MIN)
  await expect.poll(() => text(page), { message: 'the countdown moves without a reload' }).not.toBe(first)
  expect(await text(page)).not.toMatch(/ended/i)

  await page.clock.fastForward(90 * MIN)
  await expect.poll(() => text(page)).toMatch(/ended/i)
  expect(await outcomes(page), 'one banner, shown once').toEqual(['trial-ending:shown'])
})

test('a banner targeted at ended trials shows "trial ended" for a trial that ended yesterday', async ({ page, server }) => {
  const ended = { ...banner, id: 'trial-ended', target: { trial: 'ended' }, copy: { en: { title: 'Your trial ends soon', cta: 'Choose a plan' } } }
  await page.goto(momentPage(server, '/moments-trial-ended.html', config([ended], { trial: { end: Date.now() - 86_400_000 } })))
  await ready(page)
  await expect.poll(() => text(page)).toMatch(/ended/i)
})

test.describe('the default trial banners ("moments": "default")', () => {
  const region = (page: import('@playwright/test').Page) => host(page).getByRole('region', { name: /trial|momentum/i })

  test('before the end: "ends soon"; after it: "has ended", never "ends soon"', async ({ page, server }) => {
    await page.goto(momentPage(server, '/moments-default-trial.html', config([], { moments: 'default', plan: 'pro', trial: { end: daysAhead(2) } })))
    await ready(page)
    await expect(region(page)).toHaveAccessibleName('Your trial ends soon')

    await page.goto(momentPage(server, '/moments-default-trial-ended.html', config([], { moments: 'default', plan: 'free', namespace: 'ended', trial: { end: Date.now() - 86_400_000 } })))
    await ready(page)
    await expect(region(page)).toHaveAccessibleName('Your trial has ended')
    await expect(region(page)).toContainText('Trial ended')
    await expect(region(page)).not.toContainText('ends soon')
    await expect.poll(async () => (await outcomes(page)).filter((o) => o.startsWith('trial'))).toEqual(['trial-ended:shown'])
  })

  test('an engaged user (pql) gets the stronger copy', async ({ page, server }) => {
    await page.goto(momentPage(server, '/moments-default-engaged-1.html', config([], { plan: 'pro' })))
    await ready(page)
    await page.evaluate(() => ['act', 'act', 'act'].forEach((e) => window.momentkit.track(e)))
    await expect.poll(() => page.evaluate(() => window.momentkit.$tier.get())).toBe('pql')
    await page.evaluate(() => window.momentkit.flush())

    await page.goto(momentPage(server, '/moments-default-engaged-2.html', config([], { moments: 'default', plan: 'pro', trial: { end: daysAhead(2) } })))
    await ready(page)
    await expect(region(page)).toHaveAccessibleName('Don’t lose your momentum')
    // No core feature used yet: the engaged body names {{topFeature}}, so its fallback shows.
    await expect(region(page)).toContainText('Keep all your team built: choose a plan.')
  })
})
