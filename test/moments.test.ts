import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../src/config/validate'
import { createLogger } from '../src/log'
import { createMoments, type MomentEvent } from '../src/moments'
import type { Layer, LayerState } from '../src/render/layer'
import type { UI } from '../src/render/lazy'
import { createKV } from '../src/store/kv'
import { armOf, inHoldout } from '../src/trigger/decide'
import type { Moment } from '../src/trigger/types'
import { VERSION } from '../src/version'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 11, 2, 12)
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms))
let n = 0

/** createMoments over fake-indexeddb with an in-memory layer (what the UI file would render). */
async function setup(cfg: object, opts: { userId?: string | null; anonymousId?: string; traits?: Record<string, unknown>; trialEnd?: number | null; open?: boolean; kvName?: string; tier?: string; result?: object; totals?: Record<string, number> } = {}) {
  const r = resolveConfig(cfg)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  const log = createLogger(() => false)
  const kv = createKV('moments', log, { store: createStore(opts.kvName ?? 'moments-' + n++, 'state') })
  let state: LayerState = {}
  /** Every screen state rendered, in order: to see that nothing blinked off and on. */
  const frames: LayerState[] = []
  const ui: UI = {
    version: VERSION,
    createLayer: (): Layer => ({ update: (next) => void frames.push((state = { ...state, ...next })), state: () => state, setTheme: () => {}, destroy: () => {} }),
  }
  const clock = { now: NOW }
  const who = { userId: opts.userId === undefined ? 'u-1' : opts.userId, anonymousId: opts.anonymousId ?? 'a-1', accountId: null, traits: opts.traits ?? {} }
  const events: MomentEvent[] = []
  const moments = createMoments({
    config: r.config, kv, log, now: () => clock.now,
    identity: () => who as never,
    result: () => (opts.result ?? null) as never, tier: () => opts.tier ?? null, trialEnd: () => opts.trialEnd ?? null,
    record: (e) => events.push(e), broadcast: () => {},
    loadUI: async () => ui, totals: () => opts.totals ?? {},
  })
  const key = who.userId ? 'u:' + who.userId : 'a:' + who.anonymousId
  if (opts.open !== false) await moments.open(key)
  await tick()
  return { moments, events, kv, clock, who, key, frames, screen: () => state }
}
const shown = (events: MomentEvent[], id: string) => events.filter((e) => e.id === id && e.outcome === 'shown').length

describe('caps', () => {
  it('a total cap above 20 counts every show, not only the 20 latest times kept', async () => {
    const nudge = { id: 'tip', kind: 'nudge', on: { event: 'limit_reached' }, cap: { total: 21 }, copy: { en: { title: 'Tip' } } }
    const t = await setup({ moments: [nudge], momentsPerDay: 100 }, { open: false })
    // 20 earlier shows, days ago, as a history from before the count was kept holds them.
    await t.kv.set('moments:' + t.key, { h: { tip: { shown: Array.from({ length: 20 }, (_, i) => NOW - 30 * DAY + i * DAY) } }, log: [] })
    await t.moments.open(t.key)
    t.moments.event('limit_reached')
    await tick()
    expect(shown(t.events, 'tip'), 'the 21st show').toBe(1)
    t.screen().transient!.onCta() // closes it (a click does not silence a moment)
    t.clock.now += 2 * DAY
    t.moments.event('limit_reached')
    await tick()
    expect(shown(t.events, 'tip'), 'no 22nd show').toBe(1)
    const stored = await t.kv.get<{ h: Record<string, { shown: number[]; count?: number }> }>('moments:' + t.key)
    expect(stored?.h.tip.shown.length, 'the times stay bounded').toBe(20)
    expect(stored?.h.tip.count).toBe(21)
    t.moments.destroy()
  })

  it('a per-day cap above 20 counts every show of the day', async () => {
    const nudge = { id: 'tip', kind: 'nudge', on: { event: 'limit_reached' }, cap: { perDay: 21 }, copy: { en: { title: 'Tip' } } }
    const t = await setup({ moments: [nudge], momentsPerDay: 100 }, { open: false })
    await t.kv.set('moments:' + t.key, { h: { tip: { shown: Array.from({ length: 20 }, (_, i) => NOW - 60 * HOUR / 3 + i * HOUR / 3 - HOUR) } }, log: [] })
    await t.moments.open(t.key)
    t.moments.event('limit_reached')
    await tick()
    expect(shown(t.events, 'tip'), "the day's 21st show").toBe(1)
    t.screen().transient!.onCta()
    t.clock.now += HOUR
    t.moments.event('limit_reached')
    await tick()
    expect(shown(t.events, 'tip'), "no 22nd show that day").toBe(1)
    t.moments.destroy()
  })
})

