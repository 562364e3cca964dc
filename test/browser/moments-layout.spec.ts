/**
 * Layout: the widget sits in its configured corner; moments on screen
 * together (trial banner, widget, nudge) do not cover each other; entrance
 * animations honour prefers-reduced-motion.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { KINDS, NUDGE, SCENARIOS, TRIAL, WIDGET, config, daysAhead, host, momentPage, settled, titleOf, type Kind } from './moments-helpers'

type Box = { x: number; y: number; width: number; height: number }
const box = async (page: Page, kind: Kind): Promise<Box> => (await titleOf(page, kind).boundingBox())!
/** The box of the moment's outermost element inside the shadow root that contains its title. */
const momentBox = (page: Page, kind: Kind): Promise<Box> =>
  titleOf(page, kind).evaluate((el) => {
    let n: Element = el
    // Up to the child of the shadow root's mount element: the moment's own outermost box.
    while (n.parentElement && !(n.parentElement.parentNode instanceof ShadowRoot)) n = n.parentElement
    const r = n.getBoundingClientRect()
    return { x: r.x, y: r.y, width: r.width, height: r.height }
  })
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

for (const position of ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const) {
  test(`widget position ${position}: the badge sits in that corner`, async ({ page, server }) => {
    await page.goto(momentPage(server, `/moments-widget-${position}.html`, config([{ ...WIDGET, position }], { plan: 'trial' })))
    await ready(page)
    await expect(titleOf(page, 'widget')).toBeVisible()
    const b = await box(page, 'widget')
    const vp = page.viewportSize()!
    const [v, h] = position.split('-')
    expect(v === 'top' ? b.y + b.height < vp.height / 2 : b.y > vp.height / 2, `${position}: ${JSON.stringify(b)}`).toBe(true)
    expect(h === 'left' ? b.x + b.width < vp.width / 2 : b.x > vp.width / 2, `${position}: ${JSON.stringify(b)}`).toBe(true)
  })
}

for (const position of ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const) {
  test(`nudge position ${position}: the nudge sits in that corner`, async ({ page, server }) => {
    await page.goto(momentPage(server, `/moments-nudge-${position}.html`, config([{ ...NUDGE, position }])))
    await ready(page)
    await page.evaluate(() => window.momentkit.track('limit_reached'))
    await expect(titleOf(page, 'nudge')).toBeVisible()
    await settled(page)
    const b = await momentBox(page, 'nudge')
    const vp = page.viewportSize()!
    const [v, h] = position.split('-')
    expect(v === 'top' ? b.y + b.height < vp.height / 2 : b.y > vp.height / 2, `${position}: ${JSON.stringify(b)}`).toBe(true)
    expect(h === 'left' ? b.x + b.width < vp.width / 2 : b.x > vp.width / 2, `${position}: ${JSON.stringify(b)}`).toBe(true)
  })
}

test('trial banner, widget and nudge on screen together do not cover each other', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-layout-all.html', config([TRIAL, WIDGET, NUDGE], { plan: 'trial', trial: { end: daysAhead(2) } })))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  for (const kind of ['trial', 'widget', 'nudge'] as const) await expect(titleOf(page, kind)).toBeVisible()
  const [trial, widget, nudge] = await Promise.all((['trial', 'widget', 'nudge'] as const).map((k) => momentBox(page, k)))
  expect(overlap(trial, widget), `banner ${JSON.stringify(trial)} / widget ${JSON.stringify(widget)}`).toBe(false)
  expect(overlap(trial, nudge), `banner ${JSON.stringify(trial)} / nudge ${JSON.stringify(nudge)}`).toBe(false)
  expect(overlap(widget, nudge), `widget ${JSON.stringify(widget)} / nudge ${JSON.stringify(nudge)}`).toBe(false)
  // Everything can still be clicked (Playwright checks the hit target).
  await host(page).getByRole('button', { name: /Trial plan/ }).click({ trial: true })
  await host(page).getByRole('button', { name: 'Got it' }).click({ trial: true })
})

