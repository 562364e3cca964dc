/**
 * What a sales alert says, and how it looks in Slack. Pure: the content is
 * built when the threshold is crossed and stored; the message is formatted
 * at each delivery attempt, so "crossed 3 h ago" is true when it arrives.
 */
import type { Tier } from '../config/types'
import type { AccountMember } from './accounts'

export type SlaClass = 'hot' | 'pql' | 'nurture'

export interface Sla {
  class: SlaClass
  label: string
  /** Hours within which sales should make contact; null: nurture, no deadline. */
  hours: number | null
}

/** The model's top tier: contact within 2 hours; other alert tiers: within 24 hours; below: nurture. */
export function slaFor(tier: string, tiers: readonly Tier[], alertTiers: readonly string[]): Sla {
  if (tier === tiers[tiers.length - 1]?.name && alertTiers.includes(tier)) return { class: 'hot', label: 'contact within 2 hours', hours: 2 }
  if (alertTiers.includes(tier)) return { class: 'pql', label: 'contact within 24 hours', hours: 24 }
  return { class: 'nurture', label: 'nurture (no sales push yet)', hours: null }
}

export interface AlertContent {
  kind: 'user' | 'account'
  userId: string | null
  anonymousId: string | null
  accountId: string | null
  tier: string
  tierLabel: string
  from: string | null
  score: number
  breakdown: Array<{ label: string; points: number; score: number }>
  reasons: string[]
  topFeatures: Array<{ name: string; count: number }>
  signals: Record<string, number | null>
  moments: Record<string, Record<string, number>>
  crossedAt: string
  sla: Sla
  suggestion: string
  model: string
  /** Account alerts: the rule clause that held and the engaged users. */
  clause?: string | null
  members?: Array<{ userId: string | null; tier: string; score: number; reason: string | null }>
}

const both = (list: string[]) => (list.length > 1 ? list.slice(0, -1).join(', ') + ' and ' + list[list.length - 1] : list[0] ?? '')

/** A first line a salesperson could send, built from what the user actually did. */
export function suggestion(c: Pick<AlertContent, 'kind' | 'sla' | 'reasons' | 'topFeatures' | 'accountId' | 'members'>): string {
  const did = both(c.reasons.slice(0, 2))
  const feature = c.topFeatures[0]?.name
  if (c.kind === 'account') {
    const n = c.members?.length ?? 0
    return `Hi, I noticed ${n} people at ${c.accountId} are actively using the product${did ? ` (one of them ${c.reasons[0]})` : ''}. Would a walkthrough of the team plan help you roll it out?`
  }
  if (c.sla.class === 'hot') return `Hi, I saw you ${did || 'have been busy in the product'}. Do you have 15 minutes today? I can get your team set up on the paid plan${feature ? `, ${feature} included` : ''}.`
  if (c.sla.class === 'pql') return `Hi, I noticed you ${did || 'have been exploring the product'}${feature ? `, mostly with ${feature}` : ''}. Happy to show what the paid plan adds for your team; worth a quick chat this week?`
  return `Send something useful about ${feature ?? 'getting started'}; no sales push yet.`
}

/** "just now", "12 min", "3 h 5 min", "2 days". */
export function since(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000)
  if (min < 1) return 'just now'
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`
  return `${Math.floor(h / 24)} days`
}

/** Slack mrkdwn: &, < and > are control characters. */
const esc = (s: unknown) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s)

export function who(c: AlertContent): string {
  if (c.kind === 'account') return `account ${c.accountId}`
  return `${c.userId ?? 'anonymous ' + c.anonymousId}${c.accountId ? ` (${c.accountId})` : ''}`
}

/** One-line summary, used as Slack's notification text and in logs. */
export function headline(c: AlertContent, now: number): string {
  const ago = since(now - Date.parse(c.crossedAt))
  if (c.kind === 'account') return `Account PQL: ${who(c)}, ${c.clause ?? 'engaged users'}; ${c.sla.label} (flagged ${ago === 'just now' ? ago : ago + ' ago'})`
  return `${c.tierLabel}: ${who(c)} reached ${c.score}${c.from ? ` (from ${c.from})` : ''}; ${c.sla.label} (crossed ${ago === 'just now' ? ago : ago + ' ago'})`
}

/** Slack-compatible incoming-webhook body: {text, blocks}. */
export function slackMessage(c: AlertContent, now: number, inboxUrl?: string): { text: string; blocks: unknown[] } {
  // Slack's limits, counted after escaping (an & is 5 characters): 3000 for a section's text, 2000 for a field.
  const md = (text: string, max = 2900) => ({ type: 'mrkdwn', text: cut(text, max) })
  const field = (text: string) => md(text, 2000)
  const section = (text: string) => ({ type: 'section', text: md(text) })
  const ago = since(now - Date.parse(c.crossedAt))
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${c.kind === 'account' ? 'Account PQL' : c.tierLabel}: ${who(c)}`, 150) } },
    {
      type: 'section',
      fields: [
        field(`*Score*\n${c.score}${c.from ? ` (was ${esc(c.from)})` : ''}`),
        field(`*SLA*\n${esc(c.sla.label)}`),
        field(`*Crossed*\n${ago === 'just now' ? ago : ago + ' ago'}`),
        field(`*Account*\n${esc(c.accountId ?? '(none)')}`),
      ],
    },
  ]
  if (c.reasons.length) blocks.push(section('*Top signals*\n' + c.reasons.slice(0, 5).map((r) => `• ${esc(r)}`).join('\n')))
  if (c.members?.length) blocks.push(section('*Engaged users*\n' + c.members.map((m) => `• ${esc(m.userId ?? '(anonymous)')}: ${esc(m.tier)}, ${m.score}${m.reason ? `, ${esc(m.reason)}` : ''}`).join('\n')))
  if (c.breakdown.length) blocks.push(section('*Breakdown*\n' + c.breakdown.map((d) => `${esc(d.label)} ${d.points}`).join(' · ')))
  if (c.topFeatures.length) blocks.push(section('*Top features*\n' + c.topFeatures.map((f) => `${esc(f.name)} ×${f.count}`).join(', ')))
  blocks.push(section(`*Suggested first message*\n>${esc(c.suggestion)}`))
  blocks.push({ type: 'context', elements: [md(`MomentKit · model ${esc(c.model)}${inboxUrl ? ` · <${inboxUrl}|sales inbox>` : ''}`)] })
  return { text: esc(headline(c, now)), blocks }
}

/** Account alert members from the account recount. */
export const membersOf = (list: AccountMember[]) => list.map((m) => ({ userId: m.user_id, tier: m.tier, score: m.score, reason: m.reasons?.[0] ?? null }))
