import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/core'

const run = promisify(execFile)
const script = join(__dirname, '../../../electron/tools/security-scan.mjs')

// `npm run security:scan` scans the real build; this proves the gate closes on a bad one.
describe('security:scan gate', () => {
  it('fails on a high or medium Electronegativity finding', async () => {
    const { dir, cleanup } = tempDir('kb-scan-fixture-')
    try {
      mkdirSync(join(dir, 'main'))
      mkdirSync(join(dir, 'renderer/assets'), { recursive: true })
      writeFileSync(
        join(dir, 'main/index.js'),
        "const { BrowserWindow } = require('electron')\n" +
          'new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } })\n',
      )
      writeFileSync(join(dir, 'renderer/index.html'), '<!doctype html><title>x</title>')
      const err = await run(process.execPath, [script, dir]).then(
        () => null,
        (e: { code: number; stdout: string }) => e,
      )
      expect(err?.code).toBe(1)
      expect(err!.stdout).toMatch(/FAIL HIGH\s+CONTEXT_ISOLATION_JS_CHECK\s+main\/index.js:2/)
      expect(err!.stdout).toMatch(/FAIL MEDIUM\s+SANDBOX_JS_CHECK/)
      expect(err!.stdout).toMatch(/FAIL HIGH\s+LIMIT_NAVIGATION_GLOBAL_CHECK/)
    } finally {
      cleanup()
    }
  }, 60_000)
})
