#!/usr/bin/env node
/**
 * Calibration throughput: generates a trial cohort of at least 10 million
 * events (about 1 GB of NDJSON) with the CLI's own seeded generator, then
 * times `momentkit calibrate` on it in a child process, reading events per
 * second and the child's peak memory (its own maxRSS, reported in its JSON).
 * The calibrate run streams the file; it never holds it whole.
 *
 *   npm run build && npm run bench:calibrate            # 10M events
 *   node bench/calibrate.mjs --events 2000000 --keep   # smaller, keep files
 *   node bench/calibrate.mjs --reuse                   # calibrate a kept cohort again
 *   npm run bench                                      # scoring bench, then this at 2M events
 *
 * Results: bench/results/calibrate.json (not committed; other sizes than
 * the default write calibrate-<events>.json and keep their cohort under
 * their own names); the figures are quoted in docs/calibration.md.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

const arg = (name, def) => {
  const i = process.argv.indexOf('--' + name)
  return i === -1 ? def : process.argv[i + 1]
}
const target = Number(arg('events', 10_000_000))
const keep = process.argv.includes('--keep')
const cli = 'dist/cli.js'
const dir = 'bench/results'
if (!existsSync(cli)) {
  console.error('bench: dist/cli.js is missing; run `npm run build` (or `npx rollup -c`) first')
  process.exit(1)
}
mkdirSync(dir, { recursive: true })
// The default size keeps its historical file names; other sizes get their own.
const suffix = target === 10_000_000 ? '' : '-' + target
const events = join(dir, `events${suffix}.ndjson`)
const labels = join(dir, `labels${suffix}.csv`)

// The generator averages about 93 events per user; aim 3% over the target and check.
// --reuse keeps a cohort written by an earlier run with --keep.
const reuse = process.argv.includes('--reuse') && existsSync(events) && existsSync(labels)
if (!reuse) {
  const users = Math.ceil((target / 93) * 1.03)
  const t = Date.now()
  const gen = execFileSync(process.execPath, [cli, 'generate', '--users', String(users), '--seed', '2026', '--events', events, '--labels', labels], { encoding: 'utf8' })
  console.log(`generated ${gen.trim()} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${(statSync(events).size / 1e9).toFixed(2)} GB`)
}

const load0 = +loadavg()[0].toFixed(2)
const t = Date.now()
const json = join(dir, `calibrate-run${suffix}.json`)
const run = spawnSync(process.execPath, [cli, 'calibrate', events, '--labels', labels, '--json', json, '--out', join(dir, `calibrated${suffix}.json`), '--report', join(dir, `report${suffix}.html`), '--quiet'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
const wall = (Date.now() - t) / 1000
if (run.status !== 0) {
  console.error(`bench: calibrate exited ${run.status}`)
  process.exit(1)
}
const r = JSON.parse(readFileSync(json, 'utf8'))
if (r.input.lines < target) {
  console.error(`bench: only ${r.input.lines} events, fewer than ${target}`)
  process.exit(1)
}
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
  memoryGB: +(totalmem() / 2 ** 30).toFixed(1),
  // Other work on the machine slows the run: the 1-minute load average before and after.
  load: [load0, +loadavg()[0].toFixed(2)],
  events: r.input.lines,
  fileGB: +(statSync(events).size / 1e9).toFixed(2),
  users: r.input.users,
  converters: r.input.converters,
  wallSeconds: +wall.toFixed(1),
  eventsPerSecond: Math.round(r.input.lines / wall),
  cpuSeconds: +r.run.cpuSeconds.toFixed(1),
  eventsPerCpuSecond: Math.round(r.input.lines / r.run.cpuSeconds),
  peakRssMB: Math.round(r.run.maxRssMB),
  phaseSeconds: r.seconds,
  heldOut: r.test && { precision: +r.test.proposed.precision.toFixed(3), baseRate: +r.test.proposed.baseRate.toFixed(3), share: +r.test.proposed.share.toFixed(3), recall: +r.test.proposed.recall.toFixed(3) },
  picks: r.picks.map((p) => p.id),
}
writeFileSync(join(dir, `calibrate${suffix}.json`), JSON.stringify(result, null, 2) + '\n')
console.log(result)
if (!keep) for (const f of [events, labels]) rmSync(f, { force: true })
