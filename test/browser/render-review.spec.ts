/**
 * Review of the moments' rendering against the WAI-ARIA dialog pattern and
 * hostile host pages: a host page with its own open <dialog>, keyboard use
 * after a click inside the dialog, host CSS that moves fixed elements
 * (transform on <body>), long words on a 320 px phone, and RTL host pages.
 */
import { test, expect, ready } from './fixtures'
import { GATE, NUDGE, TRIAL, UPGRADE, WIDGET, config, crossTier, daysAhead, deepFocus, host, momentPage, outcomes, settled, titleOf } from './moments-helpers'

test('gate over a host page\'s own modal <dialog>: Esc closes the gate only, and focus returns into the host dialog', async ({ page, server }) => {
  const body = `<dialog id="host-dialog"><p>Export options</p><button id="opener" type="button" data-momentkit-gate="advanced-export">Advanced export</button></dialog>`
  await page.goto(momentPage(server, '/render-host-dialog.html', config([GATE]), { body }))
  await ready(page)
  await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).showModal())
  await page.focus('#opener')
  await page.keyboard.press('Enter')
  await expect(host(page).getByRole('dialog')).toBeVisible()
  await expect.poll(() => deepFocus(page).then((f) => f.inMoment)).toBe(true)

  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'gate')).toBeHidden()
  await page.waitForTimeout(200)
  expect(await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).open), 'the host dialog stays open').toBe(true)
  expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'opener' })
  expect(await outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed'])
})

test('upgrade modal: after a click on its text or padding, Tab and Shift+Tab still stay inside', async ({ page, server }) => {
  await page.goto(momentPage(server, '/render-click-tab.html', config([UPGRADE])))
  await ready(page)
  await crossTier(page)
  const dialog = host(page).getByRole('dialog')
  await expect(dialog).toBeVisible()
  await settled(page)
  const b = (await dialog.boundingBox())!
  const title = (await host(page).getByRole('heading').boundingBox())!
  for (const [where, x, y] of [['padding', b.x + 4, b.y + b.height / 2], ['title', title.x + 10, title.y + title.height / 2]] as const) {
    for (const key of ['Shift+Tab', 'Tab'] as const) {
      await page.mouse.click(x, y)
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press(key)
        const f = await deepFocus(page)
        expect(f.inMoment, `click on the ${where}, then ${key} #${i + 1}: focus on <${f.tag}>`).toBe(true)
      }
    }
  }
  await expect(dialog).toBeVisible()
  expect(await outcomes(page)).toEqual(['upgrade-pql:shown'])
})

test('host CSS that makes <body> a containing block (transform) does not push the banner, widget and nudge off screen', async ({ page, server }) => {
  const head = '<style>body { transform: translateZ(0) } main { height: 4000px }</style>'
  await page.goto(momentPage(server, '/render-transform.html', config([TRIAL, WIDGET, NUDGE], { plan: 'trial', trial: { end: daysAhead(2) } }), { head }))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  const vp = page.viewportSize()!
  for (const kind of ['trial', 'widget', 'nudge'] as const) {
    await expect(titleOf(page, kind)).toBeVisible()
    const r = (await titleOf(page, kind).boundingBox())!
    expect(r.y >= 0 && r.y + r.height <= vp.height, `${kind} within the viewport: ${JSON.stringify(r)}`).toBe(true)
  }
  // No trace in the host's layout: the page is as tall and wide with the moments as without them.
  const size = () => page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])
  const withMoments = await size()
  await page.evaluate(() => document.querySelector('momentkit-root')!.remove())
  expect(withMoments).toEqual(await size())
})
