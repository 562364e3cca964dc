import { VERSION } from '../version'
import type { UI } from './lazy'

/**
 * Script-tag build: the UI is momentkit-ui.js, an ES module served next to
 * momentkit.iife.js (or wherever `data-ui` on the script tag says). Loaded
 * with import(): allowed by `script-src 'self'` when it is same-origin, and
 * not a Trusted Types sink. From another origin it needs CORS headers, as
 * any module script does.
 */
const script = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null)
const named = script?.getAttribute('data-ui')?.trim()
let url = ''
try {
  // data-ui is relative to the page, as src is. The default sits next to the bundle and carries
  // the version, so caches keep the UI of each release apart.
  url = named ? new URL(named, document.baseURI).href : script?.src ? new URL('momentkit-ui.js?v=' + VERSION, script.src).href : ''
} catch {
  // Reported when a moment first needs the UI.
}
let tries = 0

export function loadUI(): Promise<UI> {
  if (!url) {
    const why = named ? `data-ui="${named}" is not a URL` : 'the bundle was not loaded by <script src>, so name the UI file with data-ui on its script tag'
    return Promise.reject(new Error(why))
  }
  // A failed module fetch may be remembered by the browser: a retry asks for a distinct URL.
  const next = tries++ ? `${url}${url.includes('?') ? '&' : '?'}retry=${tries}` : url
  return (import(next) as Promise<UI>).catch((e: unknown) => {
    throw new Error(`${next}: ${e instanceof Error ? e.message : String(e)}`)
  })
}