describe('preview', () => {
  const banner = { id: 'trial-ending', kind: 'trial', target: { trial: { min: 1, max: 3 } }, copy: { en: { title: 'Your trial ends soon' } } }
  const widget = { id: 'plan-widget', kind: 'widget', target: { plans: ['business'] }, copy: { en: { title: 'Plan' } } }

  it('a previewed banner, widget or route-targeted prompt stays up at the next checks, off target, and records nothing', async () => {
    const routed = { id: 'projects-tip', kind: 'nudge', target: { routes: ['/projects/**'] }, copy: { en: { title: 'Tip' } } }
    const t = await setup({ moments: [banner, widget, routed] }, { trialEnd: null })
    expect(t.moments.preview('trial-ending')).toBe(true)
    expect(t.moments.preview('plan-widget')).toBe(true)
    expect(t.moments.preview('projects-tip')).toBe(true)
    await tick() // the UI loads on first use
    t.moments.check() // e.g. the user clicks around: track() -> check
    await tick()
    t.clock.now += 2 * DAY
    t.moments.check()
    await tick()
    expect(t.screen().banner?.id, 'the banner preview is still up').toBe('trial-ending')
    expect(t.screen().widget?.id, 'the widget preview is still up').toBe('plan-widget')
    expect(t.screen().transient?.id, 'the prompt preview is still up off its route').toBe('projects-tip')
    expect(t.screen().banner?.preview).toBe(true)
    t.screen().widget!.onCta()
    expect(t.events).toEqual([])
    t.screen().banner!.onDismiss()
    expect(t.screen().banner ?? null, 'closed by the user').toBeNull()
    expect(t.events).toEqual([])
    t.moments.destroy()
  })

  it('stays when another person\'s state opens (reset, identify); their own moments go', async () => {
    const nudge = { id: 'tip', kind: 'nudge', on: { event: 'limit_reached' }, copy: { en: { title: 'Tip' } } }
    const t = await setup({ moments: [banner, nudge] }, { trialEnd: null })
    t.moments.event('limit_reached')
    t.moments.preview('trial-ending')
    await tick()
    expect(t.screen().transient?.id).toBe('tip')
    await t.moments.open(null)
    await t.moments.open('a:someone-else')
    await tick()
    expect(t.screen().transient ?? null).toBeNull()
    expect(t.screen().banner?.id).toBe('trial-ending')
    t.moments.destroy()
  })
})

describe('standing moments (trial banner, widget)', () => {
  const banner = { id: 'trial-ending', kind: 'trial', target: { trial: 'active' }, copy: { en: { title: 'Your trial ends soon' } } }
  const widget = { id: 'plan-widget', kind: 'widget', copy: { en: { title: 'Trial plan' } } }

  it('stay on screen across the 24 h mark, claimed again for the new day', async () => {
    const t = await setup({ moments: [banner, widget] }, { trialEnd: NOW + 5 * DAY })
    expect(t.screen().widget?.id).toBe('plan-widget')
    expect(t.screen().banner?.id).toBe('trial-ending')
    const from = t.frames.length
    t.clock.now += DAY + 1000
    // Two checks in a row, the second before the first one's claim lands: another tab's messages check at once.
    t.moments.otherTab('another-moment')
    t.moments.otherTab('another-moment')
    await tick()
    t.moments.check()
    await tick()
    expect(t.screen().widget?.id ?? null, 'the widget stays').toBe('plan-widget')
    expect(t.screen().banner?.id ?? null, 'the banner stays').toBe('trial-ending')
    expect(t.frames.slice(from).filter((f) => !f.widget || !f.banner), 'never off, not even for a moment').toEqual([])
    expect([shown(t.events, 'plan-widget'), shown(t.events, 'trial-ending')], 'one more show each for the new day').toEqual([2, 2])
    t.moments.destroy()
  })

  it('go once the new day\'s claim may not show them (here: cap.total reached)', async () => {
    const t = await setup({ moments: [{ ...widget, cap: { total: 1 } }] })
    expect(t.screen().widget?.id).toBe('plan-widget')
    t.clock.now += DAY + 1000
    t.moments.check()
    await tick()
    expect(t.screen().widget ?? null).toBeNull()
    t.moments.destroy()
  })
})

