/**
 * Hardening suite, security (issue 7): under the strictest policy a site is
 * likely to send,
 *
 *   Content-Security-Policy: script-src 'self'; style-src 'self'; object-src 'none';
 *                            base-uri 'none'; require-trusted-types-for 'script'
 *
 * every moment kind renders, is styled, and answers the user (open, expand,
 * dismiss, CTA) with zero CSP or Trusted Types violations, and the SDK
 * styles itself only through constructable stylesheets (no <style>, no
 * style attributes). The demo app is clicked through under the same header
 * at the end of this file.
 *
 * It reuses moments-csp.spec.ts's page (fixtures/moments-csp.html: only
 * external scripts, the violation recorder moments-csp-watch.js first, an
 * inline <script> as the control the policy must block) and its JSON config,
 * served here with the stricter header. A second control proves Trusted
 * Types are enforced and seen by both channels: a string assigned to
 * innerHTML throws, is reported to the listener and logged.
 *
 * Each case is recorded in the hardening tally (suite 'csp'): survived =
 * rendered and styled, the interaction worked, and zero violations.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Locator, Page, TestInfo } from '@playwright/test'
import { test, expect, ready, type ConsoleLine } from './fixtures'
import { test as demoTest } from './demo-fixture'
import { recordCase } from './hardening'
import { ROOT, type TestServer } from './server'
import { daysAhead, host, outcomes } from './moments-helpers'

/** The policy of issue 7, verbatim. */
export const STRICT_CSP = "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'"
const FIXTURE = resolve(ROOT, 'test/browser/fixtures/moments-csp.json')
/** The page's inline control script, blocked by script-src 'self'. */
const CONTROL = 'script-src-elem inline'
/** A theme accent no default or UA style has: a CTA painted in it proves the theme sheet applied. */
const ACCENT = { hex: '#0a7d5a', rgb: 'rgb(10, 125, 90)' }
const SHOWN = 10_000
const WATCH = resolve(ROOT, 'test/browser/fixtures/moments-csp-watch.js')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>

/** The fixture config (moments-csp.json) with the test accent, only the given moments, and overrides. */
function cfgWith(ids: string[] | 'default', extra: Config = {}): Config {
  const cfg: Config = JSON.parse(readFileSync(FIXTURE, 'utf8'))
  cfg.theme = { accent: ACCENT.hex, scheme: 'light' }
  cfg.moments = ids === 'default' ? 'default' : cfg.moments.filter((m: { id: string }) => ids.includes(m.id))
  return { ...cfg, ...extra }
}

/** Serves the fixture page with the strict header and `cfg` as its data-config JSON; waits for the SDK; checks the control. */
async function openStrict(page: Page, server: TestServer, cfg: Config, query = '', csp = STRICT_CSP): Promise<void> {
  server.route('/fixtures/moments-csp.json', { body: JSON.stringify(cfg), headers: { 'content-type': 'application/json' } })
  server.route('/fixtures/moments-csp.html', { headers: { 'Content-Security-Policy': csp } })
  await page.goto('/fixtures/moments-csp.html' + query)
  await ready(page)
  expect(await page.evaluate(() => window.inlineRan), 'the policy is enforced: the inline control did not run').toBeUndefined()
  await expect.poll(() => page.evaluate(() => window.cspViolations[0] && `${window.cspViolations[0].directive} ${window.cspViolations[0].blocked}`)).toBe(CONTROL)
}

/** Console lines about CSP or Trusted Types (Chromium's wording), the control's excepted. */
export const cspConsole = (logs: ConsoleLine[]): string[] =>
  logs
    .map((l) => l.text)
    .filter((t) => /Content Security Policy|Trusted ?(HTML|Script|ScriptURL|Types?)\b|trusted-types/i.test(t))
    .filter((t) => !/^Executing inline script violates/.test(t))

export interface Audit {
  /** securitypolicyviolation events besides the control, as "directive blocked sample source". */
  violations: string[]
  console: string[]
  /** <momentkit-root> elements. */
  hosts: number
  /** Constructable sheets adopted by the shadow root(s). */
  adopted: number
  /** Elements with a style attribute, in the shadow root(s) and in the page. */
  styleAttrs: number
  /** <style> elements in the page or the shadow root(s), stylesheet <link>s in the shadow root(s). */
  styleEls: number
}

