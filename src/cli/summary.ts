import { basename } from 'node:path'
import type { SignalStat } from './analyze'
import type { Calibration, Evaluation } from './calibrate'
import { fmtInt, pct, times } from './io'

export const METHOD =
  'usable signals: at least --min-users users each side of the cut, lift interval above 1, and chi-square past a Bonferroni bar (alpha 0.05 over every cut of every signal tried); ' +
  'ranking: usable signals first, by the low end of the lift interval; ' +
  'thresholds: per signal, the cut with the largest chi-square among cuts converters pass more often than others; ' +
  'selection: greedy forward selection by AUC among the usable signals (3 to 5 signals, stop when AUC gains < 0.005); ' +
  'weights: ln(odds ratio) at the cut (naive-Bayes points), scaled to 100 points, binary credit'

/** "≥ 2", "≤ 3 days": how a signal is hit. */
export function cutText(s: SignalStat): string {
  if (s.threshold === null) return '-'
  const t = +s.threshold.toFixed(2)
  return `${s.cand.lower ? '≤' : '≥'} ${t}`
}

/** Plain description of a candidate's measure. */
export function measureText(s: SignalStat): string {
  const g = s.cand.signal as unknown as Record<string, unknown>
  const w = g.window as { last?: number; trial?: number[] } | undefined
  const win = w ? (w.last ? `, last ${w.last} days` : `, trial days ${w.trial![0]}-${w.trial![1]}`) : ''
  const ev = g.event ? ` ${g.event}` : ''
  const where = g.where ? ' ' + JSON.stringify(g.where) : ''
  const of = g.of ? ` of ${typeof g.of === 'string' ? g.of : (g.of as { event: string }).event}` : ''
  return `${g.type}${ev}${where}${g.prop ? ' by ' + g.prop : ''}${of}${win}`
}

export function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()
}

function signalTable(c: Calibration, top: number): string[] {
  const picked = new Map(c.picks.map((p) => [p.id, p.points]))
  const w = [3, 26, 7, 16, 16, 6, 11, 0]
  const rows = [pad(['#', 'signal', 'cut', 'converters', 'others', 'lift', '95% CI', ''], w)]
  c.signals.slice(0, top).forEach((s, i) => {
    const st = s.stats
    const mark = picked.has(s.cand.id) ? `★ ${picked.get(s.cand.id)} pts` : s.flag ? `(${s.flag})` : ''
    rows.push(pad([String(i + 1), s.cand.id.slice(0, 26), cutText(s), st ? `${pct(st.p1)} (${fmtInt(st.a)})` : '-', st ? `${pct(st.p0)} (${fmtInt(st.c)})` : '-', st ? times(st.lift) : '-', st ? `${times(st.lo)}-${times(st.hi)}` : '-', mark], w))
  })
  if (c.signals.length > top) rows.push(`  ... ${c.signals.length - top} more in the report`)
  return rows
}

function evalTable(e: Evaluation, users: number, label: string): string[] {
  const w = [44, 0, 12, 16, 18]
  const cols = [e.proposed, e.start, e.startRepicked]
  const days = (m: typeof e.proposed) => (m.medianDaysBefore === null ? '-' : `${m.medianDaysBefore.toFixed(1)} (n=${m.daysN})`)
  return [
    pad([`PQL tier, ${label} (${fmtInt(users)} users)`, '', 'proposed', 'starting config', `start, re-cut ≥${e.startRepicked.min}`], w),
    pad(['  share flagged', '', ...cols.map((m) => pct(m.share))], w),
    pad(['  precision (conversion rate of flagged)', '', ...cols.map((m) => pct(m.precision))], w),
    pad(['  recall (converters flagged)', '', ...cols.map((m) => pct(m.recall))], w),
    pad([`  lift over base rate ${pct(e.proposed.baseRate)}`, '', ...cols.map((m) => times(m.lift))], w),
    pad(['  median days crossed before converting', '', ...cols.map(days)], w),
    pad(['  AUC', '', ...cols.map((m) => m.auc.toFixed(3))], w),
  ]
}

/** Off-target PQL share (coarse scores): more than a quarter away from the share asked for. */
export const shareOff = (c: Calibration): boolean => Math.abs(c.pql.trainShare - c.pql.target) > c.pql.target / 4

/** The terminal summary of a calibration run. */
export function summary(c: Calibration, written: string[], top = 15): string {
  const i = c.input
  const out = [
    'MomentKit calibration',
    `  input     ${basename(i.events)}: ${fmtInt(i.accepted)} events used of ${fmtInt(i.lines)} lines; ${basename(i.labels)}: ${fmtInt(i.labelled)} labelled users`,
    `  users     ${fmtInt(i.users)} with events, ${fmtInt(i.converters)} converted (base rate ${pct(i.baseRate)})`,
    `  observed  ${c.observation}`,
    `  split     ${fmtInt(c.split.train)} users to fit, ${fmtInt(c.split.test)} held out to evaluate; ${i.candidates} candidate signals`,
  ]
  if (c.problems.total) out.push('', `Input problems (${fmtInt(c.problems.total)})`, ...c.problems.lines().map((l) => '  ' + l))
  if (c.notes.length) out.push('', 'Notes', ...c.notes.map((n) => '  - ' + n))
  out.push('', 'Signals ranked by lift, low end of its 95% interval (fit users; hit rates of converters vs others at the cut)', ...signalTable(c, top))
  if (c.config) {
    const dims = (c.config.model?.dimensions ?? {}) as Record<string, { label?: string; weight: number; signals: string[] }>
    out.push('', `Proposed model: ${c.picks.length} signals, AUC ${c.auc.map((a) => a.toFixed(3)).join(' → ')} on fit users`)
    for (const [id, d] of Object.entries(dims)) out.push(`  ${(d.label ?? id).padEnd(20)} ${String(d.weight).padStart(3)} pts  ${d.signals.map((s) => `${s} ${cutText(c.signals.find((x) => x.cand.id === s)!)}`).join(', ')}`)
    out.push(`  method: ${METHOD}`)
    out.push('', `Tiers  ${c.tiers.map((t) => `${t.name} ${t.min}`).join(' · ')}  (the ${c.pql.name} tier holds ${pct(c.pql.trainShare)} of fit users; asked ${pct(c.pql.target)}${shareOff(c) ? ': OFF TARGET, scores are too coarse to cut closer' : ''})`)
    if (c.test) out.push('', ...evalTable(c.test, c.split.test, 'held-out users'))
    else if (c.train) out.push('', ...evalTable(c.train, c.split.train, 'fit users, IN-SAMPLE'))
    if (c.mismatches) out.push('', `WARNING: ${c.mismatches} users' replayed scores differ from the analysis (please report this)`)
  }
  if (written.length) out.push('', 'Wrote ' + written.join(', '))
  return out.join('\n') + '\n'
}
