import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { replaceFile } from '../../../electron/core/import-config/config-file'
import { restoreBackup } from '../../../electron/core/import-config/undo'

describe('undoing a config rewrite', () => {
  it('puts the backup made by the rewrite back over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-undo-'))
    const file = join(dir, 'mcp.json')
    writeFileSync(file, 'original')
    const { backupPath } = replaceFile(file, 'rewritten', Date.now())
    expect(readFileSync(file, 'utf8')).toBe('rewritten')
    restoreBackup(file, backupPath)
    expect(readFileSync(file, 'utf8')).toBe('original')
    expect(existsSync(backupPath)).toBe(false)
    // Twice: the backup is gone, a clear error and the file untouched.
    expect(() => restoreBackup(file, backupPath)).toThrow(/is gone/)
    expect(readFileSync(file, 'utf8')).toBe('original')
  })

  it('accepts nothing but a backup of that very file, beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-undo-'))
    const file = join(dir, 'mcp.json')
    const other = join(dir, 'secrets.txt')
    writeFileSync(file, 'original')
    writeFileSync(other, 'not a backup')
    expect(() => restoreBackup(file, other)).toThrow(/not a Keybridge backup/)
    expect(() => restoreBackup(file, join(tmpdir(), 'mcp.json.bak-20260101-000000'))).toThrow(
      /not a Keybridge backup/,
    )
    expect(() => restoreBackup(file, `${file}.bak-../../x`)).toThrow(/not a Keybridge backup/)
    expect(readFileSync(file, 'utf8')).toBe('original')
    expect(readFileSync(other, 'utf8')).toBe('not a backup')
  })
})
