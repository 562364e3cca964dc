#!/usr/bin/env node
/**
 * Screenshots of each moment kind, light and dark, for the README:
 * docs/screenshots/<kind>-<light|dark>.png (10 files).
 *
 *   npm run build && npm run screenshots
 *
 * Builds nothing: it serves the existing dist/momentkit.iife.js next to a
 * small mock host app, brings each moment on screen through its real
 * trigger (a tier crossing, gate(), a trial end, the trial plan, an event)
 * in a fresh browser context, and captures the viewport. Uses the system
 * Chromium (scripts/chromium.mjs), never a Playwright download.
 */
import { createServer } from 'node:http'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { findChromium, HOW_TO_INSTALL } from './chromium.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BUNDLE = resolve(ROOT, 'dist/momentkit.iife.js')
const OUT = resolve(ROOT, 'docs/screenshots')
const VIEWPORT = { width: 960, height: 600 }
const DAY = 86_400_000

const model = {
  signals: { acts: { type: 'count', event: 'project_created', threshold: 4 } },
  dimensions: { use: { weight: 1, signals: ['acts'] } },
  tiers: [{ name: 'low', min: 0 }, { name: 'pql', min: 50 }],
}
const base = { model, trackPages: false, momentsPerDay: 10, plan: 'free', entitlements: { free: ['export'], pro: ['export', 'advanced-export'] } }
const pricing = { url: '/pricing' }

/** Per kind: the config that makes only it eligible, and what brings it on screen. */
const KINDS = {
  upgrade: {
    config: () => ({
      ...base,
      moments: [{
        id: 'upgrade-pql', kind: 'upgrade', on: { tierEntered: ['pql'] }, cta: pricing,
        copy: { en: { title: 'Your team is getting real value', body: 'You created 12 projects and invited 3 teammates this week. Pro lifts every limit and adds the timeline view.', cta: 'See plans', dismiss: 'Not now' } },
      }],
    }),
    show: (page) => page.evaluate(() => ['project_created', 'project_created'].forEach((e) => window.momentkit.track(e))),
  },
  gate: {
    config: () => ({
      ...base,
      moments: [{
        id: 'gate-export', kind: 'gate', on: { gate: ['advanced-export'] }, cta: pricing,
        copy: { en: { title: 'Advanced export is a Pro feature', body: 'Export projects to PDF, CSV and Google Sheets with your own branding. It is included in Pro.', cta: 'Upgrade to Pro', dismiss: 'Maybe later' } },
      }],
    }),
    show: (page) => page.click('#export'),
  },
  trial: {
    config: () => ({
      ...base, plan: 'trial', trial: { end: Date.now() + 2 * DAY - 3_600_000 },
      moments: [{
        id: 'trial-ending', kind: 'trial', target: { trial: { max: 3 } }, cta: pricing,
        copy: { en: { title: 'Your trial ends in {{daysLeft}} days', body: 'Choose a plan to keep your projects and your team’s work.', cta: 'Choose a plan', dismiss: 'Dismiss' } },
      }],
    }),
    show: async () => {},
  },
  widget: {
    config: () => ({
      ...base, plan: 'trial', trial: { end: Date.now() + 5 * DAY - 3_600_000 },
      moments: [{
        id: 'plan-widget', kind: 'widget', target: { plans: ['trial'] }, cta: pricing,
        copy: { en: { title: 'Trial plan', body: 'Upgrade any time to unlock every feature and keep your work.', cta: 'Upgrade' } },
      }],
    }),
    // Opened, so the picture shows the badge and its panel.
    show: (page) => page.locator('momentkit-root').getByRole('button', { name: /Trial plan/ }).click(),
  },
  nudge: {
    config: () => ({
      ...base,
      moments: [{
        id: 'limit-nudge', kind: 'nudge', on: { event: 'limit_reached' }, cta: pricing,
        copy: { en: { title: '80% of your free projects used', body: 'You have 4 of 5 projects on the Free plan. Pro has no limit.', cta: 'See Pro plans', dismiss: 'Got it' } },
      }],
    }),
    show: (page) => page.evaluate(() => window.momentkit.track('limit_reached')),
  },
}