describe('gate()', () => {
  const gate = { id: 'sso-gate', kind: 'gate', on: { gate: ['sso'] }, copy: { en: { title: 'SSO is a Business feature' } } }
  const config = { moments: [gate], plan: 'free', entitlements: { free: ['export'], business: ['export', 'sso'] } }

  it('blocks and prompts for a feature outside the plan, allows one inside it', async () => {
    const t = await setup(config)
    expect(t.moments.gate('export')).toBe(true)
    expect(t.moments.gate('sso')).toBe(false)
    await tick()
    expect(t.screen().transient?.id).toBe('sso-gate')
    t.moments.destroy()
  })

  it('asked before the history has opened (first load, identify, reset): answers at once, prompts once it has', async () => {
    const t = await setup(config, { open: false })
    expect(t.moments.gate('export'), 'allowed stays allowed').toBe(true)
    expect(t.moments.gate('sso'), 'blocked stays blocked').toBe(false)
    await tick()
    expect(t.screen().transient ?? null, 'no history yet: no prompt yet').toBeNull()
    await t.moments.open(t.key)
    await tick(50)
    expect(t.screen().transient?.id ?? null, 'blocked with no prompt would be a dead end').toBe('sso-gate')
    expect(shown(t.events, 'sso-gate')).toBe(1)
    t.moments.destroy()
  })

  it('a gate asked before open reads the entitlements again when it opens: no prompt for a plan that has the feature', async () => {
    const t = await setup(config, { open: false })
    expect(t.moments.gate('sso')).toBe(false)
    Object.assign(t.who.traits, { plan: 'business' }) // identify() gave the plan while the history opened
    await t.moments.open(t.key)
    await tick(50)
    expect(t.screen().transient ?? null).toBeNull()
    expect(t.events).toEqual([])
    t.moments.destroy()
  })
})

describe('holdout', () => {
  it('a person recorded as held out while anonymous is not shown the moment after identify', async () => {
    const m = { id: 'nudge', kind: 'nudge', on: { event: 'export_clicked' }, holdout: 50, copy: { en: { title: 'Export more' } } }
    const anon = Array.from({ length: 100 }, (_, i) => 'anon-' + i).find((a) => inHoldout(m as Moment, a))!
    const user = Array.from({ length: 100 }, (_, i) => 'user-' + i).find((u) => !inHoldout(m as Moment, u))!
    const t = await setup({ moments: [m] }, { userId: null, anonymousId: anon })
    t.moments.event('export_clicked')
    await tick()
    expect(t.events.map((e) => e.outcome)).toEqual(['held_out'])
    // The first identify, as core.ts switchTo() does it: open(null, alias), adoptState copies the history, open(user key).
    await t.moments.open(null, true)
    t.who.userId = user
    await t.kv.set('moments:u:' + user, await t.kv.get('moments:' + t.key))
    await t.moments.open('u:' + user)
    t.moments.event('export_clicked')
    await tick()
    expect(t.events.map((e) => e.outcome), 'held out, then shown').toEqual(['held_out'])
    t.moments.destroy()
  })

  it('a person shown the moment while anonymous is not recorded as held out after identify', async () => {
    const m = { id: 'nudge', kind: 'nudge', on: { event: 'export_clicked' }, holdout: 50, cap: { cooldownHours: 1 }, copy: { en: { title: 'Export more' } } }
    const anon = Array.from({ length: 100 }, (_, i) => 'anon-' + i).find((a) => !inHoldout(m as Moment, a))!
    const user = Array.from({ length: 100 }, (_, i) => 'user-' + i).find((u) => inHoldout(m as Moment, u))!
    const t = await setup({ moments: [m] }, { userId: null, anonymousId: anon })
    t.moments.event('export_clicked')
    await tick()
    expect(t.events.map((e) => e.outcome)).toEqual(['shown'])
    t.screen().transient!.onCta()
    await t.moments.open(null, true)
    t.who.userId = user
    await t.kv.set('moments:u:' + user, await t.kv.get('moments:' + t.key))
    await t.moments.open('u:' + user)
    t.clock.now += 2 * HOUR
    t.moments.event('export_clicked')
    await tick()
    // They saw it: the control group must not count them, and they keep seeing it as before.
    expect(t.events.map((e) => e.outcome), 'still shown, never held out').toEqual(['shown', 'clicked', 'shown'])
    t.moments.destroy()
  })
})

