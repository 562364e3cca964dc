#!/usr/bin/env node
/**
 * What a burst of track() calls costs the page's main thread, all in: the
 * synchronous calls and everything they defer to timers, idle callbacks,
 * microtasks and IndexedDB (persistence, aggregation, scoring,
 * serialisation, delivery queueing). Same burst, same measure, in the same
 * run, for MomentKit and for posthog-js, mixpanel-browser and
 * @segment/analytics-next (dev dependencies, their browser builds by script
 * tag, every network request answered by Playwright's router: nothing leaves
 * the machine).
 *
 * Per library, in a fresh browser context and page:
 *   1. load the page and wait until the library is ready, then 2 s more
 *      for its start-up work, and 1 s to measure its idle busy rate;
 *   2. force a GC (CDP HeapProfiler.collectGarbage), read JSHeapUsedSize and
 *      the renderer main thread's TaskDuration (CDP Performance.getMetrics),
 *      in thread time (Performance.enable({ timeDomain: 'threadTicks' })): the
 *      CPU the main thread spent, which other processes on a loaded machine
 *      do not inflate the way they inflate wall time (--wall: wall time);
 *   3. the burst: one synchronous loop of N calls in the page, timed with
 *      performance.now() (syncUs = that time / N, wall clock) and by
 *      TaskDuration (syncCpuUs);
 *   4. settle: TaskDuration sampled every second for 5 s (smoke: 2 s), and
 *      on while the thread stays busy (up to 30 s; smoke: 4 s);
 *   5. allInUs = (TaskDuration growth from 2. to the end of 4., minus the
 *      idle rate times the settle time) / N;
 *   6. backlog: main-thread busy time in the 5th second after the burst
 *      above the idle rate by more than 50 ms (5%), or, for MomentKit,
 *      deliveries still queued in explain().delivery;
 *   7. heapGrowthBytes: JSHeapUsedSize after another forced GC minus 2.
 *   A renderer crash (page 'crash' event, or the burst's evaluate failing
 *   with the target gone) is a result: crashed: true, figures null.
 *
 * MomentKit runs `repeat` times (default 3, smoke 1) and its median row by
 * allInUs is the one compared; the other libraries run once.
 *
 * API (bench/run.mjs imports it):
 *   trackBench({ browser, smoke = false, log = console.log, calls, repeat, only, bundle, profileDir, wall, maxQueue })
 *   (only: library names to run, or 'lib (variant)' labels; bundle: another MomentKit script to measure instead of
 *   dist/momentkit.iife.js; profileDir: write a CPU profile of the first MomentKit run of each variant there;
 *   maxQueue: MomentKit's delivery.maxQueue, a diagnostic that makes delivery weigh more: the burst keeps 90% of it raw)
 *   -> {
 *     calls, smoke, configured: { [lib]: 'what was configured' },
 *     rows: [{ lib, variant, calls, syncUs, syncCpuUs, allInUs, backlog, heapGrowthBytes,
 *              crashed, note, busyMsPerSecond: [ms busy in each settle second],
 *              settleMs, idleRate, runs? (MomentKit: every run's allInUs), diagnostic? }],
 *     (rows include MomentKit 'no endpoint', diagnostic: true, in full runs: what the SDK costs
 *     without delivery; not compared, no target)
 *     ratios: { [`${lib} ${variant}`]: { allIn, sync } }   (their figure / MomentKit's: 120 = 120x MomentKit's cost)
 *     targets: { underTwoUs, hundredXBelowPosthog, noBacklog, heapBounded, noCrash }
 *   }
 *   hundredXBelowPosthog: posthog-js (memory)'s all-in cost at least 100x MomentKit's (the issue's
 *   comparison: memory persistence, otherwise as shipped); the other ratios are in `ratios`.
 *   heapBounded: MomentKit's heap growth after GC under 8 MB (80 bytes per
 *   call at 100,000 calls; its state is bounded, so this stays flat as N grows).
 *
 *   npm run build && node bench/track.mjs            # 100,000 calls
 *   node bench/track.mjs --calls 20000 --repeat 5
 *   node bench/track.mjs --smoke                     # ~2,000 calls, short settles
 *   node bench/track.mjs --only momentkit            # just MomentKit (comma list of libs)
 *   node bench/track.mjs --only 'momentkit (default)'  # one variant
 *   node bench/track.mjs --only momentkit --bundle /tmp/old.js --profile   # another build; CPU profile in bench/results
 *   node bench/track.mjs --only 'momentkit (default)' --max-queue 50000   # delivery of a 45,000-event backlog
 *
 * Prints a table; writes bench/results/track.json (not committed).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findChromium, HOW_TO_INSTALL } from '../scripts/chromium.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const ORIGIN = 'http://127.0.0.1:9' // never contacted: the router answers every request
const LAUNCH_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox', '--disable-gpu']
const HEAP_BOUND = 8 * 1024 * 1024
const BACKLOG_MS = 50

const nm = (...p) => join(root, 'node_modules', ...p)

/** MomentKit as a product would ship it: five-dimension preset, two moments, delivery on. */
const MK_CONFIG = {
  model: { preset: 'five-dimension' },
  moments: [
    {
      id: 'upgrade-pql', kind: 'upgrade', on: { tierEntered: ['pql', 'hot'] },
      copy: { en: { title: 'Unlock Pro for your team', body: 'Pro lifts every limit.', cta: 'See plans', dismiss: 'Not now' } },
      cta: { url: '/pricing' },
    },
    {
      id: 'limit-nudge', kind: 'nudge', on: { event: 'limit_reached' },
      copy: { en: { title: '80% of your free projects used', body: 'Upgrade for unlimited projects.', cta: 'See Pro plans', dismiss: 'Got it' } },
      cta: { url: '/pricing' },
    },
  ],
  endpoint: '/collect',
}

