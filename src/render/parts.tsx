import { Component } from 'preact'
import { fill } from '../score/reasons'
import type { MomentCopy } from '../trigger/types'
import type { MomentProps } from './types'

const MIN = 60_000
const HOUR = 60 * MIN
export const DAY = 24 * HOUR

/**
 * The call to action: a link when config gave a (pre-checked) URL, so the
 * browser navigates as usual and onCta only records it; else a button for
 * the host callback. Text only.
 */
export function Cta(p: MomentProps) {
  const t = p.copy.cta ?? 'Upgrade'
  return p.href ? (
    <a class="mk-btn mk-primary" href={p.href} onClick={p.onCta}>{t}</a>
  ) : (
    <button type="button" class="mk-primary" onClick={p.onCta}>{t}</button>
  )
}

/**
 * Keeps `--<name>` on the shadow host at `el`'s height, for moments that must sit clear of a fixed
 * sibling (no CSS can measure one). A constructable sheet of the shadow root, not a style attribute:
 * nothing for a strict CSP to refuse. Returns the teardown.
 */
export function measure(el: HTMLElement | null | undefined, name: string): () => void {
  const root = el?.getRootNode() as ShadowRoot | undefined
  if (!el || !root?.adoptedStyleSheets || typeof ResizeObserver !== 'function') return () => {}
  const sheet = new CSSStyleSheet()
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
  const ro = new ResizeObserver(() => sheet.replaceSync(`:host{--${name}:${el.offsetHeight}px}`))
  ro.observe(el)
  return () => {
    ro.disconnect()
    root.adoptedStyleSheets = root.adoptedStyleSheets.filter((x) => x !== sheet)
  }
}

/**
 * Base for moments that show the trial countdown: left() is the time left by
 * the injected clock (null without a trial); it re-renders once a minute,
 * once a second in the last hour, not at all once ended, and clears its
 * interval on unmount. A class, not hooks: preact/hooks would add ~1.8 KB.
 */
export abstract class Ticking<S = object> extends Component<MomentProps, S> {
  t?: ReturnType<typeof setInterval>
  every = 0
  /** A CSS variable that `el` (the moment's box) keeps at its height, for corner moments to sit clear of it (see measure()). */
  measured?: string
  el?: HTMLElement | null
  gone?: () => void
  left(): number | null {
    const p = this.props
    return p.trial ? p.trial.end - p.now() : null
  }
  override componentDidMount(): void {
    this.componentDidUpdate()
    if (this.measured) this.gone = measure(this.el, this.measured)
  }
  override componentDidUpdate(): void {
    const ms = this.left()
    const every = ms === null || ms <= 0 ? 0 : ms <= HOUR ? 1000 : MIN
    if (every === this.every) return
    clearInterval(this.t)
    this.every = every
    if (every) this.t = setInterval(() => this.forceUpdate(), every)
  }
  override componentWillUnmount(): void {
    clearInterval(this.t)
    this.gone?.()
  }
}

/**
 * "3 days left", "5 h 12 min left", "4 min 9 s left", "Trial ended", or the
 * copy's own words (`daysLeft`, `hoursLeft`, `minutesLeft`, `ended`). Days
 * round up, like {{daysLeft}}; over a day that is at least 2, so always plural.
 */
export function leftText(ms: number, c: MomentCopy): string {
  const n = (unit: number, of = 1e9) => Math.floor(ms / unit) % of
  return ms <= 0
    ? c.ended ?? 'Trial ended'
    : fill(ms > DAY ? c.daysLeft ?? '{{days}} days left' : ms > HOUR ? c.hoursLeft ?? '{{hours}} h {{minutes}} min left' : c.minutesLeft ?? '{{minutes}} min {{seconds}} s left', {
        days: Math.ceil(ms / DAY), hours: n(HOUR), minutes: n(MIN, 60), seconds: n(1000, 60),
      })
}
