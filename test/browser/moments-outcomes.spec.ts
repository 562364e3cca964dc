/**
 * Outcomes: on('moment') receives shown, clicked, dismissed, held_out (and
 * converted) in order; CTA links carry the configured safe href; an unsafe
 * CTA URL is refused by init with its JSON path and the SDK stays inert.
 * Preview: ?momentkit_preview=<id> renders a moment without recording it.
 */
import { test, expect, ready, sdkLogs } from './fixtures'
import { GATE, NUDGE, UPGRADE, config, crossTier, ctaOf, decision, host, momentPage, outcomes, titleOf } from './moments-helpers'

const HELD = { id: 'held-nudge', kind: 'nudge', on: { event: 'export_clicked' }, holdout: 100, copy: { en: { title: 'Held out nudge' } } }

test('on("moment") receives shown, clicked, dismissed, held_out and converted, in order', async ({ page, server }) => {
  const upgrade = { ...UPGRADE, cta: { action: 'open-pricing' } }
  const after = "window.actionRuns = 0; momentkit.action('open-pricing', function () { window.actionRuns++ })"
  await page.goto(momentPage(server, '/moments-outcomes.html', config([upgrade, NUDGE, HELD]), { after }))
  await ready(page)

  await crossTier(page)
  await ctaOf(page, 'upgrade').click()
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  expect(await page.evaluate(() => (window as unknown as { actionRuns: number }).actionRuns), 'the host callback ran once').toBe(1)

  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await host(page).getByRole('button', { name: 'Got it' }).click()
  await expect(titleOf(page, 'nudge')).toBeHidden()

  await page.evaluate(() => window.momentkit.track('export_clicked'))
  await expect.poll(() => decision(page, 'held-nudge')).toMatchObject({ show: false, reason: 'held out (100% control group)' })
  // Recorded once the write that finds the person unrecorded lands (one transaction, so two tabs record it once).
  await expect.poll(() => outcomes(page)).toContain('held-nudge:held_out')
  await page.evaluate(() => window.momentkit.track('export_clicked')) // held out once per user, not per trigger
  await page.evaluate(() => window.momentkit.track('upgraded'))

  await expect
    .poll(() => outcomes(page))
    .toEqual(['upgrade-pql:shown', 'upgrade-pql:clicked', 'limit-nudge:shown', 'limit-nudge:dismissed', 'held-nudge:held_out', 'upgrade-pql:converted', 'limit-nudge:converted', 'held-nudge:converted'])
  await expect(host(page).getByText('Held out nudge')).toHaveCount(0)
  const events = await page.evaluate(() => window.momentEvents)
  // The held-out person's conversion too: the control group's, for lift.
  expect(events.map((e) => e.kind)).toEqual(['upgrade', 'upgrade', 'nudge', 'nudge', 'nudge', 'upgrade', 'nudge', 'nudge'])
  for (let i = 1; i < events.length; i++) expect(events[i].at).toBeGreaterThanOrEqual(events[i - 1].at)
})

test('the CTA is a link with the configured same-origin href (resolved), and an https URL as given', async ({ page, server }) => {
  const gate = { ...GATE, cta: { url: 'https://billing.example.com/upgrade?plan=pro' } }
  await page.goto(momentPage(server, '/moments-href.html', config([UPGRADE, gate])))
  await ready(page)
  await crossTier(page)
  const link = host(page).getByRole('link', { name: 'See plans' })
  await expect(link).toHaveAttribute('href', `${server.url}/pricing`)
  await host(page).getByRole('button', { name: 'Not now' }).click()

  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect(host(page).getByRole('link', { name: 'Upgrade to Pro' })).toHaveAttribute('href', 'https://billing.example.com/upgrade?plan=pro')
})

