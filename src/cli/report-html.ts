import { basename } from 'node:path'
import type { Calibration, Evaluation } from './calibrate'
import { fmtInt, pct, times } from './io'
import { cutText, measureText, METHOD, shareOff } from './summary'

/** Escapes text for HTML content and attribute values: event names and ids are user data. */
export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const BLUE = '#4f46e5'
const GREY = '#9ca3af'
const GREEN = '#059669'

/** Grouped bars: conversion rate per score band, proposed vs starting config. */
function bandChart(c: Calibration): string {
  const b = c.bands!
  const W = 680
  const H = 260
  const L = 44
  const B = 36
  const max = Math.max(0.05, ...b.proposed.map((x) => x.rate), ...b.start.map((x) => x.rate))
  const y = (v: number) => H - B - (v / max) * (H - B - 16)
  const bw = (W - L - 10) / b.proposed.length
  const bars = b.proposed.map((p, i) => {
    const s = b.start[i]
    const x = L + i * bw
    const bar = (v: number, n: number, k: number, color: string, who: string) =>
      `<rect x="${(x + 4 + k * (bw / 2 - 4)).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw / 2 - 6).toFixed(1)}" height="${(H - B - y(v)).toFixed(1)}" fill="${color}"><title>${who}, scores ${p.from}-${p.to}: ${pct(v)} of ${fmtInt(n)} users converted</title></rect>`
    return bar(p.rate, p.users, 0, BLUE, 'proposed') + bar(s.rate, s.users, 1, GREY, 'starting config') + `<text x="${(x + bw / 2).toFixed(1)}" y="${H - B + 14}" text-anchor="middle">${p.from}-${p.to}</text><text x="${(x + bw / 2).toFixed(1)}" y="${H - B + 27}" text-anchor="middle" class="n">${fmtInt(p.users)}</text>`
  })
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<line x1="${L}" x2="${W - 6}" y1="${y(f * max)}" y2="${y(f * max)}" class="grid"/><text x="${L - 6}" y="${y(f * max) + 4}" text-anchor="end">${pct(f * max, 0)}</text>`)
  const base = c.input.baseRate
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Conversion rate by score band"><g class="ax">${ticks.join('')}</g>${bars.join('')}<line x1="${L}" x2="${W - 6}" y1="${y(base)}" y2="${y(base)}" stroke="${GREEN}" stroke-dasharray="5 4"/><text x="${W - 8}" y="${y(base) - 4}" text-anchor="end" fill="${GREEN}">base rate ${pct(base)}</text></svg>
<p class="legend"><span style="background:${BLUE}"></span>proposed <span style="background:${GREY}"></span>starting config · under each score band: users in it with the proposed model (hover a bar for both)</p>`
}

