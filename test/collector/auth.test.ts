import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { checkWriteKey, signJwt, userHash, verifyIdentity, verifyJwt } from '../../src/collector/auth'

const SECRET = 'shh-test-secret'
const NOW = Date.parse('2026-03-15T12:00:00Z')
const sec = NOW / 1000
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

describe('identity verification: userHash (HMAC-SHA256 of the user id)', () => {
  const good = createHmac('sha256', SECRET).update('u1').digest('hex')

  it('accepts the right hash (also in upper case)', () => {
    expect(userHash(SECRET, 'u1')).toBe(good)
    expect(verifyIdentity(SECRET, { userHash: good }, 'u1', NOW)).toEqual({ ok: true })
    expect(verifyIdentity(SECRET, { userHash: good.toUpperCase() }, 'u1', NOW)).toEqual({ ok: true })
  })

  it('refuses a forged hash, a hash of another user, one made with another secret, and a missing one', () => {
    expect(verifyIdentity(SECRET, { userHash: good.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }, 'u1', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') })
    expect(verifyIdentity(SECRET, { userHash: good }, 'u2', NOW).ok).toBe(false)
    expect(verifyIdentity(SECRET, { userHash: userHash('other', 'u1') }, 'u1', NOW).ok).toBe(false)
    expect(verifyIdentity(SECRET, { userHash: 'short' }, 'u1', NOW).ok).toBe(false)
    expect(verifyIdentity(SECRET, {}, 'u1', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('missing') })
  })

  it('has nothing to verify without a secret or without a user id (anonymous visitor)', () => {
    expect(verifyIdentity(null, {}, 'u1', NOW).ok).toBe(true)
    expect(verifyIdentity(SECRET, {}, null, NOW).ok).toBe(true)
  })
})

describe('identity verification: HS256 JWT', () => {
  const valid = signJwt({ sub: 'u1', exp: sec + 600 }, SECRET)

  it('accepts a valid token whose sub is the user', () => {
    expect(verifyJwt(valid, SECRET, 'u1', NOW)).toEqual({ ok: true })
    expect(verifyIdentity(SECRET, { jwt: valid }, 'u1', NOW)).toEqual({ ok: true })
  })

  it('refuses a forged signature, another secret, the wrong user, and an expired token', () => {
    const [h, p] = valid.split('.')
    expect(verifyJwt(`${h}.${p}.${'A'.repeat(43)}`, SECRET, 'u1', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('signature') })
    expect(verifyJwt(signJwt({ sub: 'u1', exp: sec + 600 }, 'other'), SECRET, 'u1', NOW).ok).toBe(false)
    // A payload swapped under a valid signature.
    expect(verifyJwt(`${h}.${b64({ sub: 'u2', exp: sec + 600 })}.${valid.split('.')[2]}`, SECRET, 'u2', NOW).ok).toBe(false)
    expect(verifyJwt(valid, SECRET, 'u2', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('sub') })
    expect(verifyJwt(signJwt({ sub: 'u1', exp: sec - 3600 }, SECRET), SECRET, 'u1', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('expired') })
    expect(verifyJwt(signJwt({ sub: 'u1' }, SECRET), SECRET, 'u1', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('no exp') })
    expect(verifyJwt(signJwt({ sub: 'u1', exp: sec + 9999, nbf: sec + 3600 }, SECRET), SECRET, 'u1', NOW).ok).toBe(false)
  })

  it('allows a minute of clock skew on exp', () => {
    expect(verifyJwt(signJwt({ sub: 'u1', exp: sec - 30 }, SECRET), SECRET, 'u1', NOW).ok).toBe(true)
    expect(verifyJwt(signJwt({ sub: 'u1', exp: sec - 90 }, SECRET), SECRET, 'u1', NOW).ok).toBe(false)
  })

  it('refuses alg "none" and other algorithms, and garbage', () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', exp: sec + 600 })}.`
    expect(verifyJwt(none, SECRET, 'u1', NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('HS256') })
    const rs = `${b64({ alg: 'RS256' })}.${b64({ sub: 'u1', exp: sec + 600 })}.abc`
    expect(verifyJwt(rs, SECRET, 'u1', NOW).ok).toBe(false)
    expect(verifyJwt('not-a-jwt', SECRET, 'u1', NOW).ok).toBe(false)
    expect(verifyJwt('a.b.c', SECRET, 'u1', NOW).ok).toBe(false)
  })
})

describe('write keys', () => {
  it('checks the key only when keys are configured', () => {
    expect(checkWriteKey([], {}).ok).toBe(true)
    expect(checkWriteKey(['pk_1', 'pk_2'], { writeKey: 'pk_2' }).ok).toBe(true)
    expect(checkWriteKey(['pk_1'], { writeKey: 'pk_x' })).toMatchObject({ ok: false, reason: expect.stringContaining('not a known') })
    expect(checkWriteKey(['pk_1'], {})).toMatchObject({ ok: false, reason: expect.stringContaining('missing') })
  })
})
