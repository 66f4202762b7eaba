import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nativeDialogs, type ElectronDialog } from '../../../electron/main/dialogs'

type Win = { id: number }

/** Electron's dialog module as the main process uses it, recording each call and answering from a script. */
function fakeDialog(answers: { canceled: boolean; filePath?: string; filePaths?: string[] }[]) {
  const calls: { method: string; window: Win | null; options: Record<string, unknown> }[] = []
  const dialog: ElectronDialog<Win> = {
    async showSaveDialog(window, options) {
      calls.push({ method: 'save', window, options })
      return { filePaths: [], ...answers.shift()! }
    },
    async showOpenDialog(window, options) {
      calls.push({ method: 'open', window, options })
      return { filePaths: [], ...answers.shift()! }
    },
  }
  return { dialog, calls }
}

const places = { documents: () => '/home/me/Documents', home: () => '/home/me' }
const filters = [{ name: 'Keybridge backup', extensions: ['kbbackup'] }]

describe('native file dialogs (electron/main/dialogs.ts)', () => {
  it('save: modal to the main window, proposed name in Documents, overwrite confirmed; cancel is null', async () => {
    const win = { id: 1 }
    const { dialog, calls } = fakeDialog([
      { canceled: false, filePath: '/home/me/Documents/b.kbbackup' },
      { canceled: true, filePath: '' },
    ])
    const d = nativeDialogs(dialog, () => win, places)
    expect(await d.pickSavePath({ title: 'Save', defaultName: 'b.kbbackup', filters })).toBe(
      '/home/me/Documents/b.kbbackup',
    )
    expect(await d.pickSavePath({ title: 'Save', filters })).toBeNull()
    expect(calls[0]).toEqual({
      method: 'save',
      window: win,
      options: {
        title: 'Save',
        defaultPath: join('/home/me/Documents', 'b.kbbackup'),
        filters,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      },
    })
    expect(calls[1]!.options['defaultPath']).toBe('/home/me/Documents')
  })

  it('open starts in the home folder with hidden files shown; folder picks a directory', async () => {
    const { dialog, calls } = fakeDialog([
      { canceled: false, filePaths: ['/home/me/.cursor/mcp.json'] },
      { canceled: false, filePaths: ['/home/me/Backups'] },
      { canceled: true, filePaths: [] },
    ])
    const d = nativeDialogs<Win>(dialog, () => null, places)
    expect(await d.pickOpenPath({ title: 'Open', filters })).toBe('/home/me/.cursor/mcp.json')
    expect(await d.pickFolder({ title: 'Folder' })).toBe('/home/me/Backups')
    expect(await d.pickFolder({ title: 'Folder' })).toBeNull()
    expect(calls[0]!.options).toEqual({
      title: 'Open',
      defaultPath: '/home/me',
      filters,
      properties: ['openFile', 'showHiddenFiles'],
    })
    expect(calls[1]!.options['properties']).toEqual(['openDirectory', 'createDirectory', 'promptToCreate'])
    // No window (closed to the tray): the dialog still opens, just not modal.
    expect(calls[0]!.window).toBeNull()
  })
})
