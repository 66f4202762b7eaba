// For the bundled command only (electron/tools/build-cli.cjs): undici, loaded on first use.
// Evaluating undici costs every command ~20 ms at start, though most never make an HTTP request.
// Each export forwards to the real module; an Agent is created when it is first used, so code that
// makes one up front (providers/http.ts) pays nothing until it sends a request.
'use strict'
let real
const undici = () => (real ??= require('undici'))

/** An object standing for `new Ctor(...args)`, constructed on its first property access. */
function lazyInstance(name, args) {
  let target
  const get = () => (target ??= Reflect.construct(undici()[name], args))
  return new Proxy(
    {},
    {
      get(_, key) {
        // Closing an agent that never connected needs no undici at all.
        if (!target && (key === 'close' || key === 'destroy')) return () => Promise.resolve()
        const t = get()
        const v = t[key]
        return typeof v === 'function' ? v.bind(t) : v
      },
      set(_, key, value) {
        get()[key] = value
        return true
      },
      has: (_, key) => key in get(),
    },
  )
}

class Agent {
  constructor(...args) {
    return lazyInstance('Agent', args)
  }
}

module.exports = {
  Agent,
  request: (...args) => undici().request(...args),
  fetch: (...args) => undici().fetch(...args),
  get Response() {
    return undici().Response
  },
  get WebSocket() {
    return undici().WebSocket
  },
}
