import { Component } from 'preact'
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
 * Base for moments that show the trial countdown: left() is the time left by
 * the injected clock (null without a trial); it re-renders once a minute,
 * once a second in the last hour, not at all once ended, and clears its
 * interval on unmount. A class, not hooks: preact/hooks would add ~1.8 KB.
 */
export abstract class Ticking<S = object> extends Component<MomentProps, S> {
  t?: ReturnType<typeof setInterval>
  every = 0
  left(): number | null {
    const p = this.props
    return p.trial ? p.trial.end - p.now() : null
  }
  override componentDidMount(): void {
    this.componentDidUpdate()
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
  }
}

/** "3 days left", "5 h 12 min left", "4 min 9 s left", "Trial ended". Days round up, like {{daysLeft}}. */
export function leftText(ms: number): string {
  if (ms <= 0) return 'Trial ended'
  const m = Math.floor(ms / MIN) % 60
  // Over a day rounds up to at least 2, so always "days".
  return (ms > DAY ? `${Math.ceil(ms / DAY)} days` : ms > HOUR ? `${Math.floor(ms / HOUR)} h ${m} min` : `${m} min ${Math.floor(ms / 1000) % 60} s`) + ' left'
}
