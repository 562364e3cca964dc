/**
 * The demo, end to end, the way a newcomer meets it after `npm run demo`:
 * the demo app and the reference collector started by scripts/demo.mjs's own
 * startDemo() (PGlite in memory, free ports), the real bundle loaded by
 * demo/index.html under its strict CSP, and only the page's buttons and
 * forms driving it.
 *
 * One journey as a trial user: each of the five moment kinds appears in
 * MomentKit's shadow root when its control is used (widget on arrival,
 * activation nudge for a new user, gate on "Set up SSO", upgrade prompt
 * when the simulation crosses into PQL, limit nudge on a 4th project,
 * trial banner after "Jump to the trial's last 2 days"); the score climbs
 * and tiers cross in the panel; and the sales inbox (API and page, in
 * another tab) lists the user as a PQL within seconds.
 */
import type { Locator, Page } from '@playwright/test'
import { expect, ready, sdkLogs } from './fixtures'
import { test } from './demo-fixture'
import type { Collector } from '../../src/collector/server'
import type { InboxUser } from '../../src/collector/inbox'

// What newcomers wait for is "within seconds": these bounds are generous for a shared 2-core machine.
const MOMENT = { timeout: 10_000 }
const INBOX_MS = 15_000

const host = (page: Page): Locator => page.locator('momentkit-root')

/** Whether `text` is rendered inside MomentKit's shadow root (and not in the page's own DOM). */
function inShadow(page: Page, text: string): Promise<boolean> {
  return page.evaluate((text) => {
    const shadow = [...document.querySelectorAll('momentkit-root')].map((h) => h.shadowRoot?.textContent ?? '').join('\n')
    return shadow.includes(text) && !(document.body.textContent ?? '').includes(text)
  }, text)
}

/** A moment on screen: its title inside the shadow root. Returns the title as rendered. */
async function expectMoment(page: Page, title: string | RegExp): Promise<string> {
  const el = host(page).getByText(title).first()
  await expect(el, `moment ${title} on screen`).toBeVisible(MOMENT)
  const text = (await el.textContent()) ?? ''
  expect(await inShadow(page, text), `"${text}" is rendered in MomentKit's shadow root`).toBe(true)
  return text
}

/**
 * The upgrade prompts of demo/momentkit.json: the PQL slide-in, or the hot modal should the
 * simulation's crossing into "hot" be the one that gets the screen.
 */
const UPGRADE = { title: /^(Ready for more\?|Your team is getting real value)$/, dismiss: /^(Later|Not now)$/, ids: ['upgrade-pql', 'upgrade-hot'] }

async function inboxUser(collector: Collector, userId: string): Promise<InboxUser | undefined> {
  const r = await fetch(new URL('/api/inbox', collector.url))
  const inbox = (await r.json()) as { users: InboxUser[] }
  return inbox.users.find((u) => u.userId === userId)
}

const scoreOf = async (page: Page): Promise<number> => Number(await page.locator('#score').textContent())

