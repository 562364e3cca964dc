/**
 * A busy product's event mix for the browser benchmarks (bench/rescore.mjs,
 * bench/mainthread.mjs), the same mix as bench/score.mjs: 200 feature values
 * (the SDK keeps 64 per key) and 800 custom event names (it keeps 512), so
 * every bounded map of the aggregates fills up. Seeded (mulberry32, the CLI
 * generator's PRNG), so every run tracks the same events.
 *
 *   benchEvents.track(mk, count, { seed, spanDays })   tracks `count` events spread over the last `spanDays` days
 *   benchEvents.next(r)                                one [name, props] pair
 */
;(function () {
  var DAY = 86400000
  function rng(seed) {
    var a = seed >>> 0
    return function () {
      a = (a + 0x6d2b79f5) >>> 0
      var t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
  var APPS = ['slack', 'github', 'gdrive']
  var ROLES = ['editor', 'viewer']
  function next(r) {
    var y = r()
    if (y < 0.35) return ['feature_used', { feature: 'feature_' + Math.floor(r() * r() * 200) }]
    if (y < 0.5) return ['page_viewed', { path: '/p/' + Math.floor(r() * 5000) }]
    if (y < 0.6) return ['project_created']
    if (y < 0.68) return ['comment_added']
    if (y < 0.72) return ['teammate_invited', { role: ROLES[Math.floor(r() * 2)] }]
    if (y < 0.74) return ['integration_connected', { app: APPS[Math.floor(r() * 3)] }]
    if (y < 0.76) return ['share_link_created']
    if (y < 0.77) return ['data_imported']
    if (y < 0.78) return ['pricing_viewed']
    if (y < 0.79) return ['limit_reached']
    if (y < 0.8) return ['paid_feature_used']
    return ['custom_' + Math.floor(r() * r() * 800)]
  }
  var streams = {}
  window.benchEvents = {
    rng: rng,
    next: next,
    /** Tracks `count` events at random times in the last `spanDays` days (more of them recent); continues the seed's stream. */
    track: function (mk, count, opts) {
      var seed = (opts && opts.seed) || 1
      var span = ((opts && opts.spanDays) || 399) * DAY
      var r = streams[seed] || (streams[seed] = rng(seed))
      var now = Date.now()
      for (var i = 0; i < count; i++) {
        var e = next(r)
        var ago = span * r() * r()
        mk.track(e[0], e[1], { at: now - ago })
      }
    },
  }
})()
