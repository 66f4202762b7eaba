import { test as base, chromium, type Browser, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../../electron/core/app'
import { FileKeychain } from '../../../electron/core/vault/file-keychain'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium'
import { serveStatic } from './static-server'

/** Cheap Argon2 for tests; the real default is exercised in unit tests and the bench. */
export const TEST_KDF = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

export interface Harness {
  core: Core
  page: Page
  dataDir: string
  /** Reload the app page (the core keeps running, like the main process does). */
  reload(): Promise<void>
}

/**
 * `window.keybridge` in real Chromium, bridged to a real core: every invoke goes through
 * core.invoke, the same dispatch (channel check, zod input/output parsing) as Electron's IPC.
 */
export async function openApp(
  browser: Browser,
  opts: { env?: Record<string, string | undefined>; colorScheme?: 'light' | 'dark' } = {},
): Promise<Harness & { close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kb-e2e-'))
  const core = await createCore({
    dataDir,
    runtime: 'browser-harness',
    osProtector: new FileKeychain(join(dataDir, 'test-keychain.bin')),
    kdf: TEST_KDF,
    env: { ...process.env, ...opts.env },
  })
  const server = await serveStatic(join(__dirname, '../../../out/renderer'))
  const context = await browser.newContext({ colorScheme: opts.colorScheme ?? 'light' })
  const page = await context.newPage()
  await page.exposeFunction('__kbInvoke', (channel: unknown, input: unknown) =>
    core.invoke(channel, input, { actor: 'ui' }),
  )
  await page.addInitScript(() => {
    const listeners = new Map<string, Set<(p: unknown) => void>>()
    const w = window as unknown as Record<string, unknown>
    w['__kbEmit'] = (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload))
    w['keybridge'] = Object.freeze({
      invoke: (channel: string, input?: unknown) =>
        (w['__kbInvoke'] as (c: string, i: unknown) => Promise<unknown>)(channel, input),
      on: (name: string, listener: (p: unknown) => void) => {
        if (!listeners.has(name)) listeners.set(name, new Set())
        listeners.get(name)!.add(listener)
        return () => listeners.get(name)?.delete(listener)
      },
    })
  })
  const off = core.ctx.events.subscribe((name, payload) => {
    page
      .evaluate(
        ([n, p]) => (window as unknown as { __kbEmit: (n: string, p: unknown) => void }).__kbEmit(n, p),
        [name, payload] as const,
      )
      .catch(() => {})
  })
  await page.goto(server.url)
  return {
    core,
    page,
    dataDir,
    reload: async () => {
      await page.reload()
    },
    async close() {
      off()
      await context.close()
      await server.close()
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const test = base.extend<{ app: Harness }, { kbBrowser: Browser }>({
  kbBrowser: [
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
      await use(browser)
      await browser.close()
    },
    { scope: 'worker' },
  ],
  app: async ({ kbBrowser }, use) => {
    const app = await openApp(kbBrowser)
    await use(app)
    await app.close()
  },
})

export { expect } from '@playwright/test'
