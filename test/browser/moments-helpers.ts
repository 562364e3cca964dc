/**
 * Shared pieces of the moments browser specs (test/browser/moments-*.spec.ts):
 * a small scoring model whose tier a couple of track() calls can cross, one
 * moment of each kind, a page builder, and helpers that look inside the
 * shadow root.
 *
 * Locators find moments by role and text, never by the components' class
 * names, so the specs hold whatever markup the components settle on.
 * Playwright's CSS and role locators pierce open shadow roots.
 */
import { expect, type Locator, type Page } from '@playwright/test'
import type { TestServer } from './server'
import './fixtures'

export interface MomentEvent {
  id: string
  kind: string
  outcome: string
  at: number
}

// The script-tag API's moment calls, which the shared fixture type leaves out.
declare module './fixtures' {
  interface MomentKitGlobal {
    gate(feature: string): boolean
    preview(id: string): boolean
    action(name: string, fn: () => void): void
  }
}

declare global {
  interface Window {
    /** Every `moment` event, in order (set by pages built with momentPage). */
    momentEvents: MomentEvent[]
  }
}

/**
 * Two tiers: `low` from 0, `pql` from 50. Each `act` event is a quarter of
 * the only signal, so two track('act') calls cross into pql (score 50).
 */
export const MODEL = {
  version: 'moments-test',
  signals: { acts: { type: 'count', event: 'act', threshold: 4, reason: 'did {{value}} things' } },
  dimensions: { use: { weight: 1, signals: ['acts'] } },
  tiers: [
    { name: 'low', min: 0 },
    { name: 'pql', min: 50 },
  ],
}

const DAY = 86_400_000

export const UPGRADE = {
  id: 'upgrade-pql', kind: 'upgrade', on: { tierEntered: ['pql'] },
  copy: { en: { title: 'Unlock Pro for your team', body: 'You did {{signal.acts}} things this week. Pro lifts every limit.', cta: 'See plans', dismiss: 'Not now' } },
  cta: { url: '/pricing' },
}
export const GATE = {
  id: 'gate-export', kind: 'gate', on: { gate: ['advanced-export'] },
  copy: { en: { title: 'Advanced export is a Pro feature', body: 'Export to PDF and CSV with the Pro plan.', cta: 'Upgrade to Pro', dismiss: 'Maybe later' } },
  cta: { url: '/pricing' },
}
export const TRIAL = {
  id: 'trial-ending', kind: 'trial', target: { trial: { max: 3 } },
  copy: { en: { title: 'Your trial ends in {{daysLeft}} days', body: 'Choose a plan to keep your projects.', cta: 'Choose a plan', dismiss: 'Dismiss' } },
  cta: { url: '/pricing' },
}
export const WIDGET = {
  id: 'plan-widget', kind: 'widget', target: { plans: ['trial'] },
  copy: { en: { title: 'Trial plan', body: 'Upgrade any time to unlock every feature.', cta: 'Upgrade now', dismiss: 'Hide' } },
  cta: { url: '/pricing' },
}
export const NUDGE = {
  id: 'limit-nudge', kind: 'nudge', on: { event: 'limit_reached' },
  copy: { en: { title: '80% of your free projects used', body: 'Upgrade for unlimited projects.', cta: 'See Pro plans', dismiss: 'Got it' } },
  cta: { url: '/pricing' },
}
export const ALL = [UPGRADE, GATE, TRIAL, WIDGET, NUDGE]
export type Kind = 'upgrade' | 'gate' | 'trial' | 'widget' | 'nudge'
export const BY_KIND: Record<Kind, (typeof ALL)[number]> = { upgrade: UPGRADE, gate: GATE, trial: TRIAL, widget: WIDGET, nudge: NUDGE }

/** Title text as rendered (the trial title has a day count in it). */
export const TITLES: Record<Kind, RegExp> = {
  upgrade: /Unlock Pro for your team/,
  gate: /Advanced export is a Pro feature/,
  trial: /Your trial ends in \d+ days?/,
  widget: /Trial plan/,
  nudge: /80% of your free projects used/,
}

/** A config with the test model and the given moments; the free plan lacks advanced-export, pro has it. */
export function config(moments: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: MODEL, trackPages: false, moments, momentsPerDay: 10, plan: 'free',
    entitlements: { free: ['basic-export'], pro: ['basic-export', 'advanced-export'] },
    ...extra,
  }
}

/** Epoch ms `days` from now, for trial ends. */
export const daysAhead = (days: number): number => Date.now() + days * DAY

export interface PageOptions {
  /** Extra markup in <head> (host styles). */
  head?: string
  /** Extra markup at the end of <main>. */
  body?: string
  /** Script run right after init (plain JS source). */
  after?: string
}

/**
 * Serves a host page at `path`: some focusable host content, the bundle,
 * a `moment` listener filling window.momentEvents, and init(config).
 */
