import { compactJson } from '../../src/json'
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/validate'
import { createInstance } from '../../src/core'
import { toSegment } from '../../src/sync/segment'
import type { Batch, Message, MessageBase, MomentOutcome, ScoreSnapshot } from '../../src/sync/types'

type Call = Record<string, any>

const AT = '2025-03-04T05:06:07.089Z'
const SENT = '2025-03-04T05:07:00.000Z'
const sdk = { name: 'momentkit' as const, version: '9.9.9' }
const base = (id: string, over: Partial<MessageBase> = {}): Omit<MessageBase, 'type'> => ({ id, at: AT, userId: 'u1', anonymousId: 'anon-1', accountId: 'acme', model: 'v3', ...over })
const snap: ScoreSnapshot = {
  score: 72,
  tier: 'hot',
  breakdown: [{ id: 'collab', label: 'Collaboration', score: 80, points: 20 }],
  reasons: ['invited 2 teammates', 'created 3 projects', 'active 4 days', 'used 5 features', 'exported twice', 'sixth reason'],
  topFeatures: [{ name: 'export', count: 2 }],
  signals: { teammates_invited: 2 },
}
const batchOf = (...messages: Message[]): Batch => ({ sentAt: SENT, sdk, auth: { writeKey: 'pk' }, messages })
const calls = (...messages: Message[]): Call[] => toSegment(batchOf(...messages)).batch as Call[]
const bytes = (x: unknown) => new Blob([JSON.stringify(x)]).size

const ev = (id: string, over: Partial<MessageBase> = {}, name = 'project_created', props?: Record<string, unknown>): Message => ({ ...base(id, over), type: 'event', name, ...(props ? { props } : {}) })
const identify: Message = { ...base('i1'), type: 'identify', traits: { plan: 'trial', email: 'a@b.c' }, trialStart: '2025-03-01T00:00:00.000Z', trialEnd: null, tz: -60 }
const score: Message = { ...base('s1'), type: 'score', ...snap }
const tier: Message = { ...base('t1'), type: 'tier', ...snap, from: 'warm', to: 'hot', direction: 'up', crossedAt: AT }
const moment = (outcome: MomentOutcome): Message => ({ ...base('mo-' + outcome), type: 'moment', moment: 'upgrade-modal', kind: 'prompt', outcome })
const rollup: Message = { ...base('r1'), type: 'rollup', counts: { page_view: 40, feature_used: 3 }, from: AT, to: SENT }

const pql = { pql_score: 72, pql_tier: 'hot', pql_reasons: 'invited 2 teammates; created 3 projects; active 4 days; used 5 features; exported twice', pql_model: 'v3' }
const group = (id: string) => ({ type: 'group', messageId: id + ':g', groupId: 'acme', traits: {} })

