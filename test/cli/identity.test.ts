/**
 * Calibration input straight from the collector: the SDK's delivery
 * messages (built here with the SDK's own message builders), as the
 * collector stores them in messages.body. Pre-identify events count for the
 * identified user, identify messages' trial dates and timezone drive
 * trial-relative windows, and the other message types are skipped and
 * counted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/cli'
import { ingest } from '../../src/cli/ingest'
import { type Io, Problems } from '../../src/cli/io'
import { readLabels } from '../../src/cli/labels'
import { parseLine } from '../../src/cli/ndjson'
import { byUser } from '../../src/cli/partition'
import { population } from '../../src/cli/passes'
import { replay } from '../../src/cli/replay'
import { openDb } from '../../src/collector/db'
import { migrate } from '../../src/collector/migrate'
import { startCollector } from '../../src/collector/server'
import type { Signal } from '../../src/config/types'
import { resolveConfig } from '../../src/config/validate'
import { signalValue } from '../../src/score/signals'
import { planFor } from '../../src/store/aggregate'
import { eventMessage, identifyMessage, momentMessage, scoreMessage, tierMessage } from '../../src/sync/messages'
import { toSegment } from '../../src/sync/segment'
import type { Message } from '../../src/sync/types'
import type { Identity } from '../../src/track/identity'

const dir = mkdtempSync(join(tmpdir(), 'mk-identity-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
async function run(...argv: string[]) {
  let out = ''
  let err = ''
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, cwd: dir }
  return { code: await main(argv, io), out, err }
}

const DAY = 86_400_000
const jan = (d: number, h = 10) => Date.UTC(2026, 0, d, h)
const id = (userId: string | null, anonymousId: string): Identity => ({ userId, anonymousId, accountId: null, traits: {} })
const ev = (who: Identity, name: string, t: number, props?: Record<string, unknown>) => JSON.stringify(eventMessage(who, '1', name, props, t))
const ident = (who: Identity, t: number, trial: { start?: number; end?: number }, tz = 0) => JSON.stringify({ ...identifyMessage(who, '1', trial, t), tz })
const score0 = { at: 0, score: 0, breakdown: [], reasons: [], topFeatures: [], signals: {}, criteria: [], floorTier: null } as unknown as Parameters<typeof scoreMessage>[2]

/** Every labelled user's replayed events (name, time) and trial records, by user id. */
async function histories(events: string, labels: string, partitions: number) {
  const p = new Problems()
  const L = await readLabels(file(`l${partitions}.csv`, labels), p)
  const ing = await ingest(file(`e${partitions}.ndjson`, events), L, { problems: p, conversionEvent: 'upgraded', propsFor: new Set(), partitions })
  const out: Record<string, Array<[string, number]>> = {}
  try {
    for (let i = 0; i < ing.parts.count; i++) {
      const b = ing.parts.load(i)
      for (const g of byUser(b)) out[L.ids[g.user]] = Array.from(g.rows, (r) => [b.name[r] < 0 ? 'trial ' + JSON.stringify(b.props[r]) : ing.names[b.name[r]], b.t[r]])
    }
  } finally {
    ing.parts.remove()
  }
  return { ing, L, p, out }
}

