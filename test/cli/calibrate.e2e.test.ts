import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/cli'
import { DECOYS, LEAKS, rng } from '../../src/cli/generate'
import type { Io } from '../../src/cli/io'
import { resolveConfig } from '../../src/config/validate'

const dir = mkdtempSync(join(tmpdir(), 'mk-e2e-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const at = (f: string) => join(dir, f)

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, cwd: dir }
  const code = await main(argv, io)
  return { code, out, err }
}

interface SignalRow { id: string; threshold: number | null; users: number; eligible: boolean; flag: string | null; a: number; c: number; lift: number; lo: number }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Result = any

const PLANTED = { teammates_invited: 2, integrations: 1, report_exported: 3 } // config ids of teammate_invited / integration_connected counts, and a discovered event

describe('momentkit calibrate on a generated cohort (end to end, in-process)', () => {
  let shuffled: Result
  let shuffledOut: string
  let sorted: Result

  beforeAll(async () => {
    expect((await run('generate', '--users', '3000', '--seed', '7', '--events', 'events.ndjson', '--labels', 'labels.csv')).code).toBe(0)
    // The same events in random order, with broken lines at known places, and a label for a user with no events.
    const lines = readFileSync(at('events.ndjson'), 'utf8').trimEnd().split('\n')
    const r = rng(99)
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1))
      ;[lines[i], lines[j]] = [lines[j], lines[i]]
    }
    lines.splice(4, 0, '{"userId":"u000001","name":"x"')
    lines.splice(9, 0, '{"userId":"u000001","name":"x"}')
    writeFileSync(at('shuffled.ndjson'), lines.join('\n') + '\n')
    writeFileSync(at('labels2.csv'), readFileSync(at('labels.csv'), 'utf8') + 'ghost,no,\n')

    const a = await run('calibrate', 'shuffled.ndjson', '--labels', 'labels2.csv', '--holdout', '0.5', '--partition-mb', '2', '--json', 'shuffled.json', '--out', 'proposed.json', '--report', 'report.html')
    expect(a.err).toBe('')
    expect(a.code).toBe(0)
    shuffledOut = a.out
    shuffled = JSON.parse(readFileSync(at('shuffled.json'), 'utf8'))
    const b = await run('calibrate', 'events.ndjson', '--labels', 'labels.csv', '--holdout', '0.5', '--json', 'sorted.json', '--out', 'sorted-config.json', '--report', 'sorted.html', '--quiet')
    expect(b.code).toBe(0)
    expect(b.out).toBe('')
    sorted = JSON.parse(readFileSync(at('sorted.json'), 'utf8'))
  }, 60_000)

  it('recovers the planted signals at their planted thresholds and proposes them', () => {
    const signals: SignalRow[] = shuffled.signals
    const picks = shuffled.picks.map((p: { id: string }) => p.id)
    for (const [id, threshold] of Object.entries(PLANTED)) {
      const rank = signals.findIndex((s) => s.id === id)
      expect(rank, id).toBeGreaterThanOrEqual(0)
      expect(rank, `${id} ranks in the top 5`).toBeLessThan(5)
      expect(signals[rank].threshold, id).toBe(threshold)
      expect(signals[rank].lo, id).toBeGreaterThan(2)
      expect(picks, id).toContain(id)
    }
    expect(picks.length).toBeGreaterThanOrEqual(3)
    expect(picks.length).toBeLessThanOrEqual(5)
    // The planted activity effect (>= 5 active days) shows as a significant engagement measure.
    const activity = signals.find((s) => s.id === 'active_days_14d')!
    expect(activity.eligible).toBe(true)
    expect(activity.lo).toBeGreaterThan(1.5)
  })

  it('ranks decoys low and never sees post-conversion events', () => {
    const signals: SignalRow[] = shuffled.signals
    const lastEligible = signals.filter((s) => s.eligible).length
    for (const d of DECOYS) {
      const rank = signals.findIndex((s) => s.id === d)
      expect(signals[rank].eligible, d).toBe(false)
      expect(rank, d).toBeGreaterThanOrEqual(lastEligible)
      expect(signals[rank].lo, d).toBeLessThanOrEqual(1)
    }
    for (const leak of [...LEAKS, 'upgraded']) {
      const s = signals.find((x) => x.id === leak)
      if (s) expect(s.users, leak).toBe(0)
    }
  })

  it('flags the PQL tier at about the asked share with precision well above the base rate on held-out users', () => {
    const t = shuffled.test.proposed
    expect(shuffled.split.test).toBeGreaterThan(1200)
    expect(t.baseRate).toBeGreaterThan(0.05)
    expect(t.precision / t.baseRate).toBeGreaterThan(2.5)
    expect(t.precisionCI[0]).toBeGreaterThan(2 * t.baseRate)
    expect(t.recall).toBeGreaterThan(0.3)
    expect(t.share).toBeGreaterThan(0.06)
    expect(t.share).toBeLessThan(0.24)
    expect(t.medianDaysBefore).toBeGreaterThan(0)
    expect(t.auc).toBeGreaterThan(0.7)
    expect(shuffled.mismatches).toBe(0)
  })

  it('writes a config that validates, with weights summing to 100', () => {
    const config = JSON.parse(readFileSync(at('proposed.json'), 'utf8'))
    const r = resolveConfig(config)
    expect(r.ok ? [] : r.errors).toEqual([])
    const dims = Object.values(config.model.dimensions) as Array<{ weight: number }>
    expect(dims.reduce((n, d) => n + d.weight, 0)).toBe(100)
    expect(config.model.preset).toBeUndefined()
    expect(config.model.tiers.map((t: { name: string }) => t.name)).toEqual(['low', 'moderate', 'pql', 'hot'])
  })

  it('does not depend on input order: shuffled and grouped input give the same analysis', () => {
    const key = (r: Result) => r.signals.map((s: SignalRow) => [s.id, s.threshold, s.a, s.c])
    expect(key(shuffled)).toEqual(key(sorted))
    expect(shuffled.config.model).toEqual(sorted.config.model)
  })

  it('does not depend on line order when two event names tie (every report_exported also logged as report_done)', async () => {
    const lines = readFileSync(at('events.ndjson'), 'utf8').trimEnd().split('\n')
    const withDup: string[] = []
    for (const l of lines) {
      if (l.includes('"report_exported"')) withDup.push(l.replace('"report_exported"', '"report_done"'))
      withDup.push(l)
    }
    writeFileSync(at('dup-a.ndjson'), withDup.join('\n') + '\n')
    writeFileSync(at('dup-b.ndjson'), [...withDup].reverse().join('\n') + '\n')
    const a = await run('calibrate', 'dup-a.ndjson', '--labels', 'labels.csv', '--quiet', '--json', 'dup-a.json', '--out', 'dup-a-config.json', '--report', 'dup-a.html')
    const b = await run('calibrate', 'dup-b.ndjson', '--labels', 'labels.csv', '--quiet', '--json', 'dup-b.json', '--out', 'dup-b-config.json', '--report', 'dup-b.html')
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    const ja = JSON.parse(readFileSync(at('dup-a.json'), 'utf8'))
    const jb = JSON.parse(readFileSync(at('dup-b.json'), 'utf8'))
    expect(ja.picks.map((p: { id: string }) => p.id)).toContain('report_done')
    expect(jb.picks).toEqual(ja.picks)
    expect(jb.signals.map((s: SignalRow) => s.id)).toEqual(ja.signals.map((s: SignalRow) => s.id))
    expect(JSON.parse(readFileSync(at('dup-b-config.json'), 'utf8')).model.signals).toEqual(JSON.parse(readFileSync(at('dup-a-config.json'), 'utf8')).model.signals)
  }, 60_000)

  it('proposes a predictive event named "__proto__" like any other: no internal error, the config validates', async () => {
    writeFileSync(at('proto.ndjson'), readFileSync(at('events.ndjson'), 'utf8').replaceAll('"report_exported"', '"__proto__"'))
    const r = await run('calibrate', 'proto.ndjson', '--labels', 'labels.csv', '--quiet', '--json', 'proto.json', '--out', 'proto-config.json', '--report', 'proto.html')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const j = JSON.parse(readFileSync(at('proto.json'), 'utf8'))
    // Under an id that is not "__proto__" (the SDK's score() keeps signals in a plain object), counting the event "__proto__".
    expect(j.picks.map((p: { id: string }) => p.id)).toContain('__proto___count')
    expect(j.mismatches).toBe(0)
    const config = JSON.parse(readFileSync(at('proto-config.json'), 'utf8'))
    expect(config.model.signals.__proto___count).toMatchObject({ type: 'count', event: '__proto__', threshold: 3 })
    expect((await run('validate', 'proto-config.json')).code).toBe(0)
  }, 60_000)

  it('writes the same config for the same input on another day (the version names the model, not the date)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2031-06-15T12:00:00Z') })
    try {
      const r = await run('calibrate', 'events.ndjson', '--labels', 'labels.csv', '--holdout', '0.5', '--out', 'later-config.json', '--report', 'later.html', '--quiet')
      expect(r.code).toBe(0)
    } finally {
      vi.useRealTimers()
    }
    expect(readFileSync(at('later-config.json'), 'utf8')).toBe(readFileSync(at('sorted-config.json'), 'utf8'))
    expect(sorted.config.model.version).toMatch(/^calibrated-[0-9a-f]{12}$/)
    expect(shuffled.config.model.version).toBe(sorted.config.model.version)
  }, 60_000)

  it('reports bad input with line numbers and carries on', () => {
    const kinds = Object.fromEntries(shuffled.problems.map((p: { kind: string; lines: number[]; count: number }) => [p.kind, p]))
    expect(kinds['malformed JSON lines']).toMatchObject({ count: 1, lines: [5] })
    expect(kinds['events without a timestamp']).toMatchObject({ count: 1, lines: [10] })
    expect(kinds['users without any event in the events file (left out)']).toMatchObject({ count: 1, lines: [3002] })
    expect(shuffledOut).toContain('shuffled.ndjson: malformed JSON lines: 1 (line 5)')
    expect(shuffledOut).toContain('PQL tier, held-out users')
  })

  it('writes a self-contained HTML report (no scripts, no external assets)', () => {
    const html = readFileSync(at('report.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(3)
    expect(html).toContain('Conversion rate by score band')
    expect(html).toContain('Threshold trade-off')
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i)
  })

  it('compares against a starting config and keeps its other settings, tier names and moments', async () => {
    const start = {
      endpoint: 'https://collect.example.com/pql',
      model: { preset: 'four-category', tiers: [{ name: 'cold', min: 0 }, { name: 'warm', min: 30 }, { name: 'pql', min: 60 }, { name: 'hot', min: 85 }] },
      moments: [{ id: 'up', kind: 'upgrade', on: { tierEntered: ['pql'] }, copy: { en: { title: 'Upgrade' } }, cta: { url: '/pricing' } }],
    }
    writeFileSync(at('start.json'), JSON.stringify(start))
    const r = await run('calibrate', 'events.ndjson', '--labels', 'labels.csv', '--config', 'start.json', '--holdout', '0.5', '--json', 'vs.json', '--out', 'vs-config.json', '--report', 'vs.html', '--quiet')
    expect(r.code).toBe(0)
    const config = JSON.parse(readFileSync(at('vs-config.json'), 'utf8'))
    expect(resolveConfig(config).ok).toBe(true)
    expect(config.endpoint).toBe(start.endpoint)
    expect(config.moments).toEqual(start.moments)
    expect(config.model.preset).toBeUndefined()
    expect(config.model.tiers.map((t: { name: string }) => t.name)).toEqual(['cold', 'warm', 'pql', 'hot'])
    const j = JSON.parse(readFileSync(at('vs.json'), 'utf8'))
    // The four-category model's own signals are candidates too (projects_created, streak, ...).
    expect(j.signals.map((s: SignalRow) => s.id)).toEqual(expect.arrayContaining(['projects_created', 'streak', 'pricing_viewed']))
    expect(j.test.proposed.auc).toBeGreaterThan(j.test.start.auc)
    expect(j.test.start.auc).not.toBe(shuffled.test.start.auc)
  }, 30_000)

  it('evaluates the PQL tier the proposal chose with a two-tier starting config and no tier named "pql"', async () => {
    const start = {
      model: {
        signals: {
          invites: { type: 'count', event: 'teammate_invited', threshold: 2 },
          reports: { type: 'count', event: 'report_exported', threshold: 3 },
        },
        dimensions: { team: { weight: 50, signals: ['invites'] }, usage: { weight: 50, signals: ['reports'] } },
        tiers: [{ name: 'cold', min: 0 }, { name: 'qualified', min: 50 }],
      },
    }
    writeFileSync(at('two-tiers.json'), JSON.stringify(start))
    const r = await run('calibrate', 'events.ndjson', '--labels', 'labels.csv', '--config', 'two-tiers.json', '--quiet', '--json', 'two.json', '--out', 'two-out.json', '--report', 'two.html')
    expect(r.code).toBe(0)
    const j = JSON.parse(readFileSync(at('two.json'), 'utf8'))
    expect(j.pql.name).toBe('qualified')
    // The PQL tier holds about --pql-share (12%) of the fit users; the evaluation must measure that same tier, not every user.
    expect(j.pql.trainShare).toBeLessThan(0.3)
    expect(j.train.proposed.share).toBeCloseTo(j.pql.trainShare, 5)
    expect(j.test.proposed.share).toBeLessThan(0.5)
    // The starting config: a user is in "qualified" only at 50+ points.
    expect(j.test.start.share).toBeLessThan(1)
  }, 60_000)

  it('observes just before conversion with --before-conversion', async () => {
    const r = await run('calibrate', 'events.ndjson', '--labels', 'labels.csv', '--before-conversion', '--json', 'bc.json', '--out', 'bc-config.json', '--report', 'bc.html', '--quiet')
    expect(r.code).toBe(0)
    const j = JSON.parse(readFileSync(at('bc.json'), 'utf8'))
    expect(j.observation).toMatch(/just before conversion/)
    for (const leak of LEAKS) expect(j.signals.find((s: SignalRow) => s.id === leak)?.users ?? 0).toBe(0)
    expect(j.picks.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(['teammates_invited', 'report_exported']))
  }, 30_000)
})