describe('toSegment: each SDK message becomes Segment calls', () => {
  const cases: Array<[string, Message, Call[]]> = [
    ['event -> track with its props', ev('e1', {}, 'project_created', { size: 3 }), [{ type: 'track', messageId: 'e1', event: 'project_created', properties: { size: 3 } }]],
    ['event without props -> empty properties', ev('e2'), [{ type: 'track', messageId: 'e2', event: 'project_created', properties: {} }]],
    ['identify -> identify with traits and trial dates, then group', identify, [{ type: 'identify', messageId: 'i1', traits: { plan: 'trial', email: 'a@b.c', trial_start: '2025-03-01T00:00:00.000Z', trial_end: null } }, group('i1')]],
    ['score -> identify pql traits (5 reasons), then group', score, [{ type: 'identify', messageId: 's1', traits: pql }, group('s1')]],
    [
      'tier crossing -> identify pql traits, group, track "PQL Threshold Crossed"',
      tier,
      [
        { type: 'identify', messageId: 't1', traits: pql },
        group('t1'),
        {
          type: 'track',
          messageId: 't1:t',
          event: 'PQL Threshold Crossed',
          properties: { from: 'warm', to: 'hot', direction: 'up', score: 72, crossed_at: AT, reasons: snap.reasons, top_features: snap.topFeatures, account_id: 'acme' },
        },
      ],
    ],
    ['moment shown', moment('shown'), [{ type: 'track', messageId: 'mo-shown', event: 'Conversion Moment Shown', properties: { moment: 'upgrade-modal', kind: 'prompt' } }]],
    ['moment clicked', moment('clicked'), [{ type: 'track', event: 'Conversion Moment Clicked' }]],
    ['moment dismissed', moment('dismissed'), [{ type: 'track', event: 'Conversion Moment Dismissed' }]],
    ['moment held out', moment('held_out'), [{ type: 'track', event: 'Conversion Moment Held Out' }]],
    ['moment converted', moment('converted'), [{ type: 'track', event: 'Conversion Moment Converted' }]],
    ['moment of a copy experiment: the variation seen', { ...(moment('shown') as object), variation: 'social' } as Message, [{ type: 'track', event: 'Conversion Moment Shown', properties: { moment: 'upgrade-modal', kind: 'prompt', variation: 'social' } }]],
    ['rollup -> track with counts and range', rollup, [{ type: 'track', messageId: 'r1', event: 'MomentKit Events Rolled Up', properties: { counts: { page_view: 40, feature_used: 3 }, from: AT, to: SENT } }]],
  ]

  it.each(cases)('%s', (_, m, want) => {
    const got = calls(m)
    expect(got).toHaveLength(want.length)
    want.forEach((w, i) => expect(got[i]).toMatchObject(w))
    for (const c of got) {
      // Common fields on every call: identity, the time it happened, the account and the library.
      expect(c).toMatchObject({ userId: 'u1', anonymousId: 'anon-1', timestamp: AT, context: { groupId: 'acme', library: sdk } })
      expect(typeof c.messageId).toBe('string')
      if (c.type === 'track') expect(c.event).toEqual(expect.any(String))
    }
  })

  it('wraps the calls in a batch body with sentAt, and the write key only when given', () => {
    expect(toSegment(batchOf(ev('e1')), 'wk_1')).toMatchObject({ sentAt: SENT, writeKey: 'wk_1', batch: [{ messageId: 'e1' }] })
    const body = toSegment(batchOf(ev('e1')))
    expect(Object.keys(body).sort()).toEqual(['batch', 'sentAt'])
  })

  it('an empty batch gives an empty call list', () => {
    expect(toSegment(batchOf())).toEqual({ batch: [], sentAt: SENT })
  })
})

describe('toSegment: identity and ids', () => {
  it('an anonymous user has no userId key (not null) and no group context', () => {
    const [c] = calls(ev('e1', { userId: null, accountId: null }))
    const json = JSON.parse(JSON.stringify(c))
    expect(json).not.toHaveProperty('userId')
    expect(json.anonymousId).toBe('anon-1')
    expect(json.context).toEqual({ library: sdk })
  })

  it('messageIds are the SDK ids (plus a suffix for derived calls): the same on a retry, unique within a batch', () => {
    const msgs = [identify, score, tier, ev('e1'), moment('shown'), rollup]
    const first = calls(...msgs).map((c) => c.messageId)
    const retry = calls(...structuredClone(msgs)).map((c) => c.messageId)
    expect(retry).toEqual(first)
    expect(new Set(first).size).toBe(first.length)
    // A retry split in halves (after a 413) keeps every id.
    const halves = [...calls(identify, score, tier), ...calls(ev('e1'), moment('shown'), rollup)].map((c) => c.messageId)
    expect(halves).toEqual(first)
  })

  it('timestamps are when things happened; sentAt is when the batch left', () => {
    const early = '2025-01-01T00:00:00.000Z'
    const body = toSegment(batchOf(ev('e1', { at: early }), ev('e2')))
    expect((body.batch as Call[]).map((c) => c.timestamp)).toEqual([early, AT])
    expect(body.sentAt).toBe(SENT)
  })
})

describe('toSegment: group calls link the user to the account', () => {
  it('one group per user and account per batch, with the identify that carries it', () => {
    const got = calls(identify, score, tier, ev('e1'))
    const groups = got.filter((c) => c.type === 'group')
    expect(groups).toHaveLength(1)
    expect(groups[0]).toEqual({ type: 'group', messageId: 'i1:g', groupId: 'acme', traits: {}, userId: 'u1', anonymousId: 'anon-1', timestamp: AT, context: { groupId: 'acme', library: sdk } })
    expect(got.map((c) => c.type)).toEqual(['identify', 'group', 'identify', 'identify', 'track', 'track'])
  })

  it('a new account in the same batch gets its own group call', () => {
    const moved: Message = { ...score, id: 's2', accountId: 'globex' }
    const groups = calls(identify, score, moved).filter((c) => c.type === 'group')
    expect(groups.map((c) => [c.groupId, c.messageId])).toEqual([['acme', 'i1:g'], ['globex', 's2:g']])
  })

  it('each batch sends its own group call (a dropped batch does not lose the link)', () => {
    expect(calls(score).filter((c) => c.type === 'group')).toHaveLength(1)
    expect(calls({ ...score, id: 's9' }).filter((c) => c.type === 'group')).toHaveLength(1)
  })

  it('no group call without an account, nor for events alone', () => {
    expect(calls({ ...identify, accountId: null }, { ...score, accountId: null }).some((c) => c.type === 'group')).toBe(false)
    expect(calls(ev('e1'), moment('shown'), rollup).some((c) => c.type === 'group')).toBe(false)
  })
})

