import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/cli'
import type { Io } from '../../src/cli/io'
import { createScorer, freshAggregates, replay as collectorReplay, type Item } from '../../src/collector/rescore'
import { resolveConfig } from '../../src/config/validate'

const dir = mkdtempSync(join(tmpdir(), 'mk-explain-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
async function run(...argv: string[]) {
  let out = ''
  let err = ''
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, cwd: dir }
  return { code: await main(argv, io), out, err }
}

const config = {
  model: {
    signals: {
      invites: { type: 'count', event: 'teammate_invited', threshold: 2, credit: 'binary', reason: 'invited {{value}} teammate{{s}}' },
      reports: { type: 'count', event: 'report_exported', threshold: 3, credit: 'binary' },
    },
    dimensions: { team: { label: 'Team', weight: 60, signals: ['invites'] }, usage: { label: 'Usage', weight: 40, signals: ['reports'] } },
    tiers: [{ name: 'low', min: 0 }, { name: 'pql', min: 50 }, { name: 'hot', min: 90 }],
  },
}
const ev = (userId: string, name: string, timestamp: string | number) => JSON.stringify({ userId, name, timestamp })
writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
writeFileSync(
  join(dir, 'events.ndjson'),
  [
    ev('a', 'report_exported', '2026-01-05T10:00:00Z'),
    ev('b', 'teammate_invited', '2026-01-05T10:00:00Z'),
    ev('a', 'teammate_invited', '2026-01-06T10:00:00Z'),
    '{broken',
    ev('a', 'teammate_invited', Date.UTC(2026, 0, 7, 10)),
    ev('a', 'report_exported', '2026-01-08T10:00:00Z'),
    ev('a', 'report_exported', '2026-01-08T11:00:00Z'),
  ].join('\n') + '\n',
)

describe('momentkit explain', () => {
  it('replays one user and prints score, tier, breakdown, reasons, tier changes and input problems', async () => {
    const r = await run('explain', 'config.json', 'events.ndjson', '--user', 'a')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^user a: score 100, tier hot \(hot\) since 2026-01-08T11:00:00Z/)
    expect(r.out).toContain('5 events from 2026-01-05T10:00:00Z')
    expect(r.out).toContain('  - invited 2 teammates')
    expect(r.out).toContain('  2026-01-05T10:00:00Z  (start) → low  (score 0)')
    expect(r.out).toContain('  2026-01-07T10:00:00Z  low → pql  (score 60)')
    expect(r.out).toContain('  2026-01-08T11:00:00Z  pql → hot  (score 100)')
    expect(r.out).toContain('events.ndjson: malformed JSON lines: 1 (line 4)')
  })

  it('scores as of --at, ignoring later events, and prints JSON with --json', async () => {
    const r = await run('explain', 'config.json', 'events.ndjson', '--user', 'a', '--at', '2026-01-07T12:00:00Z', '--json')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    expect(j.result.score).toBe(60)
    expect(j.tier.tier).toBe('pql')
    expect(j.events).toBe(3)
    expect(j.result.signals.invites).toMatchObject({ value: 2, met: true })
    expect(j.problems).toEqual([{ file: 'events.ndjson', kind: 'malformed JSON lines', count: 1, lines: [4] }])
  })

  it('dates a tier change (and "since") by the event that crossed, not the day\'s last event, as the collector\'s replay does', async () => {
    const evs: Array<[string, number]> = [
      ['teammate_invited', Date.UTC(2026, 0, 5, 9)],
      ['teammate_invited', Date.UTC(2026, 0, 6, 10)], // crosses into pql here (score 60)
      ['page_viewed', Date.UTC(2026, 0, 6, 18)], // same day, later, changes nothing
    ]
    writeFileSync(join(dir, 'crossing.ndjson'), evs.map(([name, t]) => ev('c', name, new Date(t).toISOString())).join('\n') + '\n')
    const r = await run('explain', 'config.json', 'crossing.ndjson', '--user', 'c', '--json')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    // Reference: the collector's replay, "exactly as the browser does" (tier re-evaluated after each event).
    const resolved = resolveConfig(config)
    if (!resolved.ok) throw new Error('bad config')
    const s = createScorer(resolved.config, 0)
    const items: Item[] = evs.map(([name, t]) => ({ k: 'event', t, name }))
    const ref = collectorReplay(s, freshAggregates(s, evs[0][1]), null, 0, items, true)
    expect(ref.tier!.tier).toBe('pql')
    expect(ref.tier!.since).toBe(Date.UTC(2026, 0, 6, 10))
    expect(j.tier.tier).toBe('pql')
    expect(j.result.score).toBe(ref.result!.score)
    expect(j.changes.map((c: { to: string; at: number }) => [c.to, c.at])).toEqual(ref.changes.map((c) => [c.to, c.at]))
    expect(j.tier.since).toBe(ref.tier!.since)
  })

  it('exits 1 for an unknown user, 2 for bad usage or a missing file', async () => {
    const r = await run('explain', 'config.json', 'events.ndjson', '--user', 'zed')
    expect(r.code).toBe(1)
    expect(r.err).toContain('no events for user "zed"')
    expect((await run('explain', 'config.json', 'events.ndjson')).code).toBe(2)
    expect((await run('explain', 'config.json', 'nope.ndjson', '--user', 'a')).code).toBe(2)
    expect((await run('explain', 'nope.json', 'events.ndjson', '--user', 'a')).code).toBe(2)
    expect((await run('explain', 'config.json', 'events.ndjson', '--user', 'a', '--at', 'soon')).code).toBe(2)
  })
})

describe('momentkit --help', () => {
  it('prints usage for every command and exits 0', async () => {
    const r = await run('--help')
    expect(r.code).toBe(0)
    for (const cmd of ['validate', 'explain', 'calibrate', 'generate']) expect(r.out).toContain(`momentkit ${cmd}`)
    expect((await run()).code).toBe(0)
    expect((await run('calibrate', '--help')).out).toContain('--observe-day')
  })

  it('exits 2 on an unknown command', async () => {
    const r = await run('calibrat')
    expect(r.code).toBe(2)
    expect(r.err).toContain('unknown command "calibrat"')
  })
})