/** What the page saw so far. */
export async function audit(page: Page, logs: ConsoleLine[]): Promise<Audit> {
  const seen = await page.evaluate(() => {
    const hosts = [...document.querySelectorAll('momentkit-root')]
    const roots: Array<Document | ShadowRoot> = [document, ...hosts.flatMap((h) => (h.shadowRoot ? [h.shadowRoot] : []))]
    return {
      violations: (window.cspViolations ?? []).map((v) => `${v.directive} ${v.blocked} ${v.sample} ${v.source}`),
      hosts: hosts.length,
      adopted: hosts.reduce((n, h) => n + (h.shadowRoot?.adoptedStyleSheets.length ?? 0), 0),
      styleAttrs: roots.reduce((n, r) => n + r.querySelectorAll('[style]').length, 0),
      // The host page may link its own stylesheets; the SDK must add none, and no <style> anywhere.
      styleEls: roots.reduce((n, r) => n + r.querySelectorAll(r === document ? 'style' : 'style, link[rel~=stylesheet]').length, 0),
    }
  })
  return { ...seen, violations: seen.violations.filter((v) => !v.startsWith(CONTROL + ' ')), console: cspConsole(logs) }
}

/** Clean: no violation, no CSP console line, one host styled by adopted sheets only. */
const clean = (a: Audit): boolean =>
  a.violations.length === 0 && a.console.length === 0 && a.hosts === 1 && a.adopted >= 2 && a.styleAttrs === 0 && a.styleEls === 0

/** `xs` without its first item matching `re` (a control's own report). */
function withoutFirst(xs: string[], re: RegExp): string[] {
  const i = xs.findIndex((x) => re.test(x))
  return i < 0 ? xs : [...xs.slice(0, i), ...xs.slice(i + 1)]
}

/** Whether the locator becomes visible (false after the timeout, rather than failing here: the case is recorded first). */
const visible = (l: Locator, timeout = SHOWN): Promise<boolean> => l.waitFor({ state: 'visible', timeout }).then(() => true, () => false)
const gone = (l: Locator, timeout = SHOWN): Promise<boolean> => l.waitFor({ state: 'hidden', timeout }).then(() => true, () => false)

/** Computed styles that only MomentKit's sheets set (the UA and the fixture page set none of them). */
function styles(l: Locator): Promise<Record<string, string>> {
  return l.evaluate((el) => {
    const s = getComputedStyle(el)
    return { position: s.position, fontSize: s.fontSize, fontWeight: s.fontWeight, background: s.backgroundColor, radius: s.borderTopLeftRadius }
  })
}

/** The moment's CTA painted in the theme accent: the base sheet (.mk-primary) and the theme sheet both applied. */
async function accentCta(l: Locator): Promise<boolean> {
  return (await l.count()) > 0 && (await styles(l.first())).background === ACCENT.rgb
}

/**
 * Records the case, then asserts it: a case whose checks fail is recorded
 * as not survived, with what went wrong in its note.
 */
async function settle(info: TestInfo, page: Page, logs: ConsoleLine[], name: string, checks: Record<string, boolean>): Promise<Audit> {
  const a = await audit(page, logs)
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k)
  const survived = failed.length === 0 && clean(a)
  const note = survived
    ? `${Object.keys(checks).join(', ')}; 0 violations, ${a.adopted} adopted sheets`
    : `failed: ${failed.join(', ') || '-'}; violations: ${a.violations.length + a.console.length}; style attrs ${a.styleAttrs}, <style> ${a.styleEls}, hosts ${a.hosts}`
  recordCase(info, { suite: 'csp', name, survived, note })
  expect(failed, `${name}: checks that failed`).toEqual([])
  expect(a.violations, `${name}: securitypolicyviolation events besides the control`).toEqual([])
  expect(a.console, `${name}: CSP / Trusted Types console messages besides the control`).toEqual([])
  expect({ hosts: a.hosts, styleAttrs: a.styleAttrs, styleEls: a.styleEls }, `${name}: one host, no style attribute or element`).toEqual({ hosts: 1, styleAttrs: 0, styleEls: 0 })
  expect(a.adopted, `${name}: styled by constructable sheets`).toBeGreaterThanOrEqual(2)
  return a
}

const dialog = (page: Page): Locator => host(page).getByRole('dialog')
const button = (page: Page, name: string | RegExp): Locator => host(page).getByRole('button', { name, exact: typeof name === 'string' })
const link = (page: Page, name: string): Locator => host(page).getByRole('link', { name, exact: true })

/** A same-origin page for CTAs to land on, under the same policy, with the violation recorder. */
function pricingPage(server: TestServer): void {
  server.page(
    '/pricing',
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pricing</title><script src="/fixtures/moments-csp-watch.js"></script></head><body><h1>Pricing</h1></body></html>',
    { 'Content-Security-Policy': STRICT_CSP },
  )
}

