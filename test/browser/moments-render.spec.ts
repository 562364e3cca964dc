/**
 * Each of the five moment kinds renders inside the one shadow root (host
 * element <momentkit-root>): through preview(id), and through its real
 * trigger — a tier crossing from tracked events, gate() and a
 * data-momentkit-gate button, a trial ending in 2 days, the trial plan, and
 * an event.
 */
import { test, expect, ready } from './fixtures'
import { ALL, BY_KIND, GATE, NUDGE, TITLES, TRIAL, UPGRADE, WIDGET, config, crossTier, daysAhead, decision, host, momentPage, outcomes, shadowText, titleOf, type Kind } from './moments-helpers'

const KINDS = Object.keys(BY_KIND) as Kind[]

/** The moment's title is rendered in the open shadow root, visible, and not in the light DOM. */
async function expectInShadow(page: import('@playwright/test').Page, kind: Kind): Promise<void> {
  await expect(titleOf(page, kind)).toBeVisible()
  const t = await shadowText(page)
  expect(t.hosts, 'one shared shadow host').toBe(1)
  expect(t.open).toBe(true)
  expect(t.shadow).toMatch(TITLES[kind])
  expect(t.light, 'moment text stays out of the light DOM').not.toMatch(TITLES[kind])
}

for (const kind of KINDS) {
  test(`preview renders the ${kind} moment in the shadow root, recording nothing`, async ({ page, server }) => {
    // A trial 10 days out: known (so {{daysLeft}} fills) but outside the banner's 3-day target.
    await page.goto(momentPage(server, `/moments-preview-${kind}.html`, config(ALL, { trial: { end: daysAhead(10) } })))
    await ready(page)
    await expect(host(page), 'no host element before anything shows').toHaveCount(0)
    const ok = await page.evaluate((id) => window.momentkit.preview(id), BY_KIND[kind].id)
    expect(ok).toBe(true)
    await expectInShadow(page, kind)
    expect(await outcomes(page), 'a preview is not an outcome').toEqual([])
  })
}

test('preview of an unknown moment id returns false and shows nothing', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-preview-unknown.html', config(ALL)))
  await ready(page)
  expect(await page.evaluate(() => window.momentkit.preview('no-such-moment'))).toBe(false)
  await expect(host(page)).toHaveCount(0)
})

test('upgrade: crossing into pql from tracked events shows the upgrade prompt', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-upgrade.html', config([UPGRADE])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('act'))
  await expect.poll(() => page.evaluate(() => window.momentkit.$score.get())).toBe(25)
  expect(await shadowText(page).then((t) => t.shadow), 'still low: nothing shows').not.toMatch(TITLES.upgrade)

  await page.evaluate(() => window.momentkit.track('act'))
  await expectInShadow(page, 'upgrade')
  expect(await page.evaluate(() => window.momentkit.$tier.get())).toBe('pql')
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown'])
  expect(await decision(page, 'upgrade-pql')).toMatchObject({ show: true })
})

test('upgrade copy is templated from state: {{score}}, {{tier}} and {{plan}}', async ({ page, server }) => {
  const moment = { ...UPGRADE, copy: { en: { title: 'Score {{score}} in {{tier}} on {{plan}}', cta: 'See plans' } } }
  await page.goto(momentPage(server, '/moments-upgrade-copy.html', config([moment])))
  await ready(page)
  await crossTier(page)
  await expect(host(page).getByText('Score 50 in pql on free', { exact: true })).toBeVisible()
})

// Regression: fill() once matched only \w+ and left {{signal.<id>}} verbatim (fixed in 7f5f169).
test('upgrade copy fills {{signal.<id>}} from the signal value', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-upgrade-signal.html', config([UPGRADE])))
  await ready(page)
  await crossTier(page)
  await expect(host(page).getByText('You did 2 things this week.', { exact: false })).toBeVisible()
})

test('gate: gate("advanced-export") is false on the free plan and shows the gate; true for what the plan includes', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-gate.html', config([GATE])))
  await ready(page)
  expect(await page.evaluate(() => window.momentkit.gate('basic-export')), 'the free plan includes basic-export').toBe(true)
  await expect(host(page)).toHaveCount(0)

  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expectInShadow(page, 'gate')
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown'])
})

test('gate: true for a user whose plan or entitlements include the feature, and nothing shows', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-gate-pro.html', config([GATE])))
  await ready(page)
  await page.evaluate(() => window.momentkit.identify('pro-user', { plan: 'pro' }))
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export')), 'plan pro includes it').toBe(true)
  await page.evaluate(() => window.momentkit.identify('granted-user', { plan: 'free', entitlements: ['advanced-export'] }))
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export')), 'an explicit entitlements trait wins over the plan').toBe(true)
  await ready(page)
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(true)
  await page.waitForTimeout(300)
  await expect(host(page)).toHaveCount(0)
  expect(await outcomes(page)).toEqual([])
})

const GATE_BUTTON = `
<button id="export" type="button" data-momentkit-gate="advanced-export"><span id="export-label">Advanced export</span></button>
<script>
  window.exports = 0
  document.getElementById('export').addEventListener('click', function () { window.exports++ })
</script>`

