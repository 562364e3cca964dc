/**
 * Config from the script tag's data-config: a URL of a JSON file, or inline
 * JSON. An invalid config is reported with JSON paths and leaves the SDK
 * inert, without an uncaught error (the `pageErrors` fixture checks that
 * for every test).
 */
import { test, expect, explain, ready, scoreIs, sdkLogs } from './fixtures'

const BUNDLE = '/dist/momentkit.iife.js'

test('data-config URL: the JSON file is fetched once and its model scores', async ({ page, server }) => {
  await page.goto('/fixtures/config-url.html')
  // config.json: one dimension, projects >= 4 -> credit per project is 25 points.
  const start = await ready(page)
  expect(start).toMatchObject({ score: 0, tier: 'low', modelVersion: 'from-url', storage: 'idb' })
  expect(Object.keys(start.signals)).toEqual(['projects'])
  expect(start.breakdown.map((d) => d.label)).toEqual(['Usage depth'])

  await page.evaluate(() => window.momentkit.track('project_created'))
  expect((await scoreIs(page, 25)).signals.projects.value).toBe(1)
  await page.evaluate(() => {
    for (let i = 0; i < 3; i++) window.momentkit.track('project_created')
  })
  const full = await scoreIs(page, 100)
  expect(full.tier).toBe('hot')
  expect(full.reasons).toEqual(['created 4 projects'])
  expect(server.requests.filter((r) => r === '/fixtures/config.json')).toHaveLength(1)
})

test('data-config inline JSON: the model in the attribute scores', async ({ page }) => {
  await page.goto('/fixtures/config-inline.html')
  expect(await ready(page)).toMatchObject({ score: 0, modelVersion: 'inline' })
  await page.evaluate(() => {
    for (let i = 0; i < 3; i++) window.momentkit.track('report_exported')
    window.momentkit.track('unrelated_event')
  })
  // exports >= 5: 3 of 5 -> 60
  const state = await scoreIs(page, 60)
  expect(state.tier).toBe('moderate')
  expect(state.signals.exports.value).toBe(3)
  expect(state.reasons).toEqual(['report exported ×3'])
})

/**
 * The problems printed in a config error, as [path, message]: one
 * "  path: message" line each. Messages are worded by src/config/validate.ts
 * and may be reworded; the paths are the contract.
 */
function problemLines(text: string): Array<[string, string]> {
  return [...text.matchAll(/^ {2}(\S+): (.+)$/gm)].map((m) => [m[1] === '(root)' ? '' : m[1], m[2]])
}

test('invalid config: one console error lists every problem with its JSON path; the SDK stays inert', async ({ page, logs }) => {
  await page.goto('/fixtures/config-invalid.html')
  await expect.poll(() => sdkLogs(logs, 'error').length).toBe(1)
  const text = sdkLogs(logs, 'error')[0].text
  expect(text).toMatch(/^\[momentkit\] invalid config:\n/)
  expect(text).toMatch(/MomentKit stays inert/)
  const problems = problemLines(text)
  expect(problems.map(([path]) => path).sort()).toEqual([
    'bogus',
    'model.dimensions.team.signals[1]',
    'model.signals.invites.event',
    'model.signals.invites.threshold',
    'sessionTimeout',
  ])
  expect(Object.fromEntries(problems)['model.dimensions.team.signals[1]']).toContain('nope')

  const state = await explain(page)
  expect(state).toMatchObject({ ready: false, score: null, tier: null })
  expect(state!.problems!.map((p) => [p.path, p.message]).sort()).toEqual(problems.sort())

  // Inert: calls are accepted and ignored, nothing is observed or stored.
  const after = await page.evaluate(async () => {
    window.momentkit.track('project_created')
    window.momentkit.identify('user-1')
    history.pushState(null, '', '?page=2')
    await window.momentkit.flush()
    await new Promise((r) => setTimeout(r, 300))
    const dbs = await indexedDB.databases()
    return {
      score: window.momentkit.$score.get(),
      explained: window.momentkit.explain(),
      pushStateUntouched: history.pushState === (window as unknown as { originalPushState: unknown }).originalPushState,
      dbs: dbs.map((d) => d.name),
    }
  })
  expect(after.score).toBeNull()
  expect(after.explained).toMatchObject({ ready: false, score: null, user: { userId: null } })
  expect(after.pushStateUntouched).toBe(true)
  expect(after.dbs).toEqual([])
  expect(sdkLogs(logs, 'error')).toHaveLength(1)
})

test('invalid config from a URL is reported the same way', async ({ page, server, logs }) => {
  server.route('/fixtures/bad.json', { body: JSON.stringify({ model: { preset: 'six-dimension', tiers: [{ name: 'x', min: 5 }] } }), headers: { 'content-type': 'application/json' } })
  server.page('/fixtures/bad-url.html', `<!doctype html><script async src="${BUNDLE}" data-config="/fixtures/bad.json"></script>`)
  await page.goto('/fixtures/bad-url.html')
  await expect.poll(() => sdkLogs(logs, 'error').length).toBe(1)
  const problems = problemLines(sdkLogs(logs, 'error')[0].text)
  expect(problems.map(([path]) => path).sort()).toEqual(['model.preset', 'model.tiers[0].min'])
  expect(Object.fromEntries(problems)['model.preset']).toMatch(/five-dimension.*four-category/)
  const state = await explain(page)
  expect(state).toMatchObject({ ready: false, score: null })
  expect(state!.problems!.map((p) => p.path).sort()).toEqual(['model.preset', 'model.tiers[0].min'])
})

test('inline data-config that is not JSON: a console error, the SDK stays inert', async ({ page, server, logs }) => {
  server.page('/fixtures/not-json.html', `<!doctype html><script async src="${BUNDLE}" data-config='{"model": oops}'></script>`)
  await page.goto('/fixtures/not-json.html')
  await expect.poll(() => sdkLogs(logs, 'error').map((l) => l.text)).toEqual([expect.stringContaining('data-config is not valid JSON; MomentKit stays inert')])
  expect(await page.evaluate(() => [typeof window.momentkit.track, window.momentkit.explain(), window.momentkit.$score.get()])).toEqual(['function', null, null])
  await page.evaluate(() => window.momentkit.track('project_created'))
})

test('a data-config URL that answers 404: a console error naming the URL, the SDK stays inert', async ({ page, server, logs }) => {
  server.page('/fixtures/missing-config.html', `<!doctype html><script async src="${BUNDLE}" data-config="/fixtures/nope.json"></script>`)
  await page.goto('/fixtures/missing-config.html')
  await expect.poll(() => sdkLogs(logs, 'error').map((l) => l.text)).toEqual([expect.stringContaining('could not load the config from /fixtures/nope.json; MomentKit stays inert')])
  expect(await page.evaluate(() => window.momentkit.explain())).toBeNull()
})

test('init() with an invalid config returns an inert instance; no throw into the page', async ({ page, server, logs }) => {
  server.page('/fixtures/init-invalid.html', `<!doctype html><script src="${BUNDLE}"></script>`)
  await page.goto('/fixtures/init-invalid.html')
  const result = await page.evaluate(() => {
    const inst = window.momentkit.init({ model: { tiers: 'all of them' }, debug: 'yes' }) as { explain(): unknown }
    return inst.explain()
  })
  expect(result).toMatchObject({ ready: false, score: null })
  expect((result as { problems: Array<{ path: string }> }).problems.map((p) => p.path).sort()).toEqual(['debug', 'model.tiers'])
  expect(sdkLogs(logs, 'error')).toHaveLength(1)
})
