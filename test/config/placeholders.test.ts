import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/validate'
import { reasonFor } from '../../src/score/reasons'
import { score } from '../../src/score/score'
import { emptyAggregates } from '../../src/store/aggregate'
import { copyVars, renderCopy } from '../../src/trigger/copy'
import { leftText } from '../../src/render/parts'

/**
 * The validator refuses a {{placeholder}} the renderer would not fill (it would reach the user, braces
 * and all); so every placeholder it accepts must be filled. These configs use each one the validator
 * knows, and what the SDK renders from them must hold no "{{".
 */
const NOW = Date.UTC(2026, 2, 10, 12)
const body = '{{score}} {{ tier }} {{plan}} {{daysLeft}} {{topFeature}} {{topFeatureCount}} {{invites}} {{projects}} {{signal.my-sig}} {{signal.v1.2}} {{s.invites}} {{s.daysLeft}} {{s.signal.my-sig}}'
const config = {
  model: {
    signals: {
      'my-sig': { type: 'count', event: 'x', threshold: 2, reason: '{{label}} {{value}}/{{threshold}} in {{days}} day{{s}}', window: { last: 7 } },
      'v1.2': { type: 'recency', threshold: 3 },
    },
    dimensions: { d: { weight: 1, signals: ['my-sig', 'v1.2'] } },
  },
  moments: [
    {
      id: 'm', kind: 'trial', cta: { url: '/pricing' },
      copy: { en: { title: body.slice(0, 120), body, cta: '{{plan}}', daysLeft: '{{days}} d {{plan}}', hoursLeft: '{{hours}}:{{minutes}}', minutesLeft: '{{minutes}}:{{seconds}}', engaged: { title: '{{ signal.my-sig }}' } } },
    },
  ],
}

describe('placeholders the validator accepts are the ones the SDK fills', () => {
  it('moment copy, countdown labels and signal reasons render without braces', () => {
    const r = resolveConfig(config)
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const result = score(r.config.model, emptyAggregates(NOW, 0), NOW)
    const m = r.config.moments[0]
    const { engaged, ...c } = m.copy.en
    // A user with a top feature: {{topFeature}} is unknown before any feature use, on purpose (the copy's fallback; test/moments.test.ts).
    // And {{invites}}, {{projects}}: unknown until the events are sent (or the model has signals of them).
    const vars = copyVars({ ...result, topFeatures: [{ name: 'export', count: 2 }] }, 'low', 'trial', NOW + 5 * 86_400_000, NOW, { teammate_invited: 1, project_created: 0 })
    const out: Record<string, string> = { ...renderCopy(c, vars), ...renderCopy({ title: '', ...engaged }, vars) } as never
    // The countdown labels keep {{days}}... for the renderer's leftText, checked below.
    for (const [k, v] of Object.entries(out)) if (!k.endsWith('Left')) expect(v, k).not.toContain('{{')
    expect(out.body).toContain(' 0 ') // {{signal.my-sig}}: no events yet
    for (const ms of [3 * 86_400_000, 3_600_000 * 5, 60_000 * 5]) expect(leftText(ms, out as never)).not.toContain('{{')
    expect(reasonFor(r.config.model.signals['my-sig'], 1)).toBe('x 1/2 in 7 day')
  })
})