/** MK_CONFIG, with `maxQueue` (a diagnostic: a burst then keeps that many events raw, 90% of it, for delivery). */
const mkConfig = (o) => (o?.maxQueue ? { ...MK_CONFIG, delivery: { maxQueue: o.maxQueue } } : MK_CONFIG)

const SEGMENT_SETTINGS = {
  integrations: { 'Segment.io': { apiKey: 'bench', apiHost: 'api.segment.io/v1' } },
  plan: { track: { __default: { enabled: true } }, identify: { __default: { enabled: true } } },
  edgeFunction: {}, analyticsNextEnabled: true, middlewareSettings: {}, enabledMiddleware: {},
  metrics: { sampleRate: 0 }, legacyVideoPluginsEnabled: false, remotePlugins: [],
}

/**
 * The libraries. `script` is the file served at /lib.js; `setup` runs after it and
 * defines window.__track(name, props) and window.__ready().
 */
const LIBS = [
  {
    lib: 'momentkit', variant: 'default',
    configured: 'dist/momentkit.iife.js by script tag; five-dimension preset, an upgrade moment (tier pql/hot) and a nudge (limit_reached), endpoint /collect (answered 200 by the router)',
    script: (o) => o.bundle ?? join(root, 'dist/momentkit.iife.js'),
    attrs: (o) => ` data-config='${JSON.stringify(mkConfig(o))}'`,
    setup: `window.__track = function (n, p) { momentkit.track(n, p) }
window.__ready = function () { var x = momentkit.explain && momentkit.explain(); return !!(x && x.ready) }
window.__pending = function () { var d = momentkit.explain().delivery; return d ? d.queued : 0 }`,
  },
  {
    // Not compared with anything: how the all-in cost splits between the SDK's own work and delivery.
    lib: 'momentkit', variant: 'no endpoint', diagnostic: true,
    configured: "as 'default' without endpoint: no delivery (messages, outbox, requests); shows what delivery costs of the figure above",
    script: (o) => o.bundle ?? join(root, 'dist/momentkit.iife.js'),
    attrs: (o) => ` data-config='${JSON.stringify({ ...mkConfig(o), endpoint: undefined })}'`,
    setup: `window.__track = function (n, p) { momentkit.track(n, p) }
window.__ready = function () { var x = momentkit.explain && momentkit.explain(); return !!(x && x.ready) }`,
  },
  {
    lib: 'posthog-js', variant: 'memory',
    configured: "dist/array.js (the CDN build) by script tag; init('phc_bench', { persistence: 'memory', opt_out_useragent_filter: true }) (without it posthog-js captures nothing in a browser driven by Playwright: navigator.webdriver), everything else as shipped (autocapture, pageview, flags); every request answered by the router",
    script: () => nm('posthog-js/dist/array.js'),
    setup: `posthog.init('phc_bench', { persistence: 'memory', opt_out_useragent_filter: true })
window.__track = function (n, p) { posthog.capture(n, p) }
window.__ready = function () { return !!posthog.__loaded }`,
  },
  {
    lib: 'posthog-js', variant: 'memory, no rate limit',
    configured: "as 'memory', plus rate_limiting: { events_per_second: 1e9, events_burst_limit: 1e9 }: posthog-js drops captures past 10/s (burst 100) by default, so this is the variant that records every event of the burst, as MomentKit does",
    script: () => nm('posthog-js/dist/array.js'),
    setup: `posthog.init('phc_bench', { persistence: 'memory', opt_out_useragent_filter: true, rate_limiting: { events_per_second: 1e9, events_burst_limit: 1e9 } })
window.__track = function (n, p) { posthog.capture(n, p) }
window.__ready = function () { return !!posthog.__loaded }`,
  },
  {
    lib: 'posthog-js', variant: 'default',
    configured: "dist/array.js by script tag; init('phc_bench', { opt_out_useragent_filter: true }) with its defaults (localStorage+cookie persistence, autocapture, pageview, flags); every request answered by the router",
    script: () => nm('posthog-js/dist/array.js'),
    setup: `posthog.init('phc_bench', { opt_out_useragent_filter: true })
window.__track = function (n, p) { posthog.capture(n, p) }
window.__ready = function () { return !!posthog.__loaded }`,
  },
  {
    lib: 'mixpanel-browser', variant: 'default',
    configured: "dist/mixpanel.umd.js by script tag; init('bench') with its defaults (batched requests, localStorage queue); every request answered by the router",
    script: () => nm('mixpanel-browser/dist/mixpanel.umd.js'),
    setup: `mixpanel.init('bench')
window.__track = function (n, p) { mixpanel.track(n, p) }
window.__ready = function () { return !!mixpanel.__loaded }`,
  },
  {
    lib: '@segment/analytics-next', variant: 'default',
    configured: "dist/umd/index.js by script tag; AnalyticsBrowser.load({ writeKey: 'bench' }) with defaults; settings CDN stubbed (Segment.io destination only), every request answered by the router",
    script: () => nm('@segment/analytics-next/dist/umd/index.js'),
    setup: `var loaded = false
window.analytics = AnalyticsNext.AnalyticsBrowser.load({ writeKey: 'bench' })
window.analytics.then(function () { loaded = true })
window.__track = function (n, p) { window.analytics.track(n, p) }
window.__ready = function () { return loaded }`,
  },
]

