import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { AutoLockMinutes, KeychainIssue, VaultMode, VaultStatus } from '../../../shared/ipc/vault'
import { AutoLockMinutes as AutoLockSchema } from '../../../shared/ipc/vault'
import type { AuditActor } from '../../../shared/models/audit'
import type { Clock } from '../clock'
import { systemClock } from '../clock'
import type { AuditLog } from './audit'
import { AutoLock } from './auto-lock'
import { randomKey } from './crypto'
import type { Db } from './database'
import type { Integrity } from './integrity'
import {
  newPasswordParams,
  unwrapWithPassword,
  wrapWithPassword,
  type Argon2Params,
  type OsKeyProtector,
} from './key-protector'
import { deriveMacKey, type Keyring } from './keyring'
import { requireStrongPassword } from './password-strength'
import { UnlockThrottle } from './unlock-throttle'
import { Keyslots, passwordParams, type SlotRow } from './keyslots'
import { resealAll } from './rotation'
import type { Settings } from './settings'

export interface VaultServiceOptions {
  db: Db
  keyring: Keyring
  settings: Settings
  audit: AuditLog
  /** Absent headless: then a master password is required. */
  osProtector?: OsKeyProtector
  kdf: Argon2Params
  clock?: Clock
  /** Auto-lock runs in the desktop app and the browser harness; headless (`node`) nobody could unlock it. */
  runtime?: 'electron' | 'node' | 'browser-harness'
  /** Row MACs re-signed at rotation, generation recorded before locking. */
  integrity?: Integrity
}

export interface RotationResult {
  keyVersion: number
  resealed: number
  durationMs: number
}

const AUTO_LOCK_KEY = 'vault.autoLockMinutes'

/**
 * The vault key's life: creation, the keyslots that wrap it, unlock, lock, auto-lock and rotation.
 * Keyslots are alternatives (any one unwraps the key). With both an os and a password slot the
 * keychain opens the vault once per launch; after a lock the master password is asked.
 */
export class VaultService {
  readonly autoLock: AutoLock
  private readonly slotsTable: Keyslots
  private readonly clock: Clock
  private readonly throttle: UnlockThrottle
  /** keychain+password: the keychain may unlock until the first lock of this process. */
  private osUnlockAllowed = true
  private readonly keyVersionStmt
  private readonly setMetaStmt

