import { afterEach, describe, expect, it } from 'vitest'
import { messageJson, toJson } from '../../src/json'
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
  it('a MomentKit body is the batch as JSON, byte for byte, built from each message measured once', () => {
    const b = batchOf(messages())
    const sizes = b.messages.map((m) => messageJson(m).length)
    const body = encode({ format: 'momentkit' }, b)
    expect(body).toBe(JSON.stringify(b))
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(b)))
    expect(sizes).toEqual(b.messages.map((m) => JSON.stringify(m).length))
    // The text a message was measured with is the text sent.
    expect(body).toContain(messageJson(b.messages[1]))
    expect(encode({ format: 'momentkit' }, batchOf([]))).toBe(JSON.stringify(batchOf([])))
  })

  it('with toJSON on Array.prototype or Object.prototype (Prototype.js and friends), the data is still written as plain JSON', () => {
    const ms = messages()
    const expected = JSON.stringify(batchOf(ms))
    ;(Array.prototype as unknown as { toJSON: unknown }).toJSON = function (this: unknown[]) {
      return '[' + this.join(', ') + ']'
    }
    expect(JSON.stringify(['a']), 'the patch is in place').toBe('"[a]"')
    expect(toJson(batchOf(ms))).toBe(expected)
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