describe('holdout across tabs', () => {
  it('two open tabs record a person held out once, not once per tab', async () => {
    const w = { id: 'plan-widget', kind: 'widget', target: { plans: ['trial'] }, holdout: 100, copy: { en: { title: 'Trial plan' } } }
    const kvName = 'moments-holdout-tabs-' + n++
    const a = await setup({ moments: [w] }, { kvName })
    const b = await setup({ moments: [w] }, { kvName }) // another tab of the same user, open already
    // The user starts a trial (identify in one tab, followed in the other): the widget applies in both.
    a.who.traits.plan = b.who.traits.plan = 'trial'
    a.moments.check()
    await tick()
    b.moments.check()
    await tick()
    b.clock.now = a.clock.now += 60_000 // the next minute's checks
    a.moments.check()
    b.moments.check()
    await tick()
    expect([...a.events, ...b.events].map((e) => `${e.id}:${e.outcome}`)).toEqual(['plan-widget:held_out'])
    expect(a.screen().widget ?? null).toBeNull()
    expect(b.screen().widget ?? null).toBeNull()
    a.moments.destroy()
    b.moments.destroy()
  })
})

describe('dismissal', () => {
  it('is remembered across a reload and returns once the snooze expires', async () => {
    const m = { id: 'tip', kind: 'nudge', on: { event: 'limit_reached' }, snoozeHours: 24, copy: { en: { title: 'Tip' } } }
    const name = 'moments-reload-' + n++
    const a = await setup({ moments: [m] }, { kvName: name })
    a.moments.event('limit_reached')
    await tick()
    a.screen().transient!.onDismiss()
    await tick()
    a.moments.destroy()
    const b = await setup({ moments: [m] }, { kvName: name }) // the reload
    b.moments.event('limit_reached')
    await tick()
    expect(shown(b.events, 'tip')).toBe(0)
    b.clock.now += 25 * HOUR
    b.moments.event('limit_reached')
    await tick()
    expect(shown(b.events, 'tip')).toBe(1)
    b.moments.destroy()
  })
})

describe('backfilled events (track with { at })', () => {
  it('an event from days ago does not trigger its moment now; one tracked now does', async () => {
    const nudge = { id: 'limit', kind: 'nudge', on: { event: 'limit_reached' }, copy: { en: { title: 'Limit' } } }
    const t = await setup({ moments: [nudge] })
    t.moments.event('limit_reached', NOW - 3 * DAY)
    await tick()
    expect(t.events).toEqual([])
    expect(t.screen().transient ?? null).toBeNull()
    t.moments.event('limit_reached', NOW)
    await tick()
    expect(t.events.map((e) => `${e.id}:${e.outcome}`)).toEqual(['limit:shown'])
    t.moments.destroy()
  })

  it('a conversion from before a moment was shown is not its conversion', async () => {
    const nudge = { id: 'limit', kind: 'nudge', on: { event: 'limit_reached' }, copy: { en: { title: 'Limit' } } }
    const t = await setup({ moments: [nudge] })
    t.moments.event('limit_reached', NOW)
    await tick()
    t.clock.now += HOUR
    // The app backfills the upgrade its server saw two days ago: the user had paid before the nudge.
    t.moments.event('upgraded', NOW - 2 * DAY)
    await tick()
    expect(t.events.map((e) => e.outcome)).toEqual(['shown'])
    t.moments.event('upgraded', t.clock.now - 60_000) // after the nudge: its conversion
    await tick()
    expect(t.events.map((e) => e.outcome)).toEqual(['shown', 'converted'])
    t.moments.destroy()
  })
})

