import { chars } from '../config/rules'

/**
 * CTA links accept only http(s) URLs and same-origin relative paths.
 * Browsers ignore ASCII whitespace and control characters inside a scheme
 * ("java\tscript:", " JAVASCRIPT:"), so they are stripped before the check,
 * and protocol-relative or backslash forms ("//evil", "/\evil") that leave
 * the origin are refused. So are whitespace and control characters anywhere,
 * and backslashes in a full URL: what passes here is a working link.
 */
export function unsafeUrl(url: unknown): string | null {
  if (typeof url !== 'string' || !url.trim()) return 'must be a non-empty string'
  if (chars(url) > 2000) return 'must be at most 2000 characters'
  // eslint-disable-next-line no-control-regex
  const bare = url.replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/g, '')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(bare)
  if (scheme && !/^https?$/i.test(scheme[1])) return `scheme "${scheme[1].toLowerCase()}:" is not allowed (use https, http or a relative path)`
  if (/^[/\\]{2}|^\/\\/.test(bare)) return 'protocol-relative URLs leave the site (use https:// or a path)'
  if (bare !== url) return 'must not contain spaces or control characters (encode them)'
  // "https:example.com" is a path on an https page and a host on an http one; "https://" goes nowhere;
  // a backslash in a full URL would fail in safeHref (a dead button). A relative URL
  // has no ":" or "\\" before its first "/", "?" or "#" (else it reads as a scheme).
  if (scheme ? !/^https?:\/\/[^/\\?#][^\\]*$/i.test(url) : /^[^/?#]*[:\\]/.test(url)) return 'must be https://host..., http://host... or a path'
  return null
}

/** The link as the browser resolves it, or null when it is not http(s) or not same-origin for a relative one. */
export function safeHref(url: string, base: string): string | null {
  if (unsafeUrl(url)) return null
  try {
    const u = new URL(url, base)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null
    if (!/^https?:/i.test(url.trim()) && u.origin !== new URL(base).origin) return null
    return u.href
  } catch {
    return null
  }
}