test('controls: the strict policy is enforced, and Trusted Types violations reach both the listener and the console', async ({ page, server, logs }) => {
  await openStrict(page, server, cfgWith([]))
  const thrown = await page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<b>x</b>'
      return 'assigned'
    } catch (e) {
      return (e as Error).name
    }
  })
  expect(thrown, 'a string assigned to innerHTML is refused').toBe('TypeError')
  const a = await audit(page, logs)
  expect(a.violations).toEqual([expect.stringMatching(/^require-trusted-types-for trusted-types-sink Element innerHTML\|<b>x<\/b>/)])
  expect(a.console).toEqual([expect.stringMatching(/requires 'TrustedHTML' assignment/)])
  // The audit counts what the page would add: a style attribute and a <style> element are seen.
  await page.evaluate(() => {
    const d = document.createElement('div')
    d.setAttribute('style', 'color:red')
    document.body.append(d, document.createElement('style'))
  })
  const b = await audit(page, logs)
  expect({ styleAttrs: b.styleAttrs, styleEls: b.styleEls }).toEqual({ styleAttrs: 1, styleEls: 1 })
  // A violation inside a shadow root (where the moments live) reaches the document's listener too.
  await page.evaluate(() => {
    const h = document.body.appendChild(document.createElement('div')).attachShadow({ mode: 'open' })
    h.appendChild(document.createElement('p')).setAttribute('style', 'color:blue')
  })
  await expect.poll(async () => (await audit(page, logs)).violations.filter((v) => v.startsWith('style-src-attr'))).toHaveLength(2)
})

test('upgrade prompt, modal: shown by a tier crossing, styled, closed with Esc and with "Not now"', async ({ page, server, logs }, info) => {
  await openStrict(page, server, cfgWith(['upgrade-pql'], { plan: 'pro', momentsPerDay: 10 }))
  await page.evaluate(() => ['act', 'act'].forEach((e) => window.momentkit.track(e)))
  const shown = await visible(dialog(page).getByText('Unlock Pro for your team'))
  const s = shown ? await styles(dialog(page)) : null
  const modal = shown && (await dialog(page).evaluate((d) => d.matches(':modal')))
  await page.keyboard.press('Escape')
  const escClosed = await gone(dialog(page))
  // Cap-free re-show through preview, then the dismiss button.
  await page.evaluate(() => window.momentkit.preview('upgrade-pql'))
  const again = await visible(dialog(page))
  const styled = again && (await accentCta(link(page, 'See plans')))
  await button(page, 'Not now').click({ timeout: SHOWN }).catch(() => {})
  const dismissed = await gone(dialog(page))
  await settle(info, page, logs, 'upgrade prompt (modal): tier crossing, Esc, "Not now"', {
    rendered: shown,
    modal,
    'styled (radius, accent CTA)': !!s && s.radius === '10px' && styled,
    'Esc closes': escClosed,
    'dismiss closes': dismissed,
  })
  expect((await outcomes(page)).slice(0, 2)).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed'])
})

test('upgrade prompt, slide-in: fixed in its corner, styled, dismissed', async ({ page, server, logs }, info) => {
  const cfg = cfgWith(['upgrade-pql'], { plan: 'pro' })
  Object.assign(cfg.moments[0], { variant: 'slidein', position: 'top-left' })
  await openStrict(page, server, cfg)
  await page.evaluate(() => ['act', 'act'].forEach((e) => window.momentkit.track(e)))
  const slide = host(page).getByRole('complementary')
  const shown = await visible(slide.getByText('Unlock Pro for your team'))
  const s = shown ? await styles(slide) : null
  const styled = shown && (await accentCta(link(page, 'See plans')))
  await button(page, 'Not now').click({ timeout: SHOWN }).catch(() => {})
  const dismissed = await gone(slide)
  await settle(info, page, logs, 'upgrade prompt (slide-in): tier crossing, "Not now"', {
    rendered: shown,
    'styled (fixed, radius, accent CTA)': !!s && s.position === 'fixed' && s.radius === '10px' && styled,
    'not modal': (await dialog(page).count()) === 0,
    'dismiss closes': dismissed,
  })
})

