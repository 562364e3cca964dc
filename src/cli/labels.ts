import { basename } from 'node:path'
import { CliError, type Problems } from './io'
import { eachLine, parseTime } from './ndjson'

/** Outcome labels, one row per user, in file order. */
export interface Labels {
  index: Map<string, number>
  ids: string[]
  converted: boolean[]
  /** Epoch ms, NaN when not given. */
  convertedAt: number[]
  trialStart: number[]
  /** Line of each row in the labels file, for "unknown user" reports. */
  line: number[]
}

const YES = new Set(['yes', 'y', 'true', '1'])
const NO = new Set(['no', 'n', 'false', '0'])

/** `yes/no/true/false/1/0` (any case), JSON booleans and 0/1; null when none of these. */
export function parseConverted(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v
  if (v === 1 || v === 0) return v === 1
  if (typeof v !== 'string') return null
  const s = v.trim().toLowerCase()
  return YES.has(s) ? true : NO.has(s) ? false : null
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "say ""hi"""). */
export function splitCsv(line: string): string[] {
  const out: string[] = []
  let i = 0
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = ''
      i++
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') (v += '"', (i += 2))
        else if (line[i] === '"') break
        else v += line[i++]
      }
      out.push(v)
      i = line.indexOf(',', i) === -1 ? line.length + 1 : line.indexOf(',', i) + 1
    } else {
      const end = line.indexOf(',', i)
      out.push(line.slice(i, end === -1 ? line.length : end).trim())
      i = end === -1 ? line.length + 1 : end + 1
    }
  }
  return out
}

const COLUMNS: Record<string, keyof Row> = {
  userid: 'userId', user: 'userId', id: 'userId', distinctid: 'userId',
  converted: 'converted', convert: 'converted', label: 'converted', outcome: 'converted',
  convertedat: 'convertedAt', conversiontime: 'convertedAt', conversionat: 'convertedAt', convertedtime: 'convertedAt',
  trialstart: 'trialStart', trialstartedat: 'trialStart', signupat: 'trialStart', signedupat: 'trialStart',
}
interface Row { userId?: unknown; converted?: unknown; convertedAt?: unknown; trialStart?: unknown }
const norm = (h: string) => h.toLowerCase().replace(/[^a-z]/g, '')

/**
 * Reads outcome labels: CSV with a header row (`userId,converted,convertedAt`,
 * optional `trialStart`) or NDJSON objects with the same keys. Rows that
 * cannot be used are counted in `problems` with their line numbers.
 */
export async function readLabels(path: string, problems: Problems): Promise<Labels> {
  const file = basename(path)
  const L: Labels = { index: new Map(), ids: [], converted: [], convertedAt: [], trialStart: [], line: [] }
  let format: 'csv' | 'ndjson' | null = /\.(ndjson|jsonl|json)(\.gz)?$/i.test(path) ? 'ndjson' : /\.csv(\.gz)?$/i.test(path) ? 'csv' : null
  let header: Array<keyof Row | undefined> | null = null

  const add = (r: Row, line: number) => {
    const id = typeof r.userId === 'number' ? String(r.userId) : r.userId
    if (typeof id !== 'string' || !id.trim()) return problems.add(file, 'rows without a userId', line)
    const conv = parseConverted(r.converted)
    if (conv === null) return problems.add(file, 'rows with an unknown converted value (expected yes/no, true/false or 1/0)', line)
    if (L.index.has(id)) return problems.add(file, 'duplicate userIds (first row kept)', line)
    let at = NaN
    if (r.convertedAt !== undefined && r.convertedAt !== null && r.convertedAt !== '') {
      at = parseTime(r.convertedAt)
      if (!Number.isFinite(at)) problems.add(file, 'rows with an invalid convertedAt (ignored)', line)
      else if (!conv) (problems.add(file, 'rows with a convertedAt but converted = no (convertedAt ignored)', line), (at = NaN))
    }
    let start = NaN
    if (r.trialStart !== undefined && r.trialStart !== null && r.trialStart !== '') {
      start = parseTime(r.trialStart)
      if (!Number.isFinite(start)) problems.add(file, 'rows with an invalid trialStart (ignored)', line)
    }
    L.index.set(id, L.ids.length)
    L.ids.push(id)
    L.converted.push(conv)
    L.convertedAt.push(at)
    L.trialStart.push(start)
    L.line.push(line)
  }

  await eachLine(path, (line, n) => {
    if (!line.trim()) return
    format ??= line.trimStart().startsWith('{') ? 'ndjson' : 'csv'
    if (format === 'ndjson') {
      let v: unknown
      try {
        v = JSON.parse(line)
      } catch {
        return problems.add(file, 'malformed JSON lines', n)
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return problems.add(file, 'lines that are not JSON objects', n)
      const o = v as Record<string, unknown>
      const r: Row = {}
      for (const k of Object.keys(o)) if (COLUMNS[norm(k)] && r[COLUMNS[norm(k)]] === undefined) r[COLUMNS[norm(k)]] = o[k]
      return add(r, n)
    }
    const cells = splitCsv(line)
    if (!header) {
      header = cells.map((c) => COLUMNS[norm(c)])
      if (!header.includes('userId') || !header.includes('converted'))
        throw new CliError(`${file}: line ${n}: the first line must be a header naming the userId and converted columns (got "${line.slice(0, 80)}")`)
      return
    }
    const r: Row = {}
    header.forEach((k, i) => k && r[k] === undefined && (r[k] = cells[i]))
    add(r, n)
  })
  return L
}
