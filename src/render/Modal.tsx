import { Component } from 'preact'
import { Cta } from './parts'
import type { MomentProps } from './types'

/**
 * The one panel the upgrade prompt and the gate share: close button, title,
 * body, "not now" and the CTA, either as a modal <dialog> (WAI-ARIA dialog
 * pattern) or as a non-modal corner panel. A class component rather than
 * hooks, so preact/hooks stays out of the bundle.
 *
 * IDs are fixed: they are scoped to the shadow root, and only the one
 * transient moment renders a Pane. The slide-in is a corner item (mk-c,
 * mk-top, mk-left) like the nudge and widget, so it stands clear of the
 * trial banner (--mk-o) and of a bottom widget.
 */
export const modalCss = `
.mk-pane{overscroll-behavior:contain;position:fixed;width:min(440px,100vw - 32px);max-height:calc(100vh - 32px);overflow:auto;padding:24px;background:var(--mk-background);color:var(--mk-text);border:1px solid var(--mk-border);border-radius:var(--mk-radius);box-shadow:0 12px 40px rgb(0 0 0/.3)}
.mk-pane:focus{outline:0}
.mk-modal::backdrop{background:rgb(12 14 20/.55)}
.mk-slide{inset:auto 16px var(--mk-o,16px) auto;margin:0;width:min(360px,100vw - 32px)}
.mk-slide.mk-top{top:var(--mk-o,16px);bottom:auto}
.mk-slide.mk-left{left:16px;right:auto}
.mk-slide:not(.mk-top):has(~.mk-w:not(.mk-top)){bottom:calc(var(--mk-o,16px) + 52px)}
.mk-pane .mk-title{padding-right:32px}
.mk-pane .mk-x{position:absolute;top:8px;right:8px}
.mk-pane .mk-x:hover{color:var(--mk-text)}
`

type PaneProps = MomentProps & { modal?: boolean }

const HOLD = ['wheel', 'touchmove']

/** The focused element, through shadow roots (a host web component, or our own widget). */
function focused(): HTMLElement | null {
  let a = document.activeElement
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement
  return a as HTMLElement | null
}

/**
 * Where focus goes back: the element focused before, or, when the page replaced it meanwhile (an
 * SPA re-render), the one now in its place: same id, or the same gate button. Else the browser's
 * default (the page).
 */
function opener(f: HTMLElement | null): HTMLElement | null {
  if (!f || f.isConnected) return f
  const g = f.getAttribute('data-momentkit-gate')
  return (f.id && document.getElementById(f.id)) || (g !== null && document.querySelector<HTMLElement>(`[data-momentkit-gate="${CSS.escape(g)}"]`)) || null
}

export class Pane extends Component<PaneProps> {
  /** The panel element. */
  declare e: HTMLDialogElement | null
  /** Focused before we opened: focus goes back there. */
  declare f: HTMLElement | null
  /** Dismissed or unmounting: a later `cancel`/`close` (e.g. the one our own close() queues) is not another dismissal. */
  declare g: boolean
  /**
   * A slide-in in the top layer. Not while a modal (the host's <dialog>) is open:
   * over it, the slide-in would be inert and cover the host's content; it waits
   * under it, at the corner moments' z-index, as the page does.
   */
  declare t: boolean

  /**
   * Wheel and touchmove on the document while a modal is open (this is the
   * listener object). The page behind a modal keeps its place: a wheel or swipe over the backdrop
   * or over a dialog too short to scroll goes nowhere (a taller one scrolls
   * itself; overscroll-behavior keeps that from chaining to the page). On the
   * document while open, because the compositor scrolls the page without
   * asking listeners on the dialog when the pointer is over its ::backdrop.
   * No host style is touched.
   */
  handleEvent(ev: Event) {
    const e = this.e
    if (e && ev.composedPath().includes(e) && e.scrollHeight <= e.clientHeight) ev.preventDefault()
  }

  override componentDidMount() {
    const e = this.e!
    this.f = focused()
    if (this.props.modal) {
      // Top layer and the rest of the page inert: no z-index, no focus leaking to the page.
      e.showModal()
      // The action, not the close button showModal would pick first.
      e.querySelector<HTMLElement>('.mk-primary')!.focus()
      for (const t of HOLD) document.addEventListener(t, this, { passive: false })
    } else if (this.t) e.showPopover() // top layer (not without popover support: then position:fixed, z-index as the corner moments)
  }