/** A small mock of a host app, following the colour scheme like a real app would. */
const hostPage = (config) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme Projects</title>
<style>
  :root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1f2430; --muted: #667085; --line: #e4e7ec; --brand: #0f766e }
  @media (prefers-color-scheme: dark) { :root { --bg: #121317; --card: #1b1d23; --text: #e6e8ee; --muted: #9aa1ae; --line: #2b2e37; --brand: #2dd4bf } }
  * { box-sizing: border-box }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--text) }
  header { display: flex; align-items: center; gap: 24px; padding: 14px 28px; background: var(--card); border-bottom: 1px solid var(--line) }
  header b { color: var(--brand); font-size: 17px }
  header nav { display: flex; gap: 18px; color: var(--muted) }
  header button { margin-left: auto; font: inherit; padding: 6px 12px; border-radius: 8px; border: 1px solid var(--line); background: var(--bg); color: var(--text) }
  main { padding: 24px 28px }
  h1 { margin: 0 0 16px; font-size: 22px }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px; min-height: 120px }
  .card h2 { margin: 0 0 6px; font-size: 16px }
  .card p { margin: 0 0 12px; color: var(--muted); font-size: 14px }
  .bar { height: 6px; border-radius: 3px; background: var(--line) }
  .bar i { display: block; height: 100%; border-radius: 3px; background: var(--brand) }
</style>
<script src="/dist/momentkit.iife.js"></script>
<script>momentkit.init(${JSON.stringify(config).replace(/</g, '\\u003c')})</script>
</head>
<body>
<header><b>Acme Projects</b><nav><span>Projects</span><span>Team</span><span>Integrations</span></nav><button id="export" type="button" data-momentkit-gate="advanced-export">Advanced export</button></header>
<main>
<h1>Projects</h1>
<div class="grid">
${[['Website relaunch', 72], ['Q3 planning', 45], ['Mobile app', 88], ['Hiring pipeline', 30], ['Customer portal', 60], ['Brand refresh', 15]]
  .map(([name, pct]) => `<div class="card"><h2>${name}</h2><p>${Math.round(pct / 8)} open tasks · updated today</p><div class="bar"><i class="w${pct}"></i></div></div>`)
  .join('\n')}
</div>
</main>
<style>${[72, 45, 88, 30, 60, 15].map((p) => `.w${p}{width:${p}%}`).join('')}</style>
</body>
</html>`

async function main() {
  if (!existsSync(BUNDLE)) throw new Error('dist/momentkit.iife.js is missing: run `npm run build` first (this script builds nothing).')
  const executablePath = findChromium()
  if (!executablePath) throw new Error(HOW_TO_INSTALL)
  const bundle = readFileSync(BUNDLE)
  // The moments UI, which the bundle loads from next to itself the first time a moment shows.
  const ui = readFileSync(BUNDLE.replace(/momentkit\.iife\.js$/, 'momentkit-ui.js'))
  let current = ''
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/dist/momentkit.iife.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
    if (path === '/dist/momentkit-ui.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(ui)
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(current)
    res.writeHead(404).end()
  })
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
  const url = `http://127.0.0.1:${server.address().port}/`
  mkdirSync(OUT, { recursive: true })
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] })
  try {
    for (const [kind, { config, show }] of Object.entries(KINDS)) {
      for (const colorScheme of ['light', 'dark']) {
        const context = await browser.newContext({ viewport: VIEWPORT, colorScheme, reducedMotion: 'reduce' })
        const page = await context.newPage()
        page.on('pageerror', (e) => console.error(`[${kind}-${colorScheme}] page error:`, e.message))
        current = hostPage(config())
        await page.goto(url)
        await page.waitForFunction(() => window.momentkit?.explain?.()?.ready === true)
        await show(page)
        const root = page.locator('momentkit-root')
        await root.waitFor({ state: 'attached' })
        await page.waitForFunction(() => document.querySelector('momentkit-root')?.shadowRoot?.textContent?.trim())
        // Let entrance animations and delayed fills (the nudge's live region) settle.
        await page.waitForTimeout(300)
        const file = resolve(OUT, `${kind}-${colorScheme}.png`)
        await page.screenshot({ path: file })
        console.log(file.slice(ROOT.length + 1))
        await context.close()
      }
    }
  } finally {
    await browser.close()
    server.close()
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
