import { describe, expect, it } from 'vitest'
import { type AlertContent, headline, since, slackMessage, slaFor, suggestion } from '../../src/collector/alerts'
import { defaultTiers } from '../../src/config/presets'
import { alertCrossing } from '../../src/collector/ingest'

const ALERT = ['pql', 'hot']
const NOW = Date.parse('2026-03-15T12:00:00Z')

function content(over: Partial<AlertContent> = {}): AlertContent {
  const sla = slaFor('hot', defaultTiers, ALERT)
  const base = { kind: 'user' as const, sla, accountId: 'acme', reasons: ['invited 2 teammates', 'connected 1 integration', 'used 4 core features in the last 14 days'], topFeatures: [{ name: 'reports', count: 12 }, { name: 'export', count: 4 }] }
  return {
    ...base, userId: 'u-42', anonymousId: 'a-1', tier: 'hot', tierLabel: 'Hot PQL', from: 'pql', score: 86,
    breakdown: [{ label: 'Feature breadth', points: 25, score: 1 }, { label: 'Team expansion', points: 20, score: 1 }],
    signals: { teammates_invited: 2 }, moments: {}, crossedAt: new Date(NOW - 12 * 60_000).toISOString(), suggestion: suggestion(base), model: '1', ...over,
  }
}

describe('SLA class', () => {
  it('hot: within 2 hours; pql: within 24 hours; below: nurture', () => {
    expect(slaFor('hot', defaultTiers, ALERT)).toEqual({ class: 'hot', label: 'contact within 2 hours', hours: 2 })
    expect(slaFor('pql', defaultTiers, ALERT)).toEqual({ class: 'pql', label: 'contact within 24 hours', hours: 24 })
    expect(slaFor('moderate', defaultTiers, ALERT).class).toBe('nurture')
    expect(slaFor('low', defaultTiers, ALERT).class).toBe('nurture')
  })
})

describe('alert content', () => {
  it('suggests a first message from what the user did', () => {
    expect(content().suggestion).toBe('Hi, I saw you invited 2 teammates and connected 1 integration. Do you have 15 minutes today? I can get your team set up on the paid plan, reports included.')
    const pql = { kind: 'user' as const, sla: slaFor('pql', defaultTiers, ALERT), reasons: ['created 3 projects in the last 14 days'], topFeatures: [], accountId: null }
    expect(suggestion(pql)).toBe('Hi, I noticed you created 3 projects in the last 14 days. Happy to show what the paid plan adds for your team; worth a quick chat this week?')
    expect(suggestion({ ...pql, kind: 'account', accountId: 'acme', members: [{ userId: 'a', tier: 'pql', score: 70, reason: null }, { userId: 'b', tier: 'pql', score: 65, reason: null }] })).toMatch(/2 people at acme/)
  })

  it('says time since the crossing in plain words', () => {
    expect([0, 30_000, 12 * 60_000, 3 * 3_600_000 + 5 * 60_000, 5 * 86_400_000].map(since)).toEqual(['just now', 'just now', '12 min', '3 h 5 min', '5 days'])
    expect(headline(content(), NOW)).toBe('Hot PQL: u-42 (acme) reached 86 (from pql); contact within 2 hours (crossed 12 min ago)')
  })

  it('formats a Slack message: text, header, score, SLA, time since, account, signals, breakdown, features, suggestion', () => {
    const m = slackMessage(content(), NOW, 'http://127.0.0.1:8787/inbox')
    expect(m.text).toContain('Hot PQL: u-42')
    const json = JSON.stringify(m.blocks)
    for (const s of ['Hot PQL: u-42 (acme)', '86 (was pql)', 'contact within 2 hours', '12 min ago', 'acme', '• invited 2 teammates', 'Feature breadth 25', 'reports ×12', 'Suggested first message', '<http://127.0.0.1:8787/inbox|sales inbox>']) {
      expect(json).toContain(s)
    }
    expect((m.blocks[0] as { type: string }).type).toBe('header')
  })

  it('escapes Slack control characters in data (no injected links or mentions)', () => {
    const m = slackMessage(content({ reasons: ['<!channel> & <http://evil|click>'], accountId: '<acme>' }), NOW)
    const json = JSON.stringify(m.blocks)
    expect(json).toContain('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;')
    expect(json).not.toContain('<!channel>')
  })

  it('keeps within Slack\'s limits after escaping: a field at most 2000 characters, a section\'s text 3000', () => {
    const m = slackMessage(content({ accountId: '&'.repeat(1000), reasons: ['<'.repeat(1000), '>'.repeat(1000)] }), NOW)
    const blocks = m.blocks as Array<{ fields?: Array<{ text: string }>; text?: { text: string } }>
    const fields = blocks.flatMap((b) => b.fields ?? []).map((f) => f.text.length)
    expect(Math.max(...fields)).toBeLessThanOrEqual(2000)
    expect(Math.max(...blocks.map((b) => b.text?.text.length ?? 0))).toBeLessThanOrEqual(3000)
  })

  it('escapes them in the notification text too (Slack reads mentions there)', () => {
    const m = slackMessage(content({ userId: '<!channel>', accountId: '<http://evil|acme> & co' }), NOW)
    expect(m.text).toContain('&lt;!channel&gt; (&lt;http://evil|acme&gt; &amp; co)')
    expect(m.text).not.toMatch(/<|>/)
  })
})

describe('which crossing alerts', () => {
  const up = (from: string | null, to: string, at: number) => ({ from, to, direction: 'up' as const, score: 0, at })
  const down = (from: string, to: string, at: number) => ({ from, to, direction: 'down' as const, score: 0, at })
  const cases: Array<[string, Parameters<typeof alertCrossing>[0], string, ReturnType<typeof alertCrossing>]> = [
    ['rise into pql', [up('low', 'moderate', 1), up('moderate', 'pql', 2)], 'pql', up('moderate', 'pql', 2)],
    ['rise into hot, then back to pql in one batch: still alerts, from the rise', [up('moderate', 'hot', 1), down('hot', 'pql', 2)], 'pql', up('moderate', 'hot', 1)],
    ['rise and fall below pql: no alert', [up('moderate', 'pql', 1), down('pql', 'moderate', 2)], 'moderate', undefined],
    ['only a fall within alert tiers: no alert', [down('hot', 'pql', 1)], 'pql', undefined],
    ['pql to hot: alerts for hot', [up('pql', 'hot', 3)], 'hot', up('pql', 'hot', 3)],
    ['no changes', [], 'hot', undefined],
  ]
  it.each(cases)('%s', (_name, changes, current, expected) => {
    expect(alertCrossing(changes, current, ALERT)).toEqual(expected)
  })
})
