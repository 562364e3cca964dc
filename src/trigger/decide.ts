import { toTime } from '../date'
import { matches } from '../store/aggregate'
import type { Decision, DecisionState, Moment, Trigger } from './types'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** FNV-1a: a small, stable hash for deterministic holdouts. */
export function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * Same user and moment, same answer, on every device: hash(user + moment) in the lowest `percent` of 100
 * buckets, each split in 100 by the next two decimal digits of the hash, so fractions count (0.5 -> 0.5%)
 * and a whole percent holds out exactly the users whole buckets did.
 */
export function inHoldout(m: Moment, who: string): boolean {
  const h = hash(who + '\u0000' + m.id)
  return !!m.holdout && (h % 100) * 100 + (((h / 100) | 0) % 100) < Math.round(m.holdout * 100)
}

/** The moment's own copy, in an experiment: the users outside every variation's share. */
export const CONTROL = 'control'

/**
 * The variation (of a moment with `variations`) this person sees: the one they were first shown (`had`,
 * while it is still configured), else their bucket of hash(user + moment), salted apart from the holdout's,
 * in 10,000 parts so that fractions of a percent count; outside every variation's share, CONTROL.
 */
export function armOf(m: Moment, who: string, had?: unknown): string | undefined {
  const vs = m.variations
  if (!vs?.length) return
  if (had === CONTROL || vs.some((v) => v.id === had)) return had as string
  const b = hash(who + '\u0001' + m.id) % 10_000
  let upTo = 0
  return vs.find((v) => b < (upTo += Math.round(v.percent * 100)))?.id ?? CONTROL
}

/** Whole days left in the trial, rounding up (ends in 2.3 days -> 3). Negative once ended. */
export const daysLeft = (trialEnd: number, now: number): number => Math.ceil((trialEnd - now) / DAY)

/** Glob over paths: "*" within a segment, "**" across segments. */
export function routeMatches(glob: string, path: string): boolean {
  const re = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')
  return new RegExp('^' + re + '$').test(path)
}

function triggered(m: Moment, t: Trigger): boolean {
  const on = m.on
  if (t.type === 'gate') return m.kind === 'gate' && !!on?.gate?.includes(t.feature)
  if (m.kind === 'gate') return false
  if (t.type === 'tier') return !!on?.tierEntered?.includes(t.to)
  if (t.type === 'event') return on?.event === t.name && matches(t.props, on.where)
  // A check (load, route change, identify, every minute) re-evaluates every moment with no tier or
  // event trigger: banners, widgets, and moments whose target (score range, trial days, route) is the trigger.
  return !on?.tierEntered && !on?.event
}

/** Why the target does not match, or null when it does. */
export function offTarget(m: Moment, s: DecisionState): string | null {
  const t = m.target
  if (!t) return null
  if (t.tiers && !(s.tier && t.tiers.includes(s.tier))) return `tier ${s.tier ?? 'unknown'} not in ${t.tiers.join('/')}`
  if (t.score && (s.score === null || s.score < (t.score.min ?? 0) || s.score > (t.score.max ?? 100))) return `score ${s.score ?? 'unknown'} out of range`
  for (const k of Object.keys(t.traits ?? {})) {
    // Own traits only: Object.prototype may carry other scripts' properties. A trait may be anything the host passed.
    const v = s.traits && Object.prototype.hasOwnProperty.call(s.traits, k) ? s.traits[k] : undefined
    if (!t.traits![k].includes(v as never)) return `trait ${k} ${v === undefined ? 'not given' : /^[bns]/.test(typeof v) ? `${String(v).slice(0, 50)} not targeted` : 'not targeted'}`
  }
  for (const id of Object.keys(t.signals ?? {})) {
    const v = s.signals?.[id]?.value ?? null
    const r = t.signals![id]
    if (v === null || v < (r.min ?? -Infinity) || v > (r.max ?? Infinity)) return `signal ${id} ${v === null ? 'not known yet' : v + ' out of range'}`
  }
  if (t.plans && !(s.plan && t.plans.includes(s.plan))) return `plan ${s.plan ?? 'unknown'} not targeted`
  if (t.paying !== undefined && t.paying !== !!s.paying) return `${s.paying ? '' : 'not '}a paying customer (plan ${s.plan ?? 'unknown'})`
  if (t.trial) {
    if (s.trialEnd === null) return 'no trial end date known'
    const left = daysLeft(s.trialEnd, s.now)
    if (t.trial === 'active' && left <= 0) return 'trial has ended'
    if (t.trial === 'ended' && left > 0) return 'trial still active'
    if (typeof t.trial === 'object' && (left < (t.trial.min ?? -Infinity) || left > (t.trial.max ?? Infinity))) return `${left} trial days left, outside the range`
  }
  if (t.from !== undefined && s.now < toTime(t.from)!) return 'its dates have not started'
  if (t.until !== undefined && s.now >= toTime(t.until)!) return 'its dates are over'
  if (t.routes && !t.routes.some((g) => routeMatches(g, s.route))) return `route ${s.route} not targeted`
  return null
}

