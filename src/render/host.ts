/**
 * The one shadow-host helper. Every moment renders inside one shadow root,
 * styled by constructable stylesheets (allowed under a strict
 * `style-src 'self'` CSP, unlike <style> or style attributes), so host CSS
 * cannot break the moments and their CSS cannot leak out.
 */
export interface Host {
  /** The container components render into. */
  mount: HTMLElement
  root: ShadowRoot
  /** Replaces the theme sheet (base sheet stays). */
  setTheme(css: string): void
  destroy(): void
}

export function createHost(baseCss: string, themeCss: string): Host | null {
  if (typeof document === 'undefined' || typeof CSSStyleSheet === 'undefined') return null
  // A custom element name no host selector targets by accident ("div { display: none }").
  const el = document.createElement('momentkit-root')
  const root = el.attachShadow({ mode: 'open' })
  const base = new CSSStyleSheet()
  const theme = new CSSStyleSheet()
  base.replaceSync(baseCss)
  theme.replaceSync(themeCss)
  root.adoptedStyleSheets = [base, theme]
  const mount = document.createElement('div')
  mount.className = 'mk'
  root.appendChild(mount)
  // On <html>, after <body>: host CSS that makes <body> a containing block (transform, filter,
  // will-change, contain) would otherwise pin the fixed moments to the page's end, and an app
  // re-rendering or swapping its <body> (Turbo) does not take the moments with it.
  document.documentElement.appendChild(el)
  return {
    mount,
    root,
    setTheme: (css) => theme.replaceSync(css),
    destroy: () => el.remove(),
  }
}