/** Files a library may fetch lazily from its CDN, served from its dist folder by file name. */
const LAZY_DIRS = [nm('@segment/analytics-next/dist/umd'), nm('posthog-js/dist')]
const lazyFiles = new Map()
for (const dir of LAZY_DIRS) {
  if (!existsSync(dir)) continue
  for (const f of readdirSync(dir)) if (f.endsWith('.js') && !lazyFiles.has(f)) lazyFiles.set(f, join(dir, f))
}

/** The burst, run in the page: the same event mix and fresh props objects for every library. */
function burst([n, budgetMs]) {
  const features = ['automations', 'dashboards', 'export', 'api', 'timeline', 'forms', 'reports', 'templates', 'sso', 'search', 'tags', 'calendar']
  const track = window.__track
  const t0 = performance.now()
  let i = 0
  for (; i < n; i++) {
    // A library that takes seconds per thousand calls would hold the tab for minutes: stop at the budget.
    if (i % 500 === 0 && i && performance.now() - t0 > budgetMs) break
    switch (i % 10) {
      case 0: case 1: case 2: case 3:
        track('feature_used', { feature: features[i % 12] })
        break
      case 4: track('project_created', { template: 'blank', n: i }); break
      case 5: track('comment_added', { length: i % 300 }); break
      case 6: track('teammate_invited', { role: i % 2 ? 'editor' : 'viewer' }); break
      case 7: track('integration_connected', { app: i % 3 ? 'slack' : 'github' }); break
      case 8: track('report_viewed', { id: 'r' + (i % 50), filters: { range: '7d', group: 'week' } }); break
      default: track('search_performed', { query: 'q' + (i % 100), results: i % 17 })
    }
  }
  return { ms: performance.now() - t0, done: i }
}