describe('parseLine: the delivery messages', () => {
  it('reads identify messages (trial dates, tz; Segment-style traits as a fallback) and flags bad fields', () => {
    const who = { userId: 'u1', anonymousId: 'a1' }
    expect(parseLine(ident(id('u1', 'a1'), jan(3), { start: jan(1, 0), end: jan(15, 0) }, -60))).toEqual({ kind: 'identify', who, t: jan(3), start: jan(1, 0), end: jan(15, 0), tz: -60 })
    expect(parseLine('{"type":"identify","userId":"u1","anonymousId":"a1","timestamp":"2026-01-03T10:00:00Z","traits":{"trialStart":"2026-01-01"}}')).toEqual({ kind: 'identify', who, t: jan(3), start: jan(1, 0) })
    expect(parseLine('{"type":"identify","userId":"u1","at":"2026-01-03T10:00:00Z","trialStart":"soon","tz":5000}')).toMatchObject({ kind: 'identify', warn: expect.stringMatching(/invalid/) })
    expect(parseLine('{"type":"identify","userId":"u1"}')).toEqual({ problem: 'identify messages without a timestamp' })
  })

  it("reads the trial dates of a Segment export of the SDK's own identify call (toSegment writes traits.trial_start/trial_end)", () => {
    const msg = identifyMessage(id('u1', 'a1'), '1', { start: jan(5, 0), end: jan(19, 0) }, jan(5))
    const seg = toSegment({ sentAt: new Date(jan(5)).toISOString(), sdk: 'x', messages: [msg] } as never) as { batch: Array<Record<string, unknown>> }
    const call = seg.batch.find((c) => c.type === 'identify')!
    expect(call.traits).toMatchObject({ trial_start: new Date(jan(5, 0)).toISOString(), trial_end: new Date(jan(19, 0)).toISOString() })
    expect(parseLine(JSON.stringify(call))).toEqual({ kind: 'identify', who: { userId: 'u1', anonymousId: 'a1' }, t: jan(5), start: jan(5, 0), end: jan(19, 0) })
  })

  it('reads the other message types as identities only; a rollup says how many events it folded', () => {
    const rollup = '{"type":"rollup","userId":"u1","anonymousId":"a1","at":"2026-01-03T10:00:00Z","counts":{"a":5,"b":2},"from":"x","to":"y"}'
    expect(parseLine(rollup)).toEqual({ kind: 'other', type: 'rollup', who: { userId: 'u1', anonymousId: 'a1' }, t: jan(3), folded: 7 })
    expect(parseLine(JSON.stringify(scoreMessage(id('u1', 'a1'), '1', { ...score0, at: jan(3) }, 'low')))).toEqual({ kind: 'other', type: 'score', who: { userId: 'u1', anonymousId: 'a1' }, t: jan(3) })
  })
})

