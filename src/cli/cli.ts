import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { COLOUR_NAMES } from '../render/colour-names'
import { useColourNames } from '../render/theme'
import { VERSION } from '../version'
import { numFlag, parseArgs, strFlag } from './args'
import { calibrate } from './calibrate'
import { explainCommand } from './explain'
import { generateCohort } from './generate'
import { CliError, fmtInt, type Io, processIo, Writer } from './io'
import { parseTime } from './ndjson'
import { progressBar } from './progress'
import { reportHtml } from './report-html'
import { summary } from './summary'
import { validateCommand } from './validate'

export const HELP = `momentkit ${VERSION}: calibrate and check MomentKit PQL models

Usage
  momentkit validate <config.json|-> [--json] [--strict]
      Check a config with the SDK's own validator (what init() accepts, and the
      JSON Schema agrees); every problem is printed with its JSON path, then
      warnings: legal settings that probably do not do what was meant (a signal
      no dimension uses, a threshold never met, a moment that never shows...).
      "-" reads stdin. Exit 0: valid; 1: invalid, or warnings with --strict;
      2: unreadable file or bad usage.

  momentkit explain <config.json> <events.ndjson> --user <id> [--at <time>] [--trial-start <time>] [--json]
      Replay one user's events through the model: score, tier, breakdown,
      signals, reasons and tier changes.

  momentkit calibrate <events.ndjson> --labels <labels.csv|ndjson> [options]
      Learn a model from past trial users: lift of every candidate signal,
      a proposed config (3-5 signals, weights, tiers), before/after figures
      and an HTML report.
      --config <file>         starting config to compare against (default: the built-in model)
      --observe-day <n>       observe each user at day n of their trial / first event (default 14)
      --before-conversion     observe converters just before converting, others at the same age
      --pql-share <share>     share of users the PQL tier should hold (default 0.12, or "12%")
      --holdout <share>       users held out to evaluate (default 0.3; 0 = in-sample)
      --min-users <n>         flag cuts with fewer users on a side (default 30)
      --max-signals <3-5>     signals in the proposed model at most (default 5)
      --window <days>         window of active days / sessions measures (default: observe day)
      --exclude <a,b>         event names never used as signals (the conversion event never is)
      --utc-offset <minutes>  cut days in this time zone (default 0, UTC; a user's identify
                              messages' timezone wins)
      --seed <n>              seed of the fit/held-out split (default 1)
      --out <file>            proposed config (default momentkit.calibrated.json)
      --report <file>         HTML report (default momentkit-report.html)
      --json <file>           all results as JSON
      --partition-mb <n>      input MB per temporary partition (default 48; lower uses less memory)
      --quiet                 no progress bar, no summary

  momentkit generate --users <n> [--seed <n>] [--events <file>] [--labels <file>]
      Write a synthetic trial cohort with known planted signals (for trying calibrate).

Input
  events: NDJSON, one event a line: {"userId","name","props","timestamp"}; timestamp
          ISO 8601 (UTC when it has no offset) or epoch ms; .gz is read too. The SDK's delivered messages (the
          collector's messages.body) work as they are: events sent before identify
          count for the user their anonymousId later identified as, identify
          messages give trial dates and the browser's timezone, score/tier/moment/
          rollup lines are skipped and counted (docs/calibration.md: exporting).
  labels: CSV with a header (userId,converted,convertedAt[,trialStart]) or NDJSON with
          those keys; converted is yes/no, true/false or 1/0.
Bad lines are counted and reported with their line numbers; the run goes on and
exits non-zero only when nothing usable remains. Usage errors and missing files
exit 2.
`

const CALIBRATE_VALUES = ['labels', 'config', 'observe-day', 'pql-share', 'holdout', 'min-users', 'max-signals', 'window', 'exclude', 'utc-offset', 'seed', 'out', 'report', 'json', 'partition-mb']

