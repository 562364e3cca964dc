/**
 * Shared pieces of the browser benchmarks (bench/run.mjs and its modules):
 * the repository root, statistics over noisy samples, the machine the run
 * happened on, and a static server for the pages (the browser tests' own
 * server, test/browser/server.ts, loaded through tsx).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Imports a TypeScript module of the repository (tsx is a dev dependency, as the benchmarks are). */
export async function fromSrc(path) {
  const { tsImport } = await import('tsx/esm/api')
  return tsImport(pathToFileURL(join(ROOT, path)).href, import.meta.url)
}

/** The static server the browser tests use: /dist/..., /bench/pages/... and routes. */
export async function startServer() {
  const { startServer } = await fromSrc('test/browser/server.ts')
  return startServer()
}

/** Value at quantile q (0-1) of numbers, linear between ranks. */
export function quantile(xs, q) {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const i = (s.length - 1) * q
  const lo = Math.floor(i)
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo)
}

/** Median with p25-p75 and the sample count: what the report prints for repeated measures. */
export function summary(xs) {
  return { median: quantile(xs, 0.5), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), min: xs.length ? Math.min(...xs) : null, n: xs.length }
}

/** Rounds to a few significant digits for the JSON (the report formats again). */
export const round = (x, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? x : Number(x.toPrecision(digits)))

/** Where the figures come from: date, CPU, cores, memory, load, Node and Chromium versions. */
export function machine(browser) {
  let os = ''
  try {
    os = readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="([^"]+)"/)?.[1] ?? ''
  } catch {}
  let commit = ''
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {}
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os,
    node: process.version,
    chromium: browser?.version?.() ?? null,
    load: loadavg().map((x) => +x.toFixed(2)),
    commit,
  }
}

/** A row of the results table. `target` is text; `met` true/false, or null when there is no target. */
export function row(module, name, value, unit, extra = {}) {
  return { module, name, value: round(value), unit, ...extra }
}