/** Precision, recall and share flagged for every PQL minimum, with the chosen one marked. */
function tradeoffChart(c: Calibration): string {
  const t = c.tradeoff!
  const W = 680
  const H = 260
  const L = 44
  const B = 30
  const x = (m: number) => L + ((m - 1) / 99) * (W - L - 10)
  const y = (v: number) => H - B - v * (H - B - 12)
  const line = (key: 'precision' | 'recall' | 'share', color: string) => `<polyline fill="none" stroke="${color}" stroke-width="2" points="${t.map((p) => `${x(p.min).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')}"/>`
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<line x1="${L}" x2="${W - 6}" y1="${y(f)}" y2="${y(f)}" class="grid"/><text x="${L - 6}" y="${y(f) + 4}" text-anchor="end">${pct(f, 0)}</text>`)
  const xt = [1, 20, 40, 60, 80, 100].map((m) => `<text x="${x(m)}" y="${H - B + 16}" text-anchor="middle">${m}</text>`)
  const chosen = t[c.pql.min - 1]
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Threshold trade-off"><g class="ax">${ticks.join('')}${xt.join('')}</g>${line('precision', BLUE)}${line('recall', GREEN)}${line('share', GREY)}<line x1="${x(c.pql.min)}" x2="${x(c.pql.min)}" y1="8" y2="${H - B}" stroke="#111" stroke-dasharray="3 3"/><text x="${x(c.pql.min) + (c.pql.min > 50 ? -4 : 4)}" y="18" text-anchor="${c.pql.min > 50 ? 'end' : 'start'}">PQL min ${c.pql.min}: ${pct(chosen.share)} flagged, precision ${pct(chosen.precision)}, recall ${pct(chosen.recall)}</text></svg>
<p class="legend"><span style="background:${BLUE}"></span>precision <span style="background:${GREEN}"></span>recall <span style="background:${GREY}"></span>share of users flagged · x: PQL tier minimum score</p>`
}

/** The lift interval on a log scale from 1/8x to 16x, 1x marked. */
function ciBar(lo: number, hi: number, lift: number): string {
  const X = (v: number) => ((Math.log2(Math.min(16, Math.max(0.125, v))) + 3) / 7) * 140
  return `<svg viewBox="0 0 140 14" class="ci" aria-hidden="true"><line x1="${X(1)}" x2="${X(1)}" y1="0" y2="14" stroke="#d1d5db"/><line x1="${X(lo)}" x2="${X(hi)}" y1="7" y2="7" stroke="${lo > 1 ? BLUE : GREY}" stroke-width="3"/><circle cx="${X(lift)}" cy="7" r="3" fill="#111"/></svg>`
}

function evalRows(e: Evaluation): string {
  const cols = [e.proposed, e.start, e.startRepicked]
  const row = (label: string, f: (m: typeof e.proposed) => string) => `<tr><th>${label}</th>${cols.map((m) => `<td>${f(m)}</td>`).join('')}</tr>`
  return [
    row('share of users flagged', (m) => pct(m.share)),
    row('precision (conversion rate of flagged)', (m) => `${pct(m.precision)} <small>(${pct(m.precisionCI[0], 0)}-${pct(m.precisionCI[1], 0)})</small>`),
    row('recall (share of converters flagged)', (m) => pct(m.recall)),
    row(`lift over the base rate (${pct(e.proposed.baseRate)})`, (m) => times(m.lift)),
    row('median days crossed before converting', (m) => (m.medianDaysBefore === null ? '-' : `${m.medianDaysBefore.toFixed(1)} <small>(n=${m.daysN})</small>`)),
    row('AUC', (m) => m.auc.toFixed(3)),
  ].join('')
}

/** A self-contained HTML report: no scripts, no external assets; opens offline. */
export function reportHtml(c: Calibration): string {
  const i = c.input
  const picked = new Map(c.picks.map((p) => [p.id, p]))
  const e = c.test ?? c.train
  const rows = c.signals.map((s, k) => {
    const st = s.stats
    const p = picked.get(s.cand.id)
    return `<tr${p ? ' class="pick"' : ''}><td>${k + 1}</td><td><b>${esc(s.cand.id)}</b><br><small>${esc(measureText(s))} · ${s.cand.source}</small></td><td>${esc(cutText(s))}</td>` +
      (st ? `<td>${pct(st.p1)} <small>${fmtInt(st.a)}/${fmtInt(st.n1)}</small></td><td>${pct(st.p0)} <small>${fmtInt(st.c)}/${fmtInt(st.n0)}</small></td><td>${times(st.lift)}</td><td>${times(st.lo)}-${times(st.hi)} ${ciBar(st.lo, st.hi, st.lift)}</td><td>${st.chi2.toFixed(1)}</td>` : '<td colspan="6">-</td>') +
      `<td>${fmtInt(s.users)}</td><td>${p ? `★ ${p.points} pts (${esc(p.dimension)})` : esc(s.flag ?? '')}</td></tr>`
  })
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>MomentKit calibration report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#111;max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #f0f0f0;vertical-align:top}
td{font-variant-numeric:tabular-nums}td:nth-child(n+3){white-space:nowrap}small{color:#6b7280}tr.pick{background:#eef2ff}.warn{color:#b45309;font-weight:600}
svg{max-width:100%;font-size:11px}svg .grid{stroke:#f0f0f0}svg .ax text{fill:#6b7280}svg .n{fill:#9ca3af}.ci{width:140px;height:14px;vertical-align:middle}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}pre{background:#f9fafb;padding:1rem;overflow:auto}
</style></head><body>
<h1>MomentKit calibration report</h1>
<p>${esc(basename(i.events))}: ${fmtInt(i.accepted)} events of ${fmtInt(i.users)} users with labels (${fmtInt(i.converters)} converted, base rate ${pct(i.baseRate)}). Observed at the ${esc(c.observation)}. ${fmtInt(c.split.train)} users fit the model, ${fmtInt(c.split.test)} were held out to evaluate it.</p>
${c.problems.total ? `<h2>Input problems</h2><ul>${c.problems.lines().map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}
${c.notes.length ? `<h2>Notes</h2><ul>${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${c.config && e ? `<h2>Before and after: the PQL tier on ${c.test ? 'held-out' : 'fit (in-sample)'} users</h2>
<p>Tiers: ${c.tiers.map((t) => `${esc(t.name)} from ${t.min}`).join(', ')}. The ${esc(c.pql.name)} tier holds ${pct(c.pql.trainShare)} of fit users (asked ${pct(c.pql.target)})${shareOff(c) ? ' <span class="warn">off target: the scores are too coarse to cut closer</span>' : ''}.</p>
<table><tr><th></th><th>proposed</th><th>starting config</th><th>starting config, cut at ${e.startRepicked.min} for the same share</th></tr>${evalRows(e)}</table>
<h2>Conversion rate by score band</h2>${bandChart(c)}
<h2>Threshold trade-off (proposed model)</h2>${tradeoffChart(c)}` : '<p class="warn">No model proposed.</p>'}
<h2>Signals, ranked by lift (low end of its 95% interval)</h2>
<p>Hit rates among converters and others at each signal's cut, on fit users. Lift = converters' rate / others' rate, with a 95% interval (Katz); the bar shows it on a log scale, 1x marked. Rows marked ★ are in the proposed model.</p>
<table><tr><th>#</th><th>signal</th><th>cut</th><th>converters</th><th>others</th><th>lift</th><th>95% CI</th><th>χ²</th><th>users</th><th></th></tr>${rows.join('')}</table>
<h2>Method</h2><p>${esc(METHOD)}.</p>
${c.config ? `<h2>Proposed config</h2><pre>${esc(JSON.stringify(c.config, null, 2))}</pre>` : ''}
</body></html>
`
}
