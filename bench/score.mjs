#!/usr/bin/env node
/**
 * Scoring cost against history length: "scoring cost must not grow with
 * history". Uses the SDK's own pure modules from dist/scoring.js (the code
 * the browser runs): it builds one user's aggregates from a seeded history
 * of 1 day, 30 days, 365 days, 1,000 days (about 95,000 events) and 3,000
 * days (about 280,000 events), each event applied as the SDK applies it
 * (`apply(agg, plan, [op], t)`, pruning every time), then times on each:
 *
 *   score     score(model, agg, now)
 *   apply     apply(agg, plan, [op], t): one more event on top of that history
 *   track     the work one track() call handled alone triggers in the SDK, minus I/O:
 *             trackOp (props checked and copied) + apply + score + nextTierState
 *             (trackOp comes from src/track/event.ts through tsx)
 *   clone     structuredClone(agg), what a flush to IndexedDB copies
 *
 * and the aggregates' size (bytes of their JSON, what IndexedDB stores).
 * Each figure is the median of many samples taken after a warm-up, the
 * scenarios interleaved sample by sample so load on the machine hits them
 * alike; p25-p75 is printed next to it (the fastest sample is in the JSON,
 * and ratios from it are printed too: on a loaded machine it is the least
 * disturbed figure). Ratios are against the 30-day user (a full scoring
 * window, like every longer history) and the 1-day user. Every user has the
 * same recent days (each day is seeded by its date), so they differ only
 * in how much history lies before them.
 *
 *   npm run build && npm run bench:score
 *   node bench/score.mjs --samples 201 --preset four-category
 *
 * Results: bench/results/score.json (not committed).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, def) => {
  const i = process.argv.indexOf('--' + name)
  return i === -1 ? def : process.argv[i + 1]
}
const SAMPLES = Number(arg('samples', 151))
const SAMPLE_MS = Number(arg('sample-ms', 2))
const PRESETS = arg('preset', 'five-dimension,four-category').split(',')

const lib = join(root, 'dist/scoring.js')
if (!existsSync(lib)) {
  console.error('bench: dist/scoring.js is missing; run `npm run build` first')
  process.exit(1)
}
const { apply, emptyAggregates, nextTierState, planFor, resolveConfig, score } = await import(pathToFileURL(lib).href)

// Not in dist: trackOp (the track() path) and the generator's seeded PRNG, loaded from source with
// tsx (a dev dependency, as this benchmark is).
const { tsImport } = await import('tsx/esm/api')
const fromSrc = (path) => tsImport(pathToFileURL(join(root, path)).href, import.meta.url)
const { trackOp } = await fromSrc('src/track/event.ts')
const { rng } = await fromSrc('src/cli/generate.ts')
const log = { warn() {}, error() {}, debug() {} }

// ---------------------------------------------------------------- histories

const DAY = 86_400_000
const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 25, 12) // "now" for every user: noon UTC, so the timed events below stay on the same day
// Worst case for the bounded maps: a product with 200 feature values (the
// SDK keeps 64 per key) and 800 custom event names (it keeps 512).
const FEATURES = Array.from({ length: 200 }, (_, i) => 'feature_' + i)
const CUSTOM = 800

/** One event of a busy product's mix. */
function eventAt(r, t) {
  const y = r()
  const pick = (xs) => xs[Math.floor(r() * xs.length)]
  if (y < 0.35) return { k: 'e', n: 'feature_used', p: { feature: FEATURES[Math.floor(r() * r() * FEATURES.length)] }, t }
  if (y < 0.5) return { k: 'e', n: 'page_viewed', p: { path: '/p/' + Math.floor(r() * 5000) }, t }
  if (y < 0.6) return { k: 'e', n: 'project_created', t }
  if (y < 0.68) return { k: 'e', n: 'comment_added', t }
  if (y < 0.72) return { k: 'e', n: 'teammate_invited', p: { role: pick(['editor', 'viewer']) }, t }
  if (y < 0.74) return { k: 'e', n: 'integration_connected', p: { app: pick(['slack', 'github', 'gdrive']) }, t }
  if (y < 0.76) return { k: 'e', n: 'share_link_created', t }
  if (y < 0.77) return { k: 'e', n: 'data_imported', t }
  if (y < 0.78) return { k: 'e', n: 'pricing_viewed', t }
  if (y < 0.79) return { k: 'e', n: 'limit_reached', t }
  if (y < 0.8) return { k: 'e', n: 'paid_feature_used', t }
  return { k: 'e', n: 'custom_' + Math.floor(r() * r() * CUSTOM), t }
}

/**
 * One day's events, `ago` days before today: seeded by the day, so every
 * user has the very same recent days and users differ only in how much
 * history lies before them. Active on most days, 1-3 sessions a day.
 */