test('blocked-feature gate: opened by the host button, styled, its CTA navigates under the same policy', async ({ page, server, logs }, info) => {
  pricingPage(server)
  await openStrict(page, server, cfgWith(['gate-export'], { plan: 'trial' }))
  await page.click('#export')
  const shown = await visible(dialog(page).getByText('Advanced export is a Pro feature'))
  const title = shown ? await styles(dialog(page).getByText('Advanced export is a Pro feature')) : null
  const styled = shown && (await accentCta(link(page, 'Upgrade to Pro')))
  // Checked before the CTA leaves the page (the listener's record goes with it).
  const before = await audit(page, logs)
  await link(page, 'Upgrade to Pro').click({ timeout: SHOWN }).catch(() => {})
  const landed = await page.waitForURL('**/pricing', { timeout: SHOWN }).then(() => true, () => false)
  const after = landed ? await page.evaluate(() => window.cspViolations.length) : -1
  recordCase(info, {
    suite: 'csp',
    name: 'gate: host data-momentkit-gate button, CTA link',
    survived: shown && !!title && title.fontSize === '18px' && styled && clean(before) && landed && after === 0 && cspConsole(logs).length === 0,
    note: `title ${title?.fontSize}, CTA accent ${styled}; violations before the CTA ${before.violations.length}, on the landing page ${after}; console ${cspConsole(logs).length}`,
  })
  expect(shown, 'gate shown').toBe(true)
  expect(title?.fontSize, 'title styled by the base sheet').toBe('18px')
  expect(styled, 'CTA in the theme accent').toBe(true)
  expect(before.violations).toEqual([])
  expect({ hosts: before.hosts, styleAttrs: before.styleAttrs, styleEls: before.styleEls }).toEqual({ hosts: 1, styleAttrs: 0, styleEls: 0 })
  expect(landed, 'the CTA navigated to /pricing').toBe(true)
  await expect(page.getByRole('heading', { name: 'Pricing' })).toBeVisible()
  expect(after, 'no violation on the landing page').toBe(0)
  expect(cspConsole(logs), 'no CSP console message on either page').toEqual([])
})

test('trial banner, ending: countdown styled by urgency, dismissed', async ({ page, server, logs }, info) => {
  await openStrict(page, server, cfgWith(['trial-ending'], { plan: 'pro', trial: { end: daysAhead(2) } }))
  const banner = host(page).getByRole('region', { name: /Your trial ends in \d+ days?/ })
  const shown = await visible(banner)
  const s = shown ? await styles(banner) : null
  const countdown = shown ? await styles(banner.getByText(/days? left/)) : null
  const styled = shown && (await accentCta(link(page, 'Choose a plan')))
  await banner.getByRole('button', { name: 'Dismiss', exact: true }).click({ timeout: SHOWN }).catch(() => {})
  const dismissed = await gone(banner)
  await settle(info, page, logs, 'trial banner (ending in 2 days): countdown, dismiss', {
    rendered: shown,
    'styled (fixed bar, accent countdown and CTA)': s?.position === 'fixed' && countdown?.background === ACCENT.rgb && styled,
    'dismiss closes': dismissed,
  })
})

test('trial banner, ended (the default moment set): "Trial ended" in red, its CTA styled', async ({ page, server, logs }, info) => {
  await openStrict(page, server, cfgWith('default', { plan: 'free', namespace: 'csp-ended', trial: { end: Date.now() - 86_400_000 } }))
  const banner = host(page).getByRole('region', { name: 'Your trial has ended' })
  const shown = await visible(banner)
  const ended = shown ? await styles(banner.getByText('Trial ended')) : null
  const styled = shown && (await accentCta(link(page, 'Choose a plan')))
  await banner.getByRole('button', { name: 'Dismiss', exact: true }).click({ timeout: SHOWN }).catch(() => {})
  const dismissed = await gone(banner)
  await settle(info, page, logs, 'trial banner (ended, default set): dismiss', {
    rendered: shown,
    'styled (red "Trial ended", accent CTA)': ended?.background === 'rgb(185, 28, 28)' && styled,
    'dismiss closes': dismissed,
  })
})

test('widget: collapsed badge, expanded panel, hidden', async ({ page, server, logs }, info) => {
  await openStrict(page, server, cfgWith(['plan-widget'], { plan: 'trial' }))
  const badge = host(page).getByRole('button', { name: /Trial plan/ })
  const panel = host(page).getByRole('region', { name: /Trial plan/ })
  const shown = await visible(badge)
  const b = shown ? await styles(badge) : null
  await settle(info, page, logs, 'widget (collapsed)', {
    rendered: shown,
    collapsed: shown && (await badge.getAttribute('aria-expanded')) === 'false' && !(await panel.isVisible()),
    'styled (pill badge)': b?.radius === '99px',
  })

  await badge.click()
  const open = await visible(panel.getByText('Upgrade any time to unlock every feature.'))
  const styled = open && (await accentCta(link(page, 'Upgrade now')))
  const expanded = (await badge.getAttribute('aria-expanded')) === 'true'
  await button(page, 'Hide').click({ timeout: SHOWN }).catch(() => {})
  const hidden = await gone(badge)
  await settle(info, page, logs, 'widget (expanded): open, "Hide"', { rendered: open, expanded, 'styled (accent CTA)': styled, 'dismiss removes it': hidden })
})

