import type { MomentProps } from './types'

// PLACEHOLDER: being written (issue 4). Renders the copy as text with CTA and dismiss buttons.
export const nudgeCss = ''

export function Nudge(p: MomentProps) {
  return (
    <div class="mk-anim" role="region" aria-label={p.copy.title}>
      <p class="mk-title">{p.copy.title}</p>
      {p.copy.body && <p class="mk-body">{p.copy.body}</p>}
      <div class="mk-actions">
        <button type="button" class="mk-secondary" onClick={p.onDismiss}>{p.copy.dismiss ?? 'Not now'}</button>
        <button type="button" class="mk-primary" onClick={p.onCta}>{p.copy.cta ?? 'Upgrade'}</button>
      </div>
    </div>
  )
}