const pageHtml = (l, o) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>track() bench: ${l.lib}</title></head>
<body><main><h1>Bench page</h1><p>A page of a product, for ${l.lib}.</p><button>A button</button></main>
<script src="/lib.js"${l.attrs ? l.attrs(o) : ''}></script>
<script>${l.setup}</script>
</body></html>`

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Answers every request of the context: the page, the library, its lazy chunks, and stubs for all their endpoints. */
async function routeAll(context, l, opts) {
  await context.route('**/*', async (route) => {
    const req = route.request()
    const url = new URL(req.url())
    const origin = req.headers()['origin']
    const cors = origin
      ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS' }
      : {}
    if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors })
    if (url.origin === ORIGIN && url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: pageHtml(l, opts) })
    if (url.origin === ORIGIN && url.pathname === '/lib.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(l.script(opts)) })
    if (url.pathname.endsWith('/settings') && url.hostname.includes('segment')) {
      return route.fulfill({ status: 200, contentType: 'application/json', headers: cors, body: JSON.stringify(SEGMENT_SETTINGS) })
    }
    // MomentKit's moments UI, loaded by the script on its first moment: the one built with the script measured.
    const own = basename(url.pathname) === 'momentkit-ui.js' && [join(dirname(l.script(opts)), 'momentkit-ui.js'), join(root, 'dist/momentkit-ui.js')].find((f) => existsSync(f))
    const file = own || lazyFiles.get(basename(url.pathname))
    if (file && req.method() === 'GET') return route.fulfill({ status: 200, contentType: 'text/javascript', headers: cors, body: readFileSync(file) })
    if (url.pathname.endsWith('.js')) return route.fulfill({ status: 200, contentType: 'text/javascript', headers: cors, body: '' })
    // Every endpoint (collect, capture, flags, track, batch...): 200 with an empty JSON object.
    return route.fulfill({ status: 200, contentType: 'application/json', headers: cors, body: '{}' })
  })
}

/** One library, one fresh context and page, one burst. */
async function runOne(browser, l, calls, { settleMin, settleMax, budgetMs, log, profile, bundle, wall, maxQueue }) {
  const row = { lib: l.lib, variant: l.variant, calls, syncUs: null, syncCpuUs: null, allInUs: null, backlog: null, heapGrowthBytes: null, crashed: false, note: '', busyMsPerSecond: [], settleMs: null, idleRate: null }
  // A desktop Chrome user agent, not HeadlessChrome: posthog-js (among others) drops every capture from a
  // user agent it takes for a bot, which would measure nothing.
  const context = await browser.newContext({ userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version().split('.')[0]}.0.0.0 Safari/537.36` })
  let crashed = false
  let onCrash
  const crash = new Promise((resolve) => (onCrash = resolve))
  try {
    await routeAll(context, l, { bundle, maxQueue })
    const page = await context.newPage()
    page.on('crash', () => ((crashed = true), onCrash()))
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: wall ? 'timeTicks' : 'threadTicks' })
    const metrics = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      const get = (name) => metrics.find((m) => m.name === name)?.value ?? NaN
      return { task: get('TaskDuration'), heap: get('JSHeapUsedSize') }
    }
    const gc = () => cdp.send('HeapProfiler.collectGarbage')
    await page.goto(ORIGIN + '/')
    await page.waitForFunction(() => window.__ready(), null, { timeout: 30_000, polling: 50 })
    await sleep(2000)
    const idle0 = await metrics()
    const idleT0 = Date.now()
    await sleep(1000)
    const idle1 = await metrics()
    row.idleRate = (idle1.task - idle0.task) / ((Date.now() - idleT0) / 1000)
    await gc()
    const before = await metrics()
    if (profile) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    const b = await Promise.race([page.evaluate(burst, [calls, budgetMs]), crash.then(() => null)])
    if (crashed || b === null) throw Object.assign(new Error('crashed'), { crashed: true })
    row.syncCpuUs = (((await metrics()).task - before.task) * 1e6) / b.done
    if (b.done < calls) row.note = `stopped at the ${budgetMs / 1000} s budget after ${b.done.toLocaleString('en')} calls`
    row.calls = b.done
    row.syncUs = (b.ms * 1000) / b.done
    // Settle: sample busy time each second; go on past settleMin while the thread is still busy.
    const settleT0 = Date.now()
    let last = await metrics()
    for (let s = 1; s <= settleMax; s++) {
      await Promise.race([sleep(Math.max(0, settleT0 + s * 1000 - Date.now())), crash])
      if (crashed) throw Object.assign(new Error('crashed'), { crashed: true })
      const m = await metrics()
      const busy = (m.task - last.task) * 1000
      row.busyMsPerSecond.push(Math.round(busy))
      last = m
      if (s >= settleMin && busy - row.idleRate * 1000 <= 20) break
    }
    row.settleMs = Date.now() - settleT0
    const idle = row.idleRate * (row.settleMs / 1000)
    row.allInUs = (Math.max(0, last.task - before.task - idle) * 1e6) / row.calls
    const fifth = row.busyMsPerSecond[settleMin - 1]
    row.backlog = fifth === undefined || fifth - row.idleRate * 1000 > BACKLOG_MS
    const pending = await page.evaluate(() => (window.__pending ? window.__pending() : 0))
    if (pending) {
      row.backlog = true
      row.note = `${pending} deliveries still queued`
    }
    if (row.settleMs > settleMin * 1000 + 1500 && row.busyMsPerSecond.at(-1) - row.idleRate * 1000 > 20) {
      row.note = [row.note, `still busy after ${Math.round(row.settleMs / 1000)} s: all-in counts only that much`].filter(Boolean).join('; ')
    }
    if (profile) {
      const { profile: p } = await cdp.send('Profiler.stop')
      writeFileSync(profile, JSON.stringify(p))
      row.profile = profile
    }
    await gc()
    row.heapGrowthBytes = (await metrics()).heap - before.heap
  } catch (e) {
    if (crashed || e?.crashed || /crash|Target (page, context or browser )?(has been )?closed/i.test(String(e?.message))) {
      row.crashed = true
      row.note = [row.note, 'the tab crashed'].filter(Boolean).join('; ')
    } else {
      row.note = [row.note, 'failed: ' + String(e?.message ?? e).split('\n')[0]].filter(Boolean).join('; ')
    }
  } finally {
    await context.close().catch(() => {})
  }
  log(`  ${label(row)}: ${fmtRow(row)}`)
  return row
}

