/**
 * Under `Content-Security-Policy: script-src 'self'; style-src 'self'`
 * every moment kind shows with zero CSP violations: styles come from
 * constructable stylesheets, never <style> or style attributes.
 *
 * fixtures/moments-csp.html loads only external scripts: a violation
 * recorder (moments-csp-watch.js), the bundle with data-config pointing to
 * moments-csp.json, and the page's own listener (moments-csp-page.js). An
 * inline <script> in the page is the control: it must be blocked and be
 * the one violation recorded.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { test, expect, ready } from './fixtures'
import { ROOT } from './server'
import { TITLES, daysAhead, host, outcomes, titleOf } from './moments-helpers'

const CSP = "script-src 'self'; style-src 'self'"
const FIXTURE = resolve(ROOT, 'test/browser/fixtures/moments-csp.json')

declare global {
  interface Window {
    cspViolations: Array<{ directive: string; blocked: string; sample: string; source: string }>
    inlineRan?: boolean
  }
}

test('strict CSP: all five kinds show with no securitypolicyviolation and no CSP console error', async ({ page, server, logs }) => {
  // The JSON fixture's trial end is replaced by one 2 days from now, so the banner is due.
  const cfg = JSON.parse(readFileSync(FIXTURE, 'utf8'))
  cfg.trial.end = daysAhead(2)
  server.route('/fixtures/moments-csp.json', { body: JSON.stringify(cfg), headers: { 'content-type': 'application/json' } })
  server.route('/fixtures/moments-csp.html', { headers: { 'Content-Security-Policy': CSP } })

  await page.goto('/fixtures/moments-csp.html')
  await ready(page)
  expect(await page.evaluate(() => window.inlineRan), 'the policy is enforced: the inline script did not run').toBeUndefined()
  expect(await page.evaluate(() => window.cspViolations.map((v) => `${v.directive} ${v.blocked}`)), 'the control violation was recorded').toEqual([
    'script-src-elem inline',
  ])

  // Standing: the trial banner (config trial end) and the widget (plan "trial").
  await expect(titleOf(page, 'trial')).toBeVisible()
  await expect(titleOf(page, 'widget')).toBeVisible()

  // Upgrade: a tier crossing from tracked events.
  await page.evaluate(() => ['act', 'act'].forEach((e) => window.momentkit.track(e)))
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  await host(page).getByRole('button', { name: 'Not now' }).click()
  await expect(titleOf(page, 'upgrade')).toBeHidden()

  // Gate: the host's data-momentkit-gate button.
  await page.click('#export')
  await expect(titleOf(page, 'gate')).toBeVisible()
  await host(page).getByRole('button', { name: 'Maybe later' }).click()
  await expect(titleOf(page, 'gate')).toBeHidden()

  // Nudge: an event.
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(titleOf(page, 'nudge')).toBeVisible()

  // The two standing moments may come in either order.
  await expect
    .poll(async () => (await outcomes(page)).sort())
    .toEqual(['gate-export:dismissed', 'gate-export:shown', 'limit-nudge:shown', 'plan-widget:shown', 'trial-ending:shown', 'upgrade-pql:dismissed', 'upgrade-pql:shown'])

  // The moments are styled (the constructable sheets applied): the title is bold, not the UA's 400.
  const weight = await titleOf(page, 'nudge').evaluate((el) => Number(getComputedStyle(el).fontWeight))
  expect(weight).toBeGreaterThanOrEqual(600)

  const violations = await page.evaluate(() => window.cspViolations.map((v) => `${v.directive} ${v.blocked} ${v.sample} ${v.source}`))
  expect(violations.slice(1), 'no violation besides the control').toEqual([])
  const cspConsole = logs.filter((l) => /Content Security Policy/i.test(l.text))
  expect(cspConsole.map((l) => l.text), 'only the control in the console').toHaveLength(1)
  expect(cspConsole[0].text).toMatch(/inline script/i)
  for (const kind of ['trial', 'widget', 'nudge'] as const) await expect(host(page).getByText(TITLES[kind]).first()).toBeVisible()
})

test('strict CSP: the slide-in upgrade prompt shows and closes with no violation besides the control', async ({ page, server, logs }) => {
  const cfg = JSON.parse(readFileSync(FIXTURE, 'utf8'))
  cfg.trial.end = daysAhead(2)
  const upgrade = cfg.moments.find((m: { kind: string }) => m.kind === 'upgrade')
  upgrade.variant = 'slidein'
  upgrade.position = 'top-left'
  server.route('/fixtures/moments-csp.json', { body: JSON.stringify(cfg), headers: { 'content-type': 'application/json' } })
  server.route('/fixtures/moments-csp.html', { headers: { 'Content-Security-Policy': CSP } })

  await page.goto('/fixtures/moments-csp.html')
  await ready(page)
  await page.evaluate(() => ['act', 'act'].forEach((e) => window.momentkit.track(e)))
  const slide = host(page).getByRole('complementary')
  await expect(slide).toContainText(TITLES.upgrade)
  await expect(host(page).getByRole('dialog')).toHaveCount(0)
  // Styled by the adopted sheets: fixed in its corner, with the panel's border radius.
  const box = await slide.evaluate((el) => ({ position: getComputedStyle(el).position, radius: getComputedStyle(el).borderTopLeftRadius, ...el.getBoundingClientRect().toJSON() }))
  expect(box.position).toBe('fixed')
  expect(box.radius).not.toBe('0px')
  expect(box.x).toBeLessThan(100)
  expect(box.y).toBeLessThan(200)
  await host(page).getByRole('button', { name: 'Not now' }).click()
  await expect(slide).toHaveCount(0)
  await expect.poll(async () => (await outcomes(page)).filter((o) => o.startsWith('upgrade'))).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed'])

  const violations = await page.evaluate(() => window.cspViolations.map((v) => `${v.directive} ${v.blocked} ${v.sample} ${v.source}`))
  expect(violations.slice(1), 'no violation besides the control').toEqual([])
  expect(logs.filter((l) => /Content Security Policy/i.test(l.text)), 'only the control in the console').toHaveLength(1)
})
