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
    output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    plugins: [...plugins(false), copySchema],
  },
  {
    input: 'src/global.ts',
    output: { file: 'dist/momentkit.iife.js', format: 'iife', sourcemap: true },
    plugins: [...plugins(true), terser({ compress: { passes: 2 }, mangle: { properties: false } })],
  },
]
