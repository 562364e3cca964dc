/**
 * Copy experiments: a moment's variation renders its copy over the moment's
 * own, outcomes name the variation, the person keeps it across a reload, and
 * preview shows either copy without recording anything.
 */
import { test, expect, ready } from './fixtures'
import { UPGRADE, config, crossTier, decision, host, momentPage, outcomes, titleOf } from './moments-helpers'

// Everyone in the variation: which person lands where is the unit tests' (test/moments.test.ts).
const TRIED = { ...UPGRADE, variations: [{ id: 'social', percent: 100, copy: { en: { title: 'Teams like yours are on Pro', cta: 'Join them' } } }] }

test('a variation\'s title and button replace the moment\'s own; outcomes and explain() name it; kept after a reload', async ({ page, server }) => {
  const tried = { ...TRIED, on: { event: 'export_clicked' } }
  await page.goto(momentPage(server, '/moments-variations.html', config([tried])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('export_clicked'))
  await expect(host(page).getByText('Teams like yours are on Pro')).toBeVisible()
  // The body is the moment's own: a variation words only what it gives.
  await expect(host(page).getByText('Pro lifts every limit.')).toBeVisible()
  const link = host(page).getByRole('link', { name: 'Join them' })
  await link.evaluate((el) => el.addEventListener('click', (e) => e.preventDefault()))
  await link.click()
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:clicked'])
  const variations = () => page.evaluate(() => window.momentEvents.map((e) => (e as { variation?: string }).variation))
  expect(await variations()).toEqual(['social', 'social'])
  expect(await decision(page, 'upgrade-pql')).toMatchObject({ show: true, variation: 'social' })

  // Reloaded with the variation paused (0%): this person keeps the copy they were first shown.
  const paused = { ...tried, variations: [{ ...TRIED.variations[0], percent: 0 }] }
  await page.goto(momentPage(server, '/moments-variations-2.html', config([paused])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('export_clicked'))
  await expect(host(page).getByText('Teams like yours are on Pro')).toBeVisible()
  await expect.poll(variations).toEqual(['social'])
})

test('?momentkit_preview=<id>/control shows the moment\'s own copy to a designer; an unknown variation shows nothing', async ({ page, server }) => {
  const path = momentPage(server, '/moments-variations-preview.html', config([TRIED]))
  await page.goto(path + '?momentkit_preview=upgrade-pql/control')
  await ready(page)
  await expect(titleOf(page, 'upgrade')).toHaveText('Unlock Pro for your team')
  await expect(host(page).getByRole('link', { name: 'See plans' })).toBeVisible()
  await host(page).getByRole('button', { name: 'Not now' }).click()
  expect(await page.evaluate(() => window.momentkit.preview('upgrade-pql/nope'))).toBe(false)
  await page.waitForTimeout(300)
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  expect(await outcomes(page)).toEqual([])
})
