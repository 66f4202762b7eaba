import { existsSync } from 'node:fs'

export const CHROMIUM_PATH = process.env['KEYBRIDGE_CHROMIUM'] || '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Fails with one line that says how to get Chromium, instead of a Playwright stack trace. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with "sudo apt-get install -y chromium" (or set KEYBRIDGE_CHROMIUM to its path).`,
    )
  }
}
