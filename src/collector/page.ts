/**
 * The sales inbox as server-rendered HTML: no external assets, no inline
 * script or style (served under a strict CSP; /inbox.css and /inbox.js are
 * files), every value escaped.
 */
import type { Tier } from '../config/types'
import { since } from './alerts'
import type { Inbox, InboxUser } from './inbox'

const ENT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENT[c])
/** Class-name fragment from data: letters, digits, "-" and "_" only. */
const cls = (v: string) => v.replace(/[^\w-]/g, '_')

function ago(iso: string | null, now: number): string {
  if (!iso) return 'unknown'
  const s = since(now - Date.parse(iso))
  return s === 'just now' ? s : s + ' ago'
}

/** A small score-history line (0-100) with the tier boundaries dashed; inline SVG, no script. */
export function chart(history: InboxUser['history'], tiers: readonly Tier[], w = 180, h = 44): string {
  const y = (score: number) => (h - 2 - (score / 100) * (h - 4)).toFixed(1)
  const lines = tiers.filter((t) => t.min > 0).map((t) => `<line class="bound" x1="0" x2="${w}" y1="${y(t.min)}" y2="${y(t.min)}"/>`).join('')
  if (!history.length) return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="No score history yet">${lines}</svg>`
  const t0 = Date.parse(history[0].at)
  const span = Date.parse(history[history.length - 1].at) - t0 || 1
  const pts = history.map((p, i) => [history.length === 1 ? w - 3 : 3 + ((Date.parse(p.at) - t0) / span) * (w - 6), y(p.score)] as const)
  const [lx, ly] = pts[pts.length - 1]
  const label = `Score history: ${history.map((p) => p.score).join(', ')}`
  return (
    `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${lines}` +
    `<polyline class="line" points="${pts.map(([x, yy]) => `${x.toFixed(1)},${yy}`).join(' ')}"/>` +
    `<circle class="dot" cx="${lx.toFixed(1)}" cy="${ly}" r="2.5"/></svg>`
  )
}

function userCard(u: InboxUser, tiers: readonly Tier[], now: number): string {
  const name = u.userId ?? `anonymous ${u.anonymousId}`
  const features = u.topFeatures.map((f) => `${esc(f.name)} ×${esc(f.count)}`).join(', ')
  const moments = Object.entries(u.moments).map(([id, c]) => `${esc(id)}: ${Object.entries(c).map(([k, n]) => `${esc(k)} ${esc(n)}`).join(', ')}`).join('; ')
  const client = u.client.score === null ? '' : `<p class="client${u.client.mismatch ? ' warn' : ''}">Client reported ${esc(u.client.score)} (${esc(u.client.tier)}${u.client.model ? `, model ${esc(u.client.model)}` : ''})${u.client.diff !== null ? `; difference ${esc(u.client.diff)}` : ''}${u.client.mismatch ? ` — disagrees with the server (${esc(u.score)}, ${esc(u.tier)})` : ''}${u.client.partial ? '; some events were rolled up by the SDK' : ''}</p>`
  return `<article class="card tier-${cls(u.tier)}">
<header><h3>${esc(name)}</h3><span class="badge">${esc(u.tierLabel)}</span><span class="score" title="server score">${esc(u.score)}</span></header>
<p class="sla sla-${u.sla.class}${u.sla.overdue ? ' overdue' : ''}">${esc(u.sla.label)} · ${u.previousTier ? `crossed ${esc(ago(u.crossedAt, now))} from ${esc(u.previousTier)}` : `in this tier since ${esc(ago(u.crossedAt, now))}`}${u.sla.overdue ? ' · <strong>overdue</strong>' : ''}</p>
<p class="meta">Account: ${esc(u.accountId ?? '(none)')} · last seen ${esc(ago(u.lastSeen, now))}</p>
${u.reasons.length ? `<ul class="reasons">${u.reasons.slice(0, 5).map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}
${features ? `<p class="features">Top features: ${features}</p>` : ''}
${chart(u.history, tiers)}
${u.breakdown.length ? `<details><summary>Breakdown</summary><table><tbody>${u.breakdown.map((d) => `<tr><th scope="row">${esc(d.label)}</th><td>${esc(d.points)} pts</td></tr>`).join('')}</tbody></table></details>` : ''}
${moments ? `<p class="meta">Moments: ${moments}</p>` : ''}
${client}
</article>`
}

const table = (head: string[], rows: string[][], empty: string) =>
  rows.length
    ? `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : `<p class="empty">${esc(empty)}</p>`

export function renderInbox(d: Inbox, now: number): string {
  const accounts = table(
    ['Account', 'Users', 'By tier', 'Top score', 'Why', 'SLA', 'Flagged'],
    d.accounts.map((a) => [esc(a.accountId), esc(a.users), esc(Object.entries(a.tiers).map(([t, n]) => `${t} ${n}`).join(', ')), esc(a.topScore), esc(a.rule), `<span class="sla sla-${a.sla.class}">${esc(a.sla.label)}</span>`, esc(ago(a.flaggedAt, now))]),
    'No account is flagged yet.',
  )
  const deliveries = table(
    ['Alert', 'Subject', 'Tier', 'Status', 'Attempts', 'Last error', 'Next try'],
    d.deliveries.map((a) => [esc(`#${a.id} ${a.kind}`), esc(a.subject), esc(a.tier), `<span class="status status-${cls(a.status)}">${esc(a.status)}</span>`, esc(a.attempts), esc(a.lastError ?? ''), esc(a.nextAt ? new Date(a.nextAt).toISOString().slice(11, 19) + ' UTC' : '')]),
    'No alerts yet.',
  )
  // Rates among the users shown it; held-out users are the control group, their conversion rate the baseline for lift.
  const rate = (n: number, of: number) => esc(of ? `${n} (${Math.round((n / of) * 100)}%)` : n)
  const moments = table(
    ['Moment', 'Variation', 'Shown', 'Clicked', 'Dismissed', 'Converted', 'Held out', 'Held out, converted'],
    d.moments.map((m) => {
      const u = m.users
      return [esc(m.moment), esc(m.variation ?? ''), esc(u.shown), rate(u.clicked, u.shown), rate(u.dismissed, u.shown), rate(u.converted, u.shown), esc(u.heldOut), rate(u.heldOutConverted, u.heldOut)]
    }),
    'No moment outcome yet.',
  )
  const c = d.counts
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sales inbox · MomentKit</title>
<link rel="stylesheet" href="/inbox.css">
<script src="/inbox.js" defer></script>
</head>
<body>
<header class="top"><h1>Sales inbox</h1><p class="meta" id="summary">Updated ${esc(new Date(now).toISOString().slice(11, 19))} UTC · ${esc(c.messages)} messages · ${esc(c.users)} users · ${esc(c.alerts)} alerts${c.failing ? ` · <strong class="warn">${esc(c.failing)} failing deliveries</strong>` : ''}</p></header>
<main id="inbox">
<section aria-labelledby="h-users"><h2 id="h-users">Hot and PQL users <small>freshest first</small></h2>
${d.users.length ? `<div class="cards">${d.users.map((u) => userCard(u, d.tiers, now)).join('\n')}</div>` : '<p class="empty">No PQL yet. Users appear here the moment their score crosses the PQL threshold.</p>'}
</section>
<section aria-labelledby="h-accounts"><h2 id="h-accounts">Flagged accounts</h2>${accounts}</section>
${d.mismatches.length ? `<section aria-labelledby="h-mismatch"><h2 id="h-mismatch">Score disagreements <small>client vs server</small></h2><div class="cards">${d.mismatches.map((u) => userCard(u, d.tiers, now)).join('\n')}</div></section>` : ''}
<section aria-labelledby="h-moments"><h2 id="h-moments">Moments <small>users with each outcome; rates of those shown</small></h2>${moments}</section>
<section aria-labelledby="h-deliveries"><h2 id="h-deliveries">Alert deliveries</h2>${deliveries}</section>
</main>
</body>
</html>
`
}
