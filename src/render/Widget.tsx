import { Cta, leftText, Ticking } from './parts'
import type { MomentProps } from './types'

/**
 * A corner badge (a disclosure button) opening a small panel. For bottom
 * corners the panel opens above the badge (column-reverse), keeping the
 * DOM and Tab order badge -> panel. It measures itself into --mk-wh, so a
 * nudge in the same corner sits clear of the panel too (see Nudge.tsx).
 */
export const widgetCss = `
.mk-w{display:flex;flex-direction:column-reverse;align-items:flex-end;gap:8px;max-width:min(320px,calc(100vw - 32px))}
.mk-w.mk-top{top:var(--mk-o);bottom:auto;flex-direction:column}
.mk-w.mk-left{align-items:flex-start}
.mk .mk-wb{max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:13px;padding:7px 14px;border-radius:99px;background:var(--mk-background);color:var(--mk-text);border-color:var(--mk-border);box-shadow:0 2px 10px #0002}
.mk-wd{font-weight:400;color:var(--mk-muted)}
.mk-wd::before{content:" · "}
.mk-wp{padding:14px 16px;background:var(--mk-background);border:1px solid var(--mk-border);border-radius:var(--mk-radius);box-shadow:0 6px 24px #0003}
.mk-wp[hidden]{display:none}
`

/**
 * The badge shows the copy title (the default copy is "{{plan}} plan", so
 * config can word and localise it) and the days left while a trial runs.
 */
class W extends Ticking<{ open?: boolean }> {
  b?: HTMLButtonElement | null
  override measured = 'mk-wh'
  override render(p: MomentProps) {
    const open = !!this.state.open
    const ms = this.left()
    const pos = p.position ?? ''
    return (
      <div
        ref={(e) => {
          this.el = e
        }}
        dir="auto"
        lang={p.lang}
        class={`mk-w mk-c${pos.startsWith('top') ? ' mk-top' : ''}${pos.endsWith('left') ? ' mk-left' : ''}`}
        onKeyDown={(e) => {
          if (e.key !== 'Escape' || !open) return
          // Ours to handle: neither the host's own Esc handlers nor the browser's close request (a host
          // popover or dialog open at the same time) should also act on it.
          e.stopPropagation()
          e.preventDefault()
          this.setState({ open: false })
          this.b?.focus()
        }}
      >
        <button
          type="button"
          ref={(b) => {
            this.b = b
          }}
          id="mk-wb"
          class="mk-wb"
          aria-expanded={open}
          aria-controls="mk-wp"
          onClick={() => this.setState({ open: !open })}
        >
          {p.copy.title}
          {ms !== null && ms > 0 && <span class="mk-wd">{leftText(ms, p.copy)}</span>}
        </button>
        <div id="mk-wp" class="mk-wp mk-anim" role="region" aria-labelledby="mk-wb" hidden={!open}>
          {p.copy.body && <p class="mk-body">{p.copy.body}</p>}
          <div class="mk-actions">
            <button type="button" class="mk-secondary" onClick={p.onDismiss}>{p.copy.dismiss ?? 'Dismiss'}</button>
            <Cta {...p} />
          </div>
        </div>
      </div>
    )
  }
}

export const Widget = (p: MomentProps) => <W {...p} />
