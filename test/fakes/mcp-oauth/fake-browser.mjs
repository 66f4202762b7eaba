#!/usr/bin/env node
// BROWSER for sign-in tests: "opens" the authorization URL by following the fake authorization
// server's redirect to Keybridge's loopback listener, as a browser would. With FAKE_BROWSER_TAMPER=1
// it first delivers the answer with a wrong state (which must be refused), then the real one.
// Appends one JSON line per run to FAKE_BROWSER_LOG.
import { appendFileSync } from 'node:fs'

const url = process.argv[2]
const log = (o) => process.env.FAKE_BROWSER_LOG && appendFileSync(process.env.FAKE_BROWSER_LOG, JSON.stringify(o) + '\n')
try {
  const auth = await fetch(url, { redirect: 'manual' })
  const location = auth.headers.get('location')
  if (!location) {
    log({ url, authorizeStatus: auth.status, body: (await auth.text()).slice(0, 300) })
    process.exit(1)
  }
  let tamperedStatus = null
  if (process.env.FAKE_BROWSER_TAMPER === '1') {
    const bad = new URL(location)
    bad.searchParams.set('state', 'not-the-state-keybridge-sent')
    tamperedStatus = (await fetch(bad)).status
  }
  const back = await fetch(location)
  log({ url, authorizeStatus: auth.status, tamperedStatus, callbackStatus: back.status })
} catch (e) {
  log({ url, error: String(e) })
  process.exit(1)
}