describe('identities: events sent before identify count for the identified user', () => {
  const anon = id(null, 'anon-1')
  const u1 = id('u1', 'anon-1')
  const lines = [
    ev(u1, 'report_exported', jan(4)),
    ev(anon, 'page_viewed', jan(1)),
    ev(anon, 'report_exported', jan(2)),
    ev(id(null, 'anon-9'), 'page_viewed', jan(2)), // a visitor who never signed up
    JSON.stringify({ userId: 'u2', name: 'page_viewed', timestamp: '2026-01-03T10:00:00Z' }), // the plain shape
    ev(id(null, 'anon-2'), 'report_exported', jan(2)), // u2's browser before identify: tied to u2 by a tier message only
    ident(u1, jan(3), {}), // identify, after the anonymous events in time, anywhere in the file
    ev(u1, 'page_viewed', jan(3)),
    ev(anon, 'page_viewed', jan(2, 12)),
    JSON.stringify(tierMessage(id('u2', 'anon-2'), '1', { ...score0, at: jan(5) }, { from: null, to: 'low', direction: 'up', at: jan(5), score: 0 } as never)),
    ev(id(null, 'anon-3'), 'page_viewed', jan(1)), // a shared browser: u1 identified on it on day 10, u2 on day 5
    ev(id('u1', 'anon-3'), 'page_viewed', jan(10)),
    ev(id('u2', 'anon-3'), 'page_viewed', jan(5)),
    ev(id(null, 'anon-4'), 'page_viewed', jan(1)), // labelled by anonymousId (never identified): still its own user
  ].join('\n')
  const labels = 'userId,converted\nu1,yes\nu2,no\nanon-4,no\n'

  it.each([1, 3])('folds anonymousId-only events into the user the anonymousId later appears with (%i partitions)', async (partitions) => {
    const { ing, p, out } = await histories(lines, labels, partitions)
    expect(out.u1).toEqual([['page_viewed', jan(1)], ['report_exported', jan(2)], ['page_viewed', jan(2, 12)], ['page_viewed', jan(3)], ['report_exported', jan(4)], ['page_viewed', jan(10)]])
    expect(out.u2).toEqual([['page_viewed', jan(1)], ['report_exported', jan(2)], ['page_viewed', jan(3)], ['page_viewed', jan(5)]])
    expect(out['anon-4']).toEqual([['page_viewed', jan(1)]])
    expect(Array.from(ing.count)).toEqual([6, 4, 1])
    expect(ing.firstSeen[0]).toBe(jan(1)) // the SDK's "seen": the anonymous history is the user's
    expect(ing.adopted).toEqual({ events: 5, anonymousIds: 3 })
    expect(ing.sharedAnonymousIds).toBe(1)
    expect(ing.unlabelledUsers).toBe(1)
    expect(p.lines()).toContain('e' + partitions + '.ndjson: events of users not in the labels, skipped (1 users): 1')
  })

  it('explain and calibrate count them too', async () => {
    file('ex.ndjson', lines)
    file('ex.csv', labels)
    file('c.json', JSON.stringify({ model: { signals: { reports: { type: 'count', event: 'report_exported', threshold: 2, credit: 'binary' } }, dimensions: { d: { weight: 1, signals: ['reports'] } } } }))
    const x = await run('explain', 'c.json', 'ex.ndjson', '--user', 'u1', '--json')
    expect(x.code).toBe(0)
    const j = JSON.parse(x.out)
    expect(j.events).toBe(6)
    expect(j.result.signals.reports.value).toBe(2)
    await run('calibrate', 'ex.ndjson', '--labels', 'ex.csv', '--json', 'ex-run.json', '--report', 'ex.html', '--quiet', '--holdout', '0')
    const c = JSON.parse(readFileSync(join(dir, 'ex-run.json'), 'utf8'))
    expect(c.input.accepted).toBe(11)
    expect(c.input.adopted).toEqual({ events: 5, anonymousIds: 3 })
    expect(c.notes).toContain('5 events sent before identify (anonymousId only) counted for the user their anonymousId later identified as (3 anonymousIds)')
  })
})

