import type { MomentCopy, MomentKind } from '../trigger/types'

/**
 * What every moment component receives. Copy is already templated (plain
 * text: components render it as text nodes, never as HTML).
 */
export interface MomentProps {
  id: string
  kind: MomentKind
  copy: MomentCopy
  /** The locale key of the copy chosen (`lang` of the moment, so screen readers read it in its language). */
  lang?: string
  /** Upgrade prompts: 'modal' (default) or 'slidein'. */
  variant?: 'modal' | 'slidein'
  /** Widgets (and slide-ins): which corner. Default bottom-right. */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'
  /** Trial state, for the trial banner and the widget. */
  trial?: { end: number; daysLeft: number }
  /** The user's tier and score, e.g. for stronger trial copy in engaged tiers. */
  tier: string | null
  engaged: boolean
  plan: string | null
  /** CTA link (already checked safe) — render an <a href>; absent when the CTA is a host callback. */
  href?: string
  /** The CTA was activated (link followed or callback to call). */
  onCta(): void
  /** Dismissed: close button, Esc on modals, "not now". */
  onDismiss(): void
  /** Designers' preview: nothing is recorded. */
  preview?: boolean
  /** Clock, injected so the countdown is testable. */
  now(): number
}
