/**
 * The moments UI (preact and the five components) is its own file,
 * dist/momentkit-ui.js, loaded the first time a moment shows: a page on
 * which no moment shows never downloads it, a failure to load it is told
 * once and recorded as nothing, and `data-ui` on the script tag names
 * another place for it.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { test, expect, ready } from './fixtures'
import { NUDGE, UPGRADE, config, crossTier, decision, host, momentPage, outcomes, titleOf } from './moments-helpers'
import { ROOT } from './server'
import { VERSION } from '../../src/version'

const UI = '/dist/momentkit-ui.js'
const uiRequests = (requests: string[], from: number) => requests.slice(from).filter((r) => r.includes('momentkit-ui') || r.startsWith('/ui/'))

test('no moment on screen, no UI file; the first moment loads it once and later ones reuse it', async ({ page, server }) => {
  const from = server.requests.length
  await page.goto(momentPage(server, '/moments-lazy.html', config([UPGRADE, NUDGE])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('act'))
  await expect.poll(() => page.evaluate(() => window.momentkit.$score.get())).toBe(25)
  await page.evaluate(() => window.momentkit.flush())
  await page.waitForTimeout(300)
  expect(uiRequests(server.requests, from), 'nothing shown: the UI file is not fetched').toEqual([])
  await expect(host(page)).toHaveCount(0)

  await crossTier(page)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown'])
  await host(page).getByRole('button', { name: 'Not now' }).click()
  await expect(titleOf(page, 'upgrade')).toHaveCount(0)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(titleOf(page, 'nudge')).toBeVisible()
  expect(uiRequests(server.requests, from), 'fetched once, for the first moment, with the version in the URL for caches').toEqual([`${UI}?v=${VERSION}`])
})

test('the UI file failing to load: told once, nothing recorded as shown, the page unharmed; a later moment retries and shows', async ({ page, server, logs }) => {
  server.route(UI, { status: 404, body: 'not here' })
  await page.goto(momentPage(server, '/moments-lazy-fail.html', config([UPGRADE, NUDGE])))
  await ready(page)
  await crossTier(page)
  await expect.poll(() => logs.filter((l) => l.type === 'warning' && l.text.includes('could not load the moments UI')).length).toBe(1)
  const warning = logs.find((l) => l.text.includes('could not load the moments UI'))!.text
  expect(warning, 'names the file').toContain('momentkit-ui.js')
  expect(await outcomes(page), 'not shown, so not recorded as shown').toEqual([])
  expect(await decision(page, 'upgrade-pql')).toMatchObject({ show: false, reason: 'the moments UI could not load' })
  await expect(host(page)).toHaveCount(0)
  // The host page keeps working.
  await page.evaluate(() => window.momentkit.track('act'))
  await expect.poll(() => page.evaluate(() => window.momentkit.$score.get())).toBe(75)

  // Back again: the next moment after the retry delay (0.5-1 s after a first failure) loads it and shows.
  await page.waitForTimeout(1100)
  server.route(UI, { body: readFileSync(resolve(ROOT, 'dist/momentkit-ui.js')), headers: { 'content-type': 'text/javascript' } })
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(titleOf(page, 'nudge')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['limit-nudge:shown'])
  expect(logs.filter((l) => l.text.includes('could not load the moments UI')), 'the warning is printed once').toHaveLength(1)
})

test('data-ui on the script tag names where the UI file is, relative to the page as src is', async ({ page, server }) => {
  const from = server.requests.length
  server.route('/ui/mk-ui.js', { body: readFileSync(resolve(ROOT, 'dist/momentkit-ui.js')), headers: { 'content-type': 'text/javascript' } })
  const cfg = JSON.stringify(config([UPGRADE]))
  server.page('/moments-lazy-data-ui.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title>
<script src="/dist/momentkit.iife.js" data-ui="ui/mk-ui.js" data-config='${cfg}'></script></head><body><main><h1>x</h1></main></body></html>`)
  await page.goto('/moments-lazy-data-ui.html')
  await ready(page)
  expect(await page.evaluate(() => (window.momentkit as unknown as { preview(id: string): boolean }).preview('upgrade-pql'))).toBe(true)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  expect(uiRequests(server.requests, from)).toEqual(['/ui/mk-ui.js'])
})