const label = (r) => `${r.lib} (${r.variant})`
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d))
const fmtRow = (r) =>
  r.crashed ? 'crashed' : `sync ${fmt(r.syncUs)} µs (cpu ${fmt(r.syncCpuUs)}), all-in ${fmt(r.allInUs)} µs/call, backlog ${r.backlog ? 'yes' : 'no'}, heap +${fmt((r.heapGrowthBytes ?? NaN) / 1048576, 1)} MB${r.note ? ' (' + r.note + ')' : ''}`

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Runs the comparison. See the file header for what is measured and what comes back.
 * @example
 * const { rows, ratios, targets } = await trackBench({ browser, smoke: true })
 */
export async function trackBench({ browser, smoke = false, log = console.log, calls, repeat, only, bundle, profileDir, wall = false, maxQueue } = {}) {
  const n = calls ?? (smoke ? 2000 : 100_000)
  const reps = repeat ?? (smoke ? 1 : 3)
  const opts = { settleMin: smoke ? 2 : 5, settleMax: smoke ? 4 : 30, budgetMs: smoke ? 5000 : 60_000, log, bundle, wall, maxQueue }
  // The diagnostic variant in full runs only (a smoke run checks that the bench works).
  const libs = (only ? LIBS.filter((l) => only.includes(l.lib) || only.includes(label(l))) : LIBS).filter((l) => !(smoke && l.diagnostic))
  if (!existsSync(bundle ?? join(root, 'dist/momentkit.iife.js'))) throw new Error('dist/momentkit.iife.js is missing; run `npm run build` first')
  log(`track() burst: ${n.toLocaleString('en')} calls per library${smoke ? ' (smoke)' : ''}`)
  const rows = []
  for (const l of libs) {
    if (l.lib !== 'momentkit') {
      rows.push(await runOne(browser, l, n, opts))
      continue
    }
    const runs = []
    for (let i = 0; i < reps; i++) runs.push(await runOne(browser, l, n, { ...opts, profile: profileDir && i === 0 ? join(profileDir, `track-momentkit${l.diagnostic ? '-' + l.variant.replace(/\W+/g, '-') : ''}.cpuprofile`) : undefined }))
    const ok = runs.filter((r) => r.allInUs !== null)
    const mid = ok.length ? ok.find((r) => r.allInUs === median(ok.map((x) => x.allInUs))) ?? [...ok].sort((a, b) => a.allInUs - b.allInUs)[Math.floor(ok.length / 2)] : runs[0]
    rows.push({ ...mid, ...(l.diagnostic && { diagnostic: true }), syncUs: ok.length ? median(ok.map((r) => r.syncUs)) : null, syncCpuUs: ok.length ? median(ok.map((r) => r.syncCpuUs)) : null, runs: runs.map((r) => r.allInUs), note: [mid.note, `median of ${runs.length} runs`].filter(Boolean).join('; ') })
  }
  const mk = rows.find((r) => r.lib === 'momentkit' && !r.diagnostic)
  const ratios = {}
  for (const r of rows) {
    if (r === mk || !mk) continue
    ratios[label(r)] = {
      allIn: r.allInUs !== null && mk.allInUs ? r.allInUs / mk.allInUs : null,
      sync: r.syncUs !== null && mk.syncUs ? r.syncUs / mk.syncUs : null,
    }
  }
  const ph = ratios['posthog-js (memory)']?.allIn
  const targets = {
    underTwoUs: !!mk && mk.allInUs !== null && mk.allInUs < 2,
    hundredXBelowPosthog: ph === undefined ? null : ph !== null && ph >= 100,
    noBacklog: !!mk && mk.backlog === false,
    heapBounded: !!mk && mk.heapGrowthBytes !== null && mk.heapGrowthBytes < HEAP_BOUND,
    noCrash: !!mk && !mk.crashed,
  }
  const configured = Object.fromEntries(libs.map((l) => [label(l), l.configured]))
  return { calls: n, smoke, configured, rows, ratios, targets }
}

