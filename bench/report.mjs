/**
 * The benchmark report: a table for the terminal and a small self-contained
 * HTML page (inline SVG charts, no scripts, no external resources) from the
 * results bench/run.mjs collects:
 *
 *   { machine: { date, cpu, cores, memoryGB, os, node, chromium, load, commit }, smoke,
 *     modules: { [name]: { status: 'ok' | 'failed' | 'not available' | 'skipped', seconds, error?, rows } } }
 *
 * A row is { module, name, value, unit, p25?, p75?, n?, target?, met?, note?, ... }.
 */

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

/** A number for people: 3 significant digits, thousands separated. */
export function fmt(x) {
  if (x === null || x === undefined) return '-'
  if (typeof x !== 'number') return String(x)
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}

const spread = (r) => (r.p25 !== undefined && r.p25 !== null ? `${fmt(r.p25)}-${fmt(r.p75)}` : '')
const verdict = (r) => (r.met === true ? 'met' : r.met === false ? 'MISSED' : '')

/** Every row of every module, in run order. */
export const allRows = (results) => Object.values(results.modules).flatMap((m) => m.rows ?? [])

/** The terminal table. */
export function table(results) {
  const head = ['benchmark', 'value', 'p25-p75', 'target', '']
  const lines = []
  for (const [name, m] of Object.entries(results.modules)) {
    lines.push([`[${name}] ${m.status}${m.seconds !== undefined ? ` (${fmt(m.seconds)} s)` : ''}${m.error ? ': ' + m.error : ''}`])
    for (const r of m.rows ?? []) lines.push(['  ' + r.name, `${fmt(r.value)} ${r.unit}`, spread(r), r.target ?? '', verdict(r)])
  }
  const w = head.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.length > 1).map((l) => String(l[i]).length)))
  const fmtLine = (l) => (l.length === 1 ? l[0] : l.map((c, i) => (i === 1 ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ').trimEnd())
  const m = results.machine
  return [
    `MomentKit benchmarks${results.smoke ? ' (smoke: small counts, figures not meaningful)' : ''}, ${m.date}`,
    `${m.cpu} x${m.cores}, ${m.memoryGB} GB, ${m.os}; Node ${m.node}, Chromium ${m.chromium}; load ${m.load.join(' ')}${m.loadAfter ? ' -> ' + m.loadAfter.join(' ') : ''}`,
    fmtLine(head),
    fmtLine(w.map((x) => '-'.repeat(x))),
    ...lines.map(fmtLine),
  ].join('\n')
}

// ---------------------------------------------------------------- charts

/**
 * Horizontal bars. items: [{ label, value, lo?, hi?, parts?: [{ value, cls }], cls?, text? }].
 * log: logarithmic scale (for values spanning orders of magnitude).
 */
function bars(title, items, { unit = '', log = false, limit } = {}) {
  items = items.filter((i) => Number.isFinite(i.value) && i.value >= 0)
  if (!items.length) return ''
  const W = 760
  const L = 300
  const R = 170
  const H = 26
  const top = 8
  const height = top + items.length * H + 24
  const max = Math.max(...items.map((i) => Math.max(i.hi ?? i.value, i.value)), limit ?? 0) * 1.05 || 1
  const min = log ? Math.max(Math.min(...items.map((i) => i.value).filter((v) => v > 0)) / 2, 1e-3) : 0
  const x = (v) => L + (W - L - R) * (log ? Math.max(0, Math.log10(Math.max(v, min) / min) / Math.log10(max / min)) : v / max)
  let svg = ''
  items.forEach((it, k) => {
    const y = top + k * H
    svg += `<text x="${L - 8}" y="${y + 16}" text-anchor="end">${esc(it.label)}</text>`
    if (it.parts) {
      let acc = 0
      for (const p of it.parts) {
        svg += `<rect class="${p.cls}" x="${x(acc).toFixed(1)}" y="${y + 4}" width="${Math.max(0, x(acc + p.value) - x(acc)).toFixed(1)}" height="${H - 10}"><title>${esc(p.title ?? '')}</title></rect>`
        acc += p.value
      }
    } else {
      svg += `<rect class="${it.cls ?? 'bar'}" x="${L}" y="${y + 4}" width="${Math.max(1, x(it.value) - L).toFixed(1)}" height="${H - 10}"></rect>`
    }
    if (it.lo !== undefined && it.hi !== undefined && it.lo !== null) {
      svg += `<line class="whisker" x1="${x(it.lo).toFixed(1)}" x2="${x(it.hi).toFixed(1)}" y1="${y + 13}" y2="${y + 13}"></line>`
    }
    svg += `<text x="${(x(it.hi ?? it.value) + 6).toFixed(1)}" y="${y + 16}">${esc(it.text ?? fmt(it.value) + ' ' + unit)}</text>`
  })
  if (limit !== undefined) {
    svg += `<line class="limit" x1="${x(limit).toFixed(1)}" x2="${x(limit).toFixed(1)}" y1="${top}" y2="${top + items.length * H}"></line>`
    svg += `<text class="small" x="${x(limit).toFixed(1)}" y="${top + items.length * H + 16}" text-anchor="middle">target ${esc(fmt(limit) + ' ' + unit)}</text>`
  }
  if (log) svg += `<text class="small" x="${W - R}" y="${top + items.length * H + 16}" text-anchor="end">log scale</text>`
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${esc(title)}">${svg}</svg></figure>`
}

function charts(results) {
  const rows = (m) => results.modules[m]?.rows ?? []
  let out = ''
  const size = rows('size').filter((r) => r.ours)
  const floor = rows('size').find((r) => /floor/.test(r.name))
  if (size.length && floor) {
    out += bars('Size, gzip: dependency floor (grey) + MomentKit itself', size.map((r) => ({
      label: r.name.replace(/ \(.*\)$/, '').replace(/: import .*/, ''), value: r.gzip,
      parts: [{ value: r.gzip - r.ours.gzip, cls: 'floor', title: 'floor' }, { value: r.ours.gzip, cls: 'bar', title: 'ours' }],
      text: `${fmt(r.gzip / 1024)} KB (ours ${fmt(r.ours.gzip / 1024)} KB)`,
    })))
  }
  const rescore = rows('rescore').filter((r) => r.unit === 'µs')
  if (rescore.length) out += bars('Full rescore, score() on the stored aggregates (median, p25-p75)', rescore.map((r) => ({ label: r.name.match(/after ([\d,]+) events/)?.[1] + ' events', value: r.value, lo: r.p25, hi: r.p75 })), { unit: 'µs' })
  const stored = rows('rescore').find((r) => /per user/.test(r.name))
  if (stored) out += bars('Stored state per user in IndexedDB', [{ label: stored.name.replace(/stored state in IndexedDB /, '').replace(/, per user.*/, ''), value: stored.value / 1024, cls: stored.met === false ? 'miss' : 'bar' }], { unit: 'KB', limit: 64 })
  const libs = rows('track').filter((r) => r.unit === 'µs/call all-in')
  const track = libs.filter((r) => Number.isFinite(r.value))
  const crashed = libs.filter((r) => r.crashed).map((r) => r.name)
  if (track.length) out += bars(`track() all-in main-thread cost per call${crashed.length ? ` (crashed the tab: ${crashed.join(', ')})` : ''}`, track.map((r) => ({ label: r.name, value: r.value, cls: /^momentkit/.test(r.name) ? 'bar' : 'other', text: `${fmt(r.value)} µs${r.ratio && r.ratio !== 1 ? ` (${fmt(r.ratio)}x)` : ''}` })), { unit: 'µs', log: true })
  const cross = rows('mainthread').filter((r) => r.unit === 'ms')
  if (cross.length) out += bars('Tier event to moment in the shadow root (median, p25-p75)', cross.map((r) => ({ label: r.name.replace('tier event -> moment on screen, ', ''), value: r.value, lo: r.p25, hi: r.p75 })), { unit: 'ms', limit: 16.7 })
  return out
}

/** The HTML report. */
export function html(results) {
  const m = results.machine
  const body = Object.entries(results.modules)
    .map(([name, mod]) => {
      const head = `<tr class="module"><th colspan="5">${esc(name)} <span class="status ${esc(mod.status.replace(/ /g, '-'))}">${esc(mod.status)}</span>${mod.seconds !== undefined ? ` <span class="small">${fmt(mod.seconds)} s</span>` : ''}${mod.error ? ` <span class="small">${esc(mod.error)}</span>` : ''}</th></tr>`
      const trs = (mod.rows ?? []).map((r) => `<tr><td>${esc(r.name)}${r.note ? `<div class="small">${esc(r.note)}</div>` : ''}</td><td class="num">${esc(fmt(r.value))} ${esc(r.unit)}</td><td class="num">${esc(spread(r))}</td><td>${esc(r.target ?? '')}</td><td>${r.met === undefined || r.met === null ? '' : `<span class="${r.met ? 'met' : 'missed'}">${r.met ? 'met' : 'missed'}</span>`}</td></tr>`)
      return head + trs.join('')
    })
    .join('')
  const targets = allRows(results).filter((r) => r.met === true || r.met === false)
  const met = targets.filter((r) => r.met).length
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MomentKit benchmarks ${esc(m.date.slice(0, 10))}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; padding: 0 1rem; color: #1f2937; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
.small { font-size: 12px; color: #6b7280; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
td, th { border-bottom: 1px solid #e5e7eb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.module th { background: #f3f4f6; }
.met { color: #166534; font-weight: 600; }
.missed { color: #b91c1c; font-weight: 600; }
.status { font-weight: normal; font-size: 12px; padding: 0 .4rem; border-radius: 4px; background: #dcfce7; }
.status.failed, .status.not-available { background: #fee2e2; }
.status.skipped { background: #e5e7eb; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg { max-width: 100%; height: auto; font-size: 12px; }
svg text { fill: #1f2937; }
svg .small { fill: #6b7280; font-size: 11px; }
.bar { fill: #4f46e5; } .floor { fill: #9ca3af; } .other { fill: #f59e0b; } .miss { fill: #dc2626; }
.whisker { stroke: #111827; stroke-width: 2; } .limit { stroke: #dc2626; stroke-dasharray: 4 3; }
</style></head>
<body>
<h1>MomentKit benchmarks${results.smoke ? ' (smoke run)' : ''}</h1>
<p class="small">${esc(m.date)} · ${esc(m.cpu)} × ${m.cores} cores · ${m.memoryGB} GB · ${esc(m.os)} · Node ${esc(m.node)} · Chromium ${esc(m.chromium)} · load average ${esc(m.load.join(' '))}${m.loadAfter ? ' → ' + esc(m.loadAfter.join(' ')) : ''} · commit ${esc(m.commit)}</p>
<p>Targets: <strong>${met} of ${targets.length} met</strong>. Timings are medians (p25-p75 where repeated) on a shared, noisy machine; compare ratios more than absolute figures.${results.smoke ? ' This is a smoke run with small counts: it checks that every benchmark runs, its figures mean little.' : ''}</p>
${charts(results)}
<table>
<thead><tr><th>benchmark</th><th class="num">value</th><th class="num">p25-p75</th><th>target</th><th></th></tr></thead>
<tbody>${body}</tbody>
</table>
</body></html>
`
}
