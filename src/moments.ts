import type { ResolvedConfig } from './config/types'
import type { Logger } from './log'
import { lazyLayer, type UI } from './render/lazy'
import { loadUI } from './render/load'
import { themeCss } from './render/theme'
import type { MomentProps } from './render/types'
import type { ScoreResult } from './score/score'
import { createHistory } from './store/history'
import type { KV } from './store/kv'
import { copyVars, HOLE, isEngaged, overlayCopy, pickCopy, userCopy } from './trigger/copy'
import { safeHref } from './trigger/cta'
import { armOf, CONTROL, daysLeft, decide, offTarget } from './trigger/decide'
import type { Decision, DecisionState, Moment, Trigger } from './trigger/types'
import type { MomentOutcome } from './sync/types'
import type { Identity } from './track/identity'

export interface MomentEvent {
  id: string
  kind: Moment['kind']
  outcome: MomentOutcome
  at: number
  /** Moments with variations: the one this user saw ("control": the moment's own copy). */
  variation?: string
}

export interface MomentsDeps {
  config: ResolvedConfig
  kv: KV
  log: Logger
  now(): number
  identity(): Identity
  result(): ScoreResult | null
  /** The user's all-time event counts (for {{projects}}, {{invites}}). */
  totals?(): Record<string, number>
  tier(): string | null
  trialEnd(): number | null
  record(e: MomentEvent): void
  /** Tell other tabs a moment was shown. */
  broadcast(id: string): void
  /** Loads the moments UI (default: the build's own loader). */
  loadUI?(): Promise<UI>
}

const DAY = 86_400_000
/** Two tabs reacting to the same tier crossing must not both show it (tier triggers only: a user asking again is new). */
const SAME_TRIGGER_MS = 30_000
/** An event tracked longer ago than this (a backfill) triggers no moment: the user is not doing it now. */
const RECENT_MS = 600_000
const standing = (m: Moment) => m.kind === 'trial' || m.kind === 'widget'

/**
 * Runs conversion moments: asks the pure engine which one may show for a
 * trigger, claims it in IndexedDB (one transaction, so one tab wins),
 * renders it, and records every outcome.
 */
