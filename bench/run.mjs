#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark of issue 7 in one run, in one Debian
 * Chromium (scripts/chromium.mjs, the browser tests' launch arguments), then
 * a table in the terminal, bench/results/bench.json and
 * bench/results/report.html (inline SVG charts, nothing external).
 *
 *   size        bench/size.mjs        min / gzip / brotli of every output vs the dependency floor
 *   rescore     bench/rescore.mjs     full rescore after 1k / 100k / 1M tracked events; stored size
 *   mainthread  bench/mainthread.mjs  long tasks in a 5,000-event session; tier crossing to moment on screen
 *   track       bench/track.mjs       track() all-in cost vs posthog-js, mixpanel-browser, analytics-next
 *   score       bench/score.mjs       (Node) score/apply/track path vs history length, as a child process
 *   calibrate   bench/calibrate.mjs   (Node) `momentkit calibrate` at 2 M events; full run only
 *
 *   npm run build && npm run bench
 *   node bench/run.mjs --smoke              small counts, no calibration, seconds; writes bench/results/smoke/
 *   node bench/run.mjs --only size,rescore  some modules
 *   node bench/run.mjs --smoke --track-libs momentkit,posthog-js   libraries of the track() comparison (smoke: momentkit alone)
 *   node bench/run.mjs --out some/dir
 *
 * A module that throws is reported as failed and the others still run;
 * bench/track.mjs missing (or without trackBench) is "not available".
 * The targets are reported met or missed; the run does not fail on a miss.
 * As a library: `runBench({ browser, smoke, log, outDir, only })` (the smoke
 * test, test/browser/bench-smoke.spec.ts, calls it with Playwright's browser).
 */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { fromSrc, machine, ROOT, row } from './lib.mjs'
import { html, table } from './report.mjs'

const FALLBACK_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox', '--disable-gpu']

/** Launches Chromium the way the browser tests do (executable and arguments from playwright.config.ts). */
export async function launch() {
  const { findChromium, HOW_TO_INSTALL } = await import('../scripts/chromium.mjs')
  const executablePath = findChromium()
  if (!executablePath) throw new Error(HOW_TO_INSTALL)
  let args = FALLBACK_ARGS
  try {
    args = (await fromSrc('playwright.config.ts')).default.use.launchOptions.args ?? FALLBACK_ARGS
  } catch {}
  const { chromium } = await import('@playwright/test')
  return chromium.launch({ executablePath, headless: true, args })
}

/** Runs a Node script of bench/ as a child process, its output indented into ours. */
function child(script, args, log) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bench', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    const pipe = (s) => s.toString().split('\n').filter(Boolean).forEach((l) => log('    ' + l))
    p.stdout.on('data', pipe)
    p.stderr.on('data', (d) => ((err += d), pipe(d)))
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}: ${err.trim().split('\n').pop() ?? ''}`))))
  })
}

const us = (ns) => ns / 1000

/** bench/score.mjs in Node; smoke: few samples, one preset, and the full run's score.json kept. */
async function scoreBench({ smoke, log }) {
  const file = join(ROOT, 'bench/results/score.json')
  const keep = smoke && existsSync(file) ? file + '.keep' : null
  if (keep) copyFileSync(file, keep)
  try {
    await child('score.mjs', smoke ? ['--samples', '5', '--sample-ms', '1', '--preset', 'five-dimension'] : [], log)
    const r = JSON.parse(readFileSync(file, 'utf8'))
    const rows = []
    for (const [preset, p] of Object.entries(r.presets)) {
      for (const [id, u] of Object.entries(p.users)) {
        rows.push(row('score', `Node, ${preset}: score() after ${u.label} of history (${u.events.toLocaleString('en')} events)`, us(u.ns.score.median), 'µs', {
          p25: us(u.ns.score.p25), p75: us(u.ns.score.p75), n: u.ns.score.samples,
          ratio: p.ratios[id].score.vs30d, ratioTo: '30 days', minRatio: p.ratios[id].score.minVs30d,
          applyUs: us(u.ns.apply.median), trackPathUs: us(u.ns.track.median), aggregateBytes: u.aggregateBytes,
          // On a loaded machine the fastest sample is the least disturbed figure (score.mjs prints both).
          ...((id === 'long' || id === 'longer') && { target: 'flat: within 2x of 30 days (fastest samples)', met: p.ratios[id].score.minVs30d <= 2 }),
          note: `${p.ratios[id].score.vs30d}x the 30-day median (fastest samples ${p.ratios[id].score.minVs30d}x); apply() ${us(u.ns.apply.median).toFixed(2)} µs/event, track path ${us(u.ns.track.median).toFixed(1)} µs, aggregates ${u.aggregateBytes.toLocaleString('en')} B`,
        }))
      }
    }
    return { rows }
  } finally {
    if (keep) {
      copyFileSync(keep, file)
      rmSync(keep, { force: true })
    }
  }
}

/** bench/calibrate.mjs at 2 M events (full run only). */
async function calibrateBench({ log }) {
  await child('calibrate.mjs', ['--events', '2000000'], log)
  const r = JSON.parse(readFileSync(join(ROOT, 'bench/results/calibrate-2000000.json'), 'utf8'))
  return {
    rows: [
      row('calibrate', `momentkit calibrate on ${r.events.toLocaleString('en')} events (${r.users.toLocaleString('en')} users, ${r.fileGB} GB NDJSON)`, r.eventsPerSecond, 'events/s', {
        wallSeconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, peakRssMB: r.peakRssMB,
        note: `${r.wallSeconds} s wall, ${r.cpuSeconds} s CPU (${r.eventsPerCpuSecond.toLocaleString('en')} events per CPU second), peak RSS ${r.peakRssMB} MB`,
      }),
    ],
  }
}

/** bench/track.mjs (another module's work): its rows in ours, or "not available" while it is missing. */
async function trackModule({ browser, smoke, log, trackLibs }) {
  let mod
  try {
    mod = await import(pathToFileURL(join(ROOT, 'bench/track.mjs')).href)
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && !existsSync(join(ROOT, 'bench/track.mjs'))) return { status: 'not available', error: 'bench/track.mjs is missing' }
    throw e
  }
  if (typeof mod.trackBench !== 'function') return { status: 'not available', error: 'bench/track.mjs exports no trackBench' }
  // A smoke run measures MomentKit alone (the other libraries take ~15 s each even with small counts).
  const only = trackLibs ?? (smoke ? ['momentkit'] : undefined)
  const res = await mod.trackBench({ browser, smoke, log, only })
  const name = (r) => `${r.lib} (${r.variant})`
  const rows = (res.rows ?? []).map((r) => {
    const mk = r.lib === 'momentkit' && !r.diagnostic
    const ratio = mk ? 1 : res.ratios?.[name(r)]?.allIn ?? null
    return row('track', name(r), r.crashed ? null : r.allInUs, 'µs/call all-in', {
      syncUs: r.syncUs, ratio, ratioTo: 'MomentKit', backlog: r.backlog, heapGrowthBytes: r.heapGrowthBytes, crashed: !!r.crashed, calls: r.calls,
      ...(mk && { target: '< 2 µs per call all-in', met: res.targets?.underTwoUs ?? null }),
      note: [r.crashed ? 'crashed the tab' : `sync ${r.syncUs?.toFixed?.(2) ?? '-'} µs/call`, r.diagnostic ? 'diagnostic: the default MomentKit row without delivery' : null, mk || r.diagnostic ? null : ratio ? `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}x MomentKit's cost` : null, r.backlog ? 'backlog at 5 s' : null, r.heapGrowthBytes != null ? `heap +${(r.heapGrowthBytes / 1048576).toFixed(1)} MB` : null, r.note].filter(Boolean).join('; '),
    })
  })
  const t = res.targets ?? {}
  // The comparison, as track.mjs judges it: posthog-js with memory persistence.
  const ph = res.ratios?.['posthog-js (memory)']?.allIn ?? null
  const mk = res.rows?.find((r) => r.lib === 'momentkit' && !r.diagnostic)
  if (t.hundredXBelowPosthog !== null && t.hundredXBelowPosthog !== undefined) rows.push(row('track', 'posthog-js capture() (memory) / MomentKit track(), all-in', ph, 'x', { target: '≥ 100x', met: t.hundredXBelowPosthog }))
  if (mk) {
    rows.push(row('track', 'MomentKit: backlog 5 s after the burst', mk.backlog ? 1 : 0, mk.backlog ? 'yes' : 'no', { target: 'none', met: t.noBacklog ?? null }))
    rows.push(row('track', 'MomentKit: heap growth after GC', mk.heapGrowthBytes, 'B', { target: 'bounded (< 8 MB)', met: t.heapBounded ?? null }))
    rows.push(row('track', 'MomentKit: tab crashed', mk.crashed ? 1 : 0, mk.crashed ? 'yes' : 'no', { target: 'no crash', met: t.noCrash ?? null }))
  }
  return { rows, raw: res }
}

