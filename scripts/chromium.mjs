#!/usr/bin/env node
/**
 * Finds the Chromium the browser tests run in. Playwright's own browser
 * download (`npx playwright install`) is not used: CI and dev machines
 * here reach only npm and Debian apt, so we use the distribution's
 * Chromium instead.
 *
 * Lookup order: $MOMENTKIT_CHROMIUM, $CHROMIUM_PATH, /usr/bin/chromium.
 *
 *   node scripts/chromium.mjs               prints the path; installs with apt-get when root and none is found
 *   node scripts/chromium.mjs --no-install  only looks
 *
 * playwright.config.ts imports `findChromium` (which never installs).
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

export const ENV_VARS = ['MOMENTKIT_CHROMIUM', 'CHROMIUM_PATH']
export const SYSTEM_PATHS = ['/usr/bin/chromium']
export const HOW_TO_INSTALL =
  'No Chromium found for the browser tests. Install one with\n' +
  '  sudo apt-get update && sudo apt-get install -y chromium\n' +
  'or point MOMENTKIT_CHROMIUM at a Chromium or Chrome binary:\n' +
  '  MOMENTKIT_CHROMIUM=/path/to/chrome npm run browser\n' +
  '(Do not run `npx playwright install`: it downloads from a CDN this project does not use.)'

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * Returns the Chromium executable to use, or null when there is none.
 * Throws when an environment override names something that is not an
 * executable file: silently falling back would test a different browser.
 *
 * @example
 * const path = findChromium() // '/usr/bin/chromium'
 */
export function findChromium(env = process.env) {
  for (const name of ENV_VARS) {
    const value = env[name]?.trim()
    if (!value) continue
    if (isExecutable(value)) return value
    throw new Error(`${name}=${value} is not an executable file. Fix or unset it.\n\n${HOW_TO_INSTALL}`)
  }
  return SYSTEM_PATHS.find(isExecutable) ?? null
}

const run = (cmd, args) => {
  console.log(`[chromium] $ ${[cmd, ...args].join(' ')}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (r.error) console.error(`[chromium] could not run ${cmd}: ${r.error.message}`)
  return r.status === 0
}

/**
 * Like findChromium, but when nothing is found and we are root with
 * apt-get available, installs Debian's `chromium` package and looks again.
 */
export function ensureChromium({ install = true } = {}) {
  const found = findChromium()
  if (found) return found
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find(isExecutable)
  if (!install || !root || !aptGet) {
    if (install) console.error(`[chromium] not installing automatically (${!root ? 'not root' : 'apt-get not found'}).`)
    return null
  }
  console.log('[chromium] no Chromium found; installing Debian package "chromium" with apt-get')
  if (!run(aptGet, ['update']) || !run(aptGet, ['install', '-y', 'chromium'])) {
    console.error('[chromium] apt-get failed')
    return null
  }
  return findChromium()
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const path = ensureChromium({ install: !process.argv.includes('--no-install') })
    if (!path) {
      console.error(HOW_TO_INSTALL)
      process.exit(1)
    }
    console.log(path)
  } catch (e) {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  }
}
