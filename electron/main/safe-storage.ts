import { safeStorage } from 'electron'
import { AppError } from '../../shared/errors'
import type { OsKeyProtector } from '../core/vault/key-protector'

/** The OS keychain through Electron safeStorage; refuses Linux's `basic_text` (a hard-coded key). */
export const safeStorageProtector: OsKeyProtector = {
  label:
    process.platform === 'darwin'
      ? 'macOS Keychain'
      : process.platform === 'win32'
        ? 'Windows DPAPI'
        : 'Secret Service',
  availability() {
    if (!safeStorage.isEncryptionAvailable()) {
      return {
        available: false,
        reason: 'The OS keychain is not available on this system.',
        code: 'unavailable',
      }
    }
    if (process.platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend()
      if (backend === 'basic_text' || backend === 'unknown') {
        return {
          available: false,
          reason: `No secure keychain was found (backend "${backend}" is not protection). Install and unlock GNOME Keyring or KWallet.`,
          code: 'insecure_backend',
          backend,
        }
      }
    }
    return { available: true }
  },
  async wrap(key) {
    return safeStorage.encryptString(key.toString('base64'))
  },
  async unwrap(blob) {
    try {
      return Buffer.from(safeStorage.decryptString(blob), 'base64')
    } catch {
      throw new AppError('PROTECTOR_UNAVAILABLE', 'The OS keychain could not open the vault key.')
    }
  },
}