  override componentWillUnmount() {
    const e = this.e!
    this.g = true
    // A modal always gives focus back; a slide-in only if the user had moved into it.
    const back = this.props.modal || e.matches(':focus-within')
    if (this.props.modal) e.close()
    for (const t of HOLD) document.removeEventListener(t, this)
    if (back) opener(this.f)?.focus()
  }

  render(p: PaneProps) {
    // Browsers with popovers all know :modal (a modal <dialog> or a fullscreen element is open).
    this.t ??= !p.modal && !!document.documentElement.showPopover && !document.querySelector(':modal')
    const body = p.copy.body ? 'mk-b' : undefined
    // Esc with focus on the page, a click outside or Android's back fire
    // `cancel`: the dialog stays open and the controller unmounts it, so the
    // DOM never disagrees with its state. When Chrome's close-watcher rules
    // make `cancel` uncancelable (no user activation since the last one), the
    // native `close` follows; either way the user is dismissed once.
    const dismiss = (ev: Event) => {
      ev.preventDefault()
      this.g || ((this.g = true), p.onDismiss())
    }
    const key = (ev: KeyboardEvent) => {
      if (ev.key == 'Escape') {
        // Ours alone: unhandled, the browser's close request would then close the
        // next dialog or popover down (the host's own <dialog>), and host Esc handlers would run.
        ev.preventDefault()
        ev.stopPropagation()
        p.onDismiss()
      } else if (p.modal && ev.key == 'Tab') {
        // Tab moves focus here, always: the page is inert, but Chrome lets Tab leave
        // for the browser UI after the last control, and a host focus trap (capture
        // listeners taking Tab over) would leave it stuck. WAI-ARIA wraps around.
        // Focus on the dialog itself (a click on its text) counts as before the first control.
        const t = [...this.e!.querySelectorAll<HTMLElement>('button,a')]
        const i = t.indexOf(ev.target as HTMLElement)
        const n = t.length
        ev.preventDefault()
        t[i < 0 ? (ev.shiftKey ? n - 1 : 0) : (i + (ev.shiftKey ? n - 1 : 1)) % n].focus()
      }
    }
    // The slide-in is not a dialog: it appears unasked and must not take focus,
    // and role=dialog without focus moving in would announce a window the user
    // is not in. <aside> is the complementary landmark HTML names for side
    // content and advertising: reachable by landmark navigation, never trapping.
    const Tag = p.modal ? 'dialog' : 'aside'
    return (
      <Tag
        ref={(e: HTMLElement | null) => {
          this.e = e as HTMLDialogElement | null
        }}
        class={p.modal ? 'mk-pane mk-modal mk-anim' : 'mk-pane mk-slide mk-c mk-anim mk-' + (p.position ?? 'bottom-right').replace('-', ' mk-')}
        popover={this.t ? 'manual' : undefined}
        // Click outside = "not now": light dismiss where supported, through `cancel` (the aside ignores it).
        closedby="any"
        aria-modal={p.modal ? 'true' : undefined}
        // The copy's own direction (Hebrew copy on an English page, English on an Arabic one), not the page's.
        dir="auto"
        lang={p.lang}
        // A click on the dialog's text focuses the dialog (not the inert page), so the keys above still see Tab.
        tabIndex={p.modal ? -1 : undefined}
        aria-labelledby="mk-t"
        aria-describedby={body}
        onCancel={dismiss}
        onClose={dismiss}
        onKeyDown={key}
      >
        <button type="button" class="mk-x" aria-label={p.copy.close ?? 'Close'} onClick={p.onDismiss}>
          ×
        </button>
        <h2 id="mk-t" class="mk-title">
          {p.copy.title}
        </h2>
        {body && (
          <p id={body} class="mk-body">
            {p.copy.body}
          </p>
        )}
        <div class="mk-actions">
          <button type="button" class="mk-secondary" onClick={p.onDismiss}>
            {p.copy.dismiss ?? 'Not now'}
          </button>
          <Cta {...p} />
        </div>
      </Tag>
    )
  }
}
