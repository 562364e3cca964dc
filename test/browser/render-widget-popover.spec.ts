/**
 * Esc in the open widget panel closes the panel only: a host popover open at
 * the same time (a menu, a tooltip the app shows with the Popover API) stays.
 */
import { test, expect, ready } from './fixtures'
import { WIDGET, config, host, momentPage, TITLES } from './moments-helpers'

test('widget panel: Esc closes it, not the host page\'s open popover', async ({ page, server }) => {
  const body = '<div id="menu" popover="auto"><p>Host menu</p></div>'
  await page.goto(momentPage(server, '/render-widget-popover.html', config([WIDGET], { plan: 'trial' }), { body }))
  await ready(page)
  const badge = host(page).getByRole('button', { name: TITLES.widget })
  await expect(badge).toBeVisible()
  await page.evaluate(() => document.getElementById('menu')!.showPopover())
  await badge.focus()
  await page.keyboard.press('Enter')
  await expect(host(page).getByRole('link', { name: 'Upgrade now' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(host(page).getByRole('link', { name: 'Upgrade now' })).toBeHidden()
  expect(await page.evaluate(() => document.getElementById('menu')!.matches(':popover-open')), 'the host popover stays open').toBe(true)
})
