/**
 * What the SDK observes across tabs of one origin: sessions, and who the user is. Each tab read the
 * identity once, at load: after identify() in one tab, another kept tracking for the anonymous
 * visitor (lost to the user's score), and after reset() (logout) it kept tracking for the user.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'

const CONFIG = {
  model: {
    signals: {
      sessions: { type: 'sessions', threshold: 10 },
      xs: { type: 'count', event: 'x', threshold: 100 },
    },
    dimensions: { d: { weight: 1, signals: ['sessions', 'xs'] } },
  },
}
const HTML = `<!doctype html><script async src="/dist/momentkit.iife.js" data-config='${JSON.stringify(CONFIG)}'></script>`
const PATH = '/fixtures/tabs.html'

const userOf = async (page: Page) => (await ready(page)).user.userId
const xs = async (page: Page) => (await ready(page)).signals.xs.value

async function twoTabs(page: Page, server: { page(p: string, h: string): void }): Promise<Page> {
  server.page(PATH, HTML)
  await page.goto(PATH)
  await ready(page)
  const other = await page.context().newPage()
  await other.goto(PATH)
  await ready(other)
  return other
}

test('two tabs opened together count one session', async ({ page, server }) => {
  server.page(PATH, HTML)
  const other = await page.context().newPage()
  await Promise.all([page.goto(PATH), other.goto(PATH)])
  await ready(page)
  await ready(other)
  await page.evaluate(() => window.momentkit.flush())
  await other.evaluate(() => window.momentkit.flush())
  await page.reload()
  expect((await ready(page)).signals.sessions.value).toBe(1)
})

test('identify() in one tab: the other tab tracks for the named user, and its unsaved anonymous events are theirs', async ({ page, server }) => {
  const other = await twoTabs(page, server)
  await other.evaluate(() => window.momentkit.track('x')) // anonymous, not written yet
  await page.evaluate(() => window.momentkit.identify('u1'))
  await expect.poll(() => userOf(other)).toBe('u1')
  await other.evaluate(() => window.momentkit.track('x'))
  await expect.poll(() => xs(other)).toBe(2)
  await other.evaluate(() => window.momentkit.flush())
  await page.reload()
  expect(await userOf(page)).toBe('u1')
  expect(await xs(page)).toBe(2)
})

test('reset() in one tab (logout): the other tab no longer tracks for the user', async ({ page, server }) => {
  const other = await twoTabs(page, server)
  await page.evaluate(() => window.momentkit.identify('u1'))
  await expect.poll(() => userOf(other)).toBe('u1')
  await page.evaluate(() => window.momentkit.reset())
  await expect.poll(() => userOf(other)).toBe(null)
  const anon = await page.evaluate(() => window.momentkit.explain()!.user.anonymousId)
  expect((await ready(other)).user.anonymousId).toBe(anon)
  await other.evaluate(() => window.momentkit.track('x'))
  await other.evaluate(() => window.momentkit.flush())
  expect(await xs(other)).toBe(1)
  // Back as u1: the event tracked logged out is added to their history once (it was not theirs meanwhile).
  await page.evaluate(() => window.momentkit.identify('u1'))
  await expect.poll(() => userOf(page)).toBe('u1')
  await expect.poll(() => xs(page)).toBe(1)
})

test('identify() with new traits in one tab: the other tab answers gate() for the new plan', async ({ page, server }) => {
  server.page(
    PATH,
    `<!doctype html><script async src="/dist/momentkit.iife.js" data-config='${JSON.stringify({ ...CONFIG, moments: [], entitlements: { free: [], pro: ['sso'] } })}'></script>`,
  )
  await page.goto(PATH)
  await ready(page)
  const other = await page.context().newPage()
  await other.goto(PATH)
  await ready(other)
  await page.evaluate(() => window.momentkit.identify('u1', { plan: 'free' }))
  await expect.poll(() => userOf(other)).toBe('u1')
  await page.evaluate(() => window.momentkit.identify('u1', { plan: 'pro' }))
  await expect.poll(() => other.evaluate(() => (window.momentkit as unknown as { gate(f: string): boolean }).gate('sso'))).toBe(true)
})

// Script tag: calls made after the bundle loaded but before init() (the app fetches its config
// first, or data-config is a URL) wait in a buffer. They kept the host's props object, not a copy, and
// got their time at init(): an object reused and changed between two calls was recorded twice as last
// changed, and events were dated when init() came.
test('track() before init(): recorded with its props and time as of the call', async ({ page, server }) => {
  server.page('/fixtures/late-init.html', `<!doctype html><script src="/dist/momentkit.iife.js"></script>`)
  const bodies: string[] = []
  await page.route('**/collect', (route) => {
    bodies.push(route.request().postData() ?? '')
    return route.fulfill({ status: 200, contentType: 'application/json', body: '{}' })
  })
  await page.goto('/fixtures/late-init.html')
  const t0 = await page.evaluate(() => {
    const props = { step: 1 }
    const t = Date.now()
    window.momentkit.track('onboarding_step', props)
    props.step = 2
    window.momentkit.track('onboarding_step', props)
    return t
  })
  await page.waitForTimeout(1500)
  await page.evaluate(() => {
    window.momentkit.init({ endpoint: '/collect', model: { signals: { s: { type: 'distinct', event: 'onboarding_step', prop: 'step', threshold: 5 } }, dimensions: { d: { weight: 1, signals: ['s'] } } } })
  })
  expect((await ready(page)).signals.s.value).toBe(2)
  await page.evaluate(() => window.momentkit.flush())
  await expect.poll(() => bodies.length).toBeGreaterThan(0)
  const events = bodies
    .flatMap((b) => (JSON.parse(b) as { messages: Array<{ type: string; name?: string; at: string; props?: { step: number } }> }).messages)
    .filter((m) => m.type === 'event' && m.name === 'onboarding_step')
  expect(events.map((e) => e.props?.step)).toEqual([1, 2])
  for (const e of events) expect(Math.abs(Date.parse(e.at) - t0)).toBeLessThan(500)
})
