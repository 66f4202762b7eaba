import type { Logger } from 'pino'
import type { Clock } from './clock'
import type { FileDialogs } from './dialogs/types'
import type { CredentialStore } from './credentials/store'
import type { EventBus } from './events'
import type { AppLog, LogLevel } from './log/logger'
import type { AuditLog } from './vault/audit'
import type { Db } from './vault/database'
import type { Argon2Params, OsKeyProtector } from './vault/key-protector'
import type { Keyring } from './vault/keyring'
import type { Integrity } from './vault/integrity'
import type { RowMacs } from './vault/row-mac'
import type { Settings } from './vault/settings'
import type { VaultService } from './vault/vault-service'

export type Runtime = 'electron' | 'node' | 'browser-harness'

export interface CoreOptions {
  /** Folder holding vault.sqlite and everything else Keybridge writes. */
  dataDir: string
  runtime: Runtime
  /** The OS keychain (Electron safeStorage). Absent headless. */
  osProtector?: OsKeyProtector
  clock?: Clock
  /** Argon2id cost for new master passwords (tests lower it; stored with each keyslot). */
  kdf?: Argon2Params
  /**
   * Environment for base URL overrides (KEYBRIDGE_<SERVICE>_BASE_URL); defaults to process.env. The
   * packaged desktop app drops endpoint overrides from it (see `packaged`).
   */
  env?: Record<string, string | undefined>
  version?: string
  /** Desktop: whether this is the packaged app (Electron's app.isPackaged); then endpoint overrides are ignored. */
  packaged?: boolean
  /** The system clipboard (Electron's in the app, an in-memory one in tests). Copy-secret needs it. */
  clipboard?: Clipboard
  /** Desktop notifications (Electron's Notification in the app). Absent headless. */
  notify?: (n: { title: string; body: string; kind: 'approval' | 'credential' | 'bridge' }) => void
  /** Native open/save/folder dialogs (Electron's in the app). Absent headless: app.pickPath refuses. */
  dialogs?: FileDialogs
  /**
   * Where the structured log goes: `file` writes JSON lines to `<dataDir>/logs/` (the desktop app and
   * `keybridge serve`), `stderr` copies them there (`--verbose`). Neither: nothing is logged.
   */
  logging?: { file?: boolean; stderr?: boolean; level?: LogLevel }
  /** Opens a folder in the system file manager (Electron's shell.openPath). Absent headless. */
  openPath?: (path: string) => Promise<void>
  /** Bridge metrics (`/metrics`); on unless false (the benchmark compares both). */
  metrics?: boolean
}

/**
 * The system clipboard. Electron 44+ only has an asynchronous one, so the core awaits every call; an
 * in-memory clipboard may still answer synchronously (`await` takes both).
 */
export interface Clipboard {
  writeText(text: string): Promise<void> | void
  readText(): Promise<string> | string
}

/** What every feature of the core is built from. Created once by createCore. */
export interface CoreContext {
  options: CoreOptions
  dataDir: string
  db: Db
  clock: Clock
  keyring: Keyring
  settings: Settings
  audit: AuditLog
  events: EventBus
  /** The structured log (pino); `logs` controls it (level, retention, scrubber, recent errors). */
  log: Logger
  logs: AppLog
  vault: VaultService
  /** Row MACs of the tables that decide where secrets go (vault/mac-tables.ts). */
  macs: RowMacs
  /** Unlock-time signing, the vault generation and the tampered-rows report. */
  integrity: Integrity
  credentials: CredentialStore
  env: Record<string, string | undefined>
  version: string
  /** What was repaired at open (file modes), for the CLI to print and the desktop to show once. */
  notices: string[]
}

/** A feature plugs its handlers (and optional background work) into the core. */
export interface Feature<H> {
  handlers: H
  start?(): void | Promise<void>
  stop?(): void | Promise<void>
}
