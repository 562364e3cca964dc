/**
 * Prints the hardening suite's totals after the browser run (see
 * hardening.ts) and writes them, case by case, to test-results/hardening.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter'
import { HARDENING, type HardeningCase } from './hardening'

interface Row extends HardeningCase {
  test: string
}

export default class HardeningReporter implements Reporter {
  private rows: Row[] = []

  onTestEnd(test: TestCase, result: TestResult): void {
    const passed = result.status === 'passed'
    // Annotations added while the test runs are on the result (and mirrored on the test in recent versions).
    for (const a of result.annotations ?? test.annotations) {
      if (a.type !== HARDENING || !a.description) continue
      const c = JSON.parse(a.description) as HardeningCase
      this.rows.push({ ...c, survived: c.survived && passed, test: test.titlePath().slice(1).join(' › ') })
    }
  }

  onEnd(): void {
    if (!this.rows.length) return
    const suites = new Map<string, { tried: number; survived: number; lost: number }>()
    for (const r of this.rows) {
      const s = suites.get(r.suite) ?? { tried: 0, survived: 0, lost: 0 }
      s.tried++
      if (r.survived) s.survived++
      s.lost += r.lost ?? 0
      suites.set(r.suite, s)
    }
    const total = { tried: 0, survived: 0, lost: 0 }
    const lines = ['', 'Hardening suite: cases tried, survived, items lost']
    for (const [name, s] of [...suites].sort()) {
      total.tried += s.tried
      total.survived += s.survived
      total.lost += s.lost
      lines.push(`  ${name.padEnd(10)} ${String(s.tried).padStart(4)} tried  ${String(s.survived).padStart(4)} survived  ${String(s.lost).padStart(4)} lost`)
    }
    lines.push(`  ${'total'.padEnd(10)} ${String(total.tried).padStart(4)} tried  ${String(total.survived).padStart(4)} survived  ${String(total.lost).padStart(4)} lost`)
    for (const r of this.rows.filter((r) => !r.survived || r.lost)) lines.push(`  ! ${r.suite}: ${r.name}${r.lost ? ` (${r.lost} lost)` : ''}${r.note ? ` - ${r.note}` : ''}`)
    console.log(lines.join('\n'))
    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/hardening.json', JSON.stringify({ total, suites: Object.fromEntries(suites), cases: this.rows }, null, 2))
  }
}
