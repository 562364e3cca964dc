import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The shipped `bin`: build src/cli/main.ts with the project's own rollup
 * config entry into a temp dir and run it with node, as `npx momentkit`
 * would after install.
 */
const dir = mkdtempSync(join(tmpdir(), 'mk-bundle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cli = join(dir, 'cli.js')
const node = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' })

beforeAll(async () => {
  const { rollup } = await import('rollup')
  const configs = (await import(pathToFileURL(join(process.cwd(), 'rollup.config.mjs')).href)).default
  const entry = configs.find((c: { input: string }) => c.input === 'src/cli/main.ts')
  const bundle = await rollup({ ...entry, onwarn: () => {} })
  await bundle.write({ ...entry.output, file: cli, sourcemap: false })
  await bundle.close()
}, 60_000)

describe('the momentkit bin (bundled dist/cli.js)', () => {
  it('is an ES module for node with a shebang, and package.json points its bin at it', () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(JSON.parse(readFileSync('package.json', 'utf8')).bin).toEqual({ momentkit: './dist/cli.js' })
  })

  it('imports only node built-ins at runtime', () => {
    const imports = [...readFileSync(cli, 'utf8').matchAll(/^import .* from '([^']+)';?$/gm)].map((m) => m[1])
    expect(imports.length).toBeGreaterThan(0)
    for (const m of imports) expect(m).toMatch(/^node:/)
  })

  it('--help exits 0 and lists the commands', () => {
    const r = node('--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('momentkit calibrate <events.ndjson> --labels')
  }, 20_000)

  it('validate exits 1 with JSON paths for a bad config, 0 for a good one', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ model: { dimensions: { d: { weight: 1, signals: ['nope'] } } } }))
    writeFileSync(join(dir, 'good.json'), '{}')
    const bad = node('validate', 'bad.json')
    expect(bad.status).toBe(1)
    expect(bad.stdout).toContain('model.dimensions.d.signals[0]: unknown signal "nope"')
    expect(node('validate', 'good.json').status).toBe(0)
  }, 20_000)

  it('validate - reads the config from stdin, as its help says', () => {
    const run = (input: string) => spawnSync(process.execPath, [cli, 'validate', '-'], { cwd: dir, encoding: 'utf8', input })
    const good = run('{"model":{"preset":"four-category"}}')
    expect(good.stdout + good.stderr).toBe('✓ stdin is a valid MomentKit config\n')
    expect(good.status).toBe(0)
    const bad = run('{"sessionTimeout":0}')
    expect(bad.stdout).toContain('sessionTimeout: must be a number from 1 to 1440')
    expect(bad.status).toBe(1)
  }, 20_000)

  it('generates and calibrates a small cohort end to end', () => {
    expect(node('generate', '--users', '800', '--seed', '3').status).toBe(0)
    const r = node('calibrate', 'events.ndjson', '--labels', 'labels.csv', '--min-users', '10')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Proposed model')
    expect(JSON.parse(readFileSync(join(dir, 'momentkit.calibrated.json'), 'utf8')).model.tiers).toHaveLength(4)
  }, 30_000)
})