describe('copy that cannot be filled', () => {
  it('a moment naming {{daysLeft}} with no trial end known does not show the braces: it waits, and says why', async () => {
    const nudge = { id: 'ends', kind: 'nudge', on: { event: 'limit_reached' }, copy: { en: { title: 'Your trial ends in {{daysLeft}} days' } } }
    const t = await setup({ moments: [nudge], debug: true }, { trialEnd: null })
    t.moments.event('limit_reached')
    await tick()
    expect(shown(t.events, 'ends')).toBe(0)
    expect(t.screen().transient ?? null).toBeNull()
    expect(t.moments.decisions().find((x) => x.id === 'ends')).toMatchObject({ show: false, reason: expect.stringContaining('{{daysLeft}}') })

    const known = await setup({ moments: [nudge] }, { trialEnd: NOW + 3 * DAY })
    known.moments.event('limit_reached')
    await tick()
    expect(known.screen().transient?.copy.title).toBe('Your trial ends in 3 days')
  })
})

describe('paying customers and the shipped moments', () => {
  const inTwoDays = NOW + 2 * DAY
  const yesterday = NOW - DAY
  const banner = (t: { screen: () => LayerState }) => t.screen().banner?.id ?? null

  it('a customer on a paid plan after the trial sees no "trial has ended" banner, and explain() says why', async () => {
    const pro = await setup({ moments: 'default' }, { traits: { plan: 'pro' }, trialEnd: yesterday })
    expect(banner(pro)).toBeNull()
    expect(pro.moments.decisions().find((x) => x.id === 'trial-ended')).toMatchObject({ show: false, reason: 'a paying customer (plan pro)' })
    const byConfig = await setup({ moments: 'default', plan: 'business' }, { trialEnd: yesterday })
    expect(banner(byConfig)).toBeNull()
  })

  it('a user whose trial ended on a free plan, or on a plan not given, sees it; freePlans names the plans that do not pay', async () => {
    for (const traits of [{ plan: 'free' }, { plan: 'trial' }, {}]) expect(banner(await setup({ moments: 'default' }, { traits, trialEnd: yesterday }))).toBe('trial-ended')
    const starter = await setup({ moments: 'default', freePlans: ['trial', 'starter'] }, { traits: { plan: 'starter' }, trialEnd: yesterday })
    expect(banner(starter)).toBe('trial-ended')
  })

  it('a running trial of a paid plan (plan "pro" until the trial ends) is not paying yet: the "ends soon" banner shows', async () => {
    expect(banner(await setup({ moments: 'default' }, { traits: { plan: 'pro' }, trialEnd: inTwoDays }))).toBe('trial-ending')
  })

  it('the paying trait, when identify gives it, decides: paid before the trial ended, or a paid plan\'s subscription lapsed', async () => {
    expect(banner(await setup({ moments: 'default' }, { traits: { plan: 'pro', paying: true }, trialEnd: inTwoDays }))).toBeNull()
    expect(banner(await setup({ moments: 'default' }, { traits: { plan: 'pro', paying: false }, trialEnd: yesterday }))).toBe('trial-ended')
  })
})

