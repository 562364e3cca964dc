import { resolveConfig } from './config/validate'
import { ConfigError } from './config/validate'
import type { CoreDeps, Instance } from './api'
import { consentOnly, withConsent } from './consent'
import { ID, isObj } from './config/rules'
import { createInstance } from './core'
import type { Explanation } from './explain'
import { createLogger } from './log'

let current: { key: string; instance: Instance } | null = null
const log = createLogger(() => false)

/**
 * The npm API with every method caught: odd input (a props object whose
 * getter throws, a Proxy) or an SDK bug is logged once and the call dropped,
 * never thrown into the host page. A failed gate() answers true: a MomentKit
 * fault must not lock a user out of a feature they may have paid for.
 */
function guard(instance: Instance, fallback: Instance): Instance {
  // Read at each access: optIn() swaps what the instance runs (consent.ts).
  const safe = Object.defineProperty({}, 'ready', { get: () => instance.ready.catch(() => {}), enumerable: true }) as Instance
  for (const k of Object.keys(instance) as Array<keyof Instance>) {
    if (k === 'ready' || typeof instance[k] !== 'function') continue
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    // Made once per method, not per call: track() may be called thousands of times in a row.
    const failed = (e: unknown) => {
      log.warn(`${k}() failed and was dropped: ${e instanceof Error ? e.message : String(e)}`)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (fallback[k] as any)()
    }
    if (k === 'track') {
      // The hot one: no argument array, no promise check.
      safe.track = (name, props, options) => {
        try {
          instance.track(name, props, options)
        } catch (e) {
          failed(e)
        }
      }
      continue
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    ;(safe as any)[k] = (...args: unknown[]) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const r = (instance[k] as any).apply(instance, args)
        return r instanceof Promise ? r.catch(failed) : r
      } catch (e) {
        return failed(e)
      }
    }
  }
  return safe
}

/**
 * The namespace a config that cannot start names, if valid (or the default): an optIn()/optOut() made on its
 * inert instance is kept there, so the page whose config does start honours it.
 */
export function namespaceOf(config: unknown): string {
  try {
    if (isObj(config) && typeof config.namespace === 'string' && ID.test(config.namespace)) return config.namespace
  } catch {
    // A getter that throws: the default.
  }
  return 'momentkit'
}

function inert(problems: Explanation['problems'], namespace?: string): Instance {
  const explanation: Explanation = {
    ready: false, score: null, tier: null, tiers: [], tierSince: null, tiersEntered: {}, breakdown: [], reasons: [], topFeatures: [],
    criteria: [], signals: {}, user: { userId: null, accountId: null, anonymousId: '' }, trial: { start: null, end: null },
    modelVersion: '', storage: 'memory', ...(problems?.length ? { problems } : {}),
  }
  const noop = () => {}
  const consent = namespace ? consentOnly(namespace, log) : { optIn: noop, optOut: async () => {} }
  return {
    track: noop, identify: noop, reset: noop, destroy: async () => {}, explain: () => explanation, on: () => noop, flush: async () => {},
    ready: Promise.resolve(), gate: () => true, preview: () => false, action: noop, ...consent,
  }
}

/**
 * Starts MomentKit with a JSON config and returns the instance. Calling it
 * again with the same config returns the same instance; with a different
 * config it replaces the running one. An invalid config logs every problem
 * with its JSON path and returns an inert instance, or, while an instance
 * runs, refuses the new config and returns the running one: nothing throws.
 *
 * @example
 * import { init } from 'momentkit'
 * const mk = init({ model: { preset: 'five-dimension' } })
 * mk.identify('user-42', { accountId: 'acme', trialEnd: '2026-12-01' })
 * mk.track('project_created')
 * mk.on('tier', (e) => console.log(e.from, '->', e.to, e.reasons))
 */
export function init(config: unknown = {}, deps?: CoreDeps): Instance {
  try {
    let key: string
    try {
      key = JSON.stringify(config) ?? ''
    } catch {
      key = String(Math.random())
    }
    if (current && current.key === key) return current.instance
    // Every object is then a thenable: promises resolved with one never settle, so nothing would work.
    if ('then' in Object.prototype) {
      log.error('Object.prototype.then is defined by another script, so promises resolved with objects never settle; MomentKit stays inert')
      return inert([{ path: '', message: 'Object.prototype.then is defined' }], namespaceOf(config))
    }
    const resolved = resolveConfig(config)
    if (!resolved.ok) {
      const message = new ConfigError(resolved.errors).message
      // A bad update must not orphan the running instance: it keeps working, and destroy() still reaches it.
      if (current) {
        log.error(message + '\nThe new config was refused: MomentKit keeps running with the config it had.')
        return current.instance
      }
      log.error(message + '\nMomentKit stays inert until the config is fixed.')
      return inert(resolved.errors, namespaceOf(config))
    }
    // The running instance recorded this page view: its replacement does not count it again.
    const replaces = !!current
    if (current) {
      log.warn('init() called again with a different config: replacing the running instance')
      void current.instance.destroy()
    }
    const c = resolved.config
    const logger = deps?.log ?? createLogger(() => c.debug)
    const instance = guard(withConsent(c, deps ?? {}, logger, (after) => createInstance(c, deps, replaces, after), inert([])), inert([]))
    const destroy = instance.destroy
    instance.destroy = () => {
      if (current?.instance === instance) current = null
      return destroy()
    }
    current = { key, instance }
    return instance
  } catch (e) {
    log.error('init() failed; MomentKit stays inert', e)
    return inert([{ path: '', message: String(e) }], namespaceOf(config))
  }
}