/** Why caps, cooldown or a dismissal hold it back, or null. */
function capped(m: Moment, s: DecisionState): string | null {
  const h = s.history[m.id]
  if (!h) return null
  // A gate answers the user asking for a feature: an earlier "not now" does not silence it.
  if (h.dismissedAt !== undefined && m.kind !== 'gate') {
    if (m.snoozeHours === undefined) return 'dismissed'
    if (s.now < h.dismissedAt + m.snoozeHours * HOUR) return 'snoozed after dismissal'
  }
  const c = m.cap ?? {}
  const last = h.shown[h.shown.length - 1]
  const count = h.count ?? h.shown.length
  if (c.total !== undefined && count >= c.total) return `shown ${count} times (cap ${c.total})`
  if (c.perDay !== undefined && h.shown.filter((t) => s.now - t < DAY).length >= c.perDay) return `shown ${c.perDay} times today (cap)`
  if (c.cooldownHours !== undefined && last !== undefined && s.now - last < c.cooldownHours * HOUR) return 'in cooldown'
  return null
}

/**
 * Decides which single moment, if any, shows now. Pure: same inputs, same
 * answer. Gates bypass the global budget (the user asked for the feature)
 * but not their own caps; widgets are persistent and do not spend it.
 *
 * @example
 * decide(moments, state, { type: 'tier', from: 'moderate', to: 'pql' }, 2)
 * // { show: 'upgrade-pql', decisions: [{ id: 'upgrade-pql', show: true, reason: 'eligible, priority 10' }, ...] }
 */
export function decide(moments: readonly Moment[], s: DecisionState, t: Trigger, budget: number): { show: string | null; heldOut: string[]; decisions: Decision[] } {
  const decisions: Decision[] = []
  const heldOut: string[] = []
  const eligible: Moment[] = []
  const who = s.userId ?? s.anonymousId
  for (const m of moments) {
    if (!triggered(m, t)) continue
    const why =
      offTarget(m, s) ??
      capped(m, s) ??
      // A gate answers this tab's user asking for a feature: another tab's gate says nothing about it.
      (m.kind !== 'gate' && s.otherTabs.includes(m.id) ? 'shown in another tab' : null) ??
      (s.visible === m.id ? 'already on screen' : null) ??
      (m.kind !== 'gate' && m.kind !== 'widget' && s.shownToday >= budget ? `daily budget of ${budget} spent` : null)
    if (why) {
      decisions.push({ id: m.id, show: false, reason: why })
      continue
    }
    // Bucketed once per person: identify must not bucket them again by user id. Once recorded as held out they
    // stay in the control group; once shown it (while anonymous, say) they stay in the treatment group.
    const h = s.history[m.id]
    if (m.holdout && (h?.heldOut || (!(h?.count ?? h?.shown.length) && inHoldout(m, who)))) {
      heldOut.push(m.id)
      decisions.push({ id: m.id, show: false, reason: `held out (${m.holdout}% control group)`, heldOut: true })
      continue
    }
    eligible.push(m)
  }
  // A moment already on screen is not replaced by anything but a gate the user just asked for.
  // Banners and widgets have places of their own: they replace nothing, so nothing holds them back.
  const blocked = (m: Moment) => s.visible !== null && t.type !== 'gate' && m.kind !== 'trial' && m.kind !== 'widget'
  eligible.sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))
  const winner = eligible.find((m) => !blocked(m))
  for (const m of eligible) {
    const reason = m === winner ? `eligible, priority ${m.priority ?? 0}` : blocked(m) ? `another moment (${s.visible}) is on screen` : `lower priority than ${winner!.id}`
    decisions.push({ id: m.id, show: m === winner, reason, variation: armOf(m, who, s.history[m.id]?.v) })
  }
  return { show: winner?.id ?? null, heldOut, decisions }
}
