import { describe, expect, it } from 'vitest'
import type { IncomingMessage } from 'node:http'
import { addressKey, clientOf, createLimiter } from '../../src/collector/ratelimit'
import { optionsFrom, resolveSettings } from '../../src/collector/options'

describe('token bucket per client', () => {
  it('lets a burst through, then one request per 1/rate s, answering the whole seconds to wait', () => {
    const l = createLimiter({ rate: 2, burst: 3, clients: 100 })
    const t0 = 1_000_000
    expect([1, 2, 3].map(() => l.take('a', t0).ok)).toEqual([true, true, true])
    expect(l.take('a', t0)).toEqual({ ok: false, retryAfterSec: 1 })
    expect(l.take('b', t0).ok).toBe(true) // another client has its own bucket
    expect(l.take('a', t0 + 499).ok).toBe(false)
    expect(l.take('a', t0 + 500).ok).toBe(true)
    expect(l.take('a', t0 + 500).ok).toBe(false)
    // Refused requests take nothing: after 1.5 s idle the bucket holds 3 again, not less.
    expect([1, 2, 3, 4].map(() => l.take('a', t0 + 2000).ok)).toEqual([true, true, true, false])
  })

  it('says how long to wait with a slow rate (Retry-After in whole seconds, at least 1)', () => {
    const l = createLimiter({ rate: 0.1, burst: 1, clients: 10 })
    expect(l.take('a', 0).ok).toBe(true)
    expect(l.take('a', 0)).toEqual({ ok: false, retryAfterSec: 10 })
    expect(l.take('a', 4000)).toEqual({ ok: false, retryAfterSec: 6 })
    expect(l.take('a', 10_000).ok).toBe(true)
  })

  it('rate 0 is off', () => {
    const l = createLimiter({ rate: 0, burst: 1, clients: 1 })
    expect(Array.from({ length: 1000 }, () => l.take('a', 0).ok).every(Boolean)).toBe(true)
    expect(l.size()).toBe(0)
  })

  it('forgets idle clients (a refilled bucket is no bucket) and keeps at most `clients`, least recently seen out first', () => {
    const l = createLimiter({ rate: 10, burst: 5, clients: 1000 }, 60_000)
    for (let i = 0; i < 1000; i++) l.take('ip-' + i, 0)
    expect(l.size()).toBe(1000)
    l.take('late', 59_999)
    expect(l.size()).toBe(1000) // the oldest went to make room; no sweep before a minute
    l.take('late', 60_000) // the sweep: every bucket but this one has refilled
    expect(l.size()).toBe(1)
    const small = createLimiter({ rate: 1, burst: 2, clients: 3 })
    for (const k of ['a', 'b', 'c']) small.take(k, 0), small.take(k, 0)
    small.take('a', 1) // seen again: now the most recent
    small.take('d', 2)
    expect(small.size()).toBe(3)
    // 'b' was the least recently seen, so it was forgotten (a fresh bucket); 'a' and 'c' still wait.
    expect(small.take('c', 3).ok).toBe(false)
    expect(small.take('a', 3).ok).toBe(false)
    expect(small.take('b', 3).ok).toBe(true)
  })
})

describe('client keys from addresses', () => {
  it('IPv4 and IPv4-mapped IPv6 are the same client; IPv6 counts by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
  })

  const req = (remoteAddress: string, xff?: string) => ({ socket: { remoteAddress }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage
  it('the address, within the write key when keys are checked: not one bucket for every user of an app', () => {
    expect(clientOf(req('203.0.113.7'), 'pk_a', true)).toBe('key:pk_a|ip:203.0.113.7')
    expect(clientOf(req('203.0.113.8'), 'pk_a', true)).not.toBe(clientOf(req('203.0.113.7'), 'pk_a', true))
    expect(clientOf(req('203.0.113.7'), 'pk_made_up', false)).toBe('ip:203.0.113.7')
  })
  it('behind trusted proxies, the address the outermost one saw; what the client wrote in X-Forwarded-For is ignored', () => {
    expect(clientOf(req('10.0.0.2', '198.51.100.4'), undefined, false, 0)).toBe('ip:10.0.0.2')
    expect(clientOf(req('10.0.0.2', '198.51.100.4'), undefined, false, 1)).toBe('ip:198.51.100.4')
    expect(clientOf(req('10.0.0.2', '1.2.3.4, 198.51.100.4'), undefined, false, 1)).toBe('ip:198.51.100.4')
    expect(clientOf(req('10.0.0.2', '1.2.3.4, 198.51.100.4, 10.0.0.1'), undefined, false, 2)).toBe('ip:198.51.100.4')
  })
})

describe('rate limit settings', () => {
  it('defaults to 50 requests a second after a burst of 200, per client; flags and environment set them; nonsense is refused', () => {
    expect(resolveSettings({ log: false }).rateLimit).toEqual({ rate: 50, burst: 200, clients: 10_000, proxies: 0 })
    expect(resolveSettings({ ...optionsFrom(['--rate-limit', '5', '--rate-burst=20'], {}), log: false }).rateLimit).toEqual({ rate: 5, burst: 20, clients: 10_000, proxies: 0 })
    expect(resolveSettings({ ...optionsFrom([], { RATE_LIMIT: '0' }), log: false }).rateLimit.rate).toBe(0)
    expect(resolveSettings({ ...optionsFrom(['--trust-proxies', '1'], {}), log: false }).rateLimit.proxies).toBe(1)
    expect(() => resolveSettings({ ...optionsFrom([], { TRUST_PROXIES: '1.5' }), log: false })).toThrow(/TRUST_PROXIES must be a whole number/)
    expect(() => optionsFrom([], { RATE_LIMIT: 'lots' })).toThrow(/RATE_LIMIT must be a number/)
    expect(() => resolveSettings({ rateLimit: { rate: -1 }, log: false })).toThrow(/RATE_LIMIT must be 0/)
    expect(() => resolveSettings({ rateLimit: { burst: 0 }, log: false })).toThrow(/RATE_BURST must be at least 1/)
    expect(optionsFrom(['--webhook-secret', 'whsec'], {}).webhookSecret).toBe('whsec')
    expect(optionsFrom([], { WEBHOOK_SECRET: 'from-env' }).webhookSecret).toBe('from-env')
  })
})
