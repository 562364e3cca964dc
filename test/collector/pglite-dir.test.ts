/**
 * A PGlite data folder serves one process. Two collectors on one folder (a
 * second `npm run demo` or `npm run collector` while one runs: both use
 * .demo-data/pglite) left it damaged, and every later start died with
 * "Aborted(). Build with -sASSERTIONS for more info.". The second one is now
 * refused with a message naming the folder and the process holding it, and
 * a folder that does not open says what to do.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openDb } from '../../src/collector/db'

const root = mkdtempSync(join(tmpdir(), 'mk-pglite-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

it('a second collector on the same data folder is refused while the first has it open; it opens once the first closed', async () => {
  const dir = join(root, 'shared')
  const first = await openDb({ pgliteDir: dir })
  await first.exec('create table t (x int); insert into t values (1)')
  const second = openDb({ pgliteDir: dir })
  await expect(second).rejects.toThrow(dir)
  await expect(second).rejects.toThrow(new RegExp(`in use by another process \\(pid ${process.pid}\\)`))
  // The first one was not disturbed.
  expect(await first.query('select x from t')).toEqual([{ x: 1 }])
  await first.close()

  const again = await openDb({ pgliteDir: dir })
  expect(await again.query('select x from t'), 'the data survived').toEqual([{ x: 1 }])
  await again.close()
})

it('a lock left by a process that is gone (killed) does not keep the folder closed', async () => {
  const dir = join(root, 'stale')
  const gone = spawn(process.execPath, ['-e', ''])
  const pid = await new Promise<number>((ok) => gone.on('exit', () => ok(gone.pid!)))
  mkdirSync(root, { recursive: true })
  writeFileSync(dir + '.lock', String(pid))
  const db = await openDb({ pgliteDir: dir })
  expect(await db.query('select 1 as one')).toEqual([{ one: 1 }])
  await db.close()
})

it('a data folder that does not open says which one and what to do, and does not stay locked', async () => {
  const dir = join(root, 'damaged')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'PG_VERSION'), 'garbage\n')
  const open = openDb({ pgliteDir: dir })
  await expect(open).rejects.toThrow(`could not open the PGlite data in ${dir}`)
  await expect(open).rejects.toThrow(/delete it.*to start afresh/)
  // Refused for what it holds, not for a lock this failed attempt left behind.
  await expect(openDb({ pgliteDir: dir })).rejects.toThrow(/could not open the PGlite data/)
})