describe('identify messages: trial dates and timezone drive trial-relative windows', () => {
  const config = resolveConfig({
    model: {
      signals: { early_reports: { type: 'count', event: 'report_exported', window: { trial: [0, 3] }, threshold: 2, credit: 'binary' } },
      dimensions: { d: { weight: 1, signals: ['early_reports'] } },
    },
  })
  if (!config.ok) throw new Error(JSON.stringify(config.errors))
  const { model, sessionTimeout } = config.config
  const signal = model.signals.early_reports as Signal
  const plan = planFor(model, sessionTimeout)
  // Each user: signed up on Jan 1 (anonymous, then identified), trial started Jan 10; exports on Jan 2, 10 and 11.
  const user = (uid: string, identify: boolean, tz = -60) => [
    ev(id(null, 'a-' + uid), 'report_exported', jan(2)),
    ...(identify ? [ident(id(uid, 'a-' + uid), jan(1, 12), {}, tz), ident(id(uid, 'a-' + uid), jan(9), { start: jan(10, 0), end: jan(24, 0) }, tz)] : []),
    ev(id(uid, 'a-' + uid), 'page_viewed', jan(1, 12)),
    ev(id(uid, 'a-' + uid), 'report_exported', jan(10)),
    ev(id(uid, 'a-' + uid), 'report_exported', jan(11)),
  ]
  const lines = [...user('t1', true).reverse(), ...user('t2', false), ...user('t3', true)].join('\n')
  const labels = 'userId,converted,trialStart\nt1,no,\nt2,no,\nt3,no,2026-01-01T00:00:00Z\n'

  it.each([1, 2])('replays trial dates at their time; they set the start, the window and the timezone (%i partitions)', async (partitions) => {
    const p = new Problems()
    const L = await readLabels(file(`tl${partitions}.csv`, labels), p)
    const ing = await ingest(file(`te${partitions}.ndjson`, lines), L, { problems: p, conversionEvent: 'upgraded', propsFor: new Set(), partitions })
    try {
      expect(ing.identifies).toBe(4)
      expect(p.total).toBe(0) // identify lines are read, not skipped
      const pop = population(ing, L.converted, L.convertedAt, L.trialStart, 0, sessionTimeout, () => ({ mode: 'day', days: 14 }), () => 0)
      // t1: trial start from its identify message; t2: none, its first event; t3: the label wins.
      expect(Array.from(pop.start)).toEqual([jan(10, 0), jan(1, 12), jan(1, 0)])
      expect(Array.from(pop.tz)).toEqual([-60, 0, -60])
      // Day 14 of the trial, cut at midnight in the browser's timezone (UTC+1).
      expect(pop.cut[0]).toBe(jan(24, 0) - 60 * 60_000)
      const values: Record<string, number | null> = {}
      for (let i = 0; i < ing.parts.count; i++) {
        const block = ing.parts.load(i)
        for (const { user: u, rows } of byUser(block)) {
          const h = { block, rows, names: ing.names }
          const agg = replay(plan, h, pop.start[u], pop.trialStart[u], pop.tz[u], pop.cut[u])
          values[L.ids[u]] = signalValue(signal, agg, pop.cut[u] - 1)
          expect(agg.trialEnd, L.ids[u]).toBe(L.ids[u] === 't2' ? undefined : jan(24, 0))
          // The day-by-day replay (crossing times) sees the same trial dates.
          const days = replay(plan, h, pop.start[u], pop.trialStart[u], pop.tz[u], pop.cut[u], () => {})
          expect(signalValue(signal, days, pop.cut[u] - 1), L.ids[u]).toBe(values[L.ids[u]])
        }
      }
      // "2 exports in the first 3 days of the trial": Jan 10-12 for t1; from the first event (Jan 1-3) for t2; from the label's Jan 1 for t3.
      expect(values).toEqual({ t1: 2, t2: 1, t3: 1 })
    } finally {
      ing.parts.remove()
    }
  })

  it('explain applies them too', async () => {
    file('trial.ndjson', lines)
    file('trial.json', JSON.stringify({ model: { signals: { early_reports: { type: 'count', event: 'report_exported', window: { trial: [0, 3] }, threshold: 2, credit: 'binary' } }, dimensions: { d: { weight: 1, signals: ['early_reports'] } } } }))
    const value = async (u: string, ...more: string[]) => JSON.parse((await run('explain', 'trial.json', 'trial.ndjson', '--user', u, '--json', ...more)).out).result.signals.early_reports.value
    expect(await value('t1')).toBe(2)
    expect(await value('t2')).toBe(1)
    expect(await value('t1', '--trial-start', '2026-01-01T00:00:00Z')).toBe(1) // the flag wins, as a label does
  })
})

describe('other message types in the input', () => {
  it('skips score, tier and moment lines and counts them; reports rollups and the events they folded; identify lines are used, not counted', async () => {
    const u = id('u1', 'a1')
    const lines = [
      ident(u, jan(1), { start: jan(1, 0) }),
      ev(u, 'page_viewed', jan(1)),
      JSON.stringify(scoreMessage(u, '1', { ...score0, at: jan(1) }, 'low')),
      JSON.stringify(tierMessage(u, '1', { ...score0, at: jan(1) }, { from: null, to: 'low', direction: 'up', at: jan(1), score: 0 } as never)),
      JSON.stringify(momentMessage(u, '1', { id: 'trial-ending', kind: 'trial', outcome: 'shown', at: jan(1) } as never)),
      JSON.stringify({ id: 'r', type: 'rollup', at: '2026-01-02T00:00:00Z', userId: 'u1', anonymousId: 'a1', accountId: null, model: '1', counts: { page_viewed: 40, report_exported: 2 }, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } satisfies Message),
      ev(u, 'report_exported', jan(2)),
    ].join('\n')
    const { ing, p, out } = await histories(lines, 'userId,converted\nu1,no\n', 1)
    expect(ing.accepted).toBe(2)
    expect(ing.identifies).toBe(1)
    expect(out.u1).toEqual([['trial {"start":' + jan(1, 0) + '}', jan(1)], ['page_viewed', jan(1)], ['report_exported', jan(2)]])
    expect(p.lines()).toEqual([
      'e1.ndjson: lines skipped as other message types (score, tier, moment): 3',
      'e1.ndjson: rollup messages skipped (events the SDK folded into counts cannot be replayed): 1 (line 6)',
      'e1.ndjson: events folded into those rollup messages (not in the calibration): 42',
    ])
  })
})

