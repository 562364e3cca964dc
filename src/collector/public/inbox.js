/*
 * Sales inbox (served by the collector at /inbox.js): refreshes the page's
 * content every few seconds while the tab is visible, so a new PQL shows up
 * without a reload. Keeps open <details> open. No inline script needed.
 */
;(function () {
  'use strict'
  var EVERY = 4000
  var busy = false

  function openKeys() {
    return Array.prototype.map.call(document.querySelectorAll('details[open]'), function (d) {
      var card = d.closest('.card')
      return card ? card.querySelector('h3').textContent : ''
    })
  }

  /**
   * The page again, parsed by the browser as an inert document: XHR's "document"
   * response, not DOMParser, which Trusted Types (require-trusted-types-for
   * 'script') refuses a string.
   */
  function load(url) {
    return new Promise(function (resolve) {
      var x = new XMLHttpRequest()
      x.open('GET', url)
      x.responseType = 'document'
      x.setRequestHeader('Accept', 'text/html')
      x.onload = function () { resolve(x.status === 200 ? x.response : null) }
      x.onerror = x.ontimeout = function () { resolve(null) }
      x.send()
    })
  }

  function refresh() {
    if (busy || document.visibilityState !== 'visible') return
    busy = true
    load(location.pathname)
      .then(function (doc) {
        if (!doc) return
        var main = doc.getElementById('inbox')
        var summary = doc.getElementById('summary')
        if (!main || !summary) return
        var open = openKeys()
        document.getElementById('inbox').replaceWith(document.adoptNode(main))
        document.getElementById('summary').replaceWith(document.adoptNode(summary))
        document.querySelectorAll('.card').forEach(function (card) {
          var d = card.querySelector('details')
          if (d && open.indexOf(card.querySelector('h3').textContent) >= 0) d.open = true
        })
      })
      .catch(function () {})
      .then(function () { busy = false })
  }

  setInterval(refresh, EVERY)
  document.addEventListener('visibilitychange', refresh)
})()
