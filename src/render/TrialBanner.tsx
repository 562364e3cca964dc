import { Cta, DAY, leftText, Ticking } from './parts'
import type { MomentProps } from './types'

/**
 * A slim bar on the bottom edge (top with a top-* position). It overlays
 * rather than pushes the page, so it stays one row on wide screens. Urgency
 * (low > 3 days, medium, high < 1 day, ended) drives colour and weight.
 * Corner moments (.mk-c: widget, nudge) that follow it in the layer on the
 * same edge sit clear of it: the banner measures itself (ResizeObserver) into
 * --mk-bh on the layer, as no CSS can measure a fixed sibling.
 */
export const trialBannerCss = `
.mk-bar{position:fixed;z-index:1000;left:0;right:0;bottom:0;display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px;padding:8px 8px 8px 16px;background:var(--mk-background);border-top:1px solid var(--mk-border);box-shadow:0 -2px 12px #0002;font-size:14px}
.mk-bar.mk-top{bottom:auto;top:0;border-width:0 0 1px}
.mk-bar[data-urgency=high]{border-color:#b91c1c}
.mk-bar.mk-eng{border-left:6px solid var(--mk-accent)}
.mk-bar .mk-bt{flex:1 1 240px;margin:0}
.mk-bar .mk-title{font-size:15px;margin:0 8px 0 0}
.mk-bar .mk-body{margin:0}
.mk-cd{order:-1;white-space:nowrap;padding:3px 10px;border-radius:99px;border:1px solid var(--mk-border);font-weight:500}
[data-urgency=medium] .mk-cd{background:var(--mk-accent);color:var(--mk-accent-text);border-color:transparent;font-weight:600}
[data-urgency=high] .mk-cd,[data-urgency=ended] .mk-cd{background:#b91c1c;color:#fff;border-color:transparent;font-weight:700}
.mk .mk-x{background:none;color:var(--mk-muted);font-size:20px;line-height:1;padding:6px 10px}
.mk-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.mk-c{--mk-o:16px;position:fixed;z-index:1000;bottom:var(--mk-o);right:16px}
.mk-c.mk-left{right:auto;left:16px}
.mk-bar:not(.mk-top)~.mk-c:not(.mk-top),.mk-bar.mk-top~.mk-c.mk-top{--mk-o:calc(var(--mk-bh,56px) + 16px)}
@media (max-width:600px){.mk-bar .mk-bt{order:-2;flex-basis:100%}.mk-bar .mk-x{margin-left:-8px}}
`

class Banner extends Ticking {
  /** [coarse state, what the live region says] */
  said = ['', '']
  override measured = 'mk-bh'
  override render(p: MomentProps) {
    const ms = this.left()
    const text = ms === null ? '' : leftText(ms, p.copy)
    const u = ms === null || ms > 3 * DAY ? 'low' : ms <= 0 ? 'ended' : ms <= DAY ? 'high' : 'medium'
    // Screen readers: the visible countdown is plain text (read when the user
    // gets to it), never live, or it would speak every minute (every second in
    // the last hour). A hidden polite region speaks only when the coarse state
    // changes: the day count, entering the last day, the end. Nothing is said
    // on first render: the banner is a labelled region the user can find.
    const coarse = u === 'high' ? u : text
    if (this.said[0] !== coarse) this.said = [coarse, this.said[0] ? text : '']
    return (
      <div
        ref={(e) => {
          this.el = e
        }}
        class={`mk-bar mk-anim${p.position?.startsWith('top') ? ' mk-top' : ''}${p.engaged ? ' mk-eng' : ''}`} role="region" aria-label={p.copy.title} data-urgency={u} dir="auto" lang={p.lang}>
        <p class="mk-bt">
          <strong class="mk-title">{p.copy.title}</strong>
          {p.copy.body && <span class="mk-body">{p.copy.body}</span>}
        </p>
        {text && <span class="mk-cd">{text}</span>}
        <span class="mk-sr" aria-live="polite">{this.said[1]}</span>
        <Cta {...p} />
        <button type="button" class="mk-x" aria-label={p.copy.dismiss ?? 'Dismiss'} onClick={p.onDismiss}>×</button>
      </div>
    )
  }
}

export const TrialBanner = (p: MomentProps) => <Banner {...p} />
