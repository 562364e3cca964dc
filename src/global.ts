/**
 * Script-tag entry. The snippet defines `window.momentkit` as a queue of
 * calls; this bundle replays them in order and then serves calls directly.
 * Calls made before `init` (or before a config URL has loaded) wait in a
 * bounded buffer and run right after it.
 *
 *   <script>!function(w,k){if(w[k])return;var q=[],m=w[k]={q:q};["init","track","identify","reset","on","flush","destroy","preview","action","optIn","optOut"].forEach(function(f){m[f]=function(){q.push([f,arguments])}})}(window,"momentkit")</script>
 *   <script async src="momentkit.iife.js" data-config="/momentkit.json"></script>
 *
 * `data-config` is a URL of the JSON config, or the JSON itself. `data-namespace` names the
 * namespace of an optIn()/optOut() made while that config cannot be had (the URL fails, or the JSON
 * does not parse); without it, the default one.
 */
import type { Instance } from './api'
import { init, namespaceOf } from './init'
import { consentOnly } from './consent'
import { createLogger } from './log'
import { cleanProps } from './track/event'
import { $breakdown, $result, $score, $tier } from './state'

/** A method, its arguments, and for a buffered on(), what to do with its unsubscribe function once replayed. */
type Call = [string, ArrayLike<unknown>, ((out: unknown) => void)?]
const NAME = 'momentkit'
const MAX_BUFFER = 1000
const log = createLogger(() => false)
const w = window as unknown as Record<string, { q?: Call[] } | undefined>
const stub = w[NAME]

let instance: Instance | null = null
/** The instance destroy() ended: a consent choice made after it still counts (remembered, and an opt-out deletes). */
let ended: Instance | null = null
let buffer: Call[] = []
/** After destroy(), calls are ignored (not buffered) until the next init(). */
let stopped = false
/** The data-config URL is loading: its init() is on the way, so destroy() and flush() wait for it too. */
let loading = false
/** The config named on the script tag could not be had: until an init(), consent choices are kept by this. */
let failed: ReturnType<typeof consentOnly> | null = null
const methods = ['track', 'identify', 'reset', 'on', 'flush', 'destroy', 'preview', 'action', 'optIn', 'optOut'] as const

function call(method: string, args: ArrayLike<unknown>): unknown {
  try {
    if (method === 'init') {
      instance = init(args[0])
      stopped = false
      loading = false
      failed = null
      const waiting = buffer
      buffer = []
      waiting.forEach(([m, a, done]) => {
        const out = call(m, a)
        done?.(out)
      })
      return instance
    }
    if (!(methods as readonly string[]).includes(method)) return log.warn(`momentkit.${method}() does not exist`)
    if (!instance) {
      const consent = method === 'optOut' || method === 'optIn' ? method : null
      // Nothing to destroy or flush unless a config is on its way; once stopped, the SDK stays off until init().
      if (stopped && ended && consent) return ended[consent]()
      // The config could not be had: the person's choice is kept now (and replayed if an init() comes).
      const kept = consent && failed ? failed[consent]() : undefined
      if (stopped || (!loading && (method === 'destroy' || method === 'flush'))) return kept
      if (buffer.length >= MAX_BUFFER) return log.warn(`more than ${MAX_BUFFER} calls before init(); later ones are dropped`)
      const entry: Call = [method, method === 'track' ? asOfNow(args) : args]
      buffer.push(entry)
      if (method !== 'on') return kept
      // on() answers its unsubscribe function now: it takes the listener out of the buffer, or off the instance once replayed.
      let off: unknown
      entry[2] = (out) => (off = out)
      return () => {
        buffer = buffer.filter((c) => c !== entry)
        if (typeof off === 'function') off()
      }
    }
    const out = (instance[method as (typeof methods)[number]] as (...a: unknown[]) => unknown)(...Array.from(args))
    if (method === 'destroy') (ended = instance), (instance = null), (stopped = true)
    return out
  } catch (e) {
    log.error(`momentkit.${method}() failed`, e)
  }
}

/**
 * A track() call kept for init(): as it is now, not as the host leaves it. Its props are copied (an
 * object reused and changed between calls would otherwise be recorded as last changed), and it is
 * dated now, not when init() comes. Props track() would refuse are kept as given: it warns about them then.
 */
function asOfNow(args: ArrayLike<unknown>): unknown[] {
  const a = Array.from(args)
  // A getter that throws: call() catches it, and the call is dropped with an error, as track() would.
  a[1] = cleanProps(a[1]).props ?? a[1]
  a[2] = { at: Date.now(), ...(a[2] as object) }
  return a
}

const api: Record<string, unknown> = {
  init: (config: unknown) => call('init', [config]),
  explain: () => instance?.explain() ?? null,
  // gate() needs an answer now: before init nothing is known, so nothing is blocked.
  gate: (feature: string) => (instance ? instance.gate(feature) : true),
  $score, $tier, $breakdown, $result,
}
for (const m of methods) api[m] = (...args: unknown[]) => call(m, args)
// README: on() returns the unsubscribe function, also when the call is ignored (after destroy) or fails.
api.on = (...args: unknown[]) => {
  const off = call('on', args)
  return typeof off === 'function' ? off : () => {}
}
// The hot path (a page may track thousands of events in a row): straight to a running instance.
api.track = function (name: unknown, props: unknown, options: unknown) {
  if (!instance) return void call('track', arguments)
  try {
    ;(instance.track as (...a: unknown[]) => void)(name, props, options)
  } catch (e) {
    log.error('momentkit.track() failed', e)
  }
}

/**
 * The config cannot be had, so MomentKit cannot start; a consent choice still must not be lost (an
 * opt-out forgotten would let the next page track the person). The choices made so far are kept, in
 * call order, under data-namespace or the default namespace; later ones are kept as they are made.
 */
function fail(script: HTMLScriptElement | null | undefined): void {
  const named = script?.getAttribute('data-namespace')
  const ns = namespaceOf({ namespace: named })
  if (named && named !== ns) log.warn(`data-namespace "${named.slice(0, 80)}" is not a valid namespace; using "${ns}"`)
  failed = consentOnly(ns, log)
  for (const [m] of buffer) if (m === 'optOut' || m === 'optIn') void failed[m]()
  // A destroy() made while it loaded stands: the next init() starts without it.
  if (buffer.some(([m]) => m === 'destroy')) (buffer = []), (stopped = true)
}

function configFromScript(): void {
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-config]')
  const source = script?.getAttribute('data-config')?.trim()
  if (!source) return
  if (source.startsWith('{')) {
    try {
      return void call('init', [JSON.parse(source)])
    } catch (e) {
      log.error('data-config is not valid JSON; MomentKit stays inert', e)
      return fail(script)
    }
  }
  loading = true
  fetch(source, { credentials: 'same-origin' })
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`)
      return r.json()
    })
    .then(
      (config) => call('init', [config]),
      (e) => {
        loading = false
        log.error(`could not load the config from ${source}; MomentKit stays inert`, e)
        fail(script)
      },
    )
}

try {
  if (stub && typeof stub === 'object' && 'explain' in stub && !('q' in stub)) {
    log.warn('the MomentKit bundle was loaded twice; keeping the first')
  } else {
    const queued = Array.isArray(stub?.q) ? stub.q : []
    w[NAME] = api
    configFromScript()
    queued.forEach(([m, a]) => call(m, a))
  }
} catch (e) {
  log.error('could not start', e)
}
