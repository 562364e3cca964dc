/**
 * Page views in a single-page app: the load, history.pushState/replaceState
 * and back/forward each record `page_viewed` with the new path, once per
 * distinct path change.
 *
 * fixtures/spa.html counts page_viewed (threshold 10: each view is 10 points)
 * and lists the distinct paths as "features", so explain().topFeatures shows
 * which paths were recorded and how often.
 */
import { test, expect, explain, ready, scoreIs } from './fixtures'

const HOME = '/fixtures/spa.html'

test('history.pushState to a new path records a page_viewed event', async ({ page }) => {
  await page.goto(HOME)
  const start = await ready(page)
  expect(start.signals.pages.value).toBe(1)
  expect(start.score).toBe(10)

  await page.evaluate(() => history.pushState({}, '', '/app/projects'))
  const pushed = await scoreIs(page, 20)
  expect(pushed.signals.pages.value).toBe(2)
  expect(pushed.topFeatures).toEqual([
    { name: '/app/projects', count: 1 },
    { name: HOME, count: 1 },
  ])
})

test('only real path changes count: same path, hash-only and query changes', async ({ page }) => {
  await page.goto(HOME)
  await ready(page)
  await page.evaluate(async () => {
    history.pushState({}, '', '/app/projects')
    history.pushState({}, '', '/app/projects') // same path: not a new view
    history.pushState({}, '', '/app/projects#details') // hash only: not a new view
    location.hash = 'more' // hashchange, same path: not a new view
    history.replaceState({}, '', '/app/projects?tab=members') // query changed: a new view
    history.pushState({}, '', '/app/settings')
  })
  const state = await scoreIs(page, 40)
  expect(state.signals.pages.value).toBe(4)
  expect(state.topFeatures).toEqual([
    { name: '/app/projects', count: 1 },
    { name: '/app/projects?tab=members', count: 1 },
    { name: '/app/settings', count: 1 },
  ])
  expect(state.signals.paths.value).toBe(4)
})

test('back and forward (popstate) record the page they land on', async ({ page }) => {
  await page.goto(HOME)
  await ready(page)
  await page.evaluate(() => {
    history.pushState({}, '', '/app/a')
    history.pushState({}, '', '/app/b')
  })
  await scoreIs(page, 30)
  await page.goBack()
  expect(await page.evaluate(() => location.pathname)).toBe('/app/a')
  await scoreIs(page, 40)
  await page.goForward()
  const state = await scoreIs(page, 50)
  expect(state.topFeatures).toEqual([
    { name: '/app/a', count: 2 },
    { name: '/app/b', count: 2 },
    { name: HOME, count: 1 },
  ])
})

test('trackPages: false records no page views', async ({ page, server }) => {
  server.page(
    '/fixtures/spa-off.html',
    `<!doctype html><script async src="/dist/momentkit.iife.js" data-config='{"trackPages":false,"model":{"signals":{"pages":{"type":"count","event":"page_viewed","threshold":10}},"dimensions":{"nav":{"weight":1,"signals":["pages"]}}}}'></script>`,
  )
  await page.goto('/fixtures/spa-off.html')
  await ready(page)
  await page.evaluate(() => {
    history.pushState({}, '', '/app/a')
    window.momentkit.track('page_viewed', { path: '/manual' })
  })
  // Only the manual event: 1 of 10.
  const state = await scoreIs(page, 10)
  expect(state.signals.pages.value).toBe(1)
})

test('init() with a changed config on the same page does not record the current page view again; the next navigation counts', async ({ page }) => {
  await page.goto(HOME)
  expect((await ready(page)).signals.pages.value).toBe(1)
  // The host updates one option: the new config replaces the running instance, and no navigation happens.
  await page.evaluate(() =>
    window.momentkit.init({
      momentsPerDay: 3,
      model: {
        signals: { pages: { type: 'count', event: 'page_viewed', threshold: 10 }, paths: { type: 'distinct', event: 'page_viewed', prop: 'path', threshold: 10 } },
        dimensions: { nav: { weight: 1, signals: ['pages'] } },
        features: 'paths',
      },
    }),
  )
  await page.waitForTimeout(1000)
  expect((await ready(page)).signals.pages.value, 'one page load, one page view').toBe(1)
  await page.evaluate(() => history.pushState({}, '', '/app/next'))
  expect((await scoreIs(page, 20)).signals.pages.value).toBe(2)
})

test('a very long URL (a state blob in the query): the page view goes out cut to 2,000 characters, stored as a feature cut to 200', async ({ page, server }) => {
  const bodies: string[] = []
  await page.route('**/collect', (route) => (bodies.push(route.request().postData() ?? ''), route.fulfill({ status: 200, body: '{}' })))
  const config = { endpoint: '/collect', delivery: { interval: 0 }, namespace: 'spa-long', model: { signals: { pages: { type: 'distinct', event: 'page_viewed', prop: 'path', threshold: 10 } }, dimensions: { use: { weight: 1, signals: ['pages'] } } } }
  server.page('/spa-long.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>spa</title><script async src="/dist/momentkit.iife.js" data-config='${JSON.stringify(config)}'></script></head><body></body></html>`)
  await page.goto('/spa-long.html')
  await ready(page)
  const long = '/app/board?state=' + 'x'.repeat(20_000)
  await page.evaluate((p) => history.pushState({}, '', p), long)
  await expect.poll(() => bodies.join('\n').includes(JSON.stringify(long.slice(0, 2000)))).toBe(true)
  expect(bodies.join('\n')).not.toContain(long.slice(0, 2001))
  await expect.poll(async () => (await explain(page))?.topFeatures.map((f) => f.name)).toContain(long.slice(0, 200))
})
