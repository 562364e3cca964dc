/**
 * While a modal moment is open the page behind it does not scroll (wheel over
 * the backdrop or the dialog); the dialog's own content still scrolls when it
 * is taller than the screen; once closed, the page scrolls as before. Nothing
 * of the host's styles is touched.
 */
import { test, expect, ready } from './fixtures'
import { UPGRADE, config, crossTier, host, momentPage, titleOf } from './moments-helpers'

const LONG_PAGE = '<style>main { height: 5000px }</style>'

test('upgrade modal: the wheel does not scroll the page behind it, over the backdrop or over the dialog', async ({ page, server }) => {
  await page.goto(momentPage(server, '/render-scroll.html', config([UPGRADE]), { head: LONG_PAGE }))
  await ready(page)
  const style = () => page.evaluate(() => [document.documentElement.getAttribute('style'), document.body.getAttribute('style')])
  const before = await style()
  await crossTier(page)
  const dialog = host(page).getByRole('dialog')
  await expect(dialog).toBeVisible()
  const b = (await dialog.boundingBox())!
  for (const [x, y] of [[10, 10], [b.x + b.width / 2, b.y + b.height / 2]]) {
    await page.mouse.move(x, y)
    await page.mouse.wheel(0, 600)
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => scrollY), `wheel at ${x},${y}`).toBe(0)
  }
  expect(await style(), 'host styles untouched').toEqual(before)
  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  await page.mouse.move(10, 10)
  await page.mouse.wheel(0, 600)
  await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(0)
})

test('upgrade modal taller than a short screen: its own content scrolls, the page behind does not', async ({ page, server }) => {
  await page.setViewportSize({ width: 320, height: 220 })
  await page.goto(momentPage(server, '/render-scroll-short.html', config([UPGRADE]), { head: LONG_PAGE }))
  await ready(page)
  await crossTier(page)
  const dialog = host(page).getByRole('dialog')
  await expect(dialog).toBeVisible()
  const b = (await dialog.boundingBox())!
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2)
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 300)
  await page.waitForTimeout(300)
  expect(await dialog.evaluate((d) => d.scrollTop), 'the dialog scrolled').toBeGreaterThan(0)
  expect(await page.evaluate(() => scrollY), 'the page did not').toBe(0)
})