/** Names of the CSS animations on any element in the shadow root. */
const animations = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    [...(document.querySelector('momentkit-root')?.shadowRoot?.querySelectorAll('*') ?? [])].map((e) => getComputedStyle(e).animationName).filter((n) => n !== 'none'),
  )

for (const kind of KINDS) {
  test(`prefers-reduced-motion: reduce turns the ${kind} entrance animation off`, async ({ page, server }) => {
    const { cfg, show } = SCENARIOS[kind]
    await page.goto(momentPage(server, `/moments-motion-${kind}.html`, cfg()))
    await ready(page)
    await show(page)
    await expect(titleOf(page, kind)).toBeVisible()
    expect(await animations(page), 'animated by default').not.toEqual([])

    await page.emulateMedia({ reducedMotion: 'reduce' })
    await page.goto(momentPage(server, `/moments-motion-${kind}-reduced.html`, { ...cfg(), namespace: 'reduced' }))
    await ready(page)
    await show(page)
    await expect(titleOf(page, kind)).toBeVisible()
    expect(await animations(page)).toEqual([])
  })
}

test('at 320 px with a banner of several lines, the widget and nudge still sit clear of it', async ({ page, server }) => {
  await page.setViewportSize({ width: 320, height: 640 })
  const long = { ...TRIAL, copy: { en: { ...TRIAL.copy.en, body: 'Choose a plan to keep your projects, your automations, your integrations and every teammate you invited during the trial.' } } }
  await page.goto(momentPage(server, '/moments-layout-320.html', config([long, WIDGET, NUDGE], { plan: 'trial', trial: { end: daysAhead(2) } })))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  for (const kind of ['trial', 'widget', 'nudge'] as const) await expect(titleOf(page, kind)).toBeVisible()
  await settled(page)
  const [trial, widget, nudge] = await Promise.all((['trial', 'widget', 'nudge'] as const).map((k) => momentBox(page, k)))
  expect(overlap(trial, widget), `banner ${JSON.stringify(trial)} / widget ${JSON.stringify(widget)}`).toBe(false)
  expect(overlap(trial, nudge), `banner ${JSON.stringify(trial)} / nudge ${JSON.stringify(nudge)}`).toBe(false)
})

for (const side of ['bottom', 'top'] as const) {
  test(`${side}: the widget's panel, opened, does not cover a nudge in the same corner`, async ({ page, server }) => {
    const position = `${side}-right`
    await page.goto(momentPage(server, `/moments-layout-panel-${side}.html`, config([{ ...WIDGET, position }, { ...NUDGE, position }], { plan: 'trial' })))
    await ready(page)
    await page.evaluate(() => window.momentkit.track('limit_reached'))
    for (const kind of ['widget', 'nudge'] as const) await expect(titleOf(page, kind)).toBeVisible()
    await host(page).getByRole('button', { name: /Trial plan/ }).click()
    await expect(host(page).getByRole('link', { name: 'Upgrade now' })).toBeVisible()
    await settled(page)
    const [widget, nudge] = await Promise.all((['widget', 'nudge'] as const).map((k) => momentBox(page, k)))
    expect(overlap(widget, nudge), `widget ${JSON.stringify(widget)} / nudge ${JSON.stringify(nudge)}`).toBe(false)
    await host(page).getByRole('button', { name: 'Got it' }).click({ trial: true })
    // Closed again, the nudge comes back down beside the badge.
    await host(page).getByRole('button', { name: /Trial plan/ }).click()
    await settled(page)
    const [w2, n2] = await Promise.all((['widget', 'nudge'] as const).map((k) => momentBox(page, k)))
    expect(overlap(w2, n2)).toBe(false)
    expect(Math.abs(side === 'bottom' ? w2.y - (n2.y + n2.height) : n2.y - (w2.y + w2.height))).toBeLessThan(24)
  })
}
