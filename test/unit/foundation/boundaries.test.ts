import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IPC_EVENT, IPC_INVOKE } from '../../../shared/ipc'

const root = join(__dirname, '../../..')

function lint(file: string, source: string): string {
  const path = join(root, file)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, source)
  try {
    execFileSync('npx', ['eslint', '--no-warn-ignored', file], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
    return ''
  } catch (e) {
    return String((e as { stdout?: string }).stdout)
  } finally {
    rmSync(path, { force: true })
  }
}

describe('process boundaries', () => {
  it('lint refuses an electron import in core and a Node built-in in the renderer', () => {
    const core = lint(
      'electron/core/__lint_probe__.ts',
      "import { app } from 'electron'\nexport const x = app\n",
    )
    expect(core).toContain('must not import Electron')
    const renderer = lint(
      'renderer/src/__lint_probe__.ts',
      "import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n",
    )
    expect(renderer).toContain('no Node built-ins')
  }, 60_000)

  it('the preload uses the channel names of shared/ipc.ts and exposes only invoke and on', () => {
    const preload = readFileSync(join(root, 'electron/preload/index.ts'), 'utf8')
    expect(preload).toContain(`'${IPC_INVOKE}'`)
    expect(preload).toContain(`'${IPC_EVENT}'`)
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1)
    const exposed = preload.slice(preload.indexOf('exposeInMainWorld'))
    expect(exposed).toMatch(/invoke:/)
    expect(exposed).toMatch(/on:/)
    expect(exposed).not.toMatch(/ipcRenderer[,}\s]*\)/) // never the raw ipcRenderer
  })

  it('only electron/main and electron/preload import electron', () => {
    const out = execFileSync('grep', ['-rlE', 'from [\'"]electron[\'"]', 'electron', 'shared', 'renderer'], {
      cwd: root,
      encoding: 'utf8',
    })
    for (const file of out.trim().split('\n')) expect(file).toMatch(/^electron\/(main|preload)\//)
  })
})
