import type { Dimension, PresetName, Signal, Tier } from './types'

/**
 * The two published starting models from the domain brief, written in the
 * same JSON a team would write. They expect conventional event names
 * (`feature_used` with a `feature` prop, `teammate_invited`,
 * `integration_connected`, ...); override any signal by id to map your own.
 */
const shared: Record<string, Signal> = {
  features_used: { type: 'distinct', event: 'feature_used', prop: 'feature', window: { last: 14 }, threshold: 4, label: 'core features', reason: 'used {{value}} core feature{{s}} in the last {{days}} days' },
  sessions_14d: { type: 'sessions', window: { last: 14 }, threshold: 4 },
  active_days_7d: { type: 'activeDays', window: { last: 7 }, threshold: 5 },
  recency: { type: 'recency', threshold: 3 },
  teammates_invited: { type: 'count', event: 'teammate_invited', threshold: 2, reason: 'invited {{value}} teammate{{s}}' },
  share_links: { type: 'count', event: 'share_link_created', threshold: 1, reason: 'created {{value}} share link{{s}}' },
}

const five: Record<string, Signal> = {
  ...shared,
  integrations: { type: 'count', event: 'integration_connected', threshold: 1, reason: 'connected {{value}} integration{{s}}' },
  data_imported: { type: 'occurred', event: 'data_imported', reason: 'imported data' },
  usage_trend: { type: 'velocity', of: 'sessions', days: 7, threshold: 20 },
}

const four: Record<string, Signal> = {
  ...shared,
  projects_created: { type: 'count', event: 'project_created', window: { last: 14 }, threshold: 3, reason: 'created {{value}} project{{s}} in the last {{days}} days' },
  session_length: { type: 'avgSessionLength', window: { last: 14 }, threshold: 10 },
  streak: { type: 'streak', threshold: 3 },
  paid_feature: { type: 'occurred', event: 'paid_feature_used', window: { last: 14 }, reason: 'tried a paid feature' },
  limit_hit: { type: 'count', event: 'limit_reached', window: { last: 7 }, threshold: 1, reason: 'hit a free-tier limit {{value}}× this week' },
  pricing_viewed: { type: 'occurred', event: 'pricing_viewed', window: { last: 14 }, reason: 'viewed pricing' },
}

export const presets: Record<PresetName, { signals: Record<string, Signal>; dimensions: Record<string, Dimension> }> = {
  'five-dimension': {
    signals: five,
    dimensions: {
      breadth: { label: 'Feature breadth', weight: 25, signals: ['features_used'] },
      engagement: { label: 'Engagement', weight: 25, signals: ['sessions_14d', 'active_days_7d', 'recency'] },
      team: { label: 'Team expansion', weight: 20, signals: ['teammates_invited', 'share_links'] },
      integrations: { label: 'Integrations', weight: 15, signals: ['integrations', 'data_imported'] },
      velocity: { label: 'Usage velocity', weight: 15, signals: ['usage_trend'] },
    },
  },
  'four-category': {
    signals: four,
    dimensions: {
      depth: { label: 'Usage depth', weight: 35, signals: ['projects_created', 'session_length'] },
      frequency: { label: 'Frequency', weight: 25, signals: ['sessions_14d', 'active_days_7d', 'streak', 'recency'] },
      adoption: { label: 'Feature adoption', weight: 25, signals: ['features_used', 'paid_feature', 'limit_hit', 'pricing_viewed'] },
      viral: { label: 'Viral / social', weight: 15, signals: ['teammates_invited', 'share_links'] },
    },
  },
}

export const defaultTiers: Tier[] = [
  { name: 'low', label: 'Low engagement', min: 0 },
  { name: 'moderate', label: 'Moderate', min: 31 },
  { name: 'pql', label: 'PQL', min: 61 },
  { name: 'hot', label: 'Hot PQL', min: 81 },
]
