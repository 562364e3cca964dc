/* Small DOM helpers shared by the demo's modules: text only, never HTML. */

export const $ = (id) => document.getElementById(id)

/** The SDK, always looked up at call time: the bundle replaces the snippet's stub when it loads. */
export const sdk = () => window.momentkit
export const loaded = () => typeof sdk().explain === 'function'

export function el(tag, attrs, children) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue
    if (k === 'text') node.textContent = v
    else if (k === 'class') node.className = v
    else node.setAttribute(k, String(v))
  }
  for (const child of [].concat(children || [])) if (child) node.append(child)
  return node
}

/** Replaces a list's items; shows `emptyText` as a single muted item when there are none. */
export function fill(list, items, emptyText) {
  list.replaceChildren(...items)
  if (!items.length && emptyText) list.append(el('li', { class: 'empty', text: emptyText }))
}

export const DAY = 86_400_000
export const humanise = (id) => id.replace(/[_\-.]+/g, ' ').trim()
export const clock = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
export const when = (t) =>
  Date.now() - t < 60_000 ? clock(t) : new Date(t).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })
export const plural = (n, one, many = one + 's') => `${n} ${n === 1 ? one : many}`