const browserModule = (path, fn) => async (opts) => (await import(pathToFileURL(join(ROOT, 'bench', path)).href))[fn](opts)

export const MODULES = {
  size: browserModule('size.mjs', 'sizeBench'),
  rescore: browserModule('rescore.mjs', 'rescoreBench'),
  mainthread: browserModule('mainthread.mjs', 'mainThreadBench'),
  track: trackModule,
  score: scoreBench,
  calibrate: calibrateBench,
}

/**
 * Runs the benchmarks; returns the results (also written to outDir as bench.json and report.html).
 * @example
 * const results = await runBench({ browser, smoke: true, outDir: 'test-results/bench' })
 */
export async function runBench({ browser, smoke = false, log = console.log, outDir, only, trackLibs } = {}) {
  if (!existsSync(join(ROOT, 'dist/momentkit.iife.js'))) throw new Error('dist/ is not built: run `npm run build` (or `npx rollup -c`) first')
  const own = !browser
  browser ??= await launch()
  const dir = outDir ?? join(ROOT, smoke ? 'bench/results/smoke' : 'bench/results')
  const results = { machine: machine(browser), smoke, modules: {} }
  try {
    for (const [name, run] of Object.entries(MODULES)) {
      if (only && !only.includes(name)) continue
      if (name === 'calibrate' && smoke) {
        results.modules[name] = { status: 'skipped', error: 'not in smoke runs', rows: [] }
        continue
      }
      log(`\n== ${name}`)
      const t = Date.now()
      try {
        const r = await run({ browser, smoke, log, trackLibs })
        results.modules[name] = { status: r.status ?? 'ok', seconds: (Date.now() - t) / 1000, rows: r.rows ?? [], ...(r.error && { error: r.error }), ...(r.raw && { raw: r.raw }), ...(r.steps && { steps: r.steps }) }
      } catch (e) {
        log(`  ${name} failed: ${e?.stack ?? e}`)
        results.modules[name] = { status: 'failed', seconds: (Date.now() - t) / 1000, error: String(e?.message ?? e).split('\n')[0], rows: [] }
      }
    }
  } finally {
    if (own) await browser.close()
  }
  results.machine.loadAfter = loadavg().map((x) => +x.toFixed(2))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'bench.json'), JSON.stringify(results, null, 2) + '\n')
  writeFileSync(join(dir, 'report.html'), html(results))
  log('\n' + table(results) + `\n\nwritten: ${join(dir, 'bench.json')}, ${join(dir, 'report.html')}`)
  return results
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf('--' + name)
    return i === -1 ? undefined : process.argv[i + 1]
  }
  try {
    const r = await runBench({ smoke: process.argv.includes('--smoke'), only: arg('only')?.split(','), outDir: arg('out'), trackLibs: arg('track-libs')?.split(',') })
    process.exitCode = Object.values(r.modules).some((m) => m.status === 'failed') ? 1 : 0
  } catch (e) {
    console.error(e?.stack ?? e)
    process.exitCode = 1
  }
}
