import type { Tier } from '../config/types'

/** What the SDK remembers about a user's tier across reloads. */
export interface TierState {
  tier: string
  /** When the current tier was entered (epoch ms). */
  since: number
  /** When each tier was last entered. */
  entered: Record<string, number>
  score: number
}

export interface TierChange {
  from: string | null
  to: string
  direction: 'up' | 'down'
  score: number
  at: number
}

/**
 * The tier for a score, given the tier the user is in now. Moving up happens
 * at the boundary; moving down only once the score falls `hysteresis`
 * points below the current tier's minimum, so 60/61 does not flap. A met
 * criterion's tier (`floor`) is a lower bound.
 *
 * @example
 * tierFor(tiers, 60, 'pql', 3) // 'pql' (61 - 3 = 58 <= 60)
 */
export function tierFor(tiers: readonly Tier[], score: number, current: string | null, hysteresis: number, floor: string | null = null): string {
  let target = 0
  tiers.forEach((t, i) => score >= t.min && (target = i))
  const cur = tiers.findIndex((t) => t.name === current)
  if (cur > target && score >= tiers[cur].min - hysteresis) target = cur
  const f = tiers.findIndex((t) => t.name === floor)
  if (f > target) target = f
  return tiers[target].name
}

/** Next tier state and the change, if any. Pure. */
export function nextTierState(
  tiers: readonly Tier[],
  prev: TierState | null,
  score: number,
  hysteresis: number,
  floor: string | null,
  now: number,
): { state: TierState; change: TierChange | null } {
  const tier = tierFor(tiers, score, prev?.tier ?? null, hysteresis, floor)
  if (prev && prev.tier === tier) return { state: { ...prev, score }, change: null }
  const rank = (n: string | null) => tiers.findIndex((t) => t.name === n)
  const state: TierState = { tier, since: now, entered: { ...prev?.entered, [tier]: now }, score }
  const change: TierChange = { from: prev?.tier ?? null, to: tier, direction: rank(tier) >= rank(prev?.tier ?? null) ? 'up' : 'down', score, at: now }
  return { state, change }
}
