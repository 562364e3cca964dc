/**
 * Smoke run of the benchmarks (issue 7: "not part of the pass/fail tests,
 * but a smoke run of them is"): bench/run.mjs with small counts, in the
 * Chromium the tests use. It checks that every benchmark runs and returns
 * rows and that the report is written, never that a target is met (the
 * figures of a smoke run on a shared machine mean little).
 */
import { existsSync, readFileSync } from 'node:fs'
import { test, expect } from './fixtures'
// @ts-expect-error plain JavaScript module without types
import { runBench } from '../../bench/run.mjs'

interface Module {
  status: string
  error?: string
  rows: Array<{ module: string; name: string; value: number | null; unit: string }>
}

// The benchmarks open many contexts of their own; tracing them all would slow them and fill test-results.
test.use({ trace: 'off' })

test('node bench/run.mjs --smoke: every benchmark returns rows, bench.json and report.html are written', async ({ browser }, info) => {
  test.setTimeout(120_000)
  const outDir = info.outputPath('bench')
  const lines: string[] = []
  const results = (await runBench({ browser, smoke: true, outDir, log: (l: string) => lines.push(l) })) as { modules: Record<string, Module> }

  const status = Object.fromEntries(Object.entries(results.modules).map(([name, m]) => [name, m.status + (m.error ? ': ' + m.error : '')]))
  // bench/track.mjs is another module's work: "not available" only while the file is missing.
  const track = existsSync(new URL('../../bench/track.mjs', import.meta.url)) ? 'ok' : 'not available: bench/track.mjs is missing'
  expect(status).toEqual({ size: 'ok', rescore: 'ok', mainthread: 'ok', track, score: 'ok', calibrate: 'skipped: not in smoke runs' })
  for (const [name, m] of Object.entries(results.modules)) {
    if (m.status !== 'ok') continue
    expect(m.rows.length, `${name} rows`).toBeGreaterThan(0)
    for (const r of m.rows) expect(r.name && r.unit, `${name}: ${JSON.stringify(r)}`).toBeTruthy()
  }
  const names = Object.values(results.modules).flatMap((m) => m.rows.map((r) => r.name))
  for (const want of [/^script tag/, /^npm entry/, /^floor/, /full rescore after 10,000 events/, /stored state in IndexedDB/, /long tasks/, /tier event -> moment on screen, UI loaded/]) {
    expect(names.some((n) => want.test(n)), String(want)).toBe(true)
  }

  const json = JSON.parse(readFileSync(`${outDir}/bench.json`, 'utf8'))
  expect(json.smoke).toBe(true)
  expect(json.machine).toMatchObject({ cores: expect.any(Number), chromium: expect.any(String), node: process.version })
  const html = readFileSync(`${outDir}/report.html`, 'utf8')
  expect(html).toContain('<svg')
  expect(html).toContain('script tag (dist/momentkit.iife.js)')
  // Self-contained: no scripts, nothing fetched from elsewhere.
  expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/)
  expect(lines.join('\n')).toMatch(/benchmark\s+value/)
})
