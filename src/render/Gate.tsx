import { Pane } from './Modal'
import type { MomentProps } from './types'

/** Styled by the shared panel CSS (in upgradeCss). */
export const gateCss = ''

/** Blocked-feature gate: always modal; the copy explains the feature, the CTA upgrades, "not now" goes back. */
export function Gate(p: MomentProps) {
  return <Pane {...p} modal />
}
