import { afterEach, describe, expect, it } from 'vitest'
import type { FileDialogs, PickFileOptions } from '../../../electron/core/dialogs/types'
import { makeCore } from '../../helpers/core'

/** Native dialogs that answer from a script and record what they were asked. */
function scripted(answer: string | null) {
  const asked: { kind: string; opts: PickFileOptions | { title: string } }[] = []
  const dialogs: FileDialogs = {
    pickSavePath: async (opts) => (asked.push({ kind: 'save', opts }), answer),
    pickOpenPath: async (opts) => (asked.push({ kind: 'open', opts }), answer),
    pickFolder: async (opts) => (asked.push({ kind: 'folder', opts }), answer),
  }
  return { dialogs, asked }
}

describe('app.pickPath', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  it('headless (no dialogs): a typed UNSUPPORTED error saying to type the path', async () => {
    const core = await makeCore()
    dispose = core.dispose
    const r = await core.invoke('app.pickPath', { kind: 'open', purpose: 'backup' })
    expect(r).toEqual({
      ok: false,
      error: { code: 'UNSUPPORTED', message: expect.stringContaining('Type the full path') },
    })
  })

  it('asks the right dialog with filters for the purpose; the user’s title wins over the default', async () => {
    const { dialogs, asked } = scripted('/home/me/.cursor/mcp.json')
    const core = await makeCore({ dialogs })
    dispose = core.dispose
    expect(await core.invoke('app.pickPath', { kind: 'open', purpose: 'config' })).toEqual({
      ok: true,
      data: { path: '/home/me/.cursor/mcp.json' },
    })
    await core.invoke('app.pickPath', { kind: 'folder', purpose: 'backup', title: 'Dossier des sauvegardes' })
    expect(asked[0]).toEqual({
      kind: 'open',
      opts: {
        title: 'Choose an app config or .env file',
        defaultName: undefined,
        filters: [
          { name: 'MCP client config', extensions: ['json', 'jsonc'] },
          { name: '.env file', extensions: ['env'] },
          { name: 'All files', extensions: ['*'] },
        ],
      },
    })
    expect(asked[1]).toEqual({ kind: 'folder', opts: { title: 'Dossier des sauvegardes' } })
  })

  it('a backup saved without an extension gets .kbbackup; a name with one is kept', async () => {
    for (const [answer, expected] of [
      ['/home/me/monday', '/home/me/monday.kbbackup'],
      ['/home/me/vault.bak', '/home/me/vault.bak'],
      ['C:\\Users\\me\\monday', 'C:\\Users\\me\\monday.kbbackup'],
    ]) {
      const { dialogs, asked } = scripted(answer!)
      const core = await makeCore({ dialogs })
      const r = await core.invoke('app.pickPath', {
        kind: 'save',
        purpose: 'backup',
        defaultName: 'keybridge-backup.kbbackup',
      })
      expect(r).toEqual({ ok: true, data: { path: expected } })
      expect(asked[0]!.opts).toMatchObject({
        defaultName: 'keybridge-backup.kbbackup',
        filters: [{ name: 'Keybridge backup', extensions: ['kbbackup'] }, { extensions: ['*'] }],
      })
      await core.dispose()
    }
  })

  it('cancel is null; a path as a default name is refused before any dialog opens', async () => {
    const { dialogs, asked } = scripted(null)
    const core = await makeCore({ dialogs })
    dispose = core.dispose
    expect(await core.invoke('app.pickPath', { kind: 'save', purpose: 'backup' })).toEqual({
      ok: true,
      data: { path: null },
    })
    const bad = await core.invoke('app.pickPath', {
      kind: 'save',
      purpose: 'backup',
      defaultName: '../../etc/passwd',
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(asked).toHaveLength(1)
  })
})