/** The terminal table. */
export function trackTable(result) {
  const head = ['library', 'sync µs/call', 'all-in µs/call', 'x MomentKit', 'backlog at 5 s', 'heap growth', 'crashed', 'note']
  const lines = result.rows.map((r) => [
    label(r), fmt(r.syncUs), fmt(r.allInUs),
    r.lib === 'momentkit' && !r.diagnostic ? '1' : fmt(result.ratios[label(r)]?.allIn, r.diagnostic ? 2 : 0),
    r.backlog === null ? '-' : r.backlog ? 'yes' : 'no',
    r.heapGrowthBytes === null ? '-' : fmt(r.heapGrowthBytes / 1048576, 1) + ' MB',
    r.crashed ? 'yes' : 'no', r.note,
  ])
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)))
  const row = (l) => l.map((c, i) => (i === l.length - 1 ? String(c) : String(c).padEnd(w[i]))).join('  ')
  return [row(head), row(w.map((x) => '-'.repeat(x))), ...lines.map(row)].join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf('--' + name)
    return i === -1 ? undefined : process.argv[i + 1]
  }
  const smoke = process.argv.includes('--smoke')
  const executablePath = findChromium()
  if (!executablePath) {
    console.error(HOW_TO_INSTALL)
    process.exit(1)
  }
  const { chromium } = await import('@playwright/test')
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  const browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS })
  try {
    const result = await trackBench({
      browser, smoke,
      calls: arg('calls') ? Number(arg('calls')) : undefined,
      repeat: arg('repeat') ? Number(arg('repeat')) : undefined,
      only: arg('only')?.split(','),
      bundle: arg('bundle'),
      maxQueue: arg('max-queue') ? Number(arg('max-queue')) : undefined,
      wall: process.argv.includes('--wall'),
      profileDir: process.argv.includes('--profile') ? join(root, 'bench/results') : undefined,
    })
    console.log('\n' + trackTable(result) + '\n')
    for (const [k, v] of Object.entries(result.configured)) console.log(`${k}: ${v}`)
    console.log('\ntargets:', JSON.stringify(result.targets))
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), loadavg: loadavg(), node: process.version, chromium: browser.version() }
    writeFileSync(join(root, 'bench/results/track.json'), JSON.stringify({ date: new Date().toISOString(), machine, ...result }, null, 2))
    console.log('written: bench/results/track.json')
  } finally {
    await browser.close()
  }
}
