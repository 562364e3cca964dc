import type { Batch, Message } from './types'

/**
 * Maps a batch to Segment's HTTP API batch shape, so a team can point the
 * SDK at a CDP and reach its CRM with no code: score and tier become
 * identify traits (pql_score, pql_tier...), crossings and moment outcomes
 * become track events ("PQL Threshold Crossed", "Conversion Moment Shown"),
 * and the account is linked with one `group` call per user and account
 * alongside the identify calls of a batch. Message ids derive from the SDK
 * message id, so a retried batch is deduplicated by Segment.
 */
export function toSegment(batch: Batch, writeKey?: string, dropped?: (call: string) => void): Record<string, unknown> {
  // A batch holds one identity's messages, so one group call per account links that user.
  const grouped = new Set<string>()
  const ids = (m: Message) => ({ messageId: m.id, timestamp: m.at, userId: m.userId ?? undefined, anonymousId: m.anonymousId, context: { groupId: m.accountId ?? undefined, library: batch.sdk } })
  const identify = (m: Message, traits: Record<string, unknown>) => {
    const out: Array<Record<string, unknown>> = [{ ...ids(m), type: 'identify', traits }]
    if (m.accountId && !grouped.has(m.accountId)) grouped.add(m.accountId), out.push({ ...ids(m), messageId: m.id + ':g', type: 'group', groupId: m.accountId, traits: {} })
    return out
  }
  const out = batch.messages.flatMap((m): Array<Record<string, unknown>> => {
    switch (m.type) {
      case 'event':
        return [{ ...ids(m), type: 'track', event: m.name, properties: m.props ?? {} }]
      case 'identify':
        return identify(m, { ...m.traits, trial_start: m.trialStart, trial_end: m.trialEnd })
      case 'score':
      case 'tier': {
        const calls = identify(m, { pql_score: m.score, pql_tier: m.tier, pql_reasons: m.reasons.slice(0, 5).join('; '), pql_model: m.model })
        if (m.type === 'score') return calls
        const props = { from: m.from, to: m.to, direction: m.direction, score: m.score, crossed_at: m.crossedAt, reasons: m.reasons, top_features: m.topFeatures, account_id: m.accountId }
        return [...calls, { ...ids(m), messageId: m.id + ':t', type: 'track', event: 'PQL Threshold Crossed', properties: props }]
      }
      case 'moment': {
        const name = { shown: 'Shown', clicked: 'Clicked', dismissed: 'Dismissed', held_out: 'Held Out', converted: 'Converted' }[m.outcome]
        return [{ ...ids(m), type: 'track', event: 'Conversion Moment ' + name, properties: { moment: m.moment, kind: m.kind, variation: m.variation } }]
      }
      case 'rollup':
        return [{ ...ids(m), type: 'track', event: 'MomentKit Events Rolled Up', properties: { counts: m.counts, from: m.from, to: m.to } }]
    }
  })
  // Segment refuses a whole batch (400) when one call is over 32 KB; props are capped at 16K
  // characters, which can still be more in UTF-8 JSON: leave such a call out, not the batch, and say so.
  const fits = (c: Record<string, unknown>) => new Blob([JSON.stringify(c)]).size < 32e3 || void dropped?.(`${c.type} "${c.event ?? ''}"`)
  return { batch: out.filter(fits), sentAt: batch.sentAt, ...(writeKey ? { writeKey } : {}) }
}
