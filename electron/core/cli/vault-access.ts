import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { Core } from '../app'
import type { CoreOptions } from '../context'
import { VAULT_FILE } from '../vault/corruption'
import type { Argon2Params, OsKeyProtector } from '../vault/key-protector'

/** How a command opens the vault: create it (init), or check the master password first. */
export type VaultAccess =
  | 'create'
  /** Every command that reads or writes vault contents: the password is checked before anything. */
  | 'unlock'
  /** lock-status: never prompts; a password given by env or file is still checked. */
  | 'check-if-given'

export function noVault(dataDir: string): AppError {
  return new AppError(
    'VAULT_NOT_INITIALIZED',
    `No vault in ${dataDir}. Create one with keybridge init --data-dir ${dataDir}.`,
  )
}

/** Refuses a folder without a vault file, touching nothing. */
export function noVaultIfMissing(dataDir: string): void {
  if (!existsSync(join(dataDir, VAULT_FILE))) throw noVault(dataDir)
}

export interface OpenVaultOptions {
  dataDir: string
  env: Record<string, string | undefined>
  kdf?: Argon2Params
  /** The OS keychain, when the command runs inside the desktop app (`Keybridge --cli`). */
  osProtector?: OsKeyProtector
  access: VaultAccess
  /** The master password (env, file, fd or prompt). */
  password(): Promise<string>
  /** Whether a password was given without asking (env, file or fd). */
  passwordGiven: boolean
  /** Where the structured log goes (stderr with --verbose, the data folder for serve). */
  logging?: CoreOptions['logging']
}

/**
 * Opens the core for one command. Nothing is created except by `init`: a folder without a vault
 * file is refused before anything touches it. A wrong password ends the command (BAD_PASSWORD,
 * audited as a denied unlock) before it reads or writes anything.
 */
export async function openVault(o: OpenVaultOptions): Promise<Core> {
  if (o.access !== 'create') noVaultIfMissing(o.dataDir)
  // Loaded on first use: --help and usage errors never pay for the whole core.
  const { createCore } = await import('../app')
  const core = await createCore({
    dataDir: o.dataDir,
    runtime: 'node',
    env: o.env,
    kdf: o.kdf,
    osProtector: o.osProtector,
    logging: o.logging,
  })
  try {
    if (o.access === 'create') return core
    if (!core.ctx.vault.initialized) throw noVault(o.dataDir)
    const s = core.ctx.vault.status()
    // The OS keychain opens it when it protects the vault, is reachable (inside the desktop app)
    // and no password was given; a keychain-only vault elsewhere gets the way to add a password.
    const keychain = s.protectors.includes('os') && (s.osKeychain.available || !s.hasPassword)
    if (keychain && !o.passwordGiven) {
      if (o.access === 'unlock') await core.ctx.vault.unlock({}, 'cli')
    } else if (o.access === 'unlock' || o.passwordGiven) {
      await core.ctx.vault.unlock({ password: await o.password() }, 'cli')
    }
    return core
  } catch (e) {
    await core.close()
    throw e
  }
}
