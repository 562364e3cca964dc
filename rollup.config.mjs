import { nodeResolve } from '@rollup/plugin-node-resolve'
import replace from '@rollup/plugin-replace'
import terser from '@rollup/plugin-terser'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import esbuild from 'rollup-plugin-esbuild'

const plugins = (prod) => [
  nodeResolve({ browser: true }),
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify(prod ? 'production' : 'development') } }),
  esbuild({ target: 'es2020', minify: false, jsx: 'automatic', jsxImportSource: 'preact' }),
]

const copySchema = {
  name: 'copy-schema',
  writeBundle() {
    mkdirSync('dist', { recursive: true })
    copyFileSync('src/config/momentkit.schema.json', 'dist/momentkit.schema.json')
    if (existsSync('src/sync/payload.schema.json')) copyFileSync('src/sync/payload.schema.json', 'dist/payload.schema.json')
  },
}

/** Script-tag build: the UI is loaded from momentkit-ui.js by URL (src/render/load-script.ts), not bundled in. */
const scriptLoader = {
  name: 'script-ui-loader',
  async resolveId(source, importer, options) {
    if (source !== './render/load') return null
    const r = await this.resolve(source, importer, { ...options, skipSelf: true })
    return r && r.id.replace(/load\.ts$/, 'load-script.ts')
  },
}
const minify = terser({ compress: { passes: 2 }, mangle: { properties: false } })

export default [
  {
    // Command-line tool (`momentkit validate | explain | calibrate`), for Node.
    input: 'src/cli/main.ts',
    external: (id) => id.startsWith('node:') || ['nanostores', 'idb-keyval'].includes(id),
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node', sourcemap: true },
    plugins: [nodeResolve(), esbuild({ target: 'node20' }), { name: 'json', transform: (code, id) => (id.endsWith('.json') ? { code: 'export default ' + code, map: null } : null) }],
  },
  {
    input: { momentkit: 'src/index.ts', scoring: 'src/scoring.ts' },
    // Dependencies stay external for npm users' bundlers to dedupe.
    external: ['nanostores', 'idb-keyval', 'preact', 'preact/jsx-runtime'],
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', hoistTransitiveImports: false },
    plugins: [...plugins(false), copySchema],
  },
  {
    input: 'src/global.ts',
    output: { file: 'dist/momentkit.iife.js', format: 'iife', sourcemap: true },
    plugins: [scriptLoader, ...plugins(true), minify],
  },
  {
    // The moments UI for the script tag (preact and the components), an ES module loaded on first use.
    input: 'src/render/ui.ts',
    output: { file: 'dist/momentkit-ui.js', format: 'es', sourcemap: true },
    plugins: [...plugins(true), minify],
  },
]