  constructor(private readonly o: VaultServiceOptions) {
    this.clock = o.clock ?? systemClock
    this.slotsTable = new Keyslots(o.db)
    this.throttle = new UnlockThrottle(o.db, this.clock)
    this.keyVersionStmt = o.db.prepare("SELECT value FROM vault_meta WHERE key = 'key_version'")
    this.setMetaStmt = o.db.prepare(
      'INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    o.keyring.setStoredVersion(() => this.keyVersion())
    this.autoLock = new AutoLock(this.clock, this.autoLockMinutes(), () => this.lock('system', 'idle'))
    o.keyring.onChange((unlocked) => {
      if (unlocked) {
        if (o.runtime !== 'node') this.autoLock.start()
      } else {
        this.autoLock.stop()
        if (this.slotsTable.get('password')) this.osUnlockAllowed = false
      }
    })
  }

  get initialized(): boolean {
    return this.slotsTable.list().length > 0
  }

  status(): VaultStatus {
    const slots = this.slotsTable.kinds()
    const os = this.osAvailability()
    const hasPassword = slots.includes('password')
    const osCanUnlock = slots.includes('os') && os.available && (this.osUnlockAllowed || !hasPassword)
    return {
      initialized: slots.length > 0,
      locked: !this.o.keyring.unlocked,
      protectors: slots,
      hasPassword,
      passwordRequired: slots.length > 0 && !osCanUnlock,
      osKeychain: { ...os, label: this.o.osProtector?.label ?? 'none' },
      autoLockMinutes: this.autoLockMinutes(),
      failedUnlocks: this.throttle.state().failures,
      unlockRetryAt: this.throttle.state().retryAt,
    }
  }

  autoLockMinutes(): AutoLockMinutes {
    return this.o.settings.get(AUTO_LOCK_KEY, AutoLockSchema, 15)
  }

  setAutoLock(minutes: AutoLockMinutes, actor: AuditActor): VaultStatus {
    this.o.settings.set(AUTO_LOCK_KEY, minutes)
    this.autoLock.setMinutes(minutes)
    this.o.audit.record({ actor, action: 'settings_changed', detail: { autoLockMinutes: minutes } })
    return this.status()
  }

  /** User activity (any UI call except status polling) postpones auto-lock. */
  touch(channel?: unknown): void {
    if (channel !== 'vault.status') this.autoLock.touch()
  }

  osAvailability(): {
    available: boolean
    reason: string | null
    reasonCode: KeychainIssue | null
    backend: string | null
  } {
    if (!this.o.osProtector) {
      return {
        available: false,
        reason: 'No OS keychain here (headless): a master password is required.',
        reasonCode: 'headless',
        backend: null,
      }
    }
    const a = this.o.osProtector.availability()
    return a.available
      ? { available: true, reason: null, reasonCode: null, backend: null }
      : { available: false, reason: a.reason, reasonCode: a.code, backend: a.backend ?? null }
  }

  async create(
    input: { mode: VaultMode; password?: string; autoLockMinutes: AutoLockMinutes },
    actor: AuditActor,
  ): Promise<VaultStatus> {
    if (this.initialized)
      throw new AppError('VAULT_ALREADY_INITIALIZED', 'A vault already exists in this data folder.')
    const wantsOs = input.mode !== 'password'
    const wantsPassword = input.mode !== 'keychain'
    if (wantsOs) this.requireOs('protect the vault')
    if (wantsPassword) {
      if (!input.password) throw new AppError('INVALID_INPUT', 'Choose a master password.')
      requireStrongPassword(input.password)
    }
    const key = randomKey()
    try {
      const rows: SlotRow[] = []
      if (wantsOs) rows.push(await this.osSlot(key))
      if (wantsPassword) rows.push(await this.passwordSlot(key, input.password!))
      const { db } = this.o
      db.transaction(() => {
        if (this.initialized) {
          throw new AppError('VAULT_ALREADY_INITIALIZED', 'A vault already exists in this data folder.')
        }
        for (const r of rows) this.slotsTable.put(r, this.clock.now())
        this.setMetaStmt.run('vault_id', randomUUID())
        this.setMetaStmt.run('key_version', '1')
        this.setMetaStmt.run('created_at', String(this.clock.now()))
        this.o.settings.set(AUTO_LOCK_KEY, input.autoLockMinutes)
        this.o.audit.record({ actor, action: 'vault_created', detail: { mode: input.mode } })
      })()
      this.autoLock.setMinutes(input.autoLockMinutes)
      this.o.keyring.unlock(key, 1)
    } finally {
      key.fill(0)
    }
    return this.status()
  }

  /** With a password: the password slot. Without: the OS keychain slot (see the class comment). */
  async unlock(input: { password?: string }, actor: AuditActor): Promise<VaultStatus> {
    if (!this.initialized)
      throw new AppError('VAULT_NOT_INITIALIZED', 'There is no vault yet. Create one first.')
    if (this.o.keyring.unlocked) return this.status()
    const via = input.password !== undefined ? 'password' : 'os'
    const key =
      input.password !== undefined
        ? await this.unwrapPasswordSlot(input.password, actor, 'unlocked')
        : await this.unwrapOsSlot()
    try {
      this.o.keyring.unlock(key, this.keyVersion())
    } finally {
      key.fill(0)
    }
    this.o.audit.record({ actor, action: 'unlocked', detail: { with: via } })
    return this.status()
  }

  /** Zeroes the key. `reason`: manual, idle, suspend, screen-lock, ... (shown in the audit trail). */
  lock(actor: AuditActor, reason = 'manual'): VaultStatus {
    if (this.o.keyring.unlocked) {
      this.o.integrity?.flush()
      this.o.keyring.lock()
      this.o.audit.record({ actor, action: 'locked', detail: { reason } })
    }
    return this.status()
  }

  /** Adds a master password, or changes it (`current` required then). */
  async setPassword(input: { current?: string; next: string }, actor: AuditActor): Promise<VaultStatus> {
    const existing = this.slotsTable.get('password')
    requireStrongPassword(input.next)
    if (existing) {
      if (input.current === undefined)
        throw new AppError('BAD_PASSWORD', 'Enter the current master password to change it.')
      await this.verifyPassword(input.current, actor, 'password_changed')
    }
    const slot = await this.withKey((key) => this.passwordSlot(key, input.next))
    this.o.db.transaction(() => {
      this.slotsTable.put(slot, this.clock.now())
      this.o.audit.record({ actor, action: existing ? 'password_changed' : 'password_added' })
    })()
    return this.status()
  }

  async removePassword(input: { current: string }, actor: AuditActor): Promise<VaultStatus> {
    const os = this.slotsTable.get('os')
    if (!os)
      throw new AppError(
        'INVALID_INPUT',
        'The master password is the only protection of this vault; add the OS keychain before removing it.',
      )
    if (!this.slotsTable.get('password'))
      throw new AppError('NOT_FOUND', 'This vault has no master password.')
    this.requireOs('keep the vault open without a password')
    await this.verifyPassword(input.current, actor, 'password_removed')
    // Make sure the remaining slot really opens this key before dropping the other one.
    const fromOs = await this.o.osProtector!.unwrap(os.wrapped)
    try {
      await this.withKey(async (key) => {
        if (!sameKey(fromOs, key))
          throw new AppError(
            'PROTECTOR_UNAVAILABLE',
            'The OS keychain does not open this vault; keeping the password.',
          )
      })
    } finally {
      fromOs.fill(0)
    }
    this.o.db.transaction(() => {
      this.slotsTable.remove('password')
      this.o.audit.record({ actor, action: 'password_removed' })
    })()
    this.osUnlockAllowed = true
    return this.status()
  }

  async addKeychain(actor: AuditActor): Promise<VaultStatus> {
    if (this.slotsTable.get('os'))
      throw new AppError('CONFLICT', 'The OS keychain already protects this vault.')
    this.requireOs('protect the vault')
    const slot = await this.withKey((key) => this.osSlot(key))
    this.o.db.transaction(() => {
      this.slotsTable.put(slot, this.clock.now())
      this.o.audit.record({ actor, action: 'keychain_added' })
    })()
    return this.status()
  }

  removeKeychain(actor: AuditActor): VaultStatus {
    this.o.keyring.require()
    if (!this.slotsTable.get('os'))
      throw new AppError('NOT_FOUND', 'The OS keychain does not protect this vault.')
    if (!this.slotsTable.get('password'))
      throw new AppError(
        'INVALID_INPUT',
        'The OS keychain is the only protection of this vault; add a master password before removing it.',
      )
    this.o.db.transaction(() => {
      this.slotsTable.remove('os')
      this.o.audit.record({ actor, action: 'keychain_removed' })
    })()
    return this.status()
  }

  /**
   * A new random vault key: every registered sealed column re-sealed, every keyslot re-wrapped and
   * key_version bumped in one transaction, so a crash leaves the vault whole under one key.
   * The password slot can only be re-wrapped with the password, so it is asked for when present.
   */
  async rotateKey(
    input: { password?: string },
    actor: AuditActor,
    onProgress?: (done: number, total: number) => void,
  ): Promise<RotationResult> {
    const started = performance.now()
    const current = this.o.keyring.require()
    const slots = this.slotsTable.list()
    const hasPassword = slots.some((s) => s.kind === 'password')
    if (hasPassword) {
      if (input.password === undefined)
        throw new AppError('BAD_PASSWORD', 'Enter the master password to rotate the vault key.')
      await this.verifyPassword(input.password, actor, 'key_rotated')
    }
    if (slots.some((s) => s.kind === 'os'))
      this.requireOs('re-protect the new key (rotate from the desktop app)')
    const oldKey = Buffer.from(current.key)
    const oldVersion = current.version
    const newKey = randomKey()
    const newVersion = oldVersion + 1
    try {
      const newSlots: SlotRow[] = []
      for (const s of slots) {
        newSlots.push(
          s.kind === 'os' ? await this.osSlot(newKey) : await this.passwordSlot(newKey, input.password!),
        )
      }
      let resealed = 0
      this.o.db.transaction(() => {
        if (this.keyVersion() !== oldVersion)
          throw new AppError(
            'CONFLICT',
            'The vault key was changed by another Keybridge process. Unlock again.',
          )
        const failing = this.o.integrity?.failing() ?? new Set<string>()
        resealed = resealAll(this.o.db, { oldKey, oldVersion, newKey, newVersion }, onProgress)
        // Row MACs follow the key: re-signed under the new key's subkey (tampered rows stay refused).
        const newMac = deriveMacKey(newKey, newVersion)
        try {
          this.o.integrity?.resignForRotation((d) => createHmac('sha256', newMac).update(d).digest(), failing)
        } finally {
          newMac.fill(0)
        }
        for (const s of newSlots) this.slotsTable.put(s, this.clock.now())
        this.setMetaStmt.run('key_version', String(newVersion))
        this.o.audit.record({
          actor,
          action: 'key_rotated',
          detail: { keyVersion: newVersion, resealed },
        })
      })()
      this.o.keyring.unlock(newKey, newVersion)
      return { keyVersion: newVersion, resealed, durationMs: performance.now() - started }
    } finally {
      oldKey.fill(0)
      newKey.fill(0)
    }
  }

  keyVersion(): number {
    const row = this.keyVersionStmt.get() as { value: string } | undefined
    return row ? Number(row.value) : 1
  }

  slots(): SlotRow[] {
    return this.slotsTable.list()
  }

  private requireOs(purpose: string): void {
    const os = this.osAvailability()
    if (!os.available || !this.o.osProtector) {
      throw new AppError('PROTECTOR_UNAVAILABLE', `The OS keychain cannot ${purpose}: ${os.reason}`)
    }
  }

  /** Runs `fn` with a copy of the vault key, zeroed afterwards. */
  private async withKey<T>(fn: (key: Buffer) => Promise<T>): Promise<T> {
    const key = Buffer.from(this.o.keyring.require().key)
    try {
      return await fn(key)
    } finally {
      key.fill(0)
    }
  }

  private async osSlot(key: Buffer): Promise<SlotRow> {
    return { kind: 'os', params: '{}', wrapped: await this.o.osProtector!.wrap(key) }
  }

  private async passwordSlot(key: Buffer, password: string): Promise<SlotRow> {
    const params = newPasswordParams(this.o.kdf)
    return {
      kind: 'password',
      params: JSON.stringify(params),
      wrapped: await wrapWithPassword(key, password, params),
    }
  }

  /** Checks a password against the password slot (BAD_PASSWORD if wrong, audited as denied). */
  private async verifyPassword(password: string, actor: AuditActor, action: string): Promise<void> {
    const key = await this.unwrapPasswordSlot(password, actor, action)
    key.fill(0)
  }

  private async unwrapPasswordSlot(password: string, actor: AuditActor, action: string): Promise<Buffer> {
    const slot = this.slotsTable.get('password')
    if (!slot)
      throw new AppError('INVALID_INPUT', 'This vault has no master password; it opens with the OS keychain.')
    // Failed attempts are counted in the vault file, so the delay holds across processes.
    try {
      this.throttle.check()
    } catch (e) {
      this.o.audit.record({ actor, action, outcome: 'denied', detail: { reason: 'throttled' } })
      throw e
    }
    try {
      const key = await unwrapWithPassword(slot.wrapped, password, passwordParams(slot))
      this.throttle.succeeded()
      return key
    } catch (e) {
      if (e instanceof AppError && e.code === 'BAD_PASSWORD') {
        const { failures, retryAt } = this.throttle.failed()
        this.o.audit.record({
          actor,
          action,
          outcome: 'denied',
          detail: { reason: 'bad_password', failures },
        })
        // The lock screen counts down to the next allowed attempt instead of letting one be refused.
        if (retryAt !== null)
          throw new AppError('BAD_PASSWORD', e.message, {
            failures,
            retryAt,
            retryAfterSeconds: Math.ceil((retryAt - this.clock.now()) / 1000),
          })
      }
      throw e
    }
  }

  private async unwrapOsSlot(): Promise<Buffer> {
    const slot = this.slotsTable.get('os')
    if (!slot) throw new AppError('BAD_PASSWORD', 'Enter the master password to unlock the vault.')
    if (!this.osUnlockAllowed && this.slotsTable.get('password'))
      throw new AppError('BAD_PASSWORD', 'The vault was locked: enter the master password to unlock it.')
    const os = this.osAvailability()
    if (!os.available || !this.o.osProtector) {
      throw new AppError(
        'PROTECTOR_UNAVAILABLE',
        this.slotsTable.get('password')
          ? `The OS keychain is not available here (${os.reason}) Enter the master password instead.`
          : `This vault opens only with the OS keychain, which is not available here (${os.reason}) Add a master password from the desktop app to use it headless.`,
      )
    }
    return this.o.osProtector.unwrap(slot.wrapped)
  }
}

function sameKey(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