function day(ago, perDay) {
  const r = rng(1000 + ago)
  if (ago > 0 && r() > 0.85) return []
  const ops = []
  const day0 = Math.floor(NOW / DAY) * DAY - ago * DAY
  const end = ago === 0 ? NOW - 30 * 60_000 : day0 + 22 * HOUR
  const sessions = 1 + Math.floor(r() * 3)
  const n = Math.max(1, Math.round(perDay * (0.5 + r())))
  for (let s = 0; s < sessions; s++) {
    const start = day0 + 8 * HOUR + ((end - day0 - 8 * HOUR) * s) / sessions
    const len = Math.min(45 * 60_000, (end - day0 - 8 * HOUR) / sessions - 35 * 60_000)
    const k = Math.ceil(n / sessions)
    for (let i = 0; i < k; i++) ops.push(eventAt(r, Math.round(start + (len * i) / k)))
  }
  return ops
}

/** A user's history: `days` days up to today, 40 events an active day in the last year, `oldPerDay` before it. */
function history(days, oldPerDay = 40) {
  const ops = []
  for (let ago = days - 1; ago >= 0; ago--) for (const op of day(ago, ago < 365 ? 40 : oldPerDay)) ops.push(op)
  return ops
}

const SCENARIOS = [
  { id: '1d', label: '1 day', days: 1 },
  { id: '30d', label: '30 days', days: 30 },
  { id: '365d', label: '365 days', days: 365 },
  { id: 'long', label: '1,000 days', days: 1000, oldPerDay: 150 },
  { id: 'longer', label: '3,000 days', days: 3000, oldPerDay: 120 },
]

// ---------------------------------------------------------------- timing

const median = (xs) => quantile(xs, 0.5)
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b)
  const i = (s.length - 1) * q
  const lo = Math.floor(i)
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo)
}
let sink = 0

/** Calls per sample so one sample takes about SAMPLE_MS, measured after a warm-up of ~150 ms. */
function calibrateBatch(fn) {
  const until = performance.now() + 150
  let n = 0
  while (performance.now() < until) (fn(), n++)
  let batch = 16
  for (;;) {
    const t = performance.now()
    for (let i = 0; i < batch; i++) fn()
    const ms = performance.now() - t
    if (ms >= SAMPLE_MS / 2 || batch > 1 << 20) return Math.max(1, Math.round((batch * SAMPLE_MS) / Math.max(ms, 1e-3)))
    batch *= 4
  }
}

/** Times every task's fn in rounds (task after task), SAMPLES rounds; ns per call. */
function measure(tasks) {
  for (const task of tasks) task.batch = calibrateBatch(task.fn)
  for (const task of tasks) task.ns = []
  for (let s = 0; s < SAMPLES; s++) {
    for (const task of tasks) {
      const t = process.hrtime.bigint()
      for (let i = 0; i < task.batch; i++) task.fn()
      task.ns.push(Number(process.hrtime.bigint() - t) / task.batch)
    }
  }
  return tasks.map((t) => ({ median: median(t.ns), p25: quantile(t.ns, 0.25), p75: quantile(t.ns, 0.75), min: Math.min(...t.ns), samples: t.ns.length, batch: t.batch }))
}

// ---------------------------------------------------------------- run

const load0 = +loadavg()[0].toFixed(2)
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
  memoryGB: +(totalmem() / 2 ** 30).toFixed(1),
  samples: SAMPLES,
  sampleMs: SAMPLE_MS,
  presets: {},
}

const fmt = (ns) => (ns >= 1e6 ? (ns / 1e6).toFixed(2) + ' ms' : ns >= 1e3 ? (ns / 1e3).toFixed(2) + ' µs' : ns.toFixed(0) + ' ns')
const pad = (s, n) => String(s).padStart(n)

