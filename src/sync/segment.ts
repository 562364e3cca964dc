import type { Batch, Message } from './types'

/**
 * Maps a batch to Segment's HTTP API batch shape, so a team can point the
 * SDK at a CDP and reach its CRM with no code: score and tier become
 * identify traits (pql_score, pql_tier...), crossings and moment outcomes
 * become track events ("PQL Threshold Crossed", "Conversion Moment Shown").
 */
export function toSegment(batch: Batch, writeKey?: string): Record<string, unknown> {
  const ids = (m: Message) => ({ messageId: m.id, timestamp: m.at, userId: m.userId ?? undefined, anonymousId: m.anonymousId, context: { groupId: m.accountId ?? undefined, library: batch.sdk } })
  const out = batch.messages.flatMap((m): Array<Record<string, unknown>> => {
    switch (m.type) {
      case 'event':
        return [{ ...ids(m), type: 'track', event: m.name, properties: m.props ?? {} }]
      case 'identify':
        return [{ ...ids(m), type: 'identify', traits: { ...m.traits, trial_start: m.trialStart, trial_end: m.trialEnd } }]
      case 'score':
      case 'tier': {
        const traits = { pql_score: m.score, pql_tier: m.tier, pql_reasons: m.reasons.slice(0, 5).join('; '), pql_model: m.model }
        const identify = { ...ids(m), type: 'identify', traits }
        if (m.type === 'score') return [identify]
        const props = { from: m.from, to: m.to, direction: m.direction, score: m.score, crossed_at: m.crossedAt, reasons: m.reasons, top_features: m.topFeatures, account_id: m.accountId }
        return [identify, { ...ids(m), messageId: m.id + ':t', type: 'track', event: 'PQL Threshold Crossed', properties: props }]
      }
      case 'moment': {
        const name = { shown: 'Shown', clicked: 'Clicked', dismissed: 'Dismissed', held_out: 'Held Out', converted: 'Converted' }[m.outcome]
        return [{ ...ids(m), type: 'track', event: 'Conversion Moment ' + name, properties: { moment: m.moment, kind: m.kind } }]
      }
      case 'rollup':
        return [{ ...ids(m), type: 'track', event: 'MomentKit Events Rolled Up', properties: { counts: m.counts, from: m.from, to: m.to } }]
    }
  })
  return { batch: out, sentAt: batch.sentAt, ...(writeKey ? { writeKey } : {}) }
}
