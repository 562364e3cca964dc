import { render } from 'preact'
import type { MomentKind } from '../trigger/types'
import { baseCss } from './css/base'
import { Gate, gateCss } from './Gate'
import { createHost, type Host } from './host'
import { Nudge, nudgeCss } from './Nudge'
import { TrialBanner, trialBannerCss } from './TrialBanner'
import type { MomentProps } from './types'
import { Upgrade, upgradeCss } from './Upgrade'
import { Widget, widgetCss } from './Widget'

const components: Record<MomentKind, (p: MomentProps) => preact.JSX.Element | null> = { upgrade: Upgrade, gate: Gate, trial: TrialBanner, widget: Widget, nudge: Nudge }
export const css = baseCss + upgradeCss + gateCss + trialBannerCss + widgetCss + nudgeCss

/** What is on screen: one transient moment (prompt, gate or nudge) plus the standing banner and widget. */
export interface LayerState {
  transient?: MomentProps | null
  banner?: MomentProps | null
  widget?: MomentProps | null
}

export interface Layer {
  update(next: LayerState): void
  state(): LayerState
  setTheme(css: string): void
  destroy(): void
}

/** Renders moments into the shared shadow host, creating it on first use (and again if the host page removed it). */
export function createLayer(themeCss: string): Layer {
  let host: Host | null = null
  let state: LayerState = {}
  let theme = themeCss
  const one = (p?: MomentProps | null) => {
    if (!p) return null
    const C = components[p.kind]
    return <C key={p.id} {...p} />
  }
  return {
    update(next) {
      state = { ...state, ...next }
      const empty = !state.transient && !state.banner && !state.widget
      if (!host && empty) return
      if (host && !host.root.host.isConnected) host = null
      host ??= createHost(css, theme)
      if (!host) return
      render(
        <>
          {one(state.banner)}
          {one(state.transient)}
          {one(state.widget)}
        </>,
        host.mount,
      )
    },
    state: () => state,
    setTheme(css) {
      theme = css
      host?.setTheme(css)
    },
    destroy() {
      if (host) render(null, host.mount)
      host?.destroy()
      host = null
    },
  }
}
