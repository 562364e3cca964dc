/**
 * `debug: true` explains decisions in the console: for each moment a trigger
 * made a candidate, one line saying whether it shows and why (priority,
 * targeting, holdout, caps), the same reasons explain().moments gives.
 * Without debug the console stays quiet.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready, type ConsoleLine } from './fixtures'
import { TRIAL, UPGRADE, config, crossTier, daysAhead, momentPage, storedHistory } from './moments-helpers'

const copy = { en: { title: 'Hello', cta: 'Go' } }
const MOMENTS = [
  { ...UPGRADE, id: 'winner', priority: 10 },
  { ...UPGRADE, id: 'runner-up', priority: 5 },
  { id: 'pro-only', kind: 'nudge', on: { tierEntered: ['pql'] }, target: { plans: ['pro'] }, copy },
  { id: 'control', kind: 'nudge', on: { tierEntered: ['pql'] }, holdout: 100, copy },
  { id: 'on-event', kind: 'nudge', on: { event: 'limit_reached' }, copy },
  TRIAL,
]

const momentLines = (logs: ConsoleLine[]) => logs.filter((l) => l.text.startsWith('[momentkit] moment ')).map((l) => l.text.slice('[momentkit] '.length))

async function open(page: Page, server: Parameters<typeof momentPage>[0], path: string, debug: boolean) {
  await page.goto(momentPage(server, path, config(MOMENTS, { debug, trial: { end: daysAhead(10) } })))
  await ready(page)
}

test('debug: true logs why each candidate moment did or did not show', async ({ page, server, logs }) => {
  await open(page, server, '/moments-debug.html', true)
  await expect.poll(() => momentLines(logs), 'the load check explains the trial banner').toContain('moment trial-ending: skip (10 trial days left, outside the range)')

  await crossTier(page)
  await expect.poll(() => momentLines(logs)).toEqual(
    expect.arrayContaining([
      'moment winner: show (eligible, priority 10)',
      'moment runner-up: skip (lower priority than winner)',
      'moment pro-only: skip (plan free not targeted)',
      'moment control: skip (held out (100% control group))',
      'moment winner: shown',
    ]),
  )
  const lines = momentLines(logs)
  expect(lines.filter((l) => l.startsWith('moment on-event:')), 'not a candidate for a tier trigger: not mentioned').toEqual([])

  // The same reasons are in explain().moments.
  const explained = await page.evaluate(() => window.momentkit.explain()?.moments ?? [])
  const tierDecisions = explained.filter((d) => ['winner', 'runner-up', 'pro-only', 'control'].includes(d.id))
  expect(tierDecisions).toHaveLength(4)
  for (const d of tierDecisions) expect(lines, d.id).toContain(`moment ${d.id}: ${d.show ? 'show' : 'skip'} (${d.reason})`)
})

test('without debug the console has no decision lines', async ({ page, server, logs }) => {
  await open(page, server, '/moments-debug-off.html', false)
  await crossTier(page)
  await expect.poll(() => page.evaluate(() => window.momentkit.explain()?.moments?.find((d) => d.id === 'winner')?.show)).toBe(true)
  expect(momentLines(logs)).toEqual([])
})

test('debug: a capped moment says which cap holds it back', async ({ page, server, logs }) => {
  await page.goto(momentPage(server, '/moments-debug-cap.html', config([{ id: 'once', kind: 'nudge', on: { event: 'limit_reached' }, cap: { total: 1 }, copy }], { debug: true })))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect.poll(() => momentLines(logs)).toContain('moment once: shown')
  await expect.poll(async () => (await storedHistory(page, 'once'))?.shown.length, 'written before the reload').toBe(1)
  await page.reload()
  await ready(page)
  logs.length = 0
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect.poll(() => momentLines(logs), 'after a reload too').toEqual(['moment once: skip (shown 1 times (cap 1))'])
})
