import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/validate'
import { decide, hash, inHoldout, routeMatches } from '../../src/trigger/decide'
import { defaultMoments } from '../../src/trigger/defaults'
import type { DecisionState, Moment, Trigger } from '../../src/trigger/types'
import cases from './trigger.cases.json'

interface Case { name: string; moments: Moment[]; state: DecisionState; trigger: Trigger; budget: number; show: string | null; reasons: Record<string, string> }

describe('decide: case table (test/trigger/trigger.cases.json)', () => {
  it.each((cases as unknown as Case[]).map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = decide(c.moments, c.state, c.trigger, c.budget)
    expect(r.show).toBe(c.show)
    for (const [id, reason] of Object.entries(c.reasons)) expect(r.decisions.find((d) => d.id === id)?.reason, id).toBe(reason)
    if (c.show) expect(r.decisions.find((d) => d.id === c.show)?.show).toBe(true)
  })
})

describe('holdout', () => {
  const m = { id: 'upgrade', kind: 'upgrade', holdout: 20, copy: { en: { title: 't' } } } as Moment
  it('is deterministic per user and moment', () => {
    for (const u of ['a', 'b', 'c', 'user-42']) expect(inHoldout(m, u)).toBe(inHoldout(m, u))
  })
  it('is standard 32-bit FNV-1a, so a server or another device computes the same buckets', () => {
    // Published FNV-1a test vectors.
    expect(hash('')).toBe(0x811c9dc5)
    expect(hash('a')).toBe(0xe40c292c)
    expect(hash('foobar')).toBe(0xbf9cf968)
    // Pinned: user-42 is in the 20% holdout of 'upgrade' or not, forever.
    expect(hash('user-42\u0000upgrade') % 100).toBe(51)
    expect(inHoldout(m, 'user-42')).toBe(false)
  })
  it('holds out about the configured share of users', () => {
    const held = Array.from({ length: 10_000 }, (_, i) => inHoldout(m, 'user-' + i)).filter(Boolean).length
    expect(held).toBeGreaterThan(1800)
    expect(held).toBeLessThan(2200)
  })
  it('holds out fractions of a percent: 0.5 holds out about 0.5%', () => {
    const half = { ...m, holdout: 0.5 }
    const held = Array.from({ length: 40_000 }, (_, i) => inHoldout(half, 'user-' + i)).filter(Boolean).length
    expect(held).toBeGreaterThan(120)
    expect(held).toBeLessThan(280)
  })
  it('whole percents hold out exactly the users of the first `percent` of 100 buckets, as before fractions counted', () => {
    for (const holdout of [1, 10, 20, 50, 99]) {
      for (let i = 0; i < 2000; i++) expect(inHoldout({ ...m, holdout }, 'user-' + i)).toBe(hash('user-' + i + '\u0000upgrade') % 100 < holdout)
    }
  })
  it('differs between moments for the same user', () => {
    const other = { ...m, id: 'gate' }
    const users = Array.from({ length: 1000 }, (_, i) => 'u' + i)
    expect(users.filter((u) => inHoldout(m, u) !== inHoldout(other, u)).length).toBeGreaterThan(100)
  })
})

describe('routeMatches', () => {
  it.each([
    ['/projects/*', '/projects/42', true],
    ['/projects/*', '/projects/42/board', false],
    ['/projects/**', '/projects/42/board', true],
    ['/billing', '/billing', true],
    ['/billing', '/billing/x', false],
    ['/a.b', '/aXb', false],
  ])('%s ~ %s = %s', (glob, path, ok) => expect(routeMatches(glob, path)).toBe(ok))
})

describe('the default moment set', () => {
  const DAY = 86_400_000
  const now = 1773576000000
  const state = (trialEnd: number | null, tier = 'moderate'): DecisionState => ({
    now, userId: 'u1', anonymousId: 'a1', tier, score: 50, plan: 'trial', trialEnd, route: '/', history: {}, shownToday: 0, visible: null, otherTabs: [],
  })
  const banner = (trialEnd: number | null) => decide(defaultMoments.filter((m) => m.kind === 'trial'), state(trialEnd), { type: 'check' }, 2).show

  it('validates as config', () => {
    const r = resolveConfig({ moments: defaultMoments })
    expect(r.ok ? [] : r.errors).toEqual([])
  })
  it('shows one trial banner at a time: ending soon in the last 3 days, ended for two weeks after', () => {
    expect(banner(now + 10 * DAY)).toBe(null)
    expect(banner(now + 2 * DAY)).toBe('trial-ending')
    expect(banner(now + 1)).toBe('trial-ending')
    expect(banner(now - 1)).toBe('trial-ended')
    expect(banner(now - 14 * DAY)).toBe('trial-ended')
    expect(banner(now - 15 * DAY)).toBe(null)
    expect(banner(null)).toBe(null)
  })
  it('words the ended banner as ended, and gives both banners stronger copy for engaged tiers', () => {
    const [ending, ended] = ['trial-ending', 'trial-ended'].map((id) => defaultMoments.find((m) => m.id === id)!.copy.en)
    expect(ended.title).toMatch(/ended/)
    expect(ending.title).not.toBe(ended.title)
    for (const c of [ending, ended]) expect(c.engaged?.title ?? c.engaged?.body).toBeTruthy()
  })
})

describe('target.traits', () => {
  const m = { id: 'buy', kind: 'nudge', on: { event: 'x' }, target: { traits: { role: ['admin'] } }, copy: { en: { title: 't' } } } as Moment
  const state = (traits: Record<string, unknown>) => ({ ...(cases as unknown as Case[])[0].state, traits })
  it('reads own traits only: a role on Object.prototype, or a symbol, bigint, function or array, matches nothing and throws nothing', () => {
    const inherited = Object.create({ role: 'admin' }) as Record<string, unknown>
    expect(decide([m], state(inherited), { type: 'event', name: 'x' }, 2).decisions[0].reason).toBe('trait role not given')
    for (const odd of [Symbol('admin'), 10n, () => 'admin', ['admin']]) expect(decide([m], state({ role: odd }), { type: 'event', name: 'x' }, 2).show).toBe(null)
  })
})
