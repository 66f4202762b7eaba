import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import { unwrapBytes, wrapBytes } from './crypto'
import type { GenerationStore, OsKeyProtector } from './key-protector'

/**
 * Stand-in for the OS keychain, for tests, the browser harness and benchmarks only: it keeps its
 * key in a file, which is no protection. The desktop app uses Electron safeStorage instead.
 */
export class FileKeychain implements OsKeyProtector {
  readonly label = 'test keychain (file)'
  readonly generation: GenerationStore
  constructor(private readonly file: string) {
    // Like the OS keychain item next to the wrapped key: outside the vault file.
    const genFile = `${file}.generation.json`
    const all = (): Record<string, number> =>
      existsSync(genFile) ? (JSON.parse(readFileSync(genFile, 'utf8')) as Record<string, number>) : {}
    this.generation = {
      read: (id) => all()[id] ?? null,
      write: (id, n) => {
        mkdirSync(dirname(genFile), { recursive: true })
        writeFileSync(genFile, JSON.stringify({ ...all(), [id]: n }), { mode: 0o600 })
      },
    }
  }

  availability() {
    return { available: true as const }
  }

  private key(): Buffer {
    if (!existsSync(this.file)) {
      mkdirSync(dirname(this.file), { recursive: true })
      writeFileSync(this.file, randomBytes(32), { mode: 0o600 })
    }
    return readFileSync(this.file)
  }

  async wrap(key: Buffer): Promise<Buffer> {
    return wrapBytes(this.key(), key, Buffer.from('kb-file-keychain'))
  }

  async unwrap(blob: Buffer): Promise<Buffer> {
    const k = unwrapBytes(this.key(), blob, Buffer.from('kb-file-keychain'))
    if (!k) throw new AppError('PROTECTOR_UNAVAILABLE', 'The keychain could not open the vault key.')
    return k
  }
}