describe('momentkit calibrate when nothing usable remains', () => {
  it('exits non-zero on an empty events file, naming the problem', async () => {
    writeFileSync(at('empty.ndjson'), '')
    writeFileSync(at('l.csv'), 'userId,converted\na,yes\nb,no\n')
    const r = await run('calibrate', 'empty.ndjson', '--labels', 'l.csv', '--quiet')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/nothing usable: no labelled user has a valid event/)
    expect(r.err).toContain('empty.ndjson: empty file (no lines)')
  })

  it('exits non-zero when every line is broken, with the lines counted', async () => {
    writeFileSync(at('broken.ndjson'), '{"userId":"a"\n{"userId":"b","name":"x"}\n')
    const r = await run('calibrate', 'broken.ndjson', '--labels', 'l.csv', '--quiet')
    expect(r.code).toBe(1)
    expect(r.err).toContain('broken.ndjson: malformed JSON lines: 1 (line 1)')
    expect(r.err).toContain('broken.ndjson: events without a timestamp: 1 (line 2)')
  })

  it('exits 1 without a config but with a report when no signal is usable (too few users)', async () => {
    expect((await run('generate', '--users', '150', '--seed', '2', '--events', 'tiny.ndjson', '--labels', 'tiny.csv')).code).toBe(0)
    const r = await run('calibrate', 'tiny.ndjson', '--labels', 'tiny.csv', '--out', 'tiny-config.json', '--report', 'tiny.html', '--quiet')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/no model proposed: no signal is usable at this sample size \(150 users/)
    expect(existsSync(at('tiny-config.json'))).toBe(false)
    expect(readFileSync(at('tiny.html'), 'utf8')).toContain('No model proposed')
  }, 30_000)

  it('rejects usage errors (bad flags, empty values, missing files) with exit 2', async () => {
    expect((await run('calibrate', 'x.ndjson')).code).toBe(2)
    expect((await run('calibrate', 'x.ndjson', '--labels', 'l.csv', '--pql-share', '2')).code).toBe(2)
    expect((await run('calibrate', 'x.ndjson', '--labels', 'l.csv', '--bogus')).code).toBe(2)
    // An empty value is not 0 (nor the default).
    for (const flag of ['--holdout=', '--seed=', '--utc-offset=', '--pql-share= ', '--out=']) {
      const r = await run('calibrate', 'x.ndjson', '--labels', 'l.csv', flag)
      expect(r.code, flag).toBe(2)
      expect(r.err, flag).toContain(`${flag.trim().slice(0, -1)} needs a value`)
    }
    expect((await run('calibrate', 'x.ndjson', '--labels', 'l.csv', '--holdout', '')).code).toBe(2)
    // A missing file is a usage error, as for validate: events, labels, starting config.
    for (const args of [['nope.ndjson', '--labels', 'l.csv'], ['empty.ndjson', '--labels', 'nope.csv'], ['empty.ndjson', '--labels', 'l.csv', '--config', 'nope.json']]) {
      const r = await run('calibrate', ...args, '--quiet')
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.err, args.join(' ')).toMatch(/cannot read .*nope\.\w+: no such file/)
    }
    expect((await run('explain', 'c.json', 'x.ndjson', '--user', 'a', '--utc-offset=')).code).toBe(2)
    expect((await run('generate', '--users=')).code).toBe(2)
  })
})
