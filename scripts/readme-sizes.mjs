// Keeps the README's size table honest: every size-limit entry's measured
// size must be what the README quotes (within 0.05 KB), as nanostores does.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const out = execFileSync('npx', ['size-limit', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
const results = JSON.parse(out.slice(out.indexOf('[')))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
let bad = 0
for (const r of results) {
  const kb = r.size / 1000
  const row = readme.split('\n').find((line) => line.includes(r.name))
  const quoted = row && Number(/\|\s*([\d.]+) KB/.exec(row)?.[1])
  if (!quoted || Math.abs(quoted - kb) > 0.05) {
    bad++
    console.error(`README.md: "${r.name}" should quote ${kb.toFixed(2)} KB, found ${row ? quoted : 'no row'}`)
  }
}
if (bad) process.exit(1)
console.log(`README sizes match size-limit (${results.length} entries)`)