export function momentPage(server: TestServer, path: string, cfg: unknown, opts: PageOptions = {}): string {
  const json = JSON.stringify(cfg).replace(/</g, '\\u003c')
  server.page(
    path,
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme Projects</title>
${opts.head ?? ''}
<script src="/dist/momentkit.iife.js"></script>
<script>
window.momentEvents = []
momentkit.on('moment', function (e) { window.momentEvents.push(e) })
momentkit.init(${json})
${opts.after ?? ''}
</script>
</head>
<body>
<main>
<h1>Acme Projects</h1>
<button id="host-first" type="button">New project</button>
<label>Project name <input id="host-input"></label>
<button id="host-last" type="button">Save</button>
${opts.body ?? ''}
</main>
</body>
</html>`,
  )
  return path
}

/** The shadow host element(s). */
export const host = (page: Page): Locator => page.locator('momentkit-root')

/** A moment on screen, found by its title text inside the shadow root. */
export const titleOf = (page: Page, kind: Kind): Locator => host(page).getByText(TITLES[kind]).first()

/** `id:outcome` of every moment event so far. */
export const outcomes = (page: Page): Promise<string[]> => page.evaluate(() => window.momentEvents.map((e) => `${e.id}:${e.outcome}`))

/** Crosses from low into pql: two `act` events (score 50). */
export const crossTier = (page: Page): Promise<void> =>
  page.evaluate(() => {
    window.momentkit.track('act')
    window.momentkit.track('act')
  })

/** The last decision explain() reports for a moment. */
export async function decision(page: Page, id: string): Promise<{ id: string; show: boolean; reason: string } | undefined> {
  return page.evaluate((id) => window.momentkit.explain()?.moments?.find((d) => d.id === id), id)
}

/** Where focus really is: through shadow roots, with whether it sits inside the MomentKit host. */
export function deepFocus(page: Page): Promise<{ inMoment: boolean; id: string; tag: string; text: string }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement
    let inMoment = false
    while (el?.shadowRoot?.activeElement) {
      if (el.localName === 'momentkit-root') inMoment = true
      el = el.shadowRoot.activeElement
    }
    if (el?.localName === 'momentkit-root') inMoment = true
    return { inMoment, id: el?.id ?? '', tag: el?.localName ?? '', text: (el?.textContent ?? '').trim().slice(0, 60) }
  })
}

/** Text rendered inside the shadow root(s), and whether any of it leaked into the light DOM. */
export function shadowText(page: Page): Promise<{ hosts: number; shadow: string; light: string; open: boolean }> {
  return page.evaluate(() => {
    const hosts = [...document.querySelectorAll('momentkit-root')]
    return {
      hosts: hosts.length,
      shadow: hosts.map((h) => h.shadowRoot?.textContent ?? '').join('\n'),
      light: document.body.textContent ?? '',
      open: hosts.every((h) => h.shadowRoot !== null),
    }
  })
}

/** For each kind: a config where only it can show, and how to bring it on screen through its real trigger. */
export const SCENARIOS: Record<Kind, { cfg(): Record<string, unknown>; show(page: Page): Promise<unknown> }> = {
  upgrade: { cfg: () => config([UPGRADE]), show: crossTier },
  gate: { cfg: () => config([GATE]), show: (page) => page.evaluate(() => window.momentkit.gate('advanced-export')) },
  trial: { cfg: () => config([TRIAL], { trial: { end: daysAhead(2) } }), show: async () => {} },
  widget: { cfg: () => config([WIDGET], { plan: 'trial' }), show: async () => {} },
  nudge: { cfg: () => config([NUDGE]), show: (page) => page.evaluate(() => window.momentkit.track('limit_reached')) },
}
export const KINDS = Object.keys(SCENARIOS) as Kind[]

/** Waits until the moment's entrance animations (if any) have finished, so styles are final. */
export const settled = (page: Page): Promise<unknown> =>
  page.evaluate(() => Promise.all([...document.querySelectorAll('momentkit-root')].flatMap((h) => h.shadowRoot?.getAnimations().map((a) => a.finished.catch(() => {})) ?? [])))

/** CTA labels, per kind. */
export const CTAS: Record<Kind, string> = { upgrade: 'See plans', gate: 'Upgrade to Pro', trial: 'Choose a plan', widget: 'Upgrade now', nudge: 'See Pro plans' }

/** The moment's call to action: a link when it has a URL (or a button for a host callback). */
export const ctaOf = (page: Page, kind: Kind): Locator =>
  host(page).getByRole('link', { name: CTAS[kind], exact: true }).or(host(page).getByRole('button', { name: CTAS[kind], exact: true })).first()

/** Opens a collapsed widget (a disclosure badge) so its panel and CTA are on screen; other kinds show everything. */
export async function reveal(page: Page, kind: Kind): Promise<void> {
  if (kind !== 'widget') return
  const badge = host(page).getByRole('button', { name: TITLES.widget })
  if ((await badge.getAttribute('aria-expanded')) === 'false') await badge.click()
  await expect(ctaOf(page, kind)).toBeVisible()
}

/**
 * A moment's history as stored in IndexedDB (database = namespace, store "state", key "moments:<user>"),
 * so a test can wait until an outcome is written before it reloads.
 */
export function storedHistory(page: Page, id: string, namespace = 'momentkit'): Promise<{ shown: number[]; dismissedAt?: number } | null> {
  return page.evaluate(
    ([id, ns]) =>
      new Promise((resolve) => {
        const user = window.momentkit.explain()?.user
        if (!user) return resolve(null)
        const key = 'moments:' + (user.userId ? 'u:' + user.userId : 'a:' + user.anonymousId)
        const open = indexedDB.open(ns)
        open.onerror = () => resolve(null)
        open.onsuccess = () => {
          const db = open.result
          const get = db.transaction('state').objectStore('state').get(key)
          get.onsuccess = () => (db.close(), resolve(get.result?.h?.[id] ?? null))
          get.onerror = () => (db.close(), resolve(null))
        }
      }),
    [id, namespace] as const,
  )
}
