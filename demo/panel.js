/*
 * The live MomentKit panel: everything here comes from the public API a
 * customer's page has: explain(), and the 'ready', 'score', 'tier' and
 * 'moment' events.
 */
import { $, DAY, clock, el, fill, humanise, loaded, plural, sdk } from './dom.js'

const MAX_LOG = 12
const fmt = (n) => (Math.round(n * 10) / 10).toString()

/** The JSON config the SDK was started with: signal labels and criteria definitions (see start()). */
let config = { model: {} }
let tiers = []

const tierLabel = (name) => (tiers.find((t) => t.name === name) || {}).label || name
const signalLabel = (id) => ((config.model.signals || {})[id] || {}).label || humanise(id)

export function render() {
  if (!loaded()) return
  const x = sdk().explain()
  if (!x) return
  if (x.problems) {
    $('status').textContent = 'MomentKit is inert: the config is invalid (' + x.problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ') + ')'
    $('status').dataset.state = 'error'
    return
  }
  tiers = x.tiers.length ? x.tiers : tiers
  if (x.consent && x.consent !== 'granted') {
    $('status').textContent = x.consent === 'denied' ? 'Opted out: nothing is tracked, stored or sent, and no moment shows' : 'Waiting for consent (optIn())'
    $('status').dataset.state = 'loading'
  } else $('status').textContent = x.ready ? `Ready · model ${x.modelVersion} · storage: ${x.storage === 'idb' ? 'IndexedDB' : 'memory'}` : 'Loading the stored state…'
  if (!x.consent || x.consent === 'granted') $('status').dataset.state = x.ready ? 'ready' : 'loading'
  renderIdentity(x)
  renderDelivery(x.delivery)
  renderScore(x)
  renderBreakdown(x)
  fill($('reasons'), x.reasons.map((r) => el('li', { text: r })), 'No signals yet: try the app on the left.')
  fill($('features'), x.topFeatures.map((f) => el('li', {}, [el('span', { text: humanise(f.name) }), el('span', { class: 'count', text: `×${f.count}` })])), 'No features used yet.')
  renderCriteria(x)
}

function renderIdentity(x) {
  $('who').textContent = x.user.userId ? `Signed in as ${x.user.userId}${x.user.accountId ? ' · ' + x.user.accountId : ''}` : 'Not signed in (anonymous)'
  const end = x.trial.end
  const badge = $('trial-badge')
  if (end === null) {
    badge.textContent = 'Free trial'
    delete badge.dataset.state
    return
  }
  const left = Math.ceil((end - Date.now()) / DAY)
  badge.textContent = left > 0 ? `Trial: ${plural(left, 'day')} left` : 'Trial ended'
  badge.dataset.state = left <= 3 ? 'ending' : 'active'
}

function renderDelivery(d) {
  const line = $('delivery')
  if (!d) {
    line.textContent = 'Delivery: no endpoint configured'
    line.dataset.state = ''
    return
  }
  const parts = [`${d.sent} sent`, `${d.queued} queued`]
  if (d.dropped) parts.push(`${d.dropped} dropped`)
  if (d.rolledUp) parts.push(`${d.rolledUp} rolled up`)
  if (d.retries) parts.push(plural(d.retries, 'retry', 'retries'))
  const failing = d.lastError && d.queued > 0
  line.textContent = `Delivery: ${parts.join(' · ')}${failing ? ` · last error: ${d.lastError}` : ''}`
  line.dataset.state = failing ? 'error' : d.sent ? 'ready' : ''
}

function renderScore(x) {
  const score = x.score
  $('score').textContent = score === null ? '–' : String(score)
  $('score-meter').value = score ?? 0
  const tier = $('tier')
  tier.textContent = x.tier ? tierLabel(x.tier) : 'no tier yet'
  tier.dataset.tier = x.tier || ''
  const next = score === null ? null : x.tiers.find((t) => t.min > score)
  $('next-tier').textContent =
    score === null ? '' : next ? `Next tier: ${next.label} at ${next.min} (${next.min - score} points to go).` : 'Top tier reached.'
}

function renderBreakdown(x) {
  const items = x.breakdown.map((d) => {
    const detail = d.signals.map((s) => `${signalLabel(s.id)} ${s.value === null ? '–' : s.value}`).join(' · ')
    return el('li', {}, [
      el('div', { class: 'row' }, [
        el('span', { class: 'dim-label', id: `dim-${d.id}`, text: d.label }),
        el('span', { class: 'pts', text: `${fmt(d.points)} / ${fmt(d.weight * 100)} pts` }),
      ]),
      el('meter', { min: 0, max: 1, low: 0.34, high: 0.67, optimum: 1, value: d.score, 'aria-labelledby': `dim-${d.id}`, 'aria-valuetext': `${Math.round(d.score * 100)}%` }),
      el('p', { class: 'signals', text: detail }),
    ])
  })
  fill($('breakdown'), items, 'Waiting for the first score…')
}

