import { test as base, chromium, type Browser, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../../electron/core/app'
import { FileKeychain } from '../../../electron/core/vault/file-keychain'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium'
import { StandInDialogs } from './dialogs'
import { serveStatic } from './static-server'

/** Cheap Argon2 for tests; the real default is exercised in unit tests and the bench. */
export const TEST_KDF = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

/** The main process's clipboard, in memory: credentials.copy writes here and clears it after 30 s. */
export class MemoryClipboard {
  text = ''
  writeText(text: string): void {
    this.text = text
  }
  readText(): string {
    return this.text
  }
}

export interface Harness {
  core: Core
  clipboard: MemoryClipboard
  /** The native file dialogs' stand-in: answers inside `<dataDir>/picked`, or what the test queues. */
  dialogs: StandInDialogs
  page: Page
  dataDir: string
  /** Reload the app page (the core keeps running, like the main process does). */
  reload(): Promise<void>
  /** With `recordIpc`: every invoke result and event payload sent to the page, as JSON. */
  ipc: string[]
}

/**
 * `window.keybridge` in real Chromium, bridged to a real core: every invoke goes through
 * core.invoke, the same dispatch (channel check, zod input/output parsing) as Electron's IPC.
 */
export async function openApp(
  browser: Browser,
  opts: {
    env?: Record<string, string | undefined>
    colorScheme?: 'light' | 'dark'
    /** Keep what crosses to the renderer, to prove a secret never did (off: some lists are large). */
    recordIpc?: boolean
  } = {},
): Promise<Harness & { close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kb-e2e-'))
  const clipboard = new MemoryClipboard()
  const dialogs = new StandInDialogs(join(dataDir, 'picked'))
  const core = await createCore({
    clipboard,
    dialogs,
    dataDir,
    runtime: 'browser-harness',
    osProtector: new FileKeychain(join(dataDir, 'test-keychain.bin')),
    kdf: TEST_KDF,
    // English unless a test asks otherwise, whatever the machine's locale.
    env: { ...process.env, KEYBRIDGE_LOCALE: 'en_US.UTF-8', ...opts.env },
  })
  const server = await serveStatic(join(__dirname, '../../../out/renderer'))
  const context = await browser.newContext({
    colorScheme: opts.colorScheme ?? 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
  })
  const page = await context.newPage()
  // Results cross CDP as one JSON string: Playwright's per-value serializer takes seconds on a
  // 10,000-credential list, where Electron's structured clone takes milliseconds.
  const ipc: string[] = []
  await page.exposeFunction('__kbInvoke', async (channel: unknown, input: unknown) => {
    const json = JSON.stringify(await core.invoke(channel, input, { actor: 'ui' }))
    if (opts.recordIpc) ipc.push(json)
    return json
  })
  // tsx/esbuild (the bench runner) wraps named functions in __name(); functions serialized into the
  // page need it defined there too.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f)' })
  await page.addInitScript(() => {
    const listeners = new Map<string, Set<(p: unknown) => void>>()
    const w = window as unknown as Record<string, unknown>
    w['__kbEmit'] = (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload))
    w['keybridge'] = Object.freeze({
      invoke: async (channel: string, input?: unknown) =>
        JSON.parse(await (w['__kbInvoke'] as (c: string, i: unknown) => Promise<string>)(channel, input)),
      on: (name: string, listener: (p: unknown) => void) => {
        if (!listeners.has(name)) listeners.set(name, new Set())
        listeners.get(name)!.add(listener)
        return () => listeners.get(name)?.delete(listener)
      },
    })
  })
  const off = core.ctx.events.subscribe((name, payload) => {
    if (opts.recordIpc) ipc.push(JSON.stringify([name, payload]))
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
    clipboard,
    dialogs,
    page,
    dataDir,
    ipc,
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