test('a trial user clicks through the demo: the score climbs, tiers cross, all five moments show, the sales inbox lists them', async ({ page, demo, logs }) => {
  test.setTimeout(120_000)
  const userId = `pat-${process.pid}-${Date.now().toString(36)}`

  await test.step('first visit: signed in as a fresh trial user, the plan widget in the corner', async () => {
    await page.goto('/')
    await ready(page)
    await expect(page.locator('#who')).toHaveText(/^Signed in as u-\d+/)
    await expect(page.locator('#trial-badge')).toHaveText('Trial: 14 days left')
    const badge = host(page).getByRole('button', { name: /trial plan/ })
    await expect(badge).toBeVisible(MOMENT)
    expect(await inShadow(page, 'trial plan')).toBe(true)
    await badge.click()
    await expect(host(page).getByText('Upgrade any time to unlock every feature.')).toBeVisible()
    await badge.click()
  })

  const inbox = await test.step('the sales inbox opens in another tab', async () => {
    const inbox = await page.context().newPage()
    await inbox.goto(new URL('/sales-inbox', demo.appUrl).href)
    await expect(inbox).toHaveURL(new URL('/inbox', demo.collector.url).href)
    await expect(inbox.locator('h3', { hasText: userId })).toHaveCount(0)
    await page.bringToFront()
    return inbox
  })

  await test.step('signing in as someone new: the activation nudge, whose "Show me" goes to the invite field', async () => {
    await page.locator('#user-id').fill(userId)
    await page.locator('#account-id').fill('globex')
    await page.getByRole('button', { name: 'Sign in as' }).click()
    await expect(page.locator('#who')).toHaveText(`Signed in as ${userId} · globex`)
    await expectMoment(page, 'Get set up in 2 minutes')
    await host(page).getByRole('button', { name: 'Show me' }).click()
    await expect(host(page).getByText('Get set up in 2 minutes')).toBeHidden()
    await expect(page.locator('#invite-email')).toBeFocused()
  })

  await test.step('"Set up SSO", a Business feature the trial lacks: the gate explains it and offers the upgrade', async () => {
    await page.getByRole('button', { name: 'Set up SSO' }).click()
    await expectMoment(page, 'Single sign-on is a Business feature')
    // The gate answered the click: the app's own handler did not run.
    await expect(page.locator('#pricing')).not.toHaveAttribute('open')
    await host(page).getByRole('button', { name: 'Compare plans' }).click()
    await expect(host(page).getByText('Single sign-on is a Business feature')).toBeHidden()
    const pricing = page.locator('#pricing')
    await expect(pricing).toBeVisible()
    await expect(pricing.getByText('Single sign-on (SAML)')).toBeVisible()
    await pricing.getByRole('button', { name: 'Close' }).click()
    await expect(pricing).toBeHidden()
  })

  const before = await scoreOf(page)
  await expect(page.locator('#tier')).toHaveText('Low engagement')

  const doneAt = await test.step('"Simulate 6 days": the score climbs through the tiers and the upgrade prompt shows', async () => {
    await page.getByRole('button', { name: /Simulate 6 days of trial activity/ }).click()
    await expect(page.locator('#simulate-status')).toHaveText(/^Done:/, { timeout: 30_000 })
    const doneAt = Date.now()
    await expect.poll(() => scoreOf(page), MOMENT).toBeGreaterThanOrEqual(61)
    expect(await scoreOf(page)).toBeGreaterThan(before)
    await expect(page.locator('#tier')).toHaveText(/^(PQL|Hot PQL)$/)
    await expect(page.locator('#tier-log')).toContainText(/→ PQL/)
    await expect(page.locator('#criteria')).toContainText('met → at least PQL')
    await expectMoment(page, UPGRADE.title)
    await expect(page.locator('#tier-log')).toContainText('Upgrade prompt shown')
    return doneAt
  })

  await test.step('the sales inbox lists the user as a PQL within seconds, in the API and in the open tab', async () => {
    await expect
      .poll(async () => (await inboxUser(demo.collector, userId))?.tier ?? null, { timeout: INBOX_MS, intervals: [250, 500] })
      .toMatch(/^(pql|hot)$/)
    // The user's card in "Hot and PQL users" (it may also appear under "Score disagreements"
    // while the server has not ingested the last events the client scored).
    const card = inbox.locator('section[aria-labelledby="h-users"] article.card', { has: inbox.locator('h3', { hasText: userId }) })
    await expect(card, 'the open inbox tab refreshes by itself').toBeVisible({ timeout: INBOX_MS })
    await expect(card.locator('.badge')).toHaveText(/^(PQL|Hot PQL)$/)
    await expect(card).toContainText('Account: globex')
    expect(Date.now() - doneAt, 'listed within seconds of the simulation').toBeLessThan(INBOX_MS)
  })

  await test.step('a 4th project hits the Free plan limit: the usage-limit nudge', async () => {
    await host(page).getByRole('button', { name: UPGRADE.dismiss }).click()
    await expect(host(page).getByText(UPGRADE.title)).toBeHidden()
    await page.getByRole('button', { name: 'New project' }).click()
    await expect(page.locator('#limit-notice')).toBeVisible()
    await expectMoment(page, 'You have used all 3 free projects')
    await host(page).getByRole('button', { name: 'Not now' }).click()
    await expect(host(page).getByText('You have used all 3 free projects')).toBeHidden()
  })

  await test.step('"Jump to the trial\'s last 2 days": the trial-ending banner', async () => {
    await page.getByRole('button', { name: "Jump to the trial's last 2 days" }).click()
    await expect(page.locator('#trial-badge')).toHaveText('Trial: 2 days left')
    const banner = host(page).getByRole('region', { name: 'Your trial ends soon' })
    await expect(banner).toBeVisible(MOMENT)
    expect(await inShadow(page, 'Your trial ends soon')).toBe(true)
    await expect(banner).toContainText(/2 days/)
    // Moving the trial kept the user's activity and tier.
    await expect(page.locator('#tier')).toHaveText(/^(PQL|Hot PQL)$/)
  })

  await test.step('the collector recorded every moment the user saw', async () => {
    const ids = ['plan-widget', 'activation', 'sso-gate', 'upgrade', 'project-limit', 'trial-ending']
    await expect
      .poll(async () => {
        const moments = (await inboxUser(demo.collector, userId))?.moments ?? {}
        // A copy experiment's outcomes are kept per variation: "project-limit/team".
        const shown = (id: string) => Object.entries(moments).some(([k, c]) => (k === id || k.startsWith(id + '/')) && (c.shown ?? 0) > 0)
        return ids.filter((id) => (id === 'upgrade' ? UPGRADE.ids.some(shown) : shown(id)))
      }, { timeout: INBOX_MS, intervals: [250, 500] })
      .toEqual(ids)
  })

  expect(sdkLogs(logs, 'error'), 'no MomentKit errors').toEqual([])
  await inbox.close()
})
