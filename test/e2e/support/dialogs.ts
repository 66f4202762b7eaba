import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FileDialogs, PickFileOptions } from '../../../electron/core/dialogs/types'

type Kind = 'save' | 'open' | 'folder'

/**
 * The native file dialogs, deterministic: each answers with a path inside the test's temp dir, or
 * with what the test queued (`willPick`), and records what the app asked for (title, name, filters).
 */
export class StandInDialogs implements FileDialogs {
  readonly asked: {
    kind: Kind
    title: string
    defaultName?: string
    filters?: PickFileOptions['filters']
  }[] = []
  private readonly queued: Record<Kind, (string | null)[]> = { save: [], open: [], folder: [] }
  private lastSaved: string | null = null

  constructor(readonly dir: string) {}

  /** The next dialog of this kind answers `path`; null stands for the user pressing Cancel. */
  willPick(kind: Kind, path: string | null): void {
    this.queued[kind].push(path)
  }

  private answer(kind: Kind, fallback: () => string | null): string | null {
    return this.queued[kind].length ? this.queued[kind].shift()! : fallback()
  }

  async pickSavePath(opts: PickFileOptions): Promise<string | null> {
    this.asked.push({ kind: 'save', ...opts })
    const path = this.answer('save', () => {
      mkdirSync(this.dir, { recursive: true })
      return join(this.dir, opts.defaultName ?? 'saved-file')
    })
    this.lastSaved = path ?? this.lastSaved
    return path
  }

  /** Unless told otherwise: the file saved last, else Cancel. */
  async pickOpenPath(opts: PickFileOptions): Promise<string | null> {
    this.asked.push({ kind: 'open', ...opts })
    return this.answer('open', () => this.lastSaved)
  }

  async pickFolder(opts: { title: string }): Promise<string | null> {
    this.asked.push({ kind: 'folder', ...opts })
    return this.answer('folder', () => {
      const folder = join(this.dir, 'chosen-folder')
      mkdirSync(folder, { recursive: true })
      return folder
    })
  }
}