function renderCriteria(x) {
  const defs = config.model.criteria || []
  const items = x.criteria.map((c) => {
    const all = (defs.find((d) => d.id === c.id) || {}).all || c.missing
    const parts = all.map((sid) => {
      const s = x.signals[sid]
      const met = !!(s && s.met)
      return el('li', { class: met ? 'met' : 'missing' }, [
        el('span', { class: 'mark', 'aria-hidden': 'true', text: met ? '✓' : '○' }),
        el('span', { text: `${signalLabel(sid)}: ${s && s.value !== null ? s.value : 0}` }),
        el('span', { class: 'visually-hidden', text: met ? ' (met)' : ' (not yet)' }),
      ])
    })
    return el('li', { class: c.met ? 'criterion met' : 'criterion' }, [
      el('div', { class: 'row' }, [el('span', { text: c.label }), el('span', { class: 'pill', text: c.met ? `met → at least ${tierLabel(c.tier)}` : 'not yet' })]),
      el('ul', { class: 'criterion-signals' }, parts),
    ])
  })
  fill($('criteria'), items, 'No criteria in this config.')

  const s = x.signals
  const intent = []
  if (s.paid_feature?.value) intent.push('tried a paid feature')
  if (s.pricing_viewed?.value) intent.push('viewed pricing')
  if (s.limit_hit?.value) intent.push(`hit a free-tier limit ${s.limit_hit.value}× this week`)
  $('intent').textContent = intent.length ? intent.join(', ') : 'nothing yet'
}

/** Adds an entry at the top of the "Tier changes and moments" log. */
function logItem(cls, title, at, detail) {
  const item = el('li', { class: cls }, [
    el('div', { class: 'row' }, [el('strong', { text: title }), el('time', { datetime: new Date(at).toISOString(), text: clock(at) })]),
    el('p', { class: 'hint', text: detail }),
  ])
  const log = $('tier-log')
  log.prepend(item)
  while (log.children.length > MAX_LOG) log.lastElementChild.remove()
  $('tier-log-empty').hidden = true
}

const KINDS = { upgrade: 'Upgrade prompt', gate: 'Blocked-feature gate', trial: 'Trial banner', widget: 'Widget', nudge: 'Nudge' }
const OUTCOMES = { shown: 'shown', clicked: 'clicked', dismissed: 'dismissed', held_out: 'held out (control group)', converted: 'converted' }

/** A moment event (shown, clicked, dismissed...): logged with the tier changes that lead to most of them. */
function onMoment(e) {
  logItem('tier-change moment', `${KINDS[e.kind] || e.kind} ${OUTCOMES[e.outcome] || e.outcome}`, e.at, `moment "${e.id}" in momentkit.json`)
}

/** A tier event: logged, and the tier badge flashes. */
function onTier(e) {
  const label = e.from ? `${tierLabel(e.from)} → ${tierLabel(e.to)}` : `Entered ${tierLabel(e.to)}`
  logItem(`tier-change ${e.direction}`, label, e.at, `score ${e.score}${e.reasons.length ? ' · ' + e.reasons.slice(0, 3).join('; ') : ''}`)
  const badge = $('tier')
  badge.classList.remove('changed')
  void badge.offsetWidth // restart the highlight animation
  badge.classList.add('changed')
}

/** Subscribes to the SDK (queued by the snippet until the bundle loads) and keeps the panel fresh. */
export function start() {
  sdk().on('ready', render)
  sdk().on('score', render)
  sdk().on('tier', onTier)
  sdk().on('moment', onMoment)
  // Delivery counters change without a score event.
  setInterval(render, 1000)

  fetch('/momentkit.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((c) => (config = c && c.model ? c : config))
    .catch((e) => console.warn('demo: could not read /momentkit.json for labels', e))
    .then(render)

  // If nothing has answered after a few seconds, say so instead of "Loading…" forever.
  setTimeout(() => {
    if (loaded() && (sdk().explain()?.ready || sdk().explain()?.consent === 'denied')) return
    $('status').textContent = !loaded() ? 'MomentKit has not loaded: is dist/ built? (npm run build)' : 'MomentKit could not start: see the console.'
    $('status').dataset.state = 'error'
  }, 4000)
}
