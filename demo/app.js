/*
 * Acme Projects demo: sends events through the public script-tag API and
 * draws what MomentKit knows. It only uses what a customer's page can use:
 * `window.momentkit` (the queue stub until the bundle loads, then the SDK),
 * its events ('ready', 'score', 'tier') and `explain()`.
 *
 * Always reach the SDK through `window.momentkit` at call time: the bundle
 * replaces the stub when it loads.
 */
;(function () {
  'use strict'

  const DAY = 86_400_000
  const MAX_LOG = 8
  const $ = (id) => document.getElementById(id)
  const sdk = () => window.momentkit
  const loaded = () => typeof sdk().explain === 'function'

  /** The config the SDK was started with, for tier labels and criteria (filled in by loadConfig). */
  let config = { model: {} }

  // ---------- small DOM helpers (text only, never HTML) ----------

  function el(tag, attrs, children) {
    const node = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue
      if (k === 'text') node.textContent = v
      else if (k === 'class') node.className = v
      else node.setAttribute(k, String(v))
    }
    for (const child of [].concat(children || [])) if (child) node.append(child)
    return node
  }

  function fill(list, items, emptyText) {
    list.replaceChildren(...items)
    if (!items.length && emptyText) list.append(el('li', { class: 'empty', text: emptyText }))
  }

  const humanise = (id) => id.replace(/[_\-.]+/g, ' ').trim()
  const fmt = (n) => (Math.round(n * 10) / 10).toString()
  const clock = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
  const isoDay = (t) => {
    const d = new Date(t)
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  }

  const tiers = () => config.model.tiers || []
  const tierLabel = (name) => (tiers().find((t) => t.name === name) || {}).label || name
  const signalLabel = (id) => ((config.model.signals || {})[id] || {}).label || humanise(id)

  // ---------- the live panel ----------

  function render() {
    if (!loaded()) return
    const x = sdk().explain()
    if (!x) return
    if (x.problems) {
      $('status').textContent = 'MomentKit is inert: the config is invalid (' + x.problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ') + ')'
      $('status').dataset.state = 'error'
      return
    }
    $('status').textContent = x.ready ? `Ready · model ${x.modelVersion} · storage: ${x.storage === 'idb' ? 'IndexedDB' : 'memory'}` : 'Loading the stored state…'
    $('status').dataset.state = x.ready ? 'ready' : 'loading'

    renderIdentity(x)
    renderScore(x)
    renderBreakdown(x)
    fill($('reasons'), x.reasons.map((r) => el('li', { text: r })), 'No signals yet: try the actions on the left.')
    fill($('features'), x.topFeatures.map((f) => el('li', {}, [el('span', { text: humanise(f.name) }), el('span', { class: 'count', text: `×${f.count}` })])), 'No features used yet.')
    renderCriteria(x)
  }

  function renderIdentity(x) {
    $('who').textContent = x.user.userId ? `Signed in as ${x.user.userId}${x.user.accountId ? ' · ' + x.user.accountId : ''}` : 'Anonymous visitor'
    const end = x.trial.end
    const badge = $('trial-badge')
    if (end === null) {
      badge.textContent = 'Free trial'
      delete badge.dataset.state
    } else {
      const left = Math.ceil((end - Date.now()) / DAY)
      badge.textContent = left > 0 ? `Trial: ${left} ${left === 1 ? 'day' : 'days'} left` : 'Trial ended'
      badge.dataset.state = left <= 3 ? 'ending' : 'active'
    }
  }

  function renderScore(x) {
    const score = x.score
    $('score').textContent = score === null ? '–' : String(score)
    $('score-meter').value = score ?? 0
    const tier = $('tier')
    tier.textContent = x.tier ? tierLabel(x.tier) : 'no tier yet'
    tier.dataset.tier = x.tier || ''
    const next = score === null ? null : tiers().find((t) => t.min > score)
    $('next-tier').textContent =
      score === null ? '' : next ? `Next tier: ${next.label || next.name} at ${next.min} (${next.min - score} points to go).` : 'Top tier reached.'
  }

  function renderBreakdown(x) {
    const items = x.breakdown.map((d) => {
      const max = d.weight * 100
      const detail = d.signals.map((s) => `${signalLabel(s.id)} ${s.value === null ? '–' : s.value}`).join(' · ')
      return el('li', {}, [
        el('div', { class: 'row' }, [
          el('span', { class: 'dim-label', id: `dim-${d.id}`, text: d.label }),
          el('span', { class: 'pts', text: `${fmt(d.points)} / ${fmt(max)} pts` }),
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
        const met = s ? s.met : false
        return el('li', { class: met ? 'met' : 'missing' }, [
          el('span', { class: 'mark', 'aria-hidden': 'true', text: met ? '✓' : '○' }),
          el('span', { text: `${signalLabel(sid)}: ${s && s.value !== null ? s.value : 0}` }),
          el('span', { class: 'visually-hidden', text: met ? ' (met)' : ' (not yet)' }),
        ])
      })
      return el('li', { class: c.met ? 'criterion met' : 'criterion' }, [
        el('div', { class: 'row' }, [
          el('span', { text: c.label }),
          el('span', { class: 'pill', text: c.met ? `met → at least ${tierLabel(c.tier)}` : 'not yet' }),
        ]),
        el('ul', { class: 'criterion-signals' }, parts),
      ])
    })
    fill($('criteria'), items, 'No criteria in this config.')

    const intent = []
    const pricing = x.signals.pricing_viewed
    const limits = x.signals.limit_hit
    if (pricing && pricing.value) intent.push('viewed pricing')
    if (limits && limits.value) intent.push(`hit a free-tier limit ${limits.value}× this week`)
    $('intent').textContent = intent.length ? intent.join(', ') : 'nothing yet'
  }

  function onTier(e) {
    const label = e.from ? `${tierLabel(e.from)} → ${tierLabel(e.to)}` : `Entered ${tierLabel(e.to)}`
    const item = el('li', { class: `tier-change ${e.direction}` }, [
      el('div', { class: 'row' }, [el('strong', { text: label }), el('time', { datetime: new Date(e.at).toISOString(), text: clock(e.at) })]),
      el('p', { class: 'hint', text: `score ${e.score}${e.reasons.length ? ' · ' + e.reasons.slice(0, 3).join('; ') : ''}` }),
    ])
    const log = $('tier-log')
    log.prepend(item)
    while (log.children.length > MAX_LOG) log.lastElementChild.remove()
    $('tier-log-empty').hidden = true
    const badge = $('tier')
    badge.classList.remove('changed')
    void badge.offsetWidth // restart the highlight animation
    badge.classList.add('changed')
  }

  // ---------- the "app": actions that send events ----------

  let projects = 0

  function logEvent(text, detail) {
    const log = $('event-log')
    log.prepend(el('li', {}, [el('code', { text }), detail ? el('span', { class: 'detail', text: detail }) : null, el('time', { text: clock(Date.now()) })]))
    while (log.children.length > MAX_LOG) log.lastElementChild.remove()
    $('event-log-empty').hidden = true
  }

  function track(name, props) {
    sdk().track(name, props)
    logEvent(name, props && Object.keys(props).length ? JSON.stringify(props) : '')
  }

  const propsFor = {
    project_created: () => ({ project: `Project ${++projects}` }),
    feature_used: (btn) => ({ feature: btn.dataset.feature }),
    teammate_invited: () => ({ role: 'member' }),
    integration_connected: () => ({ integration: $('integration').value }),
    data_imported: () => ({ source: 'csv' }),
    limit_reached: () => ({ limit: 'projects' }),
  }

  document.addEventListener('click', (event) => {
    const btn = event.target instanceof Element ? event.target.closest('button[data-track]') : null
    if (!btn) return
    const name = btn.dataset.track
    track(name, propsFor[name] ? propsFor[name](btn) : undefined)
    if (name === 'project_created') $('projects-hint').textContent = `${projects} ${projects === 1 ? 'project' : 'projects'} created in this session.`
  })

  $('identify-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const userId = $('user-id').value.trim()
    if (!userId) return $('user-id').focus()
    const traits = { accountId: $('account-id').value.trim() || undefined, trialStart: $('trial-start').value, trialEnd: $('trial-end').value, plan: 'trial' }
    sdk().identify(userId, traits)
    logEvent(`identify("${userId}")`, traits.accountId ? `account ${traits.accountId}, trial ${traits.trialStart} → ${traits.trialEnd}` : '')
  })

  $('reset').addEventListener('click', () => {
    sdk().reset()
    projects = 0
    $('projects-hint').textContent = 'No projects yet.'
    logEvent('reset()', 'new anonymous user, fresh state')
  })

  // ---------- start ----------

  const today = Date.now()
  $('trial-start').value = isoDay(today)
  $('trial-end').value = isoDay(today + 14 * DAY)

  // Queued through the stub if the bundle has not loaded yet; replayed in order once it has.
  sdk().on('ready', render)
  sdk().on('score', render)
  sdk().on('tier', onTier)

  // The panel reads labels and criteria from the same file the SDK loads.
  fetch('/momentkit.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((c) => (config = c && c.model ? c : config))
    .catch((e) => console.warn('demo: could not read /momentkit.json for labels', e))
    .then(render)

  // If nothing has answered after a few seconds, say so instead of "Loading…" forever.
  setTimeout(() => {
    if (loaded() && sdk().explain() && sdk().explain().ready) return
    if (!loaded()) $('status').textContent = 'MomentKit has not loaded: is dist/ built? (npm run build)'
    else if (!sdk().explain()) $('status').textContent = 'MomentKit could not load its config: see the console.'
    else return render()
    $('status').dataset.state = 'error'
  }, 4000)
})()