test('nudge: shown by an event, styled, dismissed', async ({ page, server, logs }, info) => {
  await openStrict(page, server, cfgWith(['limit-nudge'], { plan: 'pro' }))
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  const title = host(page).getByText('80% of your free projects used')
  const shown = await visible(title)
  const t = shown ? await styles(title) : null
  const styled = shown && (await accentCta(link(page, 'See Pro plans')))
  await button(page, 'Got it').click({ timeout: SHOWN }).catch(() => {})
  const dismissed = await gone(title)
  await settle(info, page, logs, 'nudge: event trigger, "Got it"', {
    rendered: shown,
    'styled (bold title, accent CTA)': Number(t?.fontWeight) >= 600 && styled,
    'dismiss closes': dismissed,
  })
})

test('dark scheme: the theme sheet\'s media rule applies under the policy', async ({ page, server, logs }, info) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await openStrict(page, server, cfgWith(['limit-nudge'], { plan: 'pro', theme: { accent: ACCENT.hex, scheme: 'auto' } }))
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  const title = host(page).getByText('80% of your free projects used')
  const shown = await visible(title)
  // The dark text colour (#f1f2f5) comes only from the theme sheet's prefers-color-scheme rule.
  const color = shown ? await title.evaluate((el) => getComputedStyle(el).color) : ''
  await settle(info, page, logs, 'nudge, dark scheme (auto)', { rendered: shown, 'dark colours': color === 'rgb(241, 242, 245)', 'styled (accent CTA)': await accentCta(link(page, 'See Pro plans')) })
})

test('preview API: every moment of the config renders and closes, one after the other', async ({ page, server, logs }, info) => {
  const cfg = cfgWith(['upgrade-pql', 'gate-export', 'trial-ending', 'plan-widget', 'limit-nudge'], { plan: 'pro' })
  await openStrict(page, server, cfg)
  // The widget's panel (with its CTA) opens from its badge.
  const previews: Array<{ id: string; text: RegExp; cta: string; open?: boolean; close(): Promise<unknown> }> = [
    { id: 'upgrade-pql', text: /Unlock Pro for your team/, cta: 'See plans', close: () => button(page, 'Not now').click() },
    { id: 'gate-export', text: /Advanced export is a Pro feature/, cta: 'Upgrade to Pro', close: () => button(page, 'Maybe later').click() },
    { id: 'trial-ending', text: /Your trial ends in/, cta: 'Choose a plan', close: () => button(page, 'Dismiss').click() },
    { id: 'plan-widget', text: /Upgrade any time/, cta: 'Upgrade now', open: true, close: () => button(page, 'Hide').click() },
    { id: 'limit-nudge', text: /80% of your free projects used/, cta: 'See Pro plans', close: () => button(page, 'Got it').click() },
  ]
  for (const p of previews) {
    const ok = await page.evaluate((id) => window.momentkit.preview(id), p.id)
    if (p.open) await button(page, /Trial plan/).click({ timeout: SHOWN }).catch(() => {})
    const el = host(page).getByText(p.text).first()
    const shown = ok && (await visible(el))
    const styled = shown && (await accentCta(link(page, p.cta)))
    await p.close().catch(() => {})
    const closed = await gone(el)
    await settle(info, page, logs, `preview(): ${p.id}`, { rendered: shown, 'styled (accent CTA)': styled, closes: closed })
  }
  expect(await outcomes(page), 'previews record nothing').toEqual([])
})

