import type { ResolvedModel } from '../config/types'
import { fill } from '../score/reasons'
import type { ScoreResult } from '../score/score'
import { own } from '../store/aggregate'
import { daysLeft } from './decide'
import type { MomentCopy } from './types'

/** Copy for a locale: exact ("pt-BR", in any case), then language ("pt"), then "en", then the first given. */
export function pickCopy(copy: Record<string, MomentCopy>, locale: string): MomentCopy {
  const keys = Object.keys(copy)
  const find = (tag: string) => keys.find((k) => k.toLowerCase() === tag.toLowerCase())
  return copy[find(locale) ?? find(locale.split('-')[0]) ?? find('en') ?? keys[0]]
}

/** Fills every field's {{placeholders}} from the context (the countdown's {{days}}... stay for the renderer). Plain text in, plain text out. */
export function renderCopy(copy: Omit<MomentCopy, 'engaged' | 'fallback'>, vars: Record<string, string | number>): MomentCopy {
  const out = { ...copy } as Record<string, string>
  // Own keys only: Object.prototype may carry other scripts' properties.
  for (const k of Object.keys(out)) out[k] = fill(out[k], vars)
  return out as unknown as MomentCopy
}

/**
 * The copy this user sees, filled: an engaged tier's stronger words over the base; a field that names
 * what is unknown for this user ({{topFeature}} before any feature use) takes its `fallback` field.
 */
export function userCopy(picked: MomentCopy, engaged: boolean, vars: Record<string, string | number>): MomentCopy {
  const { engaged: strong, fallback, ...c } = picked
  const out = renderCopy(engaged ? { ...c, ...strong } : c, vars) as unknown as Record<string, string | undefined>
  const alt = fallback ? (renderCopy(fallback as MomentCopy, vars) as unknown as Record<string, string>) : {}
  for (const k of Object.keys(alt)) if (HOLE.test(out[k] ?? '') && !HOLE.test(alt[k])) out[k] = alt[k]
  return out as unknown as MomentCopy
}

/**
 * A copy experiment's variation laid over the moment's copy: its fields win, also over the moment's
 * `engaged` words for those fields (else engaged users would never see the variation), unless it gives its own.
 */
export function overlayCopy(base: MomentCopy, over?: Partial<MomentCopy>): MomentCopy {
  if (!over) return base
  const strong = base.engaged && Object.fromEntries(Object.entries(base.engaged).filter(([k]) => !(k in over)))
  return { ...base, ...over, engaged: over.engaged ?? strong }
}

/** A placeholder left unfilled. */
export const HOLE = /\{\{.*?\}\}/

/**
 * What copy can name: {{score}}, {{tier}}, {{plan}}, {{daysLeft}}, {{topFeature}}, {{topFeatureCount}},
 * {{signal.<id>}}, {{invites}}, {{projects}}; and for each number `n` of them, {{s.n}}: "s" unless it is 1
 * ("invited {{invites}} teammate{{s.invites}}"). `total`: the user's all-time event counts.
 */
export function copyVars(r: ScoreResult | null, tier: string | null, plan: string | null, trialEnd: number | null, now: number, total: Record<string, number> = {}): Record<string, string | number> {
  const v: Record<string, string | number> = { score: r?.score ?? 0, tier: tier ?? '', plan: plan ?? '' }
  if (trialEnd !== null) v.daysLeft = Math.max(0, daysLeft(trialEnd, now))
  // None used yet: unknown, so that copy naming them takes its fallback or waits ("used your favourite features 0 times").
  const top = r?.topFeatures[0]
  if (top) (v.topFeature = top.name), (v.topFeatureCount = top.count)
  for (const id of Object.keys(r?.signals ?? {})) v['signal.' + id] = r!.signals[id].value ?? 0
  // All time, the presets' event, else the signal's value: the value alone said "your 0 projects" where the model has
  // no signal of that id (five-dimension has no projects signal), and counted 14 days only where it has one (four-category).
  // Neither (an app that never sent the event): unknown, not 0, so that copy naming it takes its fallback.
  for (const [k, id, event] of [['invites', 'teammates_invited', 'teammate_invited'], ['projects', 'projects_created', 'project_created']]) {
    const n = own(total, event) ?? v['signal.' + id]
    if (n !== undefined) v[k] = n
  }
  for (const k of Object.keys(v)) if (typeof v[k] === 'number') v['s.' + k] = v[k] === 1 ? '' : 's'
  return v
}

/** An engaged tier: pql or above (the upper half of the tiers when none is named pql); engaged copy applies. */
export function isEngaged(tiers: ResolvedModel['tiers'], tier: string | null): boolean {
  const i = tiers.findIndex((t) => t.name === tier)
  const pql = tiers.findIndex((t) => t.name === 'pql')
  return i >= (pql >= 0 ? pql : Math.ceil(tiers.length / 2))
}