describe('export from the collector (PGlite in memory), then calibrate and explain', () => {
  it('the documented query gives NDJSON the CLI reads, identities and trial dates included', async () => {
    const db = await openDb({ pgliteDir: 'memory://' })
    await migrate(db)
    const c = await startCollector({ port: 0, log: false, db })
    try {
      const post = async (messages: Message[]) => {
        const res = await fetch(c.collectUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sentAt: new Date().toISOString(), sdk: { name: 'momentkit', version: '0.1.0' }, auth: {}, messages }) })
        expect(res.status, await res.text()).toBeLessThan(300)
      }
      const now = Date.now() - 2 * DAY
      const anon = id(null, 'browser-1')
      const u = id('u1', 'browser-1')
      // Before identify: the browser's anonymous state (identify message without a user, two events).
      await post([identifyMessage(anon, '1', {}, now - 3 * DAY), eventMessage(anon, '1', 'report_exported', { fmt: 'pdf' }, now - 3 * DAY + 1000), eventMessage(anon, '1', 'report_exported', undefined, now - 3 * DAY + 2000)])
      // identify(): trial dates, then events and a score report of the identified user.
      await post([{ ...identifyMessage(u, '1', { start: now - 3 * DAY, end: now + 11 * DAY }, now - 2 * DAY), tz: -120 }, eventMessage(u, '1', 'report_exported', { note: 'a "quoted" \\ back\nslash' }, now - 2 * DAY + 1000), scoreMessage(u, '1', { ...score0, at: now - 2 * DAY + 1000 }, 'low')])
      await post([eventMessage(id('u2', 'browser-2'), '1', 'page_viewed', undefined, now - DAY)])
      // The export in docs/calibration.md, as a query (psql prints the same text with -At).
      const rows = await db.query<{ body: string }>(`select body::text as body from messages where type in ('event', 'identify') order by at, seq`)
      expect(rows).toHaveLength(6)
      file('export.ndjson', rows.map((r) => r.body).join('\n') + '\n')
      file('export-labels.csv', 'userId,converted\nu1,yes\nu2,no\n')
      file('export.json', JSON.stringify({ model: { signals: { reports: { type: 'count', event: 'report_exported', window: { trial: [0, 3] }, threshold: 3, credit: 'binary' } }, dimensions: { d: { weight: 1, signals: ['reports'] } } } }))
      const x = await run('explain', 'export.json', 'export.ndjson', '--user', 'u1', '--json')
      expect(x.code, x.err).toBe(0)
      const j = JSON.parse(x.out)
      expect(j.events).toBe(3)
      expect(j.result.signals.reports).toMatchObject({ value: 3, met: true })
      expect(j.problems).toEqual([])
      const r = await run('calibrate', 'export.ndjson', '--labels', 'export-labels.csv', '--config', 'export.json', '--json', 'export-run.json', '--report', 'export.html', '--quiet', '--holdout', '0')
      expect(r.code).toBe(1) // two users: nothing significant, but everything was read
      const run1 = JSON.parse(readFileSync(join(dir, 'export-run.json'), 'utf8'))
      expect(run1.input).toMatchObject({ lines: 6, accepted: 4, users: 2, identifies: 2, adopted: { events: 2, anonymousIds: 1 } })
      expect(run1.problems).toEqual([])
    } finally {
      await c.close()
      await db.close()
    }
  }, 60_000)
})
