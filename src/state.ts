import { atom } from 'nanostores'
import type { DimensionResult, ScoreResult } from './score/score'

/**
 * Reactive state of the active MomentKit instance, as nanostores atoms.
 * Subscribe from any framework through @nanostores/react, /vue, /svelte...
 *
 * @example
 * import { $tier } from 'momentkit'
 * $tier.subscribe((tier) => console.log('tier is now', tier))
 */
export const $score = atom<number | null>(null)
export const $tier = atom<string | null>(null)
export const $breakdown = atom<DimensionResult[]>([])
/** The full latest result: score, breakdown, reasons, top features, criteria. */
export const $result = atom<ScoreResult | null>(null)

export function publish(result: ScoreResult | null, tier: string | null): void {
  $result.set(result)
  $score.set(result ? result.score : null)
  $breakdown.set(result ? result.breakdown : [])
  $tier.set(tier)
}
