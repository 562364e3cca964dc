/**
 * "On a score range", "on a signal's value" and "on trial days left": a prompt or nudge with no
 * tier or event trigger is a candidate at every check (load, route change,
 * identify, every minute) once its target holds, still under its caps.
 */
import { test, expect, ready } from './fixtures'
import { config, crossTier, daysAhead, decision, host, momentPage, outcomes, storedHistory } from './moments-helpers'

const SCORED = {
  id: 'score-nudge', kind: 'nudge', target: { score: { min: 50 } }, cap: { perDay: 1 },
  copy: { en: { title: 'You are getting the hang of it', cta: 'See Pro plans', dismiss: 'Got it' } },
  cta: { url: '/pricing' },
}
const LAST_DAYS = {
  id: 'last-days', kind: 'upgrade', target: { trial: { min: 1, max: 3 } }, cap: { perDay: 1 },
  copy: { en: { title: 'Two days to decide', body: 'Pick a plan to keep your projects.', cta: 'See plans', dismiss: 'Not now' } },
  cta: { url: '/pricing' },
}

test('on a score range: a nudge with only target.score shows once tracked events bring the score into range, once', async ({ page, server }) => {
  await page.clock.install({ time: Date.now() })
  await page.goto(momentPage(server, '/moments-check-score.html', config([SCORED])))
  await ready(page)
  await expect.poll(() => decision(page, 'score-nudge')).toMatchObject({ show: false, reason: 'score 0 out of range' })

  await crossTier(page)
  await expect(host(page).getByText('You are getting the hang of it')).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['score-nudge:shown'])

  // The minute checks and more events leave it alone: it is on screen, then capped.
  await page.evaluate(() => window.momentkit.track('act'))
  await page.clock.fastForward(3 * 61_000)
  await host(page).getByRole('button', { name: 'Got it' }).click()
  await page.clock.fastForward(2 * 61_000)
  expect(await outcomes(page)).toEqual(['score-nudge:shown', 'score-nudge:dismissed'])
})

test('on a score range: a returning user already in range sees it at load, without waiting for the minute check', async ({ page, server }) => {
  await page.goto(momentPage(server, '/moments-check-return.html', config([])))
  await ready(page)
  await crossTier(page)
  await expect.poll(() => page.evaluate(() => window.momentkit.$score.get())).toBe(50)
  await page.evaluate(() => window.momentkit.flush())
  await page.goto(momentPage(server, '/moments-check-return2.html', config([SCORED])))
  await expect(host(page).getByText('You are getting the hang of it')).toBeVisible({ timeout: 3000 })
})

test('on trial days left: a modal with only target.trial shows at load, and its per-day cap holds across a reload', async ({ page, server }) => {
  const path = momentPage(server, '/moments-check-trial.html', config([LAST_DAYS], { trial: { end: daysAhead(2) } }))
  await page.goto(path)
  await ready(page)
  await expect(host(page).getByRole('dialog', { name: 'Two days to decide' })).toBeVisible()
  await expect.poll(() => outcomes(page)).toEqual(['last-days:shown'])
  await expect.poll(async () => (await storedHistory(page, 'last-days'))?.shown.length, 'written before the reload').toBe(1)

  await page.reload()
  await ready(page)
  await expect.poll(() => decision(page, 'last-days')).toMatchObject({ show: false, reason: 'shown 1 times today (cap)' })
  await expect(host(page)).toHaveCount(0)
})

const LIMIT_MODEL = {
  version: 'limit-test',
  signals: { projects: { type: 'count', event: 'project_created', threshold: 5 } },
  dimensions: { use: { weight: 1, signals: ['projects'] } },
  tiers: [{ name: 'low', min: 0 }, { name: 'pql', min: 50 }],
}

test('on a signal\'s value: a usage-limit warning shows at the 4th of 5 free projects, not before, once', async ({ page, server }) => {
  const model = LIMIT_MODEL
  const warning = {
    id: 'projects-80', kind: 'nudge', target: { signals: { projects: { min: 4, max: 4 } } }, cap: { total: 1 },
    copy: { en: { title: '{{signal.projects}} of your 5 free projects used', cta: 'See Pro plans', dismiss: 'Got it' } },
    cta: { url: '/pricing' },
  }
  await page.goto(momentPage(server, '/moments-check-signal.html', config([warning], { model })))
  await ready(page)
  await page.evaluate(() => ['a', 'b', 'c'].forEach(() => window.momentkit.track('project_created')))
  await expect.poll(() => decision(page, 'projects-80')).toMatchObject({ show: false, reason: 'signal projects 3 out of range' })
  expect(await outcomes(page)).toEqual([])

  await page.evaluate(() => window.momentkit.track('project_created'))
  await expect(host(page).getByText('4 of your 5 free projects used')).toBeVisible()
  await host(page).getByRole('button', { name: 'Got it' }).click()
  await page.evaluate(() => window.momentkit.track('project_created'))
  await expect.poll(() => decision(page, 'projects-80')).toMatchObject({ show: false })
  expect(await outcomes(page)).toEqual(['projects-80:shown', 'projects-80:dismissed'])
})

test('an event-triggered moment with a signal range decides on a state that counts that event: the 4th project, not the 5th', async ({ page, server }) => {
  const warning = {
    id: 'on-4th', kind: 'nudge', on: { event: 'project_created' }, target: { signals: { projects: { min: 4 } } },
    copy: { en: { title: 'Project {{signal.projects}} of 5', dismiss: 'Got it' } },
  }
  await page.goto(momentPage(server, '/moments-check-signal-event.html', config([warning], { model: LIMIT_MODEL })))
  await ready(page)
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.momentkit.track('project_created'))
  await expect.poll(() => decision(page, 'on-4th')).toMatchObject({ show: false, reason: 'signal projects 3 out of range' })
  await page.evaluate(() => window.momentkit.track('project_created'))
  await expect(host(page).getByText('Project 4 of 5')).toBeVisible()
})

test('an event trigger filtered by props: track("limit_reached", { limit: "seats" }) shows the seat limit\'s nudge, not the project limit\'s', async ({ page, server }) => {
  const nudge = (limit: string) => ({ id: `${limit}-limit`, kind: 'nudge', on: { event: 'limit_reached', where: { limit } }, copy: { en: { title: `Your free ${limit} are used up`, dismiss: 'Got it' } } })
  await page.goto(momentPage(server, '/moments-event-where.html', config([nudge('projects'), nudge('seats')])))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached', { limit: 'seats', max: 5 }))
  await expect(host(page).getByText('Your free seats are used up')).toBeVisible()
  expect(await outcomes(page)).toEqual(['seats-limit:shown'])
})
