import { modalCss, Pane } from './Modal'
import type { MomentProps } from './types'

/** The shared panel CSS rides here so the layer's one stylesheet holds it once (the gate reuses it). */
export const upgradeCss = modalCss

/** Upgrade prompt: a modal dialog by default, or a non-modal slide-in in a corner (`variant: 'slidein'`, `position`). */
export function Upgrade(p: MomentProps) {
  return <Pane {...p} modal={p.variant != 'slidein'} />
}