export function createMoments(d: MomentsDeps) {
  const { config, log } = d
  const moments = config.moments
  const layer = lazyLayer(themeCss(config.theme), d.loadUI ?? loadUI, log)
  const actions = new Map<string, () => void>()
  /** Moments another tab showed or dismissed, and when: held back here for SAME_TRIGGER_MS, then caps decide. */
  const otherTabs = new Map<string, number>()
  const claiming = new Map<string, Promise<void>>()
  /** Held out, being recorded (its write not landed yet): a second trigger meanwhile records nothing. */
  const holding = new Set<string>()
  let key: string | null = null
  let soon: ReturnType<typeof setTimeout> | undefined
  /** The last tier trigger, and whether the next open() carries the screen over (anonymous -> identified). */
  let lastTier: { t: Trigger; at: number } | null = null
  let carry = false
  /** A gate asked while no user's history was open (first load, identify, reset): prompted once one is. */
  let asked: string | undefined
  /** Destroyed: work still in flight (a claim, a scheduled check, another tab's message) must not render again. */
  let dead = false
  const history = createHistory(d.kv, () => key, (what) => log.warn(`stored ${what} was unreadable; starting fresh`))
  const last = new Map<string, Decision>()
  const locale = config.locale ?? (typeof navigator !== 'undefined' ? navigator.language : 'en') ?? 'en'

  const plan = () => (d.identity().traits.plan as string | undefined) ?? config.plan
  const state = (h = history.get()): DecisionState => {
    const r = d.result()
    const now = d.now()
    const p = plan() ?? null
    const end = d.trialEnd()
    const told = d.identity().traits.paying
    return {
      now, tier: d.tier(), score: r?.score ?? null, plan: p, trialEnd: end,
      signals: r?.signals, traits: d.identity().traits,
      // Told by the host (a subscription's status), else guessed: a known plan other than the free ones, outside a trial (a trial of Pro is on plan "pro").
      paying: typeof told === 'boolean' ? told : p !== null && !config.freePlans.includes(p) && !(end !== null && daysLeft(end, now) > 0),
      userId: d.identity().userId, anonymousId: d.identity().anonymousId,
      route: typeof location !== 'undefined' ? location.pathname : '/',
      history: h.h, shownToday: h.log.filter((t) => now - t < DAY).length,
      visible: layer.state().transient?.id ?? null, otherTabs: [...otherTabs].filter(([, t]) => now - t < SAME_TRIGGER_MS).map(([id]) => id),
    }
  }

  /** The variation this user sees (or was shown): held in the history from the first show on. */
  const who = () => d.identity().userId ?? d.identity().anonymousId
  const arm = (m: Moment) => armOf(m, who(), history.get().h[m.id]?.v)

  function outcome(m: Moment, o: MomentOutcome, preview?: boolean | string): void {
    if (preview) return
    const at = d.now()
    // Held out (and a held-out person's conversion): shown no copy, so in no variation.
    const variation = o === 'held_out' || history.get().h[m.id]?.heldOut ? undefined : arm(m)
    d.record({ id: m.id, kind: m.kind, outcome: o, at, ...(variation && { variation }) })
    log.debug(`moment ${m.id}: ${o}`)
    if (o === 'clicked' || o === 'dismissed') {
      void history.note((s) => {
        const h = { ...(s.h[m.id] ?? { shown: [] }) }
        if (o === 'clicked') h.clickedAt = at
        else h.dismissedAt = at
        return { ...s, h: { ...s.h, [m.id]: h } }
      }).then(() => o === 'dismissed' && d.broadcast(m.id))
    }
  }

  function props(m: Moment, preview?: boolean | string): MomentProps {
    const end = d.trialEnd()
    const url = m.cta?.url && typeof location !== 'undefined' ? safeHref(m.cta.url, location.href) : null
    const close = () => layer.update({ [slotOf(m)]: null })
    const eng = isEngaged(config.model.tiers, d.tier())
    const picked = pickCopy(m.copy, locale)
    const lang = Object.keys(m.copy).find((k) => m.copy[k] === picked)!
    // A preview names its variation ("upgrade/b") or shows the moment's own copy. Validation gave every variation each locale.
    const a = typeof preview === 'string' ? preview : preview ? undefined : arm(m)
    const over = m.variations?.find((v) => v.id === a)?.copy[lang]
    return {
      id: m.id, kind: m.kind, variant: m.variant, position: m.position, preview: !!preview, now: d.now, lang,
      copy: userCopy(overlayCopy(picked, over), eng, copyVars(d.result(), d.tier(), plan() ?? null, end, d.now(), d.totals?.())),
      trial: end === null ? undefined : { end, daysLeft: daysLeft(end, d.now()) },
      tier: d.tier(), engaged: eng, plan: plan() ?? null,
      href: url ?? undefined,
      onCta() {
        outcome(m, 'clicked', preview)
        const action = m.cta?.action ? actions.get(m.cta.action) : undefined
        try {
          action?.()
        } catch (e) {
          log.error(`the "${m.cta?.action}" action threw`, e)
        }
        if (m.kind !== 'widget') close()
      },
      onDismiss() {
        outcome(m, 'dismissed', preview)
        close()
      },
    }
  }

  function display(m: Moment, preview?: boolean | string): void {
    // After destroy() an update would create <momentkit-root> again.
    dead || layer.update({ [slotOf(m)]: props(m, preview) })
  }

  /** Claims the moment in one transaction (re-deciding on what is stored), then shows it. */
  function claim(m: Moment, t: Trigger): Promise<void> {
    // Two checks in a row (load, then trial dates) must not claim the same moment twice: the second waits for the first.
    let p = claiming.get(m.id)
    if (!p) claiming.set(m.id, (p = claimNow(m, t).finally(() => claiming.delete(m.id))))
    return p
  }

  async function claimNow(m: Moment, t: Trigger): Promise<void> {
    // Copy naming what is unknown for this user ({{daysLeft}} with no trial end) would show its braces: not until it is known.
    const c = props(m).copy as unknown as Record<string, string | undefined>
    const gap = ['title', 'body', 'cta', 'dismiss', 'close'].map((k) => HOLE.exec(c[k] ?? '')?.[0]).find(Boolean)
    if (gap) return void last.set(m.id, { id: m.id, show: false, reason: `its copy names ${gap}, unknown for this user` })
    // Claimed (and recorded as shown) only once it can be shown: the UI loads on first use.
    if (!(await layer.ready())) {
      // After destroy() there is nothing to explain.
      if (!dead) last.set(m.id, { id: m.id, show: false, reason: 'the moments UI could not load' })
      return
    }
    let won = false
    await history.save((s) => {
      const h = s.h[m.id]
      const lastShown = h?.shown[h.shown.length - 1]
      won = !dead && decide([m], state(s), t, t.type === 'gate' ? Infinity : config.momentsPerDay).show === m.id && !(t.type === 'tier' && lastShown && d.now() - lastShown < SAME_TRIGGER_MS)
      if (!won) return s
      const now = d.now()
      // The times serve per-day caps and cooldowns: the latest 20 (or perDay) do; the total cap counts every show.
      const shown = [...(h?.shown ?? []), now].slice(-Math.max(20, m.cap?.perDay ?? 0))
      const budgeted = m.kind !== 'gate' && m.kind !== 'widget'
      // The variation shown is kept: identified later (another hash), the person still sees the same copy.
      const entry = { ...h, shown, count: (h?.count ?? h?.shown.length ?? 0) + 1, v: armOf(m, who(), h?.v) }
      return { h: { ...s.h, [m.id]: entry }, log: budgeted ? [...s.log.filter((x) => now - x < DAY), now] : s.log }
    })
    if (dead) return
    if (!won) {
      last.set(m.id, { id: m.id, show: false, reason: 'shown in another tab' })
      return log.debug(`moment ${m.id}: another tab showed it first`)
    }
    display(m)
    outcome(m, 'shown')
    d.broadcast(m.id)
  }

  /**
   * Takes down the moment on screen once its target no longer holds (route left, tier or plan changed):
   * a low-tier activation nudge still open must not keep the PQL crossing's prompt away. Not a dismissal.
   */
  function dropStale(s: DecisionState): void {
    const cur = layer.state().transient
    const m = cur && !cur.preview ? moments.find((x) => x.id === cur.id) : undefined
    // Tier unknown (a new user's state still loading after identify()): nothing is known to have changed.
    if (m?.target && s.tier !== null && offTarget(m, s)) layer.update({ transient: null })
  }

  /** Decides for a trigger and claims the winner; the claim, if there is one, to wait for. */
  function run(t: Trigger, pool = moments): Promise<void> | undefined {
    if (!key || dead || !pool.length) return
    dropStale(state())
    const r = decide(pool, state(), t, config.momentsPerDay)
    for (const x of r.decisions) last.set(x.id, x)
    for (const x of r.decisions) log.debug(`moment ${x.id}: ${x.show ? 'show' : 'skip'} (${x.reason})`)
    for (const id of r.heldOut) {
      const m = moments.find((x) => x.id === id)!
      if (history.get().h[id]?.heldOut || holding.has(id)) continue
      // Recorded by the tab whose write finds it unrecorded: another open tab may have held this person out already.
      holding.add(id)
      let first = 1
      // Not stored (the write failed): recorded all the same, as a lost outcome is worse than one recorded twice.
      const done = () => (holding.delete(id), first && outcome(m, 'held_out'))
      void history.save((s) => (s.h[id]?.heldOut ? ((first = 0), s) : { ...s, h: { ...s.h, [id]: { ...(s.h[id] ?? { shown: [] }), heldOut: 1, heldAt: d.now() } } })).then(done, done)
    }
    const m = r.show ? moments.find((x) => x.id === r.show) : undefined
    return m && claim(m, t).catch((e) => log.error('could not show a moment', e))
  }

  const slotOf = (m: Moment) => (m.kind === 'trial' ? 'banner' : m.kind === 'widget' ? 'widget' : 'transient')

  /**
   * Re-evaluates what stands on screen (init, route change, every minute): the
   * trial banner and widget stay up while targeted and not dismissed, claimed
   * again (one more show) each day within their caps; route-targeted moments
   * come and go with the route; moments whose target is their trigger (score
   * range, trial days) show once it holds.
   */
  function check(): void {
    if (!key || dead) return
    const s = state()
    for (const m of moments.filter(standing)) {
      const slot = slotOf(m)
      // Read afresh: a banner taken down here (trial over) makes room for the next one (trial ended) in the same check.
      const cur = layer.state()[slot]
      // A designer's preview stays until closed: it is not this user's to take down or claim.
      if (cur?.preview) continue
      const h = history.get().h[m.id]
      const lastShown = h?.shown[h.shown.length - 1] ?? 0
      const dismissed = h?.dismissedAt !== undefined && h.dismissedAt >= lastShown
      if (cur && cur.id !== m.id) continue
      // One standing already up is rendered again: new trial dates, tier or score change its copy.
      if (!offTarget(m, s) && !dismissed && s.now - lastShown < DAY) {
        display(m)
        continue
      }
      // Shown over a day ago and still eligible: claimed again for today where it stands (no gap on screen);
      // taken down only if it may not show (off target, dismissed, capped) or that claim loses.
      const claimed = run({ type: 'check' }, [m])
      const down = () => dead || layer.state()[slot] !== cur || layer.update({ [slot]: null })
      if (cur) claimed ? void claimed.then(down) : down()
    }
    dropStale(s)
    run({ type: 'check' }, moments.filter((m) => !standing(m)))
  }

  /** Whether the user's plan includes `feature`; if not, the gate moment for it shows (once a history is open). */
  function gate(feature: string): boolean {
    const list = d.identity().traits.entitlements
    const ent = Array.isArray(list) ? (list as string[]) : config.entitlements ? config.entitlements[plan() ?? ''] ?? [] : null
    if (!ent || ent.includes(feature)) return true
    // The answer does not wait for the history; the prompt does (caps and dismissals live there).
    if (key) run({ type: 'gate', feature })
    else asked = feature
    return false
  }

  /**
   * A check once the SDK has (re)scored (after load, tracked events, new trial dates), so moments see the new score.
   * One scheduled check serves every call made before it runs: a burst of events must not re-arm a timer per event.
   */
  const later = () => void (soon ??= setTimeout(() => ((soon = undefined), check())))
  /** Event names some moment is triggered by: any other event can trigger nothing (decide() would find no candidate). */
  const triggers = new Set(moments.map((m) => m.on?.event).filter((n) => n !== undefined))
  /** Each moment's conversion event: its goal, else the config's. */
  const goals = new Set(moments.map((m) => m.goal ?? config.conversionEvent))

  return {
    /** A user's state opened (load, identify, reset): load their moment history. */
    async open(userKey: string | null, carryOver = false): Promise<void> {
      key = userKey
      if (userKey === null) carry = carryOver
      // Another person: their moments go, a designer's preview stays.
      if (!carry) for (const [slot, p] of Object.entries(layer.state())) p?.preview || layer.update({ [slot]: null })
      await history.load(true)
      // The first identify often comes right after a first visit's tier crossing, while its moment
      // was being claimed for the anonymous identity: decide it again for the identified user (the
      // history came along, so one already shown is not shown twice).
      const replay = userKey && carry && lastTier && d.now() - lastTier.at < SAME_TRIGGER_MS ? lastTier.t : null
      if (userKey) carry = false
      // Entitlements are read again: the identity that opened may have another plan.
      const f = asked
      asked = undefined
      if (f) gate(f)
      later()
      if (replay && !layer.state().transient) setTimeout(() => run(replay))
    },
    tier(from: string | null, to: string): void {
      lastTier = { t: { type: 'tier', from, to }, at: d.now() }
      run(lastTier.t)
    },
    /** A tracked event, `at` its time: a backfilled one (track with `{ at }`) is history, not the user acting now. */
    event(name: string, at = d.now(), props?: Record<string, unknown>): void {
      if (triggers.has(name) && d.now() - at < RECENT_MS) run({ type: 'event', name, props })
      later()
      if (!goals.has(name)) return
      for (const m of moments) {
        if ((m.goal ?? config.conversionEvent) !== name) continue
        const h = history.get().h[m.id]
        // Its conversion: the latest show at or before it, within 7 days (a conversion before any show is not one).
        // A held-out person's too, within 7 days of being held out: the control group's conversions, to measure lift.
        const since = h?.heldOut ? h.heldAt : h?.shown.filter((x) => x <= at).pop()
        if (since === undefined || since > at || h!.convertedAt || at - since > 7 * DAY) continue
        const now = d.now()
        void history.note((s) => ({ ...s, h: { ...s.h, [m.id]: { ...s.h[m.id], convertedAt: now } } }))
        outcome(m, 'converted')
      }
    },
    /** Deferred, so the check sees the score the SDK is computing now (trial dates are applied before rescoring). */
    check: later,
    gate,
    /** Shows a moment now for designers: no caps, nothing recorded. "upgrade/b": its variation b ("upgrade/control": its own copy). */
    preview(id: string): boolean {
      const [mid, v] = id.split('/')
      const m = moments.find((x) => x.id === mid)
      if (!m) return (log.warn(`preview: no moment "${mid}"`), false)
      if (v !== undefined && v !== CONTROL && !m.variations?.some((x) => x.id === v)) return (log.warn(`preview: moment "${mid}" has no variation "${v}"`), false)
      display(m, v ?? true)
      return true
    },
    action: (name: string, fn: () => void) => void actions.set(name, fn),
    otherTab(id: string): void {
      otherTabs.set(id, d.now())
      // Another tab showed or dismissed a moment: re-read the history and re-check what stands on screen.
      if (key) void history.load(false).then((found) => found && check())
    },
    decisions: () => [...last.values()],
    destroy(): void {
      dead = true
      clearTimeout(soon)
      soon = undefined
      layer.destroy()
    },
  }
}

export type Moments = ReturnType<typeof createMoments>
