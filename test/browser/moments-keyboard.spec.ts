/**
 * Keyboard: modal moments (the upgrade modal, the gate) follow the WAI-ARIA
 * dialog pattern — role=dialog, aria-modal, labelled by the title, focus
 * moves in, Tab and Shift+Tab stay inside, Esc closes and records
 * "dismissed", focus returns to the host element focused before. Banners,
 * widgets, nudges and slide-ins never take or trap focus.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { GATE, NUDGE, TITLES, TRIAL, UPGRADE, WIDGET, config, crossTier, daysAhead, deepFocus, host, momentPage, outcomes, titleOf, type Kind } from './moments-helpers'

const GATE_BUTTON = `<button id="export" type="button" data-momentkit-gate="advanced-export">Advanced export</button>`

/** Presses `key` `times` times; after each press focus must still be inside the moment. */
async function expectTrapped(page: Page, key: 'Tab' | 'Shift+Tab', times = 8): Promise<Set<string>> {
  const seen = new Set<string>()
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key)
    const f = await deepFocus(page)
    expect(f.inMoment, `${key} #${i + 1} left the dialog (focus on <${f.tag} id="${f.id}">)`).toBe(true)
    seen.add(`${f.tag}:${f.text}`)
  }
  return seen
}

async function expectModal(page: Page, kind: Kind): Promise<void> {
  const dialog = host(page).getByRole('dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toHaveAttribute('aria-modal', 'true')
  await expect(dialog).toHaveAccessibleName(TITLES[kind])
  await expect(dialog, 'described by its body text').toHaveAccessibleDescription(/\S/)
  await expect.poll(() => deepFocus(page).then((f) => f.inMoment), { message: 'focus moves into the dialog' }).toBe(true)
}

test('upgrade modal: takes focus, traps Tab and Shift+Tab, Esc closes, records dismissed and returns focus', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-upgrade.html', config([UPGRADE])))
  await ready(page)
  await page.focus('#host-input')
  await crossTier(page)
  await expectModal(page, 'upgrade')

  const forward = await expectTrapped(page, 'Tab')
  expect(forward.size, 'Tab cycles through more than one control (CTA and dismiss)').toBeGreaterThan(1)
  await expectTrapped(page, 'Shift+Tab')

  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed'])
  expect(await deepFocus(page), 'focus returns to the input focused before').toMatchObject({ inMoment: false, id: 'host-input' })
})

test('gate: opened from a data-momentkit-gate button with the keyboard, traps focus, Esc returns focus to the button', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-gate.html', config([GATE]), { body: GATE_BUTTON }))
  await ready(page)
  await page.focus('#export')
  await page.keyboard.press('Enter')
  await expectModal(page, 'gate')
  await expectTrapped(page, 'Tab')
  await expectTrapped(page, 'Shift+Tab')

  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'gate')).toBeHidden()
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed'])
  expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'export' })
})

test('gate: the app re-rendered its button while the gate was open; Esc returns focus to the button now in its place', async ({ page, server }) => {
  const twoGates = `<button id="other" type="button" data-momentkit-gate="sso">SSO</button><span id="slot"><button type="button" data-momentkit-gate="advanced-export">Advanced export</button></span>`
  await page.goto(momentPage(server, '/moments-kbd-gate-rerender.html', config([GATE]), { body: twoGates }))
  await ready(page)
  await page.locator('#slot button').focus()
  await page.keyboard.press('Enter')
  await expectModal(page, 'gate')
  // An SPA framework replaces the element (a new node, same markup).
  await page.evaluate(() => (document.getElementById('slot')!.innerHTML = '<button type="button" data-momentkit-gate="advanced-export">Advanced export</button>'))
  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'gate')).toBeHidden()
  await expect.poll(() => page.evaluate(() => document.activeElement === document.querySelector('#slot button'))).toBe(true)
})

test('upgrade modal: the element focused before was replaced by one with the same id; focus goes to it', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-upgrade-rerender.html', config([UPGRADE])))
  await ready(page)
  await page.focus('#host-input')
  await crossTier(page)
  await expectModal(page, 'upgrade')
  await page.evaluate(() => {
    const old = document.getElementById('host-input')!
    const fresh = old.cloneNode() as HTMLElement
    old.replaceWith(fresh)
    ;(window as unknown as { fresh: HTMLElement }).fresh = fresh
  })
  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  await expect.poll(() => page.evaluate(() => document.activeElement === (window as unknown as { fresh: HTMLElement }).fresh)).toBe(true)
})

