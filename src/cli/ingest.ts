import { basename } from 'node:path'
import type { Problems } from './io'
import type { Labels } from './labels'
import { eachLine, parseEvent } from './ndjson'
import { Partitions } from './partition'

export interface IngestOptions {
  problems: Problems
  /** The config's conversion event: its first occurrence stands in for a missing convertedAt. */
  conversionEvent: string
  /** Event names whose props some signal reads (`where`, distinct `prop`). */
  propsFor: Set<string>
  partitions: number
  /** Distinct event names kept; later names are pooled as "$other". */
  maxNames?: number
  /** Bytes read so far and lines read so far. */
  progress?: (bytes: number, lines: number) => void
}

/** What the first pass learns, per labelled user (arrays indexed like the labels). */
export interface Ingested {
  names: string[]
  firstSeen: Float64Array
  count: Uint32Array
  /** First conversion event per user, NaN when none. */
  conversionAt: Float64Array
  accepted: number
  lines: number
  unlabelledEvents: number
  unlabelledUsers: number
  parts: Partitions
}

export const OTHER = '$other'

/**
 * First pass over the events: parse and check every line, keep the events
 * of labelled users in partitions by user, and count what cannot be used.
 */
export async function ingest(path: string, labels: Labels, o: IngestOptions): Promise<Ingested> {
  const file = basename(path)
  const n = labels.ids.length
  const maxNames = o.maxNames ?? 2000
  const names: string[] = []
  const nameIndex = new Map<string, number>()
  const firstSeen = new Float64Array(n).fill(Infinity)
  const count = new Uint32Array(n)
  const conversionAt = new Float64Array(n).fill(NaN)
  const unlabelled = new Set<string>()
  const parts = new Partitions(o.partitions)
  const r: Ingested = { names, firstSeen, count, conversionAt, accepted: 0, lines: 0, unlabelledEvents: 0, unlabelledUsers: 0, parts }
  let pooled = 0
  let lines = 0

  try {
    const read = await eachLine(path, (line, lineNo) => {
      lines = lineNo
      const p = parseEvent(line)
      if ('skip' in p) return void (p.skip === 'not an event' && o.problems.add(file, 'lines skipped as other message types (score, tier, moment)', 0))
      if ('problem' in p) return o.problems.add(file, p.problem, lineNo)
      if (p.warn) o.problems.add(file, p.warn, lineNo)
      const e = p.ok
      const u = labels.index.get(e.userId)
      if (u === undefined) {
        r.unlabelledEvents++
        if (unlabelled.size < 1_000_000) unlabelled.add(e.userId)
        return
      }
      let ni = nameIndex.get(e.name)
      if (ni === undefined) {
        const pool = names.length >= maxNames
        if (pool) pooled++
        ni = pool ? nameIndex.get(OTHER) : undefined
        if (ni === undefined) {
          ni = names.length
          names.push(pool ? OTHER : e.name)
          nameIndex.set(pool ? OTHER : e.name, ni)
        }
        if (!pool) nameIndex.set(e.name, ni)
      }
      if (e.t < firstSeen[u]) firstSeen[u] = e.t
      count[u]++
      if (e.name === o.conversionEvent && !(e.t >= conversionAt[u])) conversionAt[u] = e.t
      parts.add(u, e.t, ni, e.props && o.propsFor.has(e.name) ? e.props : undefined)
      r.accepted++
    }, o.progress && ((b) => o.progress!(b, lines)))
    r.lines = read.lines
  } catch (e) {
    parts.remove()
    throw e
  }
  parts.seal()
  r.unlabelledUsers = unlabelled.size
  if (!r.lines) o.problems.fact(file, 'empty file (no lines)')
  if (pooled) o.problems.add(file, `events of names beyond the first ${maxNames} distinct names (pooled as "${OTHER}")`, 0, pooled)
  if (r.unlabelledEvents) o.problems.add(file, `events of users not in the labels, skipped (${unlabelled.size.toLocaleString('en-US')} users)`, 0, r.unlabelledEvents)
  return r
}