test("no Trusted Types policy needed: with trusted-types 'none' added, every kind still renders", async ({ page, server, logs }, info) => {
  const cfg = cfgWith(['upgrade-pql', 'gate-export', 'trial-ending', 'plan-widget', 'limit-nudge'], { plan: 'pro' })
  await openStrict(page, server, cfg, '', STRICT_CSP + "; trusted-types 'none'")
  const titles: Record<string, RegExp> = {
    'upgrade-pql': /Unlock Pro for your team/, 'gate-export': /Advanced export is a Pro feature/, 'trial-ending': /Your trial ends in/,
    'plan-widget': /Trial plan/, 'limit-nudge': /80% of your free projects used/,
  }
  const shown: Record<string, boolean> = {}
  for (const [id, title] of Object.entries(titles)) {
    await page.evaluate((id) => window.momentkit.preview(id), id)
    shown[id] = await visible(host(page).getByText(title).first())
  }
  // The transient slot holds the last one (the nudge); the banner and the widget stand beside it.
  await settle(info, page, logs, "all kinds with trusted-types 'none' (no policy created)", shown)
})

test('preview by URL (?momentkit_preview=): the slide-in renders under the policy', async ({ page, server, logs }, info) => {
  const cfg = cfgWith(['upgrade-pql'], { plan: 'pro' })
  cfg.moments[0].variant = 'slidein'
  await openStrict(page, server, cfg, '?momentkit_preview=upgrade-pql')
  const slide = host(page).getByRole('complementary')
  const shown = await visible(slide.getByText('Unlock Pro for your team'))
  const styled = shown && (await accentCta(link(page, 'See plans')))
  await settle(info, page, logs, 'preview by URL: slide-in', { rendered: shown, 'styled (accent CTA)': styled })
})

test('copy with HTML, </style> and script in it renders as text, with no sink reached', async ({ page, server, logs }, info) => {
  const hostile = '<img src=x onerror="window.pwned=1"></style><script>window.pwned=2</script><style>*{color:red}</style>'
  const cfg = cfgWith(['limit-nudge'], { plan: 'pro' })
  cfg.moments[0].copy.en = { ...cfg.moments[0].copy.en, title: 'Hi ' + hostile, body: hostile }
  await openStrict(page, server, cfg)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  const title = host(page).getByText('Hi <img', { exact: false })
  const shown = await visible(title)
  const asText = shown && (await title.textContent())?.includes('</style><script>') === true
  const elements = await page.evaluate(() =>
    [...document.querySelectorAll('momentkit-root')].reduce((n, h) => n + (h.shadowRoot?.querySelectorAll('img, script, style').length ?? 0), 0),
  )
  await settle(info, page, logs, 'copy with HTML, </style>, <script>: text only', {
    rendered: shown,
    'rendered as text': asText,
    'no element made from it': elements === 0,
    'nothing ran': (await page.evaluate(() => (window as { pwned?: number }).pwned)) === undefined,
  })
})

/** The queue snippet as README's script-tag example gives it (the first inline <script>). */
const SNIPPET = /```html\n<script>(.*?)<\/script>/.exec(readFileSync(resolve(ROOT, 'README.md'), 'utf8'))![1]
const sha256 = (source: string): string => `'sha256-${createHash('sha256').update(source).digest('base64')}'`

test('the queue snippet stays one text: README, src/global.ts and the demo file', () => {
  expect(SNIPPET).toMatch(/^!function\(w,k\)/)
  expect(readFileSync(resolve(ROOT, 'src/global.ts'), 'utf8')).toContain(`<script>${SNIPPET}</script>`)
  expect(readFileSync(resolve(ROOT, 'demo/snippet.js'), 'utf8').trim().split('\n').at(-1)).toBe(SNIPPET)
  // The hash README gives for a CSP that allows the snippet by hash.
  expect(readFileSync(resolve(ROOT, 'README.md'), 'utf8')).toContain(`(\`${sha256(SNIPPET)}\``)
})

