/**
 * The npm build (dist/momentkit.js) in a real browser, loaded the way an
 * app's bundler would wire it (bare imports mapped to node_modules by an
 * import map; NODE_ENV defined as bundlers do): the moments UI is a chunk
 * fetched only when a moment first shows, never momentkit-ui.js.
 */
import { test, expect } from './fixtures'
import { UPGRADE, config, titleOf } from './moments-helpers'

const IMPORTS = {
  preact: '/node_modules/preact/dist/preact.mjs',
  'preact/jsx-runtime': '/node_modules/preact/jsx-runtime/dist/jsxRuntime.mjs',
  nanostores: '/node_modules/nanostores/index.js',
  'idb-keyval': '/node_modules/idb-keyval/dist/index.js',
}

test('npm build: init() from dist/momentkit.js; the UI chunk loads on the first moment and renders it', async ({ page, server }) => {
  const cfg = JSON.stringify(config([UPGRADE])).replace(/</g, '\\u003c')
  server.page('/npm-esm.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>npm</title>
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<script>window.process = { env: { NODE_ENV: 'production' } }</script>
<script type="module">
import { init } from '/dist/momentkit.js'
window.mk = init(${cfg})
</script></head><body><main><h1>App</h1></main></body></html>`)
  const from = server.requests.length
  await page.goto('/npm-esm.html')
  await expect.poll(() => page.evaluate(() => (window as unknown as { mk?: { explain(): { ready: boolean } | null } }).mk?.explain()?.ready ?? false)).toBe(true)
  const chunks = () => server.requests.slice(from).filter((r) => /^\/dist\/ui-[\w-]+\.js$/.test(r))
  expect(chunks(), 'no moment yet: the UI chunk is not fetched').toEqual([])

  expect(await page.evaluate(() => (window as unknown as { mk: { preview(id: string): boolean } }).mk.preview('upgrade-pql'))).toBe(true)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  expect(chunks()).toHaveLength(1)
  expect(server.requests.slice(from).filter((r) => r.includes('momentkit-ui')), 'the script tag’s UI file is not used').toEqual([])
})
