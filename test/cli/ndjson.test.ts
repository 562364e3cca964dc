import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { ingest } from '../../src/cli/ingest'
import { Problems } from '../../src/cli/io'
import { readLabels, splitCsv } from '../../src/cli/labels'
import { eachLine, parseEvent, parseTime } from '../../src/cli/ndjson'
import { byUser } from '../../src/cli/partition'

const dir = mkdtempSync(join(tmpdir(), 'mk-ndjson-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
const lines = async (p: string) => {
  const out: Array<[number, string]> = []
  await eachLine(p, (l, n) => out.push([n, l]))
  return out
}

describe('eachLine (streaming reader)', () => {
  it('numbers lines from 1, drops \\r and a BOM, and keeps a last line without a newline', async () => {
    expect(await lines(file('a.txt', '\ufefffirst\r\nsecond\n\nlast'))).toEqual([[1, 'first'], [2, 'second'], [3, ''], [4, 'last']])
  })

  it('reassembles lines and multi-byte characters split across 1 MB chunks', async () => {
    const line = 'é€😀'.repeat(20_000) // about 180 kB, boundaries fall inside characters
    const text = Array.from({ length: 30 }, (_, i) => `${i}:${line}`).join('\n') + '\n'
    const got = await lines(file('big.txt', text))
    expect(got).toHaveLength(30)
    got.forEach(([n, l], i) => (expect(n).toBe(i + 1), expect(l).toBe(`${i}:${line}`)))
  })

  it('reads .gz files', async () => {
    expect(await lines(file('a.ndjson.gz', gzipSync('x\ny\n')))).toEqual([[1, 'x'], [2, 'y']])
  })

  it('reports progress in bytes and fails clearly on a missing file', async () => {
    const seen: number[] = []
    await eachLine(file('p.txt', 'a\nb\n'), () => {}, (b) => seen.push(b))
    expect(seen.at(-1)).toBe(4)
    await expect(eachLine(join(dir, 'missing.ndjson'), () => {})).rejects.toThrow(/no such file/)
  })
})

describe('parseEvent', () => {
  it.each([
    ['the documented shape, ISO time', '{"userId":"u1","name":"a","props":{"x":1},"timestamp":"2026-01-05T10:00:00Z"}', { ok: { userId: 'u1', name: 'a', props: { x: 1 }, t: Date.UTC(2026, 0, 5, 10) } }],
    ['epoch ms and a numeric user id', '{"userId":42,"name":"a","timestamp":1767607200000}', { ok: { userId: '42', name: 'a', t: 1767607200000 } }],
    ['the SDK delivery message (at, anonymousId)', '{"id":"m","type":"event","at":"2026-01-05T10:00:00.000Z","userId":null,"anonymousId":"anon-1","name":"a"}', { ok: { userId: 'anon-1', name: 'a', t: Date.UTC(2026, 0, 5, 10) } }],
    ['Segment track (event, properties)', '{"type":"track","userId":"u","event":"a","properties":{"k":"v"},"timestamp":"2026-01-05"}', { ok: { userId: 'u', name: 'a', props: { k: 'v' }, t: Date.UTC(2026, 0, 5) } }],
    ['a blank line', '   ', { skip: 'blank' }],
    ['a score message', '{"type":"score","userId":"u","score":3,"at":"2026-01-05"}', { skip: 'not an event' }],
    ['malformed JSON', '{"userId":"u",', { problem: 'malformed JSON lines' }],
    ['an array', '[1,2]', { problem: 'lines that are not JSON objects' }],
    ['no user', '{"name":"a","timestamp":1}', { problem: 'events without a userId' }],
    ['no name', '{"userId":"u","name":" ","timestamp":1}', { problem: 'events without a name' }],
    ['no timestamp', '{"userId":"u","name":"a"}', { problem: 'events without a timestamp' }],
    ['a bad timestamp', '{"userId":"u","name":"a","timestamp":"yesterday"}', { problem: 'events with an invalid timestamp (not ISO 8601 or epoch ms)' }],
    ['props that are not an object', '{"userId":"u","name":"a","timestamp":5,"props":"x"}', { ok: { userId: 'u', name: 'a', t: 5 }, warn: 'events whose props are not an object (props ignored)' }],
  ])('%s', (_, line, expected) => expect(parseEvent(line)).toEqual(expected))

  it('parses times: ISO dates, epoch ms as numbers or digit strings', () => {
    expect(parseTime('2026-01-05')).toBe(Date.UTC(2026, 0, 5))
    expect(parseTime('1767607200000')).toBe(1767607200000)
    expect(parseTime(Infinity)).toBeNaN()
    expect(parseTime('5 Jan 2026')).toBeNaN()
  })

  it('reads an ISO time without an offset, and a bare date, as UTC whatever the TZ of the machine running the CLI', () => {
    const saved = process.env.TZ
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env.TZ = tz
        expect(parseTime('2026-01-05T10:00:00'), tz).toBe(Date.UTC(2026, 0, 5, 10))
        expect(parseTime('2026-01-05 10:00'), tz).toBe(Date.UTC(2026, 0, 5, 10))
        expect(parseTime('2026-01-05T10:00:00.250'), tz).toBe(Date.UTC(2026, 0, 5, 10, 0, 0, 250))
        expect(parseTime('2026-01-05'), tz).toBe(Date.UTC(2026, 0, 5))
        expect(parseTime('2026-01-05T10:00:00+01:00'), tz).toBe(Date.UTC(2026, 0, 5, 9))
      }
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
  })
})

describe('labels', () => {
  it('splits CSV with quotes and doubled quotes', () => {
    expect(splitCsv('a,"b,c","say ""hi""",, d ')).toEqual(['a', 'b,c', 'say "hi"', '', 'd'])
  })

  it('reads CSV labels, any header case, every accepted converted value, and counts bad rows with line numbers', async () => {
    const p = new Problems()
    const csv = ['User_ID,Converted,converted_at', 'a,yes,2026-01-10T00:00:00Z', 'b,NO,', 'c,1,', 'd,false,', 'e,maybe,', ',yes,', 'a,no,', 'f,true,not-a-date', 'g,0,2026-01-10', '"h, the second",TRUE,1767607200000'].join('\n')
    const L = await readLabels(file('labels.csv', csv), p)
    expect(L.ids).toEqual(['a', 'b', 'c', 'd', 'f', 'g', 'h, the second'])
    expect(L.converted).toEqual([true, false, true, false, true, false, true])
    expect(L.convertedAt[0]).toBe(Date.UTC(2026, 0, 10))
    expect(L.convertedAt[4]).toBeNaN()
    expect(L.convertedAt[6]).toBe(1767607200000)
    expect(L.line).toEqual([2, 3, 4, 5, 9, 10, 11])
    expect(p.toJSON()).toEqual([
      { file: 'labels.csv', kind: 'rows with an unknown converted value (expected yes/no, true/false or 1/0)', count: 1, lines: [6] },
      { file: 'labels.csv', kind: 'rows without a userId', count: 1, lines: [7] },
      { file: 'labels.csv', kind: 'duplicate userIds (first row kept)', count: 1, lines: [8] },
      { file: 'labels.csv', kind: 'rows with an invalid convertedAt (ignored)', count: 1, lines: [9] },
      { file: 'labels.csv', kind: 'rows with a convertedAt but converted = no (convertedAt ignored)', count: 1, lines: [10] },
    ])
  })

  it('reads NDJSON labels and refuses a CSV without a header', async () => {
    const p = new Problems()
    const L = await readLabels(file('labels.ndjson', '{"userId":"a","converted":true,"convertedAt":"2026-01-02"}\n{"userId":"b","converted":0}\nnot json\n'), p)
    expect(L.ids).toEqual(['a', 'b'])
    expect(L.converted).toEqual([true, false])
    expect(p.lines()).toEqual(['labels.ndjson: malformed JSON lines: 1 (line 3)'])
    await expect(readLabels(file('nohead.csv', 'a,yes\nb,no\n'), new Problems())).rejects.toThrow(/line 1: the first line must be a header/)
  })
})

describe('ingest (first pass) and grouping', () => {
  const labels = 'userId,converted\nu1,yes\nu2,no\nu3,no\n'
  const events = [
    '{"userId":"u2","name":"b","timestamp":"2026-01-05T12:00:00Z"}',
    '{"userId":"u1","name":"a","props":{"f":"x"},"timestamp":"2026-01-05T11:00:00Z"}',
    'not json',
    '{"userId":"u1","name":"a","timestamp":"2026-01-05T09:00:00Z"}',
    '',
    '{"userId":"u1","name":"a"}',
    '{"userId":"stranger","name":"a","timestamp":1}',
    '{"type":"tier","userId":"u1","at":"2026-01-05"}',
    '{"userId":"u2","name":"upgraded","timestamp":"2026-01-06T00:00:00Z"}',
    '{"userId":"u1","name":"a","timestamp":"someday"}',
  ].join('\n')

  it.each([1, 3])('keeps labelled users\' events grouped and time-ordered, reports the rest by line (%i partitions)', async (partitions) => {
    const p = new Problems()
    const L = await readLabels(file('l.csv', labels), p)
    const ing = await ingest(file('e.ndjson', events), L, { problems: p, conversionEvent: 'upgraded', propsFor: new Set(['a']), partitions })
    try {
      expect(ing.lines).toBe(10)
      expect(ing.accepted).toBe(4)
      expect(Array.from(ing.count)).toEqual([2, 2, 0])
      expect(ing.firstSeen[0]).toBe(Date.UTC(2026, 0, 5, 9))
      expect(ing.conversionAt[1]).toBe(Date.UTC(2026, 0, 6))
      expect(p.lines()).toEqual([
        'e.ndjson: malformed JSON lines: 1 (line 3)',
        'e.ndjson: events without a timestamp: 1 (line 6)',
        'e.ndjson: lines skipped as other message types (score, tier, moment): 1',
        'e.ndjson: events with an invalid timestamp (not ISO 8601 or epoch ms): 1 (line 10)',
        'e.ndjson: events of users not in the labels, skipped (1 users): 1',
      ])
      const all = []
      for (let i = 0; i < ing.parts.count; i++) {
        const b = ing.parts.load(i)
        for (const g of byUser(b)) all.push([g.user, Array.from(g.rows, (r) => [ing.names[b.name[r]], b.t[r], b.props[r] ?? null])])
      }
      all.sort((x, y) => (x[0] as number) - (y[0] as number))
      expect(all).toEqual([
        [0, [['a', Date.UTC(2026, 0, 5, 9), null], ['a', Date.UTC(2026, 0, 5, 11), { f: 'x' }]]],
        [1, [['b', Date.UTC(2026, 0, 5, 12), null], ['upgraded', Date.UTC(2026, 0, 6), null]]],
      ])
    } finally {
      ing.parts.remove()
    }
  })

  it('reports an empty file', async () => {
    const p = new Problems()
    const L = await readLabels(file('l2.csv', labels), p)
    const ing = await ingest(file('empty.ndjson', ''), L, { problems: p, conversionEvent: 'upgraded', propsFor: new Set(), partitions: 1 })
    expect(ing.accepted).toBe(0)
    expect(p.lines()).toEqual(['empty.ndjson: empty file (no lines)'])
  })
})