test('following the CTA link records clicked before the page navigates', async ({ page, server }) => {
  server.page('/pricing', '<!doctype html><title>Pricing</title><h1>Pricing</h1>')
  const after = "momentkit.on('moment', function (e) { sessionStorage.setItem('mk-last', e.id + ':' + e.outcome) })"
  await page.goto(momentPage(server, '/moments-follow.html', config([UPGRADE]), { after }))
  await ready(page)
  await crossTier(page)
  await ctaOf(page, 'upgrade').click()
  await page.waitForURL('**/pricing')
  expect(await page.evaluate(() => sessionStorage.getItem('mk-last'))).toBe('upgrade-pql:clicked')
})

for (const url of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/pricing', '/\\evil.example']) {
  test(`init refuses cta.url ${JSON.stringify(url)} with the JSON path, and the SDK stays inert`, async ({ page, server, logs }) => {
    await page.goto(momentPage(server, '/moments-unsafe.html', config([{ ...UPGRADE, cta: { url } }, GATE])))
    await expect.poll(() => sdkLogs(logs, 'error').length).toBeGreaterThan(0)
    expect(sdkLogs(logs, 'error').map((l) => l.text).join('\n')).toContain('moments[0].cta.url')
    const x = await page.evaluate(() => window.momentkit.explain())
    expect(x?.problems?.map((p) => p.path)).toEqual(['moments[0].cta.url'])
    expect(x?.ready).toBe(false)

    // Inert: nothing scores, gates allow, nothing renders.
    await crossTier(page)
    expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(true)
    expect(await page.evaluate(() => window.momentkit.preview('upgrade-pql'))).toBe(false)
    await page.waitForTimeout(300)
    await expect(host(page)).toHaveCount(0)
    expect(await outcomes(page)).toEqual([])
    expect(await page.evaluate(() => window.momentkit.$tier.get())).toBeNull()
  })
}

test('?momentkit_preview=<id> renders the moment without recording it; the real trigger still shows it after', async ({ page, server }) => {
  // cap total 1: had the preview counted as a show, the real crossing could not show it.
  const path = momentPage(server, '/moments-preview-url.html', config([{ ...UPGRADE, cap: { total: 1 } }]))
  await page.goto(path + '?momentkit_preview=upgrade-pql')
  await ready(page)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  await page.waitForTimeout(300)
  expect(await outcomes(page), 'no shown event').toEqual([])
  expect(await decision(page, 'upgrade-pql'), 'no decision: the engine was not asked').toBeUndefined()

  // Closing a preview records nothing either.
  await host(page).getByRole('button', { name: 'Not now' }).click()
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  expect(await outcomes(page)).toEqual([])

  // History unchanged: the real crossing shows it (cap total 1 not spent, no dismissal remembered).
  await crossTier(page)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown'])
})

test('preview bypasses caps: a moment dismissed for good still previews, and nothing is recorded', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-preview-caps.html', config([NUDGE])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await host(page).getByRole('button', { name: 'Got it' }).click()
  await expect.poll(() => outcomes(page)).toEqual(['limit-nudge:shown', 'limit-nudge:dismissed'])

  await page.goto('/moments-preview-caps.html?momentkit_preview=limit-nudge')
  await ready(page)
  await expect(titleOf(page, 'nudge')).toBeVisible()
  await ctaOf(page, 'nudge').evaluate((el) => el.addEventListener('click', (e) => e.preventDefault()))
  await ctaOf(page, 'nudge').click()
  await page.waitForTimeout(300)
  expect(await outcomes(page), 'neither shown nor clicked').toEqual([])
})

test('the daily budget holds back a second moment, explained; a gate the user asked for still opens', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-budget.html', config([UPGRADE, NUDGE, GATE], { momentsPerDay: 1 })))
  await ready(page)
  await crossTier(page)
  await host(page).getByRole('button', { name: 'Not now' }).click()
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect.poll(() => decision(page, 'limit-nudge')).toMatchObject({ show: false, reason: 'daily budget of 1 spent' })
  await expect(titleOf(page, 'nudge')).toBeHidden()
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expect(titleOf(page, 'gate')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed', 'gate-export:shown'])
})
