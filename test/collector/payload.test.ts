import { VERSION } from '../../src/version'
import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import Ajv2020 from 'ajv/dist/2020'
import { jsonPath, parseBatch, schema } from '../../src/collector/payload'
import { createLogger } from '../../src/log'
import { createInstance } from '../../src/core'
import { momentMessage } from '../../src/sync/messages'
import { newIdentity, nextIdentity } from '../../src/track/identity'
import { encode } from '../../src/sync/transport'
import type { Batch, Message, RollupMessage, ScoreMessage } from '../../src/sync/types'
import { batch, clientRun, config, who } from './helpers'

const ok = (b: unknown) => parseBatch(JSON.stringify(b))
const problems = (b: unknown) => {
  const r = ok(b)
  if (r.ok) throw new Error('expected a refusal')
  return (r.problems ?? []).map((p) => `${p.path}: ${p.message}`)
}
const T = '2026-03-15T12:00:00.000Z'
const event = (over: Record<string, unknown> = {}) => ({ id: 'm1', type: 'event', at: T, userId: 'u1', anonymousId: 'a1', accountId: null, model: '1', name: 'x', ...over })
const wrap = (messages: unknown[], over: Record<string, unknown> = {}) => ({ sentAt: T, sdk: { name: 'momentkit', version: '0.1.0' }, auth: {}, messages, ...over })