for (const allow of ['hash', 'nonce'] as const) {
  test(`README's inline snippet and calls, allowed by ${allow === 'hash' ? 'their sha256 hashes' : 'a nonce'}: queued calls replay, zero violations`, async ({ page, server, logs }, info) => {
    // README's third block, shortened: calls made before the bundle has loaded.
    const calls = "momentkit.track('act'); momentkit.track('act'); window.queued = momentkit.q && momentkit.q.length"
    const nonce = allow === 'nonce' ? 'bW9tZW50a2l0LWNzcA' : ''
    const extra = allow === 'hash' ? `${sha256(SNIPPET)} ${sha256(calls)}` : `'nonce-${nonce}'`
    const csp = STRICT_CSP.replace("script-src 'self'", `script-src 'self' ${extra}`)
    const attr = nonce ? ` nonce="${nonce}"` : ''
    server.route('/fixtures/moments-csp.json', { body: JSON.stringify(cfgWith(['upgrade-pql'], { plan: 'pro' })), headers: { 'content-type': 'application/json' } })
    // The bundle arrives late, so the calls above really wait in the snippet's queue.
    server.route('/dist/momentkit.iife.js', { body: readFileSync(resolve(ROOT, 'dist/momentkit.iife.js')), headers: { 'content-type': 'text/javascript' }, delayMs: 300 })
    server.page(
      '/snippet-inline.html',
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Snippet</title>
<script src="/fixtures/moments-csp-watch.js"></script>
<script${attr}>${SNIPPET}</script>
<script async src="/dist/momentkit.iife.js" data-config="/fixtures/moments-csp.json"></script>
<script${attr}>${calls}</script>
<script src="/fixtures/moments-csp-page.js"></script>
</head><body><main><h1>Acme Projects</h1></main></body></html>`,
      { 'Content-Security-Policy': csp },
    )
    await page.goto('/snippet-inline.html')
    await ready(page)
    const queued = await page.evaluate(() => (window as { queued?: number }).queued)
    const shown = await visible(dialog(page).getByText('Unlock Pro for your team'))
    const styled = shown && (await accentCta(link(page, 'See plans')))
    await settle(info, page, logs, `README snippet inline, allowed by ${allow}`, { 'calls queued before the bundle': queued === 2, 'replayed: tier crossed, prompt shown': shown, 'styled (accent CTA)': styled })
  })
}

/**
 * Adds the violation recorder (moments-csp-watch.js, served same-origin as /csp-watch.js) at the
 * top of <head> of the HTML pages `html` matches, on their way to the browser, keeping their
 * headers, or replacing their Content-Security-Policy with `csp`.
 */
async function watch(page: Page, html: RegExp, csp?: string): Promise<void> {
  await page.route('**/csp-watch.js', (route) => route.fulfill({ body: readFileSync(WATCH), contentType: 'text/javascript' }))
  await page.route(html, async (route) => {
    const res = await route.fetch()
    const body = (await res.text()).replace('<head>', '<head>\n<script src="/csp-watch.js"></script>')
    await route.fulfill({ response: res, body, headers: csp ? { ...res.headers(), 'content-security-policy': csp } : res.headers() })
  })
}

/**
 * The demo app (scripts/demo.mjs, started in-process like `npm run demo`) served with the
 * strict policy instead of its own, clicked through as demo.spec.ts does: each moment it
 * reaches shows, and the page reports no violation. The violation recorder is the fixture's
 * moments-csp-watch.js, served same-origin and loaded first: the test adds its <script src>
 * at the top of <head> on the way to the browser, keeping the demo's headers.
 */
demoTest.use({ demoCsp: STRICT_CSP })

demoTest.describe('demo under the strict policy', () => {
  demoTest('every moment the demo reaches shows with zero violations', async ({ page, logs }, info) => {
    demoTest.setTimeout(120_000)
    await watch(page, /\/(\?.*)?$/)
    const res = await page.goto('/')
    expect(res?.headers()['content-security-policy'], 'the demo is served with the strict policy').toBe(STRICT_CSP)
    await ready(page)

    // Control: the recorder runs in the demo page, and Trusted Types are enforced there.
    expect(await page.evaluate(() => Array.isArray(window.cspViolations))).toBe(true)
    const refused = await page.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>control</b>'
        return false
      } catch {
        return true
      }
    })
    expect(refused, 'innerHTML with a string is refused in the demo').toBe(true)
    await expect.poll(() => page.evaluate(() => window.cspViolations.length)).toBe(1)
    // The audit leaves the control out: its one violation and its one console line.
    const demoAudit = async () => {
      const a = await audit(page, logs)
      return { ...a, violations: withoutFirst(a.violations, /^require-trusted-types-for trusted-types-sink Element innerHTML\|<b>control/), console: withoutFirst(a.console, /requires 'TrustedHTML' assignment/) }
    }
    // Each step: what the user does, and the moment text that must show in the shadow root.
    const step = async (name: string, act: () => Promise<unknown>, seen: Locator, after?: () => Promise<unknown>) => {
      await act()
      const shown = await visible(seen)
      const isStyled = () => seen.evaluate((el) => el.closest('.mk') !== null && getComputedStyle(el.closest('.mk')!).fontSize === '15px').catch(() => false)
      const styled = shown && (await expect.poll(isStyled, { timeout: 3000 }).toBe(true).then(() => true, () => false))
      if (after) await after()
      const a = await demoAudit()
      const ok = shown && styled && clean(a)
      recordCase(info, { suite: 'csp', name: `demo: ${name}`, survived: ok, note: ok ? 'shown, styled, 0 violations' : `shown ${shown}, styled ${styled}; ${JSON.stringify(a)}` })
      expect(shown, `${name}: shown`).toBe(true)
      expect(styled, `${name}: styled by the SDK's sheet`).toBe(true)
      expect(a.violations, `${name}: violations`).toEqual([])
      expect(a.console, `${name}: CSP console messages`).toEqual([])
      expect({ hosts: a.hosts, styleAttrs: a.styleAttrs, styleEls: a.styleEls }).toEqual({ hosts: 1, styleAttrs: 0, styleEls: 0 })
    }
    const badge = host(page).getByRole('button', { name: /trial plan/ })
    await step('plan widget, expanded and collapsed', async () => (await visible(badge)) && badge.click(), host(page).getByText('Upgrade any time to unlock every feature.'), () => badge.click())

    await step(
      'sign in as someone new: activation nudge, "Show me"',
      async () => {
        await page.locator('#user-id').fill(`csp-${Date.now().toString(36)}`)
        await page.getByRole('button', { name: 'Sign in as' }).click()
      },
      host(page).getByText('Get set up in 2 minutes'),
      async () => {
        await button(page, 'Show me').click()
        await expect(page.locator('#invite-email')).toBeFocused()
      },
    )

    await step('"Set up SSO": gate, "Compare plans"', () => page.getByRole('button', { name: 'Set up SSO' }).click(), host(page).getByText('Single sign-on is a Business feature'), async () => {
      await button(page, 'Compare plans').click()
      await page.locator('#pricing').getByRole('button', { name: 'Close' }).click()
    })

    const upgrade = host(page).getByText(/^(Ready for more\?|Your team is getting real value)$/)
    await step(
      'simulated activity: upgrade prompt, dismissed',
      async () => {
        await page.getByRole('button', { name: /Simulate 6 days of trial activity/ }).click()
        await expect(page.locator('#simulate-status')).toHaveText(/^Done:/, { timeout: 30_000 })
      },
      upgrade,
      async () => {
        await button(page, /^(Later|Not now)$/).click()
        await gone(upgrade)
      },
    )

    const limit = host(page).getByText('You have used all 3 free projects')
    await step('a 4th project: usage-limit nudge, dismissed', () => page.getByRole('button', { name: 'New project' }).click(), limit, async () => {
      await button(page, 'Not now').click()
      await gone(limit)
    })

    await step("the trial's last 2 days: trial banner", () => page.getByRole('button', { name: "Jump to the trial's last 2 days" }).click(), host(page).getByRole('region', { name: 'Your trial ends soon' }))
  })

  demoTest("the sales inbox, served with the same policy: its live refresh reaches no sink", async ({ page, demo }, info) => {
    const lines: string[] = []
    page.on('console', (m) => lines.push(m.text()))
    await watch(page, /\/inbox(\?.*)?$/, STRICT_CSP)
    // The collector's own policy requires Trusted Types too.
    expect((await fetch(new URL('/inbox', demo.collector.url))).headers.get('content-security-policy')).toContain("require-trusted-types-for 'script'; trusted-types 'none'")
    const res = await page.goto(new URL('/inbox', demo.collector.url).href)
    expect(res?.headers()['content-security-policy']).toBe(STRICT_CSP)
    expect(await page.evaluate(() => Array.isArray(window.cspViolations)), 'the recorder runs in the inbox').toBe(true)
    // inbox.js replaces #inbox with a fresh copy every 4 s: mark the current one and wait until it is replaced.
    await page.evaluate(() => document.getElementById('inbox')?.setAttribute('data-old', ''))
    const refreshed = await expect
      .poll(() => page.evaluate(() => document.getElementById('inbox') !== null && !document.getElementById('inbox')!.hasAttribute('data-old')), { timeout: 15_000 })
      .toBe(true)
      .then(() => true, () => false)
    const violations = await page.evaluate(() => window.cspViolations.map((v) => `${v.directive} ${v.blocked} ${v.sample}`))
    const consoleCsp = cspConsole(lines.map((text) => ({ type: 'console', text })))
    const survived = refreshed && violations.length === 0 && consoleCsp.length === 0
    recordCase(info, { suite: 'csp', name: 'demo: sales inbox live refresh', survived, note: `refreshed ${refreshed}; violations ${JSON.stringify(violations)}` })
    expect(violations).toEqual([])
    expect(consoleCsp).toEqual([])
    expect(refreshed, 'the inbox refreshed itself').toBe(true)
  })
})