test('gate from gate(): the dismiss button closes it and returns focus too', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-gate-call.html', config([GATE])))
  await ready(page)
  await page.focus('#host-last')
  expect(await page.evaluate(() => window.momentkit.gate('advanced-export'))).toBe(false)
  await expectModal(page, 'gate')
  await host(page).getByRole('button', { name: 'Maybe later' }).press('Enter')
  await expect(titleOf(page, 'gate')).toBeHidden()
  await expect.poll(() => outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed'])
  expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'host-last' })
})

/** How each non-modal kind is brought on screen. */
const NON_MODAL: Array<{ name: string; kind: Kind; cfg: Record<string, unknown>; show(page: Page): Promise<void> }> = [
  { name: 'trial banner', kind: 'trial', cfg: config([TRIAL], { trial: { end: daysAhead(2) } }), show: async () => {} },
  { name: 'widget', kind: 'widget', cfg: config([WIDGET], { plan: 'trial' }), show: async () => {} },
  { name: 'nudge', kind: 'nudge', cfg: config([NUDGE]), show: (page) => page.evaluate(() => window.momentkit.track('limit_reached')) },
  { name: 'upgrade slide-in', kind: 'upgrade', cfg: config([{ ...UPGRADE, variant: 'slidein' }]), show: crossTier },
]

for (const c of NON_MODAL) {
  test(`${c.name}: does not take focus, is not an aria-modal dialog, and Tab moves on to host content`, async ({ page, server }) => {
    await page.goto(momentPage(server, `/moments-kbd-${c.kind}-${c.name.length}.html`, c.cfg))
    await ready(page)
    await page.focus('#host-input')
    await c.show(page)
    await expect(titleOf(page, c.kind)).toBeVisible()
    await page.waitForTimeout(300)
    expect(await deepFocus(page), 'focus stays where the user had it').toMatchObject({ inMoment: false, id: 'host-input' })
    await expect(host(page).locator('[aria-modal="true"]')).toHaveCount(0)

    // Host content stays reachable: Tab from the input goes to the next host control.
    await page.keyboard.press('Tab')
    expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'host-last' })

    // Into the moment and out again: from its first control, Tab reaches host content within a few presses.
    await host(page).locator('button, a[href]').first().focus()
    expect((await deepFocus(page)).inMoment).toBe(true)
    let left = false
    for (let i = 0; i < 8 && !left; i++) {
      await page.keyboard.press('Tab')
      const f = await deepFocus(page)
      left = !f.inMoment && f.tag !== 'body'
    }
    expect(left, 'Tab leaves the moment for host content').toBe(true)
    expect(await outcomes(page), 'no dismissal from keyboard navigation').not.toContainEqual(expect.stringMatching(/:dismissed$/))
  })
}

test('widget: the badge opens with Enter and closes with Esc, focus back on the badge, nothing dismissed', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-widget-open.html', config([WIDGET], { plan: 'trial' })))
  await ready(page)
  const badge = host(page).getByRole('button', { name: TITLES.widget })
  await expect(badge).toBeVisible()
  await badge.focus()
  await page.keyboard.press('Enter')
  await expect(host(page).getByRole('link', { name: 'Upgrade now' })).toBeVisible()
  await page.keyboard.press('Tab')
  expect((await deepFocus(page)).inMoment, 'Tab goes from the badge into its panel').toBe(true)
  await page.keyboard.press('Escape')
  await expect(host(page).getByRole('link', { name: 'Upgrade now' })).toBeHidden()
  await expect(badge).toBeFocused()
  await expect(titleOf(page, 'widget')).toBeVisible()
  expect(await outcomes(page)).toEqual(['plan-widget:shown'])
})

test('upgrade modal: a click on the backdrop is "not now" — dismissed once, focus returned', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-backdrop.html', config([UPGRADE])))
  await ready(page)
  await page.focus('#host-input')
  await crossTier(page)
  await expectModal(page, 'upgrade')
  await page.mouse.click(5, 5)
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  await page.waitForTimeout(300)
  expect(await outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed'])
  expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'host-input' })
})

test('upgrade modal: pressing Esc twice records one dismissal', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-kbd-esc-twice.html', config([UPGRADE])))
  await ready(page)
  await crossTier(page)
  await expectModal(page, 'upgrade')
  await page.keyboard.press('Escape')
  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  await page.waitForTimeout(300)
  expect(await outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed'])
})