describe('toSegment: size limits (500 KB a request, 32 KB a call)', () => {
  it('a call over 32 KB is left out so the rest of the batch is accepted', () => {
    // 16K characters pass the SDK's props limit, but are 48 KB in UTF-8.
    const big = ev('big', {}, 'note_saved', { text: '漢'.repeat(16_000) })
    const got = calls(ev('e1'), big, ev('e2'))
    expect(got.map((c) => c.messageId)).toEqual(['e1', 'e2'])
    // Just under the limit still goes.
    const ok = ev('ok', {}, 'note_saved', { text: 'x'.repeat(31_000) })
    expect(calls(ok).map((c) => c.messageId)).toEqual(['ok'])
  })

  it('every call of a batch of the largest messages the outbox sends fits, and so does the request', () => {
    // Larger messages than the outbox puts in a request's worth (it measures them without the identity
    // fields, which Segment's shape repeats in every call).
    const msgs: Message[] = []
    for (let i = 0; i < 50; i++) msgs.push(ev('e' + i, {}, 'note_saved', { text: '漢'.repeat(900) }))
    for (let i = 0; i < 50; i++) msgs.push({ ...tier, id: 't' + i })
    const body = toSegment(batchOf(...msgs), 'wk')
    const got = body.batch as Call[]
    expect(JSON.stringify(msgs).length).toBeGreaterThan(60_000)
    expect(got).toHaveLength(50 + 50 * 2 + 1)
    for (const c of got) expect(bytes(c)).toBeLessThan(32_000)
    expect(bytes(body)).toBeLessThan(500_000)
  })

  it('a request of the outbox at its limits, 1,000 small events or about 250 KB of compact JSON, stays under 500 KB in Segment shape', () => {
    const small = Array.from({ length: 1000 }, (_, i) => ev('e' + i, {}, 'x'))
    expect(bytes(toSegment(batchOf(...small), 'wk'))).toBeLessThan(500_000)
    // 1,000 events of about 250 bytes each as the outbox measures them (compact): 250 KB.
    const mid = Array.from({ length: 1000 }, (_, i) => ev('m' + i, {}, 'feature_used', { text: 'x'.repeat(150) }))
    expect(mid.reduce((n, m) => n + compactJson(m).length, 0)).toBeGreaterThan(240_000)
    expect(bytes(toSegment(batchOf(...mid), 'wk'))).toBeLessThan(500_000)
  })
})

describe('toSegment on what a running instance sends', () => {
  it('identify, events, tier crossing and score all map to valid calls, with the account linked', async () => {
    const r = resolveConfig({ namespace: 'segment-' + Math.random(), endpoint: '/collect', writeKey: 'pk_test', delivery: { interval: 0, format: 'segment' } })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const batches: Batch[] = []
    const mk = createInstance(r.config, { send: async (b) => (batches.push(b), { status: 200 }) })
    await mk.ready
    mk.identify('u1', { accountId: 'acme', plan: 'trial' })
    for (const f of ['a', 'b', 'c', 'd']) mk.track('feature_used', { feature: f })
    mk.track('teammate_invited')
    mk.track('teammate_invited')
    await new Promise((res) => setTimeout(res, 10))
    await mk.flush()
    await mk.destroy()
    const all = batches.filter((b) => b.messages[0].userId === 'u1').flatMap((b) => toSegment(b, 'pk_test').batch as Call[])
    const types = new Set(all.map((c) => c.type))
    expect([...types].sort()).toEqual(['group', 'identify', 'track'])
    for (const c of all) {
      expect(c).toMatchObject({ userId: 'u1', anonymousId: expect.any(String), messageId: expect.any(String), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
      if (c.type === 'track') expect(c.event).toEqual(expect.any(String))
    }
    expect(all.filter((c) => c.type === 'track' && c.event === 'feature_used')).toHaveLength(4)
    expect(all.find((c) => c.type === 'identify' && c.traits.plan === 'trial')).toBeTruthy()
    expect(all.find((c) => c.type === 'group')).toMatchObject({ groupId: 'acme' })
    expect(all.some((c) => c.type === 'identify' && typeof c.traits.pql_score === 'number')).toBe(true)
    expect(new Set(all.map((c) => c.messageId)).size).toBe(all.length)
  })
})