describe('copy for a user it cannot describe (fallback)', () => {
  const used = { score: 90, topFeatures: [{ name: 'Timeline', count: 7 }], signals: {}, breakdown: {}, reasons: [] }
  const none = { ...used, topFeatures: [] }
  const nudge = { id: 'power', kind: 'nudge', on: { event: 'limit_reached' }, copy: { en: { title: 'You used {{topFeature}} {{topFeatureCount}} times', body: 'Upgrade for more.', fallback: { title: 'You are getting real value' } } } }
  const show = async (m: object, result: object, opts: object = {}) => {
    const t = await setup({ moments: [m], debug: true }, { result, ...opts })
    t.moments.event('limit_reached')
    await tick()
    return t
  }

  it('a field naming the top feature, for a user with none yet, takes the fallback field; the others stay', async () => {
    expect((await show(nudge, none)).screen().transient?.copy).toMatchObject({ title: 'You are getting real value', body: 'Upgrade for more.' })
    expect((await show(nudge, used)).screen().transient?.copy).toMatchObject({ title: 'You used Timeline 7 times', body: 'Upgrade for more.' })
  })

  it('without a fallback the moment waits: no "your favourite features 0 times"', async () => {
    const bare = { ...nudge, copy: { en: { title: nudge.copy.en.title } } }
    const t = await show(bare, none)
    expect(t.screen().transient ?? null).toBeNull()
    expect(t.moments.decisions().find((x) => x.id === 'power')).toMatchObject({ show: false, reason: expect.stringContaining('{{topFeature}}') })
  })

  it('the shipped hot prompt reads well with and without a top feature', async () => {
    for (const [result, body] of [[used, /^You used Timeline 7 times recently\./], [none, /^Upgrade to keep your team moving/]] as const) {
      const t = await setup({ moments: 'default' }, { result, tier: 'hot' })
      t.moments.tier('pql', 'hot')
      await tick()
      const copy = t.screen().transient?.copy
      expect(copy?.body).toMatch(body)
      expect(JSON.stringify(copy)).not.toMatch(/\{\{| 0 times|favourite/)
    }
  })
})

describe('target.signals', () => {
  it('a check-triggered nudge shows while the signal is in range, with the value in its copy', async () => {
    const warn = { id: 'near', kind: 'nudge', target: { signals: { teammates_invited: { max: 0 } } }, copy: { en: { title: 'Invite a teammate ({{signal.teammates_invited}} so far)' } } }
    const result = (v: number | null) => ({ score: 20, topFeatures: [], breakdown: {}, reasons: [], signals: { teammates_invited: { value: v } } })
    const none = await setup({ moments: [warn] }, { result: result(0) })
    expect(none.screen().transient?.copy.title).toBe('Invite a teammate (0 so far)')
    const one = await setup({ moments: [warn], debug: true }, { result: result(1) })
    expect(one.screen().transient ?? null).toBeNull()
    expect(one.moments.decisions().find((x) => x.id === 'near')).toMatchObject({ show: false, reason: 'signal teammates_invited 1 out of range' })
  })

  it('a range naming no signal of the model is a config error with its path', () => {
    const r = resolveConfig({ moments: [{ id: 'x', kind: 'nudge', target: { signals: { nope: { min: 1 } } }, copy: { en: { title: 'x' } } }] })
    expect(r.ok ? [] : r.errors).toEqual([{ path: 'moments[0].target.signals.nope', message: 'unknown signal "nope"' }])
  })
})

describe('target.traits', () => {
  it('an upgrade nudge for those who can buy: an admin sees it, a member does not, and explain() says why', async () => {
    const buy = { id: 'buy', kind: 'nudge', target: { traits: { role: ['admin', 'owner'] } }, copy: { en: { title: 'Upgrade your team' } } }
    const admin = await setup({ moments: [buy] }, { traits: { role: 'admin' } })
    expect(admin.screen().transient?.id).toBe('buy')
    const member = await setup({ moments: [buy], debug: true }, { traits: { role: 'member' } })
    expect(member.screen().transient ?? null).toBeNull()
    expect(member.moments.decisions().find((x) => x.id === 'buy')).toMatchObject({ show: false, reason: 'trait role member not targeted' })
  })
})

describe('counts the app never sent', () => {
  it('the default trial banner says "your 3 projects" for an app that sends project_created, and no "0 projects" for one that never does', async () => {
    const trialEnd = NOW + 2 * DAY
    const sent = await setup({ moments: 'default' }, { trialEnd, totals: { project_created: 3 } })
    expect(sent.screen().banner?.copy.body).toBe('Keep your 3 projects and your team’s work.')
    const never = await setup({ moments: 'default' }, { trialEnd })
    expect(never.screen().banner?.copy.body).toBe('Keep all your team built: choose a plan.')
  })
})

describe('variations (copy experiments)', () => {
  const prompt = {
    id: 'hot', kind: 'upgrade', on: { event: 'export_clicked' }, cap: { cooldownHours: 1 },
    copy: { en: { title: 'Upgrade to Pro', body: 'Unlimited exports', cta: 'See plans' }, fr: { title: 'Passez à Pro', body: 'Exports illimités' } },
    variations: [{ id: 'social', percent: 50, copy: { en: { title: 'Teams like yours are on Pro' }, fr: { title: 'Les équipes comme la vôtre sont sur Pro' } } }],
  }
  const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => p + i)

  it('splits people by their share, the same way every time, apart from the holdout', () => {
    const m = prompt as unknown as Moment
    const arms = ids(4000, 'user-').map((u) => armOf(m, u))
    const social = arms.filter((a) => a === 'social').length
    expect(social / 4000).toBeGreaterThan(0.46)
    expect(social / 4000).toBeLessThan(0.54)
    expect(arms.filter((a) => a !== 'social').every((a) => a === 'control')).toBe(true)
    expect(ids(200, 'user-').map((u) => armOf(m, u)), 'deterministic').toEqual(arms.slice(0, 200))
    // Not the holdout's buckets: among people held out of a 50% holdout, about half are in the variation.
    const held = ids(4000, 'user-').filter((u) => inHoldout({ ...m, holdout: 50 }, u))
    const both = held.filter((u) => armOf(m, u) === 'social').length / held.length
    expect(both).toBeGreaterThan(0.44)
    expect(both).toBeLessThan(0.56)
    expect(armOf({ ...m, variations: undefined }, 'user-1'), 'no experiment').toBeUndefined()
    expect(armOf(m, 'user-1', 'control'), 'kept').toBe('control')
    expect(armOf(m, ids(4000, 'user-').find((u) => armOf(m, u) === 'control')!, 'gone'), 'a variation no longer configured: bucketed again').toBe('control')
  })

  it('a person in the variation sees its title over the moment\'s own copy, and every outcome says which copy they saw', async () => {
    const user = ids(100, 'user-').find((u) => armOf(prompt as unknown as Moment, u) === 'social')!
    const t = await setup({ moments: [prompt], locale: 'en' }, { userId: user })
    t.moments.event('export_clicked')
    await tick()
    expect(t.screen().transient?.copy).toMatchObject({ title: 'Teams like yours are on Pro', body: 'Unlimited exports', cta: 'See plans' })
    t.screen().transient!.onCta()
    expect(t.events.map((e) => [e.outcome, e.variation])).toEqual([['shown', 'social'], ['clicked', 'social']])
    expect(t.moments.decisions().find((d) => d.id === 'hot')?.variation).toBe('social')
    t.moments.destroy()
  })

  it('an engaged user in the variation sees its title, not the moment\'s engaged title; the engaged body the variation leaves alone stays', async () => {
    const m = { ...prompt, copy: { en: { ...prompt.copy.en, engaged: { title: 'You are flying', body: 'Your team is ready for Pro' } } }, variations: [{ id: 'social', percent: 100, copy: { en: { title: 'Teams like yours are on Pro' } } }] }
    const t = await setup({ moments: [m], locale: 'en' }, { tier: 'hot' })
    t.moments.event('export_clicked')
    await tick()
    expect(t.screen().transient?.copy).toMatchObject({ title: 'Teams like yours are on Pro', body: 'Your team is ready for Pro' })
    t.moments.destroy()
  })

  it('a person outside every share sees the moment\'s own copy, as "control"; in French, the French copy', async () => {
    const user = ids(100, 'user-').find((u) => armOf(prompt as unknown as Moment, u) === 'control')!
    const t = await setup({ moments: [prompt], locale: 'fr' }, { userId: user })
    t.moments.event('export_clicked')
    await tick()
    expect(t.screen().transient?.copy.title).toBe('Passez à Pro')
    t.screen().transient!.onDismiss()
    expect(t.events.map((e) => [e.outcome, e.variation])).toEqual([['shown', 'control'], ['dismissed', 'control']])
    t.moments.destroy()
    const v = ids(100, 'user-').find((u) => armOf(prompt as unknown as Moment, u) === 'social')!
    const f = await setup({ moments: [prompt], locale: 'fr' }, { userId: v })
    f.moments.event('export_clicked')
    await tick()
    expect(f.screen().transient?.copy).toMatchObject({ title: 'Les équipes comme la vôtre sont sur Pro', body: 'Exports illimités' })
    f.moments.destroy()
  })

  it('a person keeps the copy first shown after identify, though their user id would hash to the other', async () => {
    const m = prompt as unknown as Moment
    const anon = ids(100, 'anon-').find((a) => armOf(m, a) === 'social')!
    const user = ids(100, 'user-').find((u) => armOf(m, u) === 'control')!
    const t = await setup({ moments: [prompt], locale: 'en' }, { userId: null, anonymousId: anon })
    t.moments.event('export_clicked')
    await tick()
    t.screen().transient!.onCta()
    await t.moments.open(null, true)
    t.who.userId = user
    await t.kv.set('moments:u:' + user, await t.kv.get('moments:' + t.key))
    await t.moments.open('u:' + user)
    t.clock.now += 2 * HOUR
    t.moments.event('export_clicked')
    await tick()
    expect(t.screen().transient?.copy.title).toBe('Teams like yours are on Pro')
    expect(t.events.map((e) => e.variation)).toEqual(['social', 'social', 'social'])
    t.moments.destroy()
  })

  it('a held-out person\'s conversion within 7 days of being held out is recorded once, with no variation (the control group\'s, for lift)', async () => {
    const m = { ...prompt, holdout: 50 }
    const held = ids(200, 'user-').filter((u) => inHoldout(m as unknown as Moment, u))
    const t = await setup({ moments: [m], locale: 'en', conversionEvent: 'upgraded' }, { userId: held[0] })
    t.moments.event('upgraded') // before being held out: not a conversion of anything
    t.moments.event('export_clicked')
    await tick()
    t.clock.now += 6 * DAY
    t.moments.event('upgraded')
    t.moments.event('upgraded')
    await tick()
    expect(t.events.map((e) => [e.outcome, e.variation])).toEqual([['held_out', undefined], ['converted', undefined]])
    t.moments.destroy()
    const late = await setup({ moments: [m], locale: 'en', conversionEvent: 'upgraded' }, { userId: held[1] })
    late.moments.event('export_clicked')
    await tick()
    late.clock.now += 8 * DAY
    late.moments.event('upgraded')
    await tick()
    expect(late.events.map((e) => e.outcome), 'eight days later: not counted').toEqual(['held_out'])
    late.moments.destroy()
  })

  it('held out: no variation; a conversion: the variation shown', async () => {
    const m = { ...prompt, holdout: 50 }
    const held = ids(200, 'user-').find((u) => inHoldout(m as unknown as Moment, u))!
    const t = await setup({ moments: [m], locale: 'en' }, { userId: held })
    t.moments.event('export_clicked')
    await tick()
    expect(t.events).toEqual([{ id: 'hot', kind: 'upgrade', outcome: 'held_out', at: NOW }])
    t.moments.destroy()
    const user = ids(200, 'user-').find((u) => !inHoldout(m as unknown as Moment, u) && armOf(m as unknown as Moment, u) === 'social')!
    const c = await setup({ moments: [m], locale: 'en', conversionEvent: 'upgraded' }, { userId: user })
    c.moments.event('export_clicked')
    await tick()
    c.clock.now += HOUR
    c.moments.event('upgraded')
    await tick()
    expect(c.events.map((e) => [e.outcome, e.variation])).toEqual([['shown', 'social'], ['converted', 'social']])
    c.moments.destroy()
  })

  it('preview names a variation ("hot/social") or the moment\'s own copy ("hot/control"); an unknown one is refused', async () => {
    const t = await setup({ moments: [prompt], locale: 'en' })
    expect(t.moments.preview('hot/social')).toBe(true)
    await tick()
    expect(t.screen().transient?.copy.title).toBe('Teams like yours are on Pro')
    expect(t.moments.preview('hot/control')).toBe(true)
    expect(t.screen().transient?.copy.title).toBe('Upgrade to Pro')
    expect(t.moments.preview('hot/nope')).toBe(false)
    expect(t.events).toEqual([])
    t.moments.destroy()
  })
})

describe('goal: a moment\'s own conversion event', () => {
  it('an activation nudge converts on the action it asks for, not on an upgrade; a prompt without a goal on conversionEvent', async () => {
    const nudge = { id: 'setup', kind: 'nudge', on: { event: 'signed_up' }, goal: 'project_created', copy: { en: { title: 'Create your first project' } } }
    const prompt = { id: 'hot', kind: 'upgrade', on: { event: 'export_clicked' }, copy: { en: { title: 'Upgrade' } } }
    const t = await setup({ moments: [nudge, prompt], conversionEvent: 'upgraded', momentsPerDay: 10 })
    t.moments.event('signed_up')
    await tick()
    t.screen().transient!.onDismiss()
    t.moments.event('export_clicked')
    await tick()
    t.clock.now += HOUR
    t.moments.event('upgraded')
    await tick()
    expect(t.events.filter((e) => e.outcome === 'converted').map((e) => e.id), 'the upgrade converts the prompt only').toEqual(['hot'])
    t.moments.event('project_created')
    t.moments.event('project_created')
    await tick()
    expect(t.events.filter((e) => e.outcome === 'converted').map((e) => e.id)).toEqual(['hot', 'setup'])
    t.moments.destroy()
  })
})
