import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook } from '../../src/collector/signature'

const SECRET = 'whsec-test'
const NOW = Date.parse('2026-03-15T12:00:00Z')
const BODY = JSON.stringify({ type: 'momentkit.alert', id: '7', userId: 'u-42', score: 86, note: 'café ✓' })

describe('webhook signatures', () => {
  it('is HMAC-SHA256 of "<t>.<body>" in hex, with t the attempt time in unix seconds', () => {
    const h = signWebhook(SECRET, BODY, NOW + 999)
    const t = NOW / 1000
    expect(h).toBe(`t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${BODY}`, 'utf8').digest('hex')}`)
    expect(verifyWebhook(BODY, h, SECRET, { now: NOW })).toEqual({ ok: true, timestamp: t })
    expect(verifyWebhook(Buffer.from(BODY), h, SECRET, { now: NOW }).ok).toBe(true)
  })

  it('refuses a changed body, another secret, and a missing or garbled header', () => {
    const h = signWebhook(SECRET, BODY, NOW)
    expect(verifyWebhook(BODY.replace('86', '99'), h, SECRET, { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') })
    expect(verifyWebhook(BODY + ' ', h, SECRET, { now: NOW }).ok).toBe(false)
    expect(verifyWebhook(BODY, h, 'other', { now: NOW }).ok).toBe(false)
    expect(verifyWebhook(BODY, undefined, SECRET, { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('missing') })
    expect(verifyWebhook(BODY, 'v1=' + 'a'.repeat(64), SECRET, { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('timestamp') })
    expect(verifyWebhook(BODY, `t=${NOW / 1000},v1=xyz`, SECRET, { now: NOW })).toMatchObject({ ok: false, reason: expect.stringContaining('no v1') })
    // A timestamp swapped under a valid signature: the timestamp is part of what is signed.
    const [, sig] = h.split(',')
    expect(verifyWebhook(BODY, `t=${NOW / 1000 + 1},${sig}`, SECRET, { now: NOW }).ok).toBe(false)
    expect(verifyWebhook(BODY, h, '', { now: NOW }).ok).toBe(false)
  })

  it('refuses a replay outside the tolerance (5 min by default), either way', () => {
    const h = signWebhook(SECRET, BODY, NOW)
    expect(verifyWebhook(BODY, h, SECRET, { now: NOW + 299_000 }).ok).toBe(true)
    expect(verifyWebhook(BODY, h, SECRET, { now: NOW + 301_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/301 s old, outside the 300 s tolerance/) })
    expect(verifyWebhook(BODY, h, SECRET, { now: NOW - 301_000 })).toMatchObject({ ok: false, reason: expect.stringContaining('in the future') })
    expect(verifyWebhook(BODY, h, SECRET, { now: NOW + 3_600_000, toleranceSec: 7200 }).ok).toBe(true)
  })

  it('accepts any of several secrets (rotation) and any of several v1 values', () => {
    const h = signWebhook('new-secret', BODY, NOW)
    expect(verifyWebhook(BODY, h, ['old-secret', 'new-secret'], { now: NOW }).ok).toBe(true)
    expect(verifyWebhook(BODY, h, ['old-secret'], { now: NOW }).ok).toBe(false)
    const both = `${h},v1=${signWebhook('old-secret', BODY, NOW).split('v1=')[1]}`
    expect(verifyWebhook(BODY, both, 'old-secret', { now: NOW }).ok).toBe(true)
  })
})
