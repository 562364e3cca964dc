import { Component } from 'preact'
import { Cta } from './parts'
import type { MomentProps } from './types'

/**
 * A toast in a corner (bottom unless a top-* position), kept clear of a widget on the same edge that follows it,
 * badge and open panel (:has() and the widget's --mk-wh; without :has(), the two may overlap). Full width on phones.
 */
export const nudgeCss = `
.mk-n{width:340px;max-width:calc(100vw - 32px);padding:14px 16px;background:var(--mk-background);border:1px solid var(--mk-border);border-left:4px solid var(--mk-accent);border-radius:var(--mk-radius);box-shadow:0 6px 24px #0003}
.mk-n.mk-top{top:var(--mk-o);bottom:auto}
.mk-n:not(.mk-top):has(~.mk-w:not(.mk-top)){bottom:calc(var(--mk-o) + var(--mk-wh,36px) + 8px)}
.mk-n.mk-top:has(~.mk-w.mk-top){top:calc(var(--mk-o) + var(--mk-wh,36px) + 8px)}
.mk-n .mk-title{font-size:16px}
`

/** No timer closes it (WCAG 2.2.1): it stays until the user acts or it is replaced. */
class N extends Component<MomentProps, { on?: boolean }> {
  // A polite status region is announced when its content changes; most
  // screen readers skip one inserted already filled. So the text comes just
  // after mount, and only the text (not the buttons) is what changes.
  override componentDidMount(): void {
    setTimeout(() => this.setState({ on: true }), 50)
  }
  override render(p: MomentProps) {
    const on = this.state.on
    return (
      <div class={`mk-n mk-c mk-anim${p.position?.startsWith('top') ? ' mk-top' : ''}${p.position?.endsWith('left') ? ' mk-left' : ''}`} role="status" dir="auto" lang={p.lang}>
        {on && <p class="mk-title">{p.copy.title}</p>}
        {on && p.copy.body && <p class="mk-body">{p.copy.body}</p>}
        <div class="mk-actions">
          <button type="button" class="mk-secondary" onClick={p.onDismiss}>{p.copy.dismiss ?? 'Dismiss'}</button>
          <Cta {...p} />
        </div>
      </div>
    )
  }
}

export const Nudge = (p: MomentProps) => <N {...p} />
