import { basename, join } from 'node:path'
import { Writer, type Problems } from './io'
import type { Labels } from './labels'
import { eachLine, parseLine, type Who } from './ndjson'
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
  /** Leave events of users not in the labels out silently (explain reads one user). */
  quietUnlabelled?: boolean
}

/** What the first pass learns, per labelled user (arrays indexed like the labels). */
export interface Ingested {
  names: string[]
  firstSeen: Float64Array
  count: Uint32Array
  /** First conversion event per user, NaN when none. */
  conversionAt: Float64Array
  /** Trial start from the user's earliest identify message that gives one, NaN when none. */
  trialStart: Float64Array
  /** Timezone offset (minutes, as Date#getTimezoneOffset) from the user's latest identify message that gives one, NaN when none. */
  tz: Float64Array
  accepted: number
  lines: number
  unlabelledEvents: number
  unlabelledUsers: number
  /** Identify messages of labelled users read (their trial dates are replayed). */
  identifies: number
  /** Pre-identify (anonymousId-only) events credited to the identified user their anonymousId later appears with, and how many anonymousIds. */
  adopted: { events: number; anonymousIds: number }
  /** AnonymousIds seen with more than one userId, one of them labelled (credited to the earliest). */
  sharedAnonymousIds: number
  parts: Partitions
}

export const OTHER = '$other'
/** AnonymousIds of unlabelled users remembered at most (a few MB). */
const MAX_OTHER_LINKS = 200_000

/** A message of an anonymousId alone, held until the whole file has said who that anonymousId is. */
type Held = { a: string; t: number; n: string; p?: Record<string, unknown> } | { a: string; t: number; s?: number; e?: number; z?: number }

