import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../../shared/errors'
import { VAULT_FILE } from '../../vault/corruption'
import { requireStrongPassword } from '../../vault/password-strength'
import { AutoLockMinutes } from '../../../../shared/ipc/vault'
import type { AuditEntry } from '../../../../shared/models/audit'
import { allAudit, auditToCsv } from '../../vault/audit-query'
import { UsageError, type CommandSpec } from '../spec'

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** `7d`, `12h`, `30m`, `2w` before now, or an ISO date/time. */
export function parseSince(raw: string, now: number): number {
  const rel = /^(\d+)([mhdw])$/.exec(raw.trim())
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]]
  const t = Date.parse(raw)
  if (Number.isNaN(t))
    throw new UsageError(`--since: "${raw}" is neither a date (2026-01-31) nor a span (7d)`)
  return t
}

function auditLine(e: AuditEntry): string {
  const who = e.actorName && e.actorName !== e.actor ? `${e.actor}:${e.actorName}` : e.actor
  const detail = e.detail ? ' ' + JSON.stringify(e.detail) : ''
  return `${new Date(e.at).toISOString()}  ${who.padEnd(10)} ${e.action.padEnd(16)} ${e.outcome.padEnd(6)} ${e.target ?? '-'}${detail}`
}

export const vaultCommands: CommandSpec[] = [
  {
    name: 'init',
    summary: 'create a vault protected by a master password',
    options: {
      'auto-lock': {
        type: 'string',
        description: 'minutes of idle before the desktop app locks: 1|5|15|30|60|240|never',
      },
    },
    async run(ctx) {
      const exists = () => {
        throw new AppError('VAULT_ALREADY_INITIALIZED', `A vault already exists in ${ctx.dataDir}.`)
      }
      // An existing vault is refused before asking; the file is created only once the password is known.
      const fileExists = existsSync(join(ctx.dataDir, VAULT_FILE))
      if (fileExists && (await ctx.openCore({ access: 'create' })).ctx.vault.initialized) exists()
      const raw = (ctx.values['auto-lock'] as string | undefined) ?? '15'
      const autoLock = AutoLockMinutes.safeParse(raw === 'never' ? null : Number(raw))
      if (!autoLock.success)
        throw new UsageError(`--auto-lock takes one of 1|5|15|30|60|240|never, not "${raw.slice(0, 20)}"`)
      const autoLockMinutes = autoLock.data
      const password = await ctx.masterPassword('Choose a master password: ')
      if (!ctx.env['KEYBRIDGE_PASSWORD'] && !ctx.values['password-file'] && ctx.io.isTTY) {
        const again = await ctx.io.promptSecret('Repeat it: ')
        if (again !== password)
          throw new AppError('INVALID_INPUT', 'The two passwords differ. Nothing was created.')
      }
      // Refused before the vault file exists: a refused init leaves the folder as it was.
      requireStrongPassword(password)
      const core = await ctx.openCore({ access: 'create' })
      if (core.ctx.vault.initialized) exists()
      const res = await core.invoke(
        'vault.create',
        { mode: 'password', password, autoLockMinutes },
        { actor: 'cli' },
      )
      if (!res.ok) throw new AppError(res.error.code, res.error.message, res.error.params)
      ctx.print(`Created a vault in ${ctx.dataDir}.`, { dataDir: ctx.dataDir, ...(res.data as object) })
    },
  },
  {
    name: 'lock-status',
    summary:
      'how the vault is protected and its auto-lock; needs no password, but checks one given by env or file',
    async run(ctx) {
      const core = await ctx.openCore({ access: 'check-if-given' })
      const s = core.ctx.vault.status()
      // Unlocked here only when a given password was checked (a wrong one has already exited 1).
      const passwordChecked = !s.locked
      const human = [
        `Vault: ${ctx.dataDir}`,
        `Protected by: ${s.protectors.map((p) => (p === 'os' ? 'OS keychain' : 'master password')).join(' + ')}`,
        `Auto-lock (desktop): ${s.autoLockMinutes === null ? 'never' : `${s.autoLockMinutes} min`}`,
        `Headless: ${s.hasPassword ? 'opens with the master password' : 'cannot open (no master password)'}`,
        `Master password: ${passwordChecked ? 'checked, correct' : 'not checked (none given; lock-status needs none)'}`,
      ].join('\n')
      ctx.print(human, { dataDir: ctx.dataDir, ...s, locked: true, passwordChecked })
    },
  },
  {
    name: 'rotate-key',
    summary: 're-encrypt every secret under a new vault key',
    async run(ctx) {
      const core = await ctx.openCore()
      const password = await ctx.masterPassword()
      const res = await core.invoke('vault.rotateKey', { password }, { actor: 'cli' })
      if (!res.ok) throw new AppError(res.error.code, res.error.message)
      const r = res.data as { keyVersion: number; resealed: number; durationMs: number }
      ctx.print(
        `Rotated the vault key (now version ${r.keyVersion}): ${r.resealed} secret(s) re-encrypted in ${Math.round(r.durationMs)} ms.`,
        r,
      )
    },
  },
  {
    name: 'audit',
    summary: 'the audit trail (oldest first)',
    usage: '[--since 7d|2026-01-31] [--csv]',
    options: {
      since: {
        type: 'string',
        description: 'only entries since an ISO date or a span ago (30m, 12h, 7d, 2w)',
      },
      csv: { type: 'boolean', description: 'print CSV instead of text' },
      action: { type: 'string', description: 'only this action (created, used, unlocked, ...)' },
      service: { type: 'string', description: 'only entries about this service' },
    },
    async run(ctx) {
      if (ctx.json && ctx.values['csv']) throw new UsageError('choose one of --json and --csv')
      const core = await ctx.openCore()
      const since = ctx.values['since'] as string | undefined
      const entries = allAudit(core.ctx.db, {
        since: since ? parseSince(since, Date.now()) : undefined,
        action: ctx.values['action'] as string | undefined,
        service: ctx.values['service'] as string | undefined,
      })
      if (ctx.values['csv']) ctx.io.out(auditToCsv(entries).replace(/\r\n$/, ''))
      else ctx.print(entries.length ? entries.map(auditLine).join('\n') : 'No audit entries.', entries)
    },
  },
]
