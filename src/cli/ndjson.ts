import { createReadStream, statSync } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { CliError } from './io'

/** Size on disk (0 when unknown: stdin). Gzip files are estimated at 8x. */
export function inputBytes(path: string): number {
  if (path === '-') return 0
  try {
    const size = statSync(path).size
    return path.endsWith('.gz') ? size * 8 : size
  } catch {
    // A file named on the command line that is not there is a usage error, as for validate.
    throw new CliError(`cannot read ${path}: no such file`, 2)
  }
}

/**
 * Streams a text file line by line, never holding more than one chunk and
 * one partial line: the way a 1 GB NDJSON export is read. `-` is stdin,
 * `.gz` is gunzipped on the fly. Line numbers start at 1; a trailing `\r`
 * and a leading byte-order mark are dropped. `progress` gets the bytes read
 * from disk so far (compressed bytes for .gz).
 */
export async function eachLine(path: string, onLine: (line: string, lineNo: number) => void, progress?: (bytes: number) => void): Promise<{ lines: number; bytes: number }> {
  inputBytes(path)
  const raw = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 })
  const stream: Readable = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw
  const decoder = new StringDecoder('utf8')
  let rest = ''
  let lineNo = 0
  let bytes = 0
  const emit = (line: string) => {
    lineNo++
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1)
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line, lineNo)
  }
  try {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length
      const text = rest + decoder.write(chunk as Buffer)
      let start = 0
      let nl: number
      while ((nl = text.indexOf('\n', start)) !== -1) {
        emit(text.slice(start, nl))
        start = nl + 1
      }
      rest = text.slice(start)
      progress?.('bytesRead' in raw ? (raw as { bytesRead: number }).bytesRead : bytes)
    }
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`)
  }
  rest += decoder.end()
  if (rest) emit(rest)
  return { lines: lineNo, bytes }
}

/** One tracked event as the calibration reads it. */
export interface EventRow {
  userId: string
  name: string
  props?: Record<string, unknown>
  /** Epoch ms. */
  t: number
}

export type Parsed = { ok: EventRow; warn?: string } | { skip: 'blank' | 'not an event' } | { problem: string }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** An ISO date and time without `Z` or an offset. */
const NO_ZONE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/

/**
 * Epoch ms from an ISO 8601 string or a number of epoch ms; NaN when neither.
 * A time without an offset, and a bare date (midnight), are UTC: Date.parse
 * would read the former in the local time of the machine running the CLI,
 * so results would depend on where it runs.
 */
export function parseTime(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) <= 8.64e15 ? v : NaN
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v)) return Date.parse(NO_ZONE.test(v) ? v + 'Z' : v)
  if (typeof v === 'string' && /^\d{10,16}$/.test(v)) return Number(v)
  return NaN
}

/** Who a line belongs to: the delivery message's ids (`userId` null before identify). */
export interface Who {
  userId: string | null
  anonymousId: string | null
}

/**
 * One NDJSON line, read as any message the SDK delivers:
 * - `event`: a tracked event (also the plain `{ userId, name, props, timestamp }`
 *   shape and Segment `track`); `row.userId` is `userId`, else `anonymousId`;
 * - `identify`: trial dates and the browser's timezone offset;
 * - `other`: score, tier, moment, rollup (and any other `type`): not events,
 *   but their ids still tie an `anonymousId` to a `userId`; `t` is their
 *   time (NaN when unreadable); `folded` is the number of events a rollup
 *   message stands for.
 */
export type Line =
  | { kind: 'event'; row: EventRow; who: Who; warn?: string }
  | { kind: 'identify'; who: Who; t: number; start?: number; end?: number; tz?: number; warn?: string }
  | { kind: 'other'; type: string; who: Who; t: number; folded?: number }
  | { skip: 'blank' }
  | { problem: string }

const idOf = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null)

/** Reads one NDJSON line as a delivery message (see `Line`); problems are named by kind for counting. */
export function parseLine(line: string): Line {
  if (!line.trim()) return { skip: 'blank' }
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return { problem: 'malformed JSON lines' }
  }
  if (!isObj(v)) return { problem: 'lines that are not JSON objects' }
  const who: Who = { userId: idOf(v.userId), anonymousId: idOf(v.anonymousId) }
  if (v.type === 'identify') return identifyLine(v, who)
  if (v.type !== undefined && v.type !== 'event' && v.type !== 'track') {
    const counts = v.type === 'rollup' && isObj(v.counts) ? Object.values(v.counts) : []
    const folded = counts.reduce<number>((n, c) => n + (typeof c === 'number' && c > 0 && Number.isFinite(c) ? c : 0), 0)
    return { kind: 'other', type: String(v.type), who, t: parseTime(v.at ?? v.timestamp), ...(v.type === 'rollup' ? { folded } : {}) }
  }
  const rawUser = v.userId ?? v.anonymousId
  if ((typeof rawUser !== 'string' || !rawUser) && typeof rawUser !== 'number') return { problem: 'events without a userId' }
  const name = v.name ?? v.event
  if (typeof name !== 'string' || !name.trim()) return { problem: 'events without a name' }
  const rawTime = v.timestamp ?? v.at
  if (rawTime === undefined || rawTime === null || rawTime === '') return { problem: 'events without a timestamp' }
  const t = parseTime(rawTime)
  if (!Number.isFinite(t)) return { problem: 'events with an invalid timestamp (not ISO 8601 or epoch ms)' }
  const props = v.props ?? v.properties
  const row: EventRow = { userId: String(rawUser), name, t }
  if (isObj(props)) row.props = props
  else if (props !== undefined && props !== null) return { kind: 'event', row, who, warn: 'events whose props are not an object (props ignored)' }
  return { kind: 'event', row, who }
}

/**
 * An identify message: `trialStart`, `trialEnd` (ISO or epoch ms, null when
 * unknown; Segment-style `traits.trialStart`/`traits.trialEnd`, or the
 * `traits.trial_start`/`traits.trial_end` the SDK's Segment shape writes,
 * when the message has no such field) and `tz` (minutes, as
 * Date#getTimezoneOffset).
 */
function identifyLine(v: Record<string, unknown>, who: Who): Line {
  if (!who.userId && !who.anonymousId) return { problem: 'identify messages without a userId or anonymousId' }
  const rawTime = v.at ?? v.timestamp
  if (rawTime === undefined || rawTime === null || rawTime === '') return { problem: 'identify messages without a timestamp' }
  const t = parseTime(rawTime)
  if (!Number.isFinite(t)) return { problem: 'identify messages with an invalid timestamp (not ISO 8601 or epoch ms)' }
  const traits = isObj(v.traits) ? v.traits : {}
  const out: Extract<Line, { kind: 'identify' }> = { kind: 'identify', who, t }
  for (const [key, snake, field] of [['trialStart', 'trial_start', 'start'], ['trialEnd', 'trial_end', 'end']] as const) {
    const raw = key in v ? v[key] : key in traits ? traits[key] : traits[snake]
    if (raw === undefined || raw === null || raw === '') continue
    const at = parseTime(raw)
    if (Number.isFinite(at)) out[field] = at
    else out.warn = 'identify messages with an invalid trialStart or trialEnd (ignored)'
  }
  if (Number.isInteger(v.tz) && Math.abs(v.tz as number) <= 900) out.tz = v.tz as number
  else if (v.tz !== undefined && v.tz !== null) out.warn = 'identify messages with an invalid tz (ignored)'
  return out
}

/**
 * Reads one NDJSON line in the shape the SDK delivers and the collector
 * stores: `{ userId, name, props, timestamp }`. Also accepted, so exports
 * can be used unchanged: the delivery message's `at` and `anonymousId`
 * (when `userId` is null) and Segment's `event`/`properties`. Lines whose
 * `type` is another message kind (identify, score, tier, moment, rollup)
 * are skipped, not errors.
 */
export function parseEvent(line: string): Parsed {
  const p = parseLine(line)
  if ('skip' in p) return p
  if ('problem' in p) return p.problem.startsWith('identify') ? { skip: 'not an event' } : p
  if (p.kind !== 'event') return { skip: 'not an event' }
  return p.warn ? { ok: p.row, warn: p.warn } : { ok: p.row }
}