async function calibrateCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, CALIBRATE_VALUES, ['before-conversion', 'quiet'])
  const events = p.positional[0]
  const labels = strFlag(p, 'labels')
  if (!events || !labels || p.positional.length > 1) throw new CliError('usage: momentkit calibrate <events.ndjson> --labels <labels.csv> [options] (see --help)', 2)
  const at = (f: string) => resolve(io.cwd, f)
  const quiet = p.flags.quiet === true
  const progress = progressBar(io, !quiet)
  const started = Date.now()
  const c = await calibrate({
    events: events === '-' ? '-' : at(events),
    labels: at(labels),
    config: strFlag(p, 'config') && at(strFlag(p, 'config')!),
    observeDay: numFlag(p, 'observe-day', 14, 1, 365, true),
    beforeConversion: p.flags['before-conversion'] === true,
    window: p.flags.window === undefined ? undefined : numFlag(p, 'window', 14, 1, 365, true),
    pqlShare: numFlag(p, 'pql-share', 0.12, 0.01, 0.9),
    holdout: numFlag(p, 'holdout', 0.3, 0, 0.9),
    minUsers: numFlag(p, 'min-users', 30, 1, 1e9, true),
    maxSignals: numFlag(p, 'max-signals', 5, 3, 5, true),
    exclude: (strFlag(p, 'exclude') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    utcOffset: numFlag(p, 'utc-offset', 0, -840, 840, true),
    seed: numFlag(p, 'seed', 1, 0, 2 ** 31, true),
    partitionBytes: numFlag(p, 'partition-mb', 48, 0.001, 4096) * 1e6,
    progress,
  })
  progress.end()
  const seconds = (Date.now() - started) / 1000
  const use = process.resourceUsage()
  // CPU time as well as wall time: on a busy machine wall time measures the neighbours.
  const run = { seconds, cpuSeconds: (use.userCPUTime + use.systemCPUTime) / 1e6, eventsPerSecond: c.input.lines / seconds, maxRssMB: use.maxRSS / 1024 }
  const written: string[] = []
  const out = at(strFlag(p, 'out') ?? 'momentkit.calibrated.json')
  if (c.config) (writeFileSync(out, JSON.stringify(c.config, null, 2) + '\n'), written.push(`${out} (validated config)`))
  const report = at(strFlag(p, 'report') ?? 'momentkit-report.html')
  writeFileSync(report, reportHtml(c))
  written.push(report)
  const json = strFlag(p, 'json')
  if (json) {
    const { problems, signals, ...rest } = c
    const sig = signals.map((s) => ({ id: s.cand.id, source: s.cand.source, signal: s.cand.signal, threshold: s.threshold, users: s.users, eligible: s.eligible, flag: s.flag ?? null, ...s.stats }))
    writeFileSync(at(json), JSON.stringify({ ...rest, problems: problems.toJSON(), signals: sig, run }, null, 2) + '\n')
    written.push(at(json))
  }
  if (!quiet) io.out(summary(c, written) + `  ${fmtInt(c.input.lines)} lines in ${seconds.toFixed(1)} s (${fmtInt(run.eventsPerSecond)} lines/s), peak memory ${run.maxRssMB.toFixed(0)} MB\n`)
  if (!c.config) io.err(`momentkit: no model proposed: no signal is usable at this sample size (${fmtInt(c.input.users)} users, ${fmtInt(c.input.converters)} converters); the report lists every signal\n`)
  return c.config ? 0 : 1
}

function generateCommand(argv: string[], io: Io): number {
  const p = parseArgs(argv, ['users', 'seed', 'events', 'labels'], [])
  const users = numFlag(p, 'users', 5000, 1, 1e8, true)
  const ev = new Writer(resolve(io.cwd, strFlag(p, 'events') ?? 'events.ndjson'))
  const lb = new Writer(resolve(io.cwd, strFlag(p, 'labels') ?? 'labels.csv'))
  const r = generateCohort({ users, seed: numFlag(p, 'seed', 1, 0, 2 ** 31, true) }, { event: (l) => ev.write(l), label: (l) => lb.write(l) })
  ev.close()
  lb.close()
  io.out(`${fmtInt(r.users)} users (${fmtInt(r.converters)} converted), ${fmtInt(r.events)} events\n`)
  return 0
}

/**
 * Runs one command; returns the exit code. Never calls process.exit, so
 * tests run it in-process with their own `io`.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  useColourNames(COLOUR_NAMES) // no CSS.supports in Node: theme colour names are checked against the list
  const [cmd, ...rest] = argv
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help' || rest.includes('--help') || rest.includes('-h')) {
      io.out(HELP)
      return cmd && !['--help', '-h', 'help', 'validate', 'explain', 'calibrate', 'generate'].includes(cmd) ? 2 : 0
    }
    if (cmd === '--version' || cmd === '-v') return io.out(VERSION + '\n'), 0
    if (cmd === 'validate') {
      const p = parseArgs(rest, [], ['json', 'strict'])
      if (p.positional.length !== 1) throw new CliError('usage: momentkit validate <config.json|-> [--json] [--strict]', 2)
      const f = p.positional[0]
      return validateCommand(f === '-' ? f : resolve(io.cwd, f), io, p.flags.json === true, p.flags.strict === true)
    }
    if (cmd === 'explain') {
      const p = parseArgs(rest, ['user', 'at', 'trial-start', 'utc-offset'], ['json'])
      const user = strFlag(p, 'user')
      if (p.positional.length !== 2 || !user) throw new CliError('usage: momentkit explain <config.json> <events.ndjson> --user <id>', 2)
      const time = (f: string) => {
        const v = strFlag(p, f)
        if (v === undefined) return undefined
        const t = parseTime(/^\d+$/.test(v) ? Number(v) : v)
        if (!Number.isFinite(t)) throw new CliError(`--${f} must be an ISO 8601 time or epoch ms (got "${v}")`, 2)
        return t
      }
      const [config, events] = p.positional.map((f) => resolve(io.cwd, f))
      return await explainCommand({ config, events, user, at: time('at'), trialStart: time('trial-start'), utcOffset: numFlag(p, 'utc-offset', 0, -840, 840, true), json: p.flags.json === true }, io)
    }
    if (cmd === 'calibrate') return await calibrateCommand(rest, io)
    if (cmd === 'generate') return generateCommand(rest, io)
    throw new CliError(`unknown command "${cmd}" (try: validate, explain, calibrate, generate, --help)`, 2)
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`momentkit: ${e.message}\n`)
      return e.code
    }
    io.err(`momentkit: internal error: ${(e as Error).stack ?? e}\n`)
    return 3
  }
}
