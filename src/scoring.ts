/**
 * `momentkit/scoring`: the pure scoring model without the browser SDK, for
 * servers, notebooks and tests: validate a config, fold events into
 * aggregates, score, and pick the tier.
 *
 * @example
 * import { resolveConfig, emptyAggregates, planFor, apply, score } from 'momentkit/scoring'
 */
export { resolveConfig, ConfigError } from './config/validate'
export type { Problem } from './config/validate'
export { presets } from './config/presets'
export { score } from './score/score'
export type { ScoreResult, DimensionResult, SignalResult, CriterionResult } from './score/score'
export { tierFor, nextTierState } from './score/tier'
export type { TierState, TierChange } from './score/tier'
export { apply, emptyAggregates, planFor } from './store/aggregate'
export type { Aggregates, Op } from './store/aggregate'