/**
 * First pass over the events: parse and check every line, keep the events
 * of labelled users in partitions by user, and count what cannot be used.
 *
 * Identities, as the SDK and the collector resolve them: a message with a
 * userId belongs to that user; a message with only an anonymousId (sent
 * before identify) belongs to the user that anonymousId first appears with
 * on a message carrying both ids (the earliest such message, when several
 * users identified in one browser; skipped when that user is not labelled),
 * else to the anonymousId itself (a user labelled by anonymousId). Input
 * is unsorted, so anonymous messages are held (in a temporary file next to
 * the partitions, or in memory for a single in-memory partition) and
 * resolved after the last line.
 *
 * Identify messages give trial dates, replayed as the SDK's `trial` op at
 * their time, and the browser's timezone offset, which cuts the user's days.
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
  const trialStart = new Float64Array(n).fill(NaN)
  const trialStartAt = new Float64Array(n).fill(Infinity)
  const tz = new Float64Array(n).fill(NaN)
  const tzAt = new Float64Array(n).fill(-Infinity)
  const unlabelled = new Set<string>()
  const parts = new Partitions(o.partitions)
  const r: Ingested = {
    names, firstSeen, count, conversionAt, trialStart, tz, accepted: 0, lines: 0, unlabelledEvents: 0, unlabelledUsers: 0,
    identifies: 0, adopted: { events: 0, anonymousIds: 0 }, sharedAnonymousIds: 0, parts,
  }
  /** anonymousId -> the user it was first seen with (label index; negative: not labelled), and when. */
  const alias = new Map<string, { u: number; t: number }>()
  const shared = new Set<string>()
  const heldPath = parts.dir ? join(parts.dir, 'anonymous.ndjson') : null
  const heldFile = heldPath ? new Writer(heldPath) : null
  const heldMemory: string[] = []
  const hold = (h: Held) => (heldFile ? heldFile.write(JSON.stringify(h) + '\n') : heldMemory.push(JSON.stringify(h)))
  let pooled = 0
  let folded = 0
  let lines = 0

  let others = 0
  const link = (who: Who, t: number) => {
    if (!who.userId || !who.anonymousId || who.userId === who.anonymousId) return
    const at = Number.isFinite(t) ? t : Infinity
    const a = alias.get(who.anonymousId)
    const u = labels.index.get(who.userId) ?? -1
    if (!a) {
      // Unlabelled users' browsers are remembered too (up to a bound), so a browser first identified
      // as someone else is not credited to a labelled user (explain knows only one user).
      if (u < 0 && others >= MAX_OTHER_LINKS) return
      if (u < 0) others++
      return void alias.set(who.anonymousId, { u, t: at })
    }
    if (u >= 0 ? a.u !== u : a.u >= 0) shared.add(who.anonymousId)
    if (at < a.t) alias.set(who.anonymousId, { u, t: at })
  }
  const event = (u: number, name: string, t: number, props: Record<string, unknown> | undefined) => {
    let ni = nameIndex.get(name)
    if (ni === undefined) {
      const pool = names.length >= maxNames
      if (pool) pooled++
      ni = pool ? nameIndex.get(OTHER) : undefined
      if (ni === undefined) {
        ni = names.length
        names.push(pool ? OTHER : name)
        nameIndex.set(pool ? OTHER : name, ni)
      }
      if (!pool) nameIndex.set(name, ni)
    }
    if (t < firstSeen[u]) firstSeen[u] = t
    count[u]++
    if (name === o.conversionEvent && !(t >= conversionAt[u])) conversionAt[u] = t
    parts.add(u, t, ni, props && o.propsFor.has(name) ? props : undefined)
    r.accepted++
  }
  const identify = (u: number, t: number, start?: number, end?: number, zone?: number) => {
    r.identifies++
    if (start !== undefined || end !== undefined) parts.addTrial(u, t, start, end)
    if (start !== undefined && t < trialStartAt[u]) (trialStart[u] = start), (trialStartAt[u] = t)
    if (zone !== undefined && t >= tzAt[u]) (tz[u] = zone), (tzAt[u] = t)
  }
  const skip = (key: string) => {
    r.unlabelledEvents++
    if (unlabelled.size < 1_000_000) unlabelled.add(key)
  }

  try {
    const read = await eachLine(path, (line, lineNo) => {
      lines = lineNo
      const p = parseLine(line)
      if ('skip' in p) return
      if ('problem' in p) return o.problems.add(file, p.problem, lineNo)
      if (p.kind === 'other') {
        link(p.who, p.t)
        if (p.folded === undefined) return o.problems.add(file, 'lines skipped as other message types (score, tier, moment)', 0)
        folded += p.folded
        return o.problems.add(file, 'rollup messages skipped (events the SDK folded into counts cannot be replayed)', lineNo)
      }
      if (p.warn) o.problems.add(file, p.warn, lineNo)
      const t = p.kind === 'event' ? p.row.t : p.t
      link(p.who, t)
      if (!p.who.userId && p.who.anonymousId) {
        if (p.kind === 'event') return hold({ a: p.who.anonymousId, t, n: p.row.name, ...(p.row.props && o.propsFor.has(p.row.name) ? { p: p.row.props } : {}) })
        return hold({ a: p.who.anonymousId, t, s: p.start, e: p.end, z: p.tz })
      }
      const id = p.kind === 'event' ? p.row.userId : p.who.userId!
      const u = labels.index.get(id)
      if (p.kind === 'identify') return void (u !== undefined && identify(u, t, p.start, p.end, p.tz))
      if (u === undefined) return skip(id)
      event(u, p.row.name, t, p.row.props)
    }, o.progress && ((b) => o.progress!(b, lines)))
    r.lines = read.lines

    // The anonymous messages, now that every alias is known.
    heldFile?.close()
    const adopted = new Set<string>()
    const resolve = (text: string) => {
      const h = JSON.parse(text) as Held
      const a = alias.get(h.a)
      const u = a ? (a.u >= 0 ? a.u : undefined) : labels.index.get(h.a)
      if ('n' in h) {
        if (u === undefined) return skip('a:' + h.a)
        if (a) (r.adopted.events++, adopted.add(h.a))
        event(u, h.n, h.t, h.p)
      } else if (u !== undefined) identify(u, h.t, h.s ?? undefined, h.e ?? undefined, h.z ?? undefined)
    }
    if (heldPath) await eachLine(heldPath, (l) => l && resolve(l))
    else heldMemory.forEach(resolve)
    r.adopted.anonymousIds = adopted.size
  } catch (e) {
    try {
      heldFile?.close()
    } catch {
      // already closed
    }
    parts.remove()
    throw e
  }
  parts.seal()
  r.unlabelledUsers = unlabelled.size
  r.sharedAnonymousIds = shared.size
  if (!r.lines) o.problems.fact(file, 'empty file (no lines)')
  if (folded) o.problems.add(file, 'events folded into those rollup messages (not in the calibration)', 0, folded)
  if (pooled) o.problems.add(file, `events of names beyond the first ${maxNames} distinct names (pooled as "${OTHER}")`, 0, pooled)
  if (r.unlabelledEvents && !o.quietUnlabelled) o.problems.add(file, `events of users not in the labels, skipped (${unlabelled.size.toLocaleString('en-US')} users)`, 0, r.unlabelledEvents)
  return r
}