test('gate: a data-momentkit-gate button opens the gate and its own click handler does not run', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-gate-button.html', config([GATE]), { body: GATE_BUTTON }))
  await ready(page)
  // Click the inner label: the gate is found with closest().
  await page.locator('#export-label').click()
  await expectInShadow(page, 'gate')
  expect(await page.evaluate(() => (window as unknown as { exports: number }).exports), "the host's handler must not run when blocked").toBe(0)
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown'])
})

test('gate: a data-momentkit-gate button works normally for a plan with the feature', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-gate-button-pro.html', config([GATE], { plan: 'pro' }), { body: GATE_BUTTON }))
  await ready(page)
  await page.locator('#export').click()
  expect(await page.evaluate(() => (window as unknown as { exports: number }).exports)).toBe(1)
  await page.waitForTimeout(300)
  await expect(host(page)).toHaveCount(0)
})

test('trial banner: trialEnd 2 days ahead in config shows the banner with the days left', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-trial-config.html', config([TRIAL], { trial: { end: daysAhead(2) } })))
  await ready(page)
  await expectInShadow(page, 'trial')
  await expect(host(page).getByText('Your trial ends in 2 days')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['trial-ending:shown'])
})

// Regression: identify() once checked standing moments before applying the trialEnd trait (fixed in 7f5f169).
test('trial banner: identify() with trialEnd 2 days ahead shows the banner', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-trial-identify.html', config([TRIAL])))
  await ready(page)
  await expect(host(page), 'no trial known yet').toHaveCount(0)
  await page.evaluate((end) => window.momentkit.identify('trial-user', { trialEnd: end }), daysAhead(2))
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.trial.end ?? null)).not.toBeNull()
  await expectInShadow(page, 'trial')
  await expect(host(page).getByText('Your trial ends in 2 days')).toBeVisible()
})

test('trial banner: a trial ending in 10 days is outside the 3-day target, so nothing shows', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-trial-far.html', config([TRIAL], { trial: { end: daysAhead(10) } })))
  await ready(page)
  await expect.poll(() => decision(page, 'trial-ending')).toMatchObject({ show: false, reason: expect.stringContaining('10 trial days left') })
  await expect(host(page)).toHaveCount(0)
})

test('widget: plan "trial" from config shows the widget on load', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-widget-config.html', config([WIDGET], { plan: 'trial' })))
  await ready(page)
  await expectInShadow(page, 'widget')
  await expect.poll(() => outcomes(page)).toEqual(['plan-widget:shown'])
})

test('widget: identify() with plan "trial" shows the widget; plan "free" does not', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-widget-identify.html', config([WIDGET])))
  await ready(page)
  await expect.poll(() => decision(page, 'plan-widget')).toMatchObject({ show: false, reason: 'plan free not targeted' })
  await page.evaluate(() => window.momentkit.identify('trial-user', { plan: 'trial' }))
  await expectInShadow(page, 'widget')
})

// Regression: a same-user identify() once re-checked nothing, so a plan change waited up to 60 s (fixed in 7f5f169).
test('widget: identify() of the same user with plan "trial" shows the widget', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-widget-same-user.html', config([WIDGET])))
  await ready(page)
  await page.evaluate(() => window.momentkit.identify('user-1', { plan: 'free' }))
  await expect.poll(() => decision(page, 'plan-widget')).toMatchObject({ show: false })
  await page.evaluate(() => window.momentkit.identify('user-1', { plan: 'trial' }))
  await expectInShadow(page, 'widget')
})

test('nudge: tracking limit_reached shows the nudge', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-nudge.html', config([NUDGE])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('something_else'))
  await page.waitForTimeout(200)
  await expect(host(page)).toHaveCount(0)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expectInShadow(page, 'nudge')
  await expect.poll(() => outcomes(page)).toEqual(['limit-nudge:shown'])
})

test('all five on one page share one shadow host: banner and widget stand while a transient moment shows', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-all.html', config(ALL, { plan: 'trial', trial: { end: daysAhead(2) } })))
  await ready(page)
  await expect(titleOf(page, 'trial')).toBeVisible()
  await expect(titleOf(page, 'widget')).toBeVisible()
  await crossTier(page)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  const t = await shadowText(page)
  expect(t.hosts).toBe(1)
  for (const kind of ['trial', 'widget', 'upgrade'] as const) expect(t.shadow).toMatch(TITLES[kind])
  await expect.poll(() => outcomes(page)).toEqual(expect.arrayContaining(['trial-ending:shown', 'plan-widget:shown', 'upgrade-pql:shown']))
})

test('copy is rendered as text: HTML in config copy and in traits never becomes markup', async ({ page, server }) => {
  const evil = '<img src=x onerror="window.pwned=1"><b>bold</b>'
  const moment = { ...NUDGE, copy: { en: { title: `Hi ${evil}`, body: 'Plan: {{plan}}', cta: 'See Pro plans', dismiss: 'Got it' } } }
  await page.goto(momentPage(server, '/moments-text-only.html', config([moment])))
  await ready(page)
  await page.evaluate((p) => window.momentkit.identify('user-x', { plan: p }), '<i>pro</i>')
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(host(page).getByText(`Hi ${evil}`)).toBeVisible()
  await expect(host(page).getByText('Plan: <i>pro</i>')).toBeVisible()
  const markup = await page.evaluate(() => document.querySelector('momentkit-root')!.shadowRoot!.querySelectorAll('img, b, i').length)
  expect(markup).toBe(0)
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
})
