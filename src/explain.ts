import type { ResolvedConfig } from './config/types'
import type { Identity } from './track/identity'
import type { CriterionResult, DimensionResult, ScoreResult, SignalResult } from './score/score'
import type { UserState } from './store/userstate'
import type { OutboxStats } from './sync/outbox'
import type { Decision } from './trigger/types'

/** Everything the SDK can say about the current user, as plain data. */
export interface Explanation {
  ready: boolean
  score: number | null
  tier: string | null
  /** The model's tiers (name, label, min), to show the tier's label and boundaries. */
  tiers: Array<{ name: string; label: string; min: number }>
  /** When the current tier was entered, and when each tier was last entered (epoch ms). */
  tierSince: number | null
  tiersEntered: Record<string, number>
  breakdown: DimensionResult[]
  reasons: string[]
  topFeatures: Array<{ name: string; count: number }>
  criteria: CriterionResult[]
  signals: Record<string, SignalResult>
  user: { userId: string | null; accountId: string | null; anonymousId: string }
  trial: { start: number | null; end: number | null }
  modelVersion: string
  storage: 'idb' | 'memory'
  /** Why each moment did or did not show at its last evaluation. */
  moments?: Decision[]
  /** Delivery counters, when an endpoint is configured. */
  delivery?: OutboxStats | null
  /** `granted`, or `pending` (requireConsent, before optIn()) or `denied` (after optOut()): then nothing runs. */
  consent?: 'granted' | 'denied' | 'pending'
  /** Config problems when the SDK is inert. */
  problems?: Array<{ path: string; message: string }>
}

export function explainState(config: ResolvedConfig, identity: Identity, user: UserState | null, result: ScoreResult | null, storage: 'idb' | 'memory'): Explanation {
  const tier = user?.tier() ?? null
  const agg = user?.agg()
  return {
    ready: !!user && !!result,
    score: result?.score ?? null,
    tier: tier?.tier ?? null,
    tiers: config.model.tiers.map((t) => ({ name: t.name, label: t.label ?? t.name, min: t.min })),
    tierSince: tier?.since ?? null,
    tiersEntered: { ...tier?.entered },
    breakdown: result?.breakdown ?? [],
    reasons: result?.reasons ?? [],
    topFeatures: result?.topFeatures ?? [],
    criteria: result?.criteria ?? [],
    signals: result?.signals ?? {},
    user: { userId: identity.userId, accountId: identity.accountId, anonymousId: identity.anonymousId },
    trial: { start: agg?.trialStart ?? null, end: agg?.trialEnd ?? null },
    modelVersion: config.model.version,
    storage,
  }
}