describe('payload validation (src/sync/payload.schema.json through ajv)', () => {
  it('accepts what the real SDK sends: events, score snapshots and tier crossings, with auth', async () => {
    const batches: Batch[] = []
    const cfg = config({ namespace: 'payload-test', endpoint: '/collect', writeKey: 'pk_test', delivery: { interval: 0 } })
    const mk = createInstance(cfg, { send: async (b) => (batches.push(b), { status: 200 }) })
    await mk.ready
    mk.identify('u1', { accountId: 'acme' }, { userHash: 'abc' })
    for (const f of ['a', 'b', 'c', 'd']) mk.track('feature_used', { feature: f, nested: { deep: [1, 'two', null] } })
    mk.track('teammate_invited')
    await new Promise((r) => setTimeout(r, 20))
    await mk.flush()
    await mk.destroy()
    const types = new Set(batches.flatMap((b) => b.messages.map((m) => m.type)))
    expect([...types]).toEqual(expect.arrayContaining(['event', 'tier']))
    for (const b of batches) expect(parseBatch(JSON.stringify(b))).toMatchObject({ ok: true })
    // User, account, SDK and model version on every message.
    for (const m of batches.flatMap((b) => b.messages)) expect(m).toMatchObject({ anonymousId: expect.any(String), model: cfg.model.version, sdk: VERSION })
    expect(batches.flatMap((b) => b.messages).filter((m) => m.type === 'event').every((m) => m.userId === 'u1' && m.accountId === 'acme')).toBe(true)
    // Score snapshots (at most one a minute in the SDK), built by the SDK's own message builder.
    const snapshots = clientRun(config(), who('u1', 'acme'), [{ name: 'feature_used', props: { feature: 'a' }, t: Date.parse(T) }, { name: 'x', t: Date.parse(T) + 1 }]).messages
    expect(snapshots.map((m) => m.type)).toContain('score')
    expect(ok(batch(snapshots))).toMatchObject({ ok: true })
  })

  it('accepts moment outcomes and rollups as the SDK builds them', () => {
    const id = who('u1')
    const [ev] = clientRun(config(), id, [{ name: 'x', t: Date.parse(T) }]).messages
    const moment = momentMessage(id, '1', { id: 'upgrade', kind: 'modal', outcome: 'dismissed', at: Date.parse(T) } as never)
    const tried = momentMessage(id, '1', { id: 'upgrade', kind: 'upgrade', outcome: 'shown', at: Date.parse(T), variation: 'social' })
    expect(tried).toMatchObject({ variation: 'social' })
    // The outbox folds raw events into a rollup by copying an event and dropping name/props.
    const { name: _n, props: _p, ...rest } = ev as Message & { name: string; props?: unknown }
    const rollup = { ...rest, type: 'rollup', id: 'r1', counts: { x: 3 }, from: T, to: T } as RollupMessage
    expect(ok(batch([ev, moment, tried, rollup]))).toMatchObject({ ok: true })
  })

  // Feature names are prop values (up to 16 KB): one longer than the schema's 1000 characters got
  // every later score and tier batch of the user answered 400, which the SDK drops.
  it('accepts score and tier snapshots whose top feature has a long (valid) name: stored cut to 200 characters', () => {
    const long = 'f'.repeat(1500)
    const { messages } = clientRun(config(), who('u1', 'acme'), [
      { name: 'feature_used', props: { feature: long }, t: Date.parse(T) },
      { name: 'feature_used', props: { feature: long }, t: Date.parse(T) + 1000 },
    ])
    const snapshots = messages.filter((m) => m.type === 'score' || m.type === 'tier') as ScoreMessage[]
    expect(snapshots.length).toBeGreaterThan(0)
    // The aggregates keep distinct values to 200 characters (store/aggregate.ts); messages cut any text at 1000.
    expect(snapshots[0].topFeatures[0]).toEqual({ name: 'f'.repeat(200), count: 1 })
    const r = parseBatch(encode({ format: 'momentkit' }, batch(messages)), Date.parse(T) + 60_000)
    expect(r.ok ? 'accepted' : r.message).toBe('accepted')
  })

  it('a running instance sends nothing its own collector refuses: a long feature name, the tier crossing it makes', async () => {
    const cfg = config({ namespace: 'payload-long-feature', endpoint: '/collect', delivery: { interval: 0 } })
    const refused: string[] = []
    const types: string[] = []
    const mk = createInstance(cfg, {
      send: async (b) => {
        const r = parseBatch(encode({ format: 'momentkit' }, b))
        if (!r.ok) refused.push(...b.messages.map((m) => m.type))
        else types.push(...b.messages.map((m) => m.type))
        return { status: r.ok ? 200 : 400 }
      },
    })
    await mk.ready
    mk.identify('u1', { accountId: 'acme' })
    // Used most, so the top feature of every snapshot from here on.
    for (const f of ['x'.repeat(1500), 'x'.repeat(1500), 'a', 'b']) mk.track('feature_used', { feature: f })
    mk.track('teammate_invited')
    await new Promise((r) => setTimeout(r, 30))
    await mk.flush()
    await new Promise((r) => setTimeout(r, 30))
    await mk.destroy()
    expect(refused).toEqual([])
    expect(types).toContain('tier')
  })

  // identify() traits may carry accountId, which goes on every message of the user (in `common`): an
  // empty one (a form field left blank) got every batch of the user answered 400 and dropped.
  it('an identify with an empty or over-long accountId leaves it unset: the user\'s batches stay valid', () => {
    const log = { ...createLogger(() => false), warn: () => {} }
    for (const accountId of ['', '  ', 'a'.repeat(1001)]) {
      const r = nextIdentity(newIdentity(), 'u1', { accountId }, undefined, log)!
      expect(r.next.accountId).toBeNull()
      const { messages } = clientRun(config(), r.next, [{ name: 'project_created', t: Date.parse(T) }])
      const res = parseBatch(encode({ format: 'momentkit' }, batch(messages)), Date.parse(T) + 60_000)
      expect(res.ok ? 'accepted' : res.message).toBe('accepted')
    }
  })

  it('common fills in the identity fields; a message with its own accountId keeps it', () => {
    const a = clientRun(config(), who('u1', null, 'anon1'), [{ name: 'x', t: Date.parse(T) }]).messages
    const b = clientRun(config(), who('u1', 'acme', 'anon1'), [{ name: 'y', t: Date.parse(T) + 1 }]).messages
    const r = parseBatch(encode({ format: 'momentkit' }, batch([...a, ...b])), Date.parse(T) + 60_000)
    if (!r.ok) throw new Error(r.message)
    expect(r.batch.messages.map((m) => m.accountId)).toEqual([null, null, 'acme', 'acme'])
    expect(r.batch.messages.every((m) => m.userId === 'u1' && m.anonymousId === 'anon1')).toBe(true)
  })

  it('refuses wrong types and missing fields, listing every problem with its JSON path', () => {
    const bad = wrap([
      event({ userId: 5, at: 'yesterday', name: '' }),
      { ...event({ id: 'm2', type: 'tier' }), score: '80', breakdown: {}, direction: 'sideways' },
      event({ id: 'm3', type: 'party' }),
    ], { sdk: { name: 'other' } })
    expect(problems(bad)).toEqual(expect.arrayContaining([
      'sdk.name: must be "momentkit"',
      'sdk.version: is required',
      'messages[0].userId: must be string or null',
      'messages[0].at: must be an ISO 8601 date-time of year 1000 to 9999, such as "2026-03-01T12:00:00.000Z"',
      'messages[0].name: must NOT have fewer than 1 characters',
      'messages[1].score: must be number',
      'messages[1].breakdown: must be array',
      'messages[1].reasons: is required',
      'messages[1].crossedAt: is required',
      'messages[1].direction: must be one of: "up", "down"',
      'messages[2].type: must be one of: "event", "identify", "score", "tier", "moment", "rollup"',
    ]))
    expect(problems(bad).some((p) => p.includes('"then"'))).toBe(false)
  })

  it('takes the body as the SDK sends it (identity fields once, in `common`): every message comes out whole', () => {
    const msgs = [event({ id: 'm1', sdk: VERSION }), event({ id: 'm2', name: 'y', props: { a: 1 }, sdk: VERSION }), event({ id: 'm3', model: '0', sdk: '0.0.9' })] as unknown as Message[]
    const b = wrap(msgs) as unknown as Batch
    const body = encode({ format: 'momentkit' }, b)
    expect(JSON.parse(body).messages[0]).not.toHaveProperty('userId')
    const r = parseBatch(body)
    if (!r.ok) throw new Error(r.message)
    expect(r.batch.messages).toEqual(msgs)
    expect(r.batch).not.toHaveProperty('common')
  })

  it('refuses a `common` without the identity fields, or with wrong ones, by JSON path; a message of another identity still splits the batch', () => {
    const bare = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => !['userId', 'anonymousId', 'accountId', 'model'].includes(k)))
    expect(problems(wrap([bare(event())], { common: { anonymousId: 'a1', accountId: null, model: '1' } }))).toEqual(['common.userId: is required'])
    expect(problems(wrap([bare(event())], { common: { userId: 7, anonymousId: 'a1', accountId: null, model: '1' } }))).toEqual(['common.userId: must be string or null'])
    // Without `common`, every message carries its own.
    expect(problems(wrap([bare(event())]))).toEqual(expect.arrayContaining(['messages[0].userId: is required', 'messages[0].model: is required']))
    const common = { userId: 'u1', anonymousId: 'a1', accountId: null, model: '1' }
    expect(problems(wrap([bare(event()), { ...bare(event({ id: 'm2' })), userId: 'u2' }], { common }))).toEqual([expect.stringMatching(/^messages\[1\]\.userId: is "u2" but messages\[0\]\.userId is "u1"/)])
  })

  it('refuses an empty batch, too many messages, non-object props and scores out of range', () => {
    expect(problems(wrap([]))).toEqual(['messages: must NOT have fewer than 1 items'])
    expect(problems(wrap(Array.from({ length: 1001 }, (_, i) => event({ id: 'm' + i }))))).toEqual(['messages: must NOT have more than 1000 items'])
    expect(problems(wrap([event({ props: [1, 2] })]))).toEqual(['messages[0].props: must be object'])
    expect(problems(wrap([{ ...event({ type: 'score' }), score: 101, tier: 'hot', breakdown: [], reasons: [], topFeatures: [], signals: {} }]))).toEqual(['messages[0].score: must be <= 100'])
  })

  it('refuses a batch of mixed identities', () => {
    const r = ok(wrap([event(), event({ id: 'm2', userId: 'u2' })]))
    expect(r).toMatchObject({ ok: false, error: 'invalid_payload', problems: [{ path: 'messages[1].userId' }] })
    expect(ok(wrap([event(), event({ id: 'm2', anonymousId: 'other' })]))).toMatchObject({ ok: false, problems: [{ path: 'messages[1].anonymousId' }] })
  })

  it('says where malformed JSON breaks', () => {
    const r = parseBatch('{\n  "sentAt": "x",\n  "messages": [,]\n}')
    expect(r).toMatchObject({ ok: false, error: 'invalid_json', at: { line: 3, column: 16 } })
    if (!r.ok) expect(r.message).toMatch(/line 3, column 16: expected a value .*, found ","/)
    expect(parseBatch('')).toMatchObject({ ok: false, error: 'invalid_json', message: expect.stringContaining('empty') })
    expect(parseBatch('{"a": 1')).toMatchObject({ ok: false, error: 'invalid_json' })
  })

  it('refuses messages dated more than a day ahead of the server clock', () => {
    const now = Date.parse(T)
    const later = new Date(now + 25 * 3_600_000).toISOString()
    expect(parseBatch(JSON.stringify(wrap([event(), event({ id: 'm2', at: later })])), now)).toMatchObject({ ok: false, problems: [{ path: 'messages[1].at' }] })
    expect(parseBatch(JSON.stringify(wrap([event({ at: new Date(now + 3_600_000).toISOString() })])), now)).toMatchObject({ ok: true })
  })

  it('refuses date-times PostgreSQL cannot store (year 0000, also reached by an offset from 0001), by JSON path; the schema says the same', () => {
    const bad = wrap([event({ at: '0000-01-01T00:00:00Z' }), event({ id: 'm2', at: '0001-01-01T00:00:00+14:00' })])
    expect(problems(bad)).toEqual([
      'messages[0].at: must be an ISO 8601 date-time of year 1000 to 9999, such as "2026-03-01T12:00:00.000Z"',
      'messages[1].at: must be an ISO 8601 date-time of year 1000 to 9999, such as "2026-03-01T12:00:00.000Z"',
    ])
    expect(ok(wrap([event({ at: '1000-01-01T00:00:00Z' })]))).toMatchObject({ ok: true })
    // A validator with only RFC 3339's format (no year limit) refuses them too, by the schema's pattern.
    const plain = new Ajv2020({ strict: true, allErrors: true }).addFormat('date-time', /^\d{4}-\d{2}-\d{2}T/)
    expect(plain.validate(schema, bad)).toBe(false)
    expect(plain.validate(schema, wrap([event()]))).toBe(true)
  })

  it('refuses objects and arrays nested deeper than 32 levels, naming the path, without overflowing the stack; the SDK\'s deepest props pass', () => {
    const nest = (n: number): unknown => (n ? { a: nest(n - 1) } : 1)
    expect(ok(wrap([event({ props: nest(9) })]))).toMatchObject({ ok: true })
    expect(ok(wrap([event({ props: { x: nest(29) } })]))).toMatchObject({ ok: true })
    expect(problems(wrap([event({ props: { x: nest(30) } })]))).toEqual(['messages[0].props.x' + '.a'.repeat(29) + ': nests deeper than 32 levels (counted from the batch)'])
    const deep = JSON.stringify(wrap([event({ props: { x: '@@' } })])).replace('"@@"', '['.repeat(20_000) + ']'.repeat(20_000))
    expect(parseBatch(deep)).toMatchObject({ ok: false, error: 'invalid_payload', problems: [{ path: expect.stringMatching(/^messages\[0\]\.props\.x(\[0\]){29}$/) }] })
  })

  it('recognises a Segment-format batch and says so', () => {
    expect(ok({ batch: [{ type: 'track' }] })).toMatchObject({ ok: false, message: expect.stringContaining('Segment') })
  })

  it('the examples in docs/payload.md are valid', () => {
    const doc = readFileSync(new URL('../../docs/payload.md', import.meta.url), 'utf8')
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]))
    const batches = examples.filter((e) => e.messages).concat(examples.filter((e) => e.type).map((m) => wrap([m])))
    expect(batches.length).toBe(3)
    for (const b of batches) expect(parseBatch(JSON.stringify(b), Date.parse('2026-03-20T00:00:00Z'))).toMatchObject({ ok: true })
  })

  it('writes JSON paths the way config errors do', () => {
    expect(jsonPath('/messages/0/props/a~1b')).toBe('messages[0].props["a/b"]')
    expect(jsonPath('', 'sentAt')).toBe('sentAt')
  })
})
