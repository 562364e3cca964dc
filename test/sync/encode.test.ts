import { afterEach, describe, expect, it } from 'vitest'
import { compactJson, toJson } from '../../src/json'
import { VERSION } from '../../src/version'
import { eventMessage } from '../../src/sync/messages'
import { foldEvents } from '../../src/sync/rollup'
import { encode } from '../../src/sync/transport'
import type { Batch, Message } from '../../src/sync/types'

const identity = { userId: 'u-1', anonymousId: 'a-1', accountId: 'acc', traits: {} } as never

function batchOf(messages: Message[]): Batch {
  return { sentAt: '2026-12-02T10:00:00.000Z', sdk: { name: 'momentkit', version: '0.1.0' }, auth: { userHash: 'ab12' }, messages }
}

const messages = (): Message[] => [
  eventMessage(identity, 'v1', 'feature_used', { feature: 'export', n: 3, ok: true, none: null }, 1_764_640_000_123),
  eventMessage(identity, 'v1', 'report "q" \u2028 \u00e9\ud83d\ude00', { filters: { range: '7d', tags: ['a', 'b'] } }, 1_764_640_000_124),
  eventMessage(identity, 'v1', 'no props', undefined, 1_764_640_000_125),
  foldEvents([{ n: 'a', t: 1_764_640_000_000 }, { n: 'constructor', t: 1_764_640_000_001 }], 2, (e) => eventMessage(identity, 'v1', e.n, undefined, e.t)),
]

afterEach(() => {
  delete (Array.prototype as unknown as { toJSON?: unknown }).toJSON
  delete (Object.prototype as unknown as { toJSON?: unknown }).toJSON
})

describe('request bodies', () => {
  /** The batch a collector reads from a body: `common` put back into every message without its own. */
  const expand = (body: string) => {
    const { common, ...b } = JSON.parse(body)
    return { ...b, messages: b.messages.map((m: Record<string, unknown>) => ({ ...common, ...m })) }
  }
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v))

  it('a MomentKit body is the batch as JSON with the identity fields sent once, built from each message measured once', () => {
    const b = batchOf(messages())
    const sizes = b.messages.map((m) => compactJson(m).length)
    const body = encode({ format: 'momentkit' }, b)
    const sent = JSON.parse(body)
    expect(sent.common).toEqual({ userId: 'u-1', anonymousId: 'a-1', accountId: 'acc', model: 'v1', sdk: VERSION })
    for (const m of sent.messages) for (const k of ['userId', 'anonymousId', 'accountId', 'model', 'sdk']) expect(m).not.toHaveProperty(k)
    // Nothing lost: with `common` put back, the batch as it was.
    expect(expand(body)).toEqual(plain(b))
    expect(JSON.stringify(b).length - body.length).toBeGreaterThan(150)
    expect(sizes).toEqual(sent.messages.map((m: unknown) => JSON.stringify(m).length))
    // The text a message was measured with is the text sent.
    expect(body).toContain(compactJson(b.messages[1]))
    expect(encode({ format: 'momentkit' }, batchOf([]))).toBe(JSON.stringify(batchOf([])))
  })

  it('a message whose identity fields differ from the first one (queued before an upgrade) carries its own', () => {
    const [a, b] = messages()
    const older = { ...b, model: 'v0', sdk: '0.0.9' }
    const body = encode({ format: 'momentkit' }, batchOf([a, older]))
    const sent = JSON.parse(body)
    expect(sent.messages[0]).not.toHaveProperty('model')
    expect(sent.messages[1]).toMatchObject({ model: 'v0', sdk: '0.0.9', userId: 'u-1' })
    expect(expand(body).messages).toEqual(plain([a, older]))
  })

  it('with toJSON on Array.prototype or Object.prototype (Prototype.js and friends), the data is still written as plain JSON', () => {
    const ms = messages()
    // The same data in objects not written yet (each message is written once, then its text is kept).
    const expected = encode({ format: 'momentkit' }, batchOf(structuredClone(ms)))
    const full = JSON.stringify(batchOf(ms))
    ;(Array.prototype as unknown as { toJSON: unknown }).toJSON = function (this: unknown[]) {
      return '[' + this.join(', ') + ']'
    }
    expect(JSON.stringify(['a']), 'the patch is in place').toBe('"[a]"')
    expect(toJson(batchOf(ms))).toBe(full)
    // Messages first written while the patch is in place.
    expect(encode({ format: 'momentkit' }, batchOf(ms))).toBe(expected)
    delete (Array.prototype as unknown as { toJSON?: unknown }).toJSON
    ;(Object.prototype as unknown as { toJSON: unknown }).toJSON = () => 'patched'
    expect(toJson({ a: [{ b: 1 }], d: new Date(0) })).toBe('{"a":[{"b":1}],"d":"1970-01-01T00:00:00.000Z"}')
  })

  it('a JSON.stringify that answers no string makes the encoding throw (the outbox retries), never a garbage body', () => {
    const real = JSON.stringify
    JSON.stringify = (() => undefined) as never
    try {
      expect(() => encode({ format: 'momentkit' }, batchOf(messages()))).toThrow(/no string/)
    } finally {
      JSON.stringify = real
    }
  })
})

describe('what a page-hide request holds', () => {
  // README (Delivery): with the identity fields once per batch, the 64 KB keepalive request holds
  // about twice as many events. Typical events: the bench's mix, with ids as an app sets them.
  const who = { userId: 'user_8f3a2c91', anonymousId: '3b9f5a0e-7c1d-4e2a-9b6f-0d8c2e4a1f57', accountId: 'acct_51b2', traits: {} } as never
  const features = ['automations', 'dashboards', 'export', 'api', 'timeline', 'forms', 'reports', 'templates', 'sso', 'search', 'tags', 'calendar']
  const mix = (i: number): [string, Record<string, unknown>] => {
    switch (i % 10) {
      case 4: return ['project_created', { template: 'blank', n: i }]
      case 5: return ['comment_added', { length: i % 300 }]
      case 6: return ['teammate_invited', { role: i % 2 ? 'editor' : 'viewer' }]
      case 7: return ['integration_connected', { app: i % 3 ? 'slack' : 'github' }]
      case 8: return ['report_viewed', { id: 'r' + (i % 50), filters: { range: '7d', group: 'week' } }]
      case 9: return ['search_performed', { query: 'q' + (i % 100), results: i % 17 }]
      default: return ['feature_used', { feature: features[i % 12] }]
    }
  }
  const events = Array.from({ length: 1000 }, (_, i) => eventMessage(who, 'five-dimension@1', ...mix(i), 1_764_640_000_000 + i * 1000))
  /** How many of the events fit in the outbox's keepalive budget (60,000 bytes of body). */
  const fit = (body: (ms: Message[]) => string) => {
    let k = 0
    while (k < events.length && new Blob([body(events.slice(0, k + 1))]).size <= 60_000) k++
    return k
  }

  it('holds about twice as many events with the identity fields sent once as with every message whole', () => {
    const compact = fit((ms) => encode({ format: 'momentkit' }, batchOf(ms)))
    const whole = fit((ms) => toJson(batchOf(ms)))
    expect(compact).toBeGreaterThan(350)
    expect(compact / whole).toBeGreaterThan(1.8)
  })
})