for (const preset of PRESETS) {
  const resolved = resolveConfig({ model: { preset } })
  if (!resolved.ok) throw new Error(`preset ${preset}: ${JSON.stringify(resolved.errors)}`)
  const { model, sessionTimeout } = resolved.config
  const plan = planFor(model, sessionTimeout)

  const users = SCENARIOS.map((sc) => {
    const ops = history(sc.days, sc.oldPerDay)
    const agg = emptyAggregates(ops[0].t, 0)
    const t = performance.now()
    for (const op of ops) apply(agg, plan, [op], op.t)
    apply(agg, plan, [], NOW)
    const buildMs = performance.now() - t
    const json = JSON.stringify(agg)
    return {
      ...sc,
      events: ops.length,
      buildMs,
      agg,
      bytes: Buffer.byteLength(json),
      dayBuckets: Object.keys(agg.days).length,
      eventKeys: Object.keys(agg.total).length,
      scoreValue: score(model, agg, NOW).score,
    }
  })

  // Events appended by the apply and track timings: the same stream for every user,
  // 2 ms apart from now on (the samples stay within today and one session).
  const stream = Array.from({ length: 60 }, (_, i) => day(-1 - i, 80)).flat()
  const tier0 = nextTierState(model.tiers, null, 0, model.hysteresis, null, NOW).state

  const tasks = []
  for (const u of users) {
    const scoreAgg = u.agg
    tasks.push({ user: u.id, what: 'score', fn: () => (sink += score(model, scoreAgg, NOW).score) })
  }
  for (const u of users) {
    const agg = structuredClone(u.agg)
    let i = 0
    tasks.push({
      user: u.id, what: 'apply',
      fn: () => {
        const e = stream[i % stream.length]
        const t = NOW + 2 * i++
        apply(agg, plan, [{ k: 'e', n: e.n, p: e.p, t }], t)
      },
    })
  }
  for (const u of users) {
    const agg = structuredClone(u.agg)
    let i = 0
    let tier = tier0
    tasks.push({
      user: u.id, what: 'track',
      fn: () => {
        const e = stream[i % stream.length]
        const t = NOW + 2 * i++
        const op = trackOp(e.n, e.p, undefined, t, log)
        apply(agg, plan, [op], t)
        const r = score(model, agg, t)
        tier = nextTierState(model.tiers, tier, r.score, model.hysteresis, r.floorTier, t).state
        sink += r.score
      },
    })
  }
  for (const u of users) {
    const agg = u.agg
    tasks.push({ user: u.id, what: 'clone', fn: () => (sink += structuredClone(agg).n) })
  }

  const stats = measure(tasks)
  const by = (user, what) => stats[tasks.findIndex((t) => t.user === user && t.what === what)]
  const out = {}
  for (const u of users) {
    out[u.id] = {
      label: u.label, days: u.days, events: u.events, buildMs: +u.buildMs.toFixed(1),
      aggregateBytes: u.bytes, dayBuckets: u.dayBuckets, eventKeys: u.eventKeys, score: u.scoreValue,
      ns: Object.fromEntries(['score', 'apply', 'track', 'clone'].map((w) => [w, Object.fromEntries(Object.entries(by(u.id, w)).map(([k, v]) => [k, typeof v === 'number' ? +v.toFixed(1) : v]))])),
    }
  }
  // Ratios of medians: every history against the 30-day user (same recent days, a full window) and the 1-day user.
  const WHAT = ['score', 'apply', 'track', 'clone']
  const ratios = {}
  for (const u of users) {
    const r = (w, k, vs) => +(out[u.id].ns[w][k] / out[vs].ns[w][k]).toFixed(2)
    ratios[u.id] = Object.fromEntries(WHAT.map((w) => [w, { vs30d: r(w, 'median', '30d'), vs1d: r(w, 'median', '1d'), minVs30d: r(w, 'min', '30d') }]))
  }
  results.presets[preset] = { retentionDays: plan.retention, signals: Object.keys(model.signals).length, users: out, ratios }

  console.log(`\nmodel: preset ${preset} (${Object.keys(model.signals).length} signals, day buckets kept: ${plan.retention})`)
  console.log('medians per call, p25-p75 in brackets')
  const head = ['history', 'events', 'agg bytes', 'days', 'names', 'score()', 'apply() / event', 'track path', 'clone']
  const rows = users.map((u) => {
    const n = out[u.id].ns
    const cell = (w) => `${fmt(n[w].median)} [${fmt(n[w].p25)}-${fmt(n[w].p75)}]`
    return [u.label, u.events.toLocaleString('en-US'), u.bytes.toLocaleString('en-US'), u.dayBuckets, u.eventKeys, cell('score'), cell('apply'), cell('track'), cell('clone')]
  })
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  console.log(head.map((h, i) => (i ? pad(h, widths[i]) : h.padEnd(widths[i]))).join('  '))
  for (const r of rows) console.log(r.map((c, i) => (i ? pad(c, widths[i]) : String(c).padEnd(widths[i]))).join('  '))
  console.log('ratios of medians to the 30-day user (to the 1-day user in brackets):')
  for (const u of users.slice(2)) console.log(`  ${u.label.padEnd(11)} ` + WHAT.map((w) => `${w} ${ratios[u.id][w].vs30d.toFixed(2)}x (${ratios[u.id][w].vs1d.toFixed(2)}x)`).join(', '))
  console.log('the same from the fastest sample of each (least disturbed by other load on the machine), to the 30-day user:')
  for (const u of users.slice(2)) console.log(`  ${u.label.padEnd(11)} ` + WHAT.map((w) => `${w} ${ratios[u.id][w].minVs30d.toFixed(2)}x`).join(', '))
}

results.load = [load0, +loadavg()[0].toFixed(2)]
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, 'bench/results/score.json'), JSON.stringify(results, null, 2) + '\n')
console.log(`\n${results.cpu}, Node ${process.version}, 1-min load ${results.load.join(' -> ')}; bench/results/score.json`)
if (Number.isNaN(sink)) console.log('') // keeps the timed results alive
