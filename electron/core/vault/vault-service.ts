import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { AutoLockMinutes, type VaultMode, type VaultStatus } from '../../../shared/ipc/vault'
import type { AuditActor } from '../../../shared/models/audit'
import type { AuditLog } from './audit'
import { randomKey } from './crypto'
import type { Db } from './database'
import {
  newPasswordParams,
  unwrapWithPassword,
  validateNewPassword,
  wrapWithPassword,
  type Argon2Params,
  type OsKeyProtector,
  type PasswordSlotParams,
} from './key-protector'
import type { Keyring } from './keyring'
import type { Settings } from './settings'

type SlotKind = 'os' | 'password'
interface SlotRow {
  kind: SlotKind
  params: string
  wrapped: Buffer
}

export interface VaultServiceOptions {
  db: Db
  keyring: Keyring
  settings: Settings
  audit: AuditLog
  /** Absent headless: then a master password is required. */
  osProtector?: OsKeyProtector
  kdf: Argon2Params
}

/** Creation, unlock and lock of the vault key through its keyslots (any one slot unlocks). */
export class VaultService {
  constructor(private readonly o: VaultServiceOptions) {}

  get initialized(): boolean {
    return this.slots().length > 0
  }

  status(): VaultStatus {
    const slots = this.slots().map((s) => s.kind)
    const os = this.osAvailability()
    return {
      initialized: slots.length > 0,
      locked: !this.o.keyring.unlocked,
      protectors: slots,
      hasPassword: slots.includes('password'),
      osKeychain: { available: os.available, label: this.o.osProtector?.label ?? 'none', reason: os.reason },
      autoLockMinutes: this.autoLockMinutes(),
    }
  }

  autoLockMinutes(): z.infer<typeof AutoLockMinutes> {
    return this.o.settings.get('vault.autoLockMinutes', AutoLockMinutes, 15)
  }

  osAvailability(): { available: boolean; reason: string | null } {
    if (!this.o.osProtector) {
      return { available: false, reason: 'No OS keychain here (headless): a master password is required.' }
    }
    const a = this.o.osProtector.availability()
    return a.available ? { available: true, reason: null } : { available: false, reason: a.reason }
  }

  async create(
    input: { mode: VaultMode; password?: string; autoLockMinutes: z.infer<typeof AutoLockMinutes> },
    actor: AuditActor,
  ): Promise<VaultStatus> {
    if (this.initialized)
      throw new AppError('VAULT_ALREADY_INITIALIZED', 'A vault already exists in this data folder.')
    const wantsOs = input.mode !== 'password'
    const wantsPassword = input.mode !== 'keychain'
    if (wantsOs) {
      const os = this.osAvailability()
      if (!os.available) {
        throw new AppError(
          'PROTECTOR_UNAVAILABLE',
          `The OS keychain cannot protect the vault: ${os.reason} Choose a master password instead.`,
        )
      }
    }
    if (wantsPassword) {
      if (!input.password) throw new AppError('INVALID_INPUT', 'Choose a master password.')
      validateNewPassword(input.password)
    }
    const key = randomKey()
    try {
      const rows: SlotRow[] = []
      if (wantsOs) rows.push({ kind: 'os', params: '{}', wrapped: await this.o.osProtector!.wrap(key) })
      if (wantsPassword) {
        const params = newPasswordParams(this.o.kdf)
        rows.push({
          kind: 'password',
          params: JSON.stringify(params),
          wrapped: await wrapWithPassword(key, input.password!, params),
        })
      }
      const { db } = this.o
      db.transaction(() => {
        if (this.slots().length > 0) {
          throw new AppError('VAULT_ALREADY_INITIALIZED', 'A vault already exists in this data folder.')
        }
        const ins = db.prepare('INSERT INTO keyslots (kind, params, wrapped, created_at) VALUES (?, ?, ?, ?)')
        for (const r of rows) ins.run(r.kind, r.params, r.wrapped, Date.now())
        const meta = db.prepare('INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?, ?)')
        meta.run('vault_id', randomUUID())
        meta.run('key_version', '1')
        meta.run('created_at', String(Date.now()))
      })()
      this.o.settings.set('vault.autoLockMinutes', input.autoLockMinutes)
      this.o.keyring.unlock(key, 1)
    } finally {
      key.fill(0)
    }
    this.o.audit.record({ actor, action: 'vault_created', detail: { mode: input.mode } })
    return this.status()
  }

  /** With a password: the password slot. Without: the OS keychain slot. */
  async unlock(input: { password?: string }, actor: AuditActor): Promise<VaultStatus> {
    if (!this.initialized)
      throw new AppError('VAULT_NOT_INITIALIZED', 'There is no vault yet. Create one first.')
    if (this.o.keyring.unlocked) return this.status()
    const key =
      input.password !== undefined
        ? await this.unlockWithPassword(input.password, actor)
        : await this.unlockWithOs()
    try {
      this.o.keyring.unlock(key, this.keyVersion())
    } finally {
      key.fill(0)
    }
    this.o.audit.record({
      actor,
      action: 'unlocked',
      detail: { with: input.password !== undefined ? 'password' : 'os' },
    })
    return this.status()
  }

  lock(actor: AuditActor, reason = 'manual'): VaultStatus {
    if (this.o.keyring.unlocked) {
      this.o.keyring.lock()
      this.o.audit.record({ actor, action: 'locked', detail: { reason } })
    }
    return this.status()
  }

  keyVersion(): number {
    const row = this.o.db.prepare("SELECT value FROM vault_meta WHERE key = 'key_version'").get() as
      { value: string } | undefined
    return row ? Number(row.value) : 1
  }

  slots(): SlotRow[] {
    return this.o.db.prepare('SELECT kind, params, wrapped FROM keyslots ORDER BY kind').all() as SlotRow[]
  }

  private slot(kind: SlotKind): SlotRow | undefined {
    return this.slots().find((s) => s.kind === kind)
  }

  private async unlockWithPassword(password: string, actor: AuditActor): Promise<Buffer> {
    const slot = this.slot('password')
    if (!slot)
      throw new AppError('INVALID_INPUT', 'This vault has no master password; it opens with the OS keychain.')
    try {
      return await unwrapWithPassword(slot.wrapped, password, JSON.parse(slot.params) as PasswordSlotParams)
    } catch (e) {
      if (e instanceof AppError && e.code === 'BAD_PASSWORD') {
        this.o.audit.record({
          actor,
          action: 'unlocked',
          outcome: 'denied',
          detail: { reason: 'bad_password' },
        })
      }
      throw e
    }
  }

  private async unlockWithOs(): Promise<Buffer> {
    const slot = this.slot('os')
    if (!slot) throw new AppError('BAD_PASSWORD', 'Enter the master password to unlock the vault.')
    const os = this.osAvailability()
    if (!os.available || !this.o.osProtector) {
      throw new AppError(
        'PROTECTOR_UNAVAILABLE',
        `This vault opens with the OS keychain, which is not available here (${os.reason}). Set a master password from the desktop app to use it headless.`,
      )
    }
    return this.o.osProtector.unwrap(slot.wrapped)
  }
}
