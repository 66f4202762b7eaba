import { join } from 'node:path'
import { AppError } from '../../../../shared/errors'
import { VAULT_FILE } from '../../vault/corruption'
import type { DoctorContext, DoctorFinding } from '../doctor/types'
import type { CommandSpec } from '../spec'
import { noVaultIfMissing } from '../vault-access'

const LABEL: Record<DoctorFinding['status'], string> = {
  ok: 'ok     ',
  info: 'info   ',
  skipped: 'skipped',
  problem: 'PROBLEM',
}

export const doctorCommands: CommandSpec[] = [
  {
    name: 'doctor',
    summary:
      'check the vault (integrity, sealed values), file modes, the bridge port, versions; each problem with its fix',
    options: {
      'accept-rollback': {
        type: 'boolean',
        description:
          'you restored this vault file from an older copy on purpose: accept it (audited), then check',
      },
    },
    async run(ctx) {
      noVaultIfMissing(ctx.dataDir)
      if (ctx.values['accept-rollback']) {
        // Only with the password (or the keychain): accepting re-signs the integrity record.
        const core = await ctx.openCore()
        const before = core.ctx.integrity.report()
        const res = await core.invoke('vault.integrity.acceptRollback', undefined, { actor: 'cli' })
        if (!res.ok) throw new AppError(res.error.code, res.error.message, res.error.params)
        if (!ctx.json)
          ctx.io.err(
            !before.rollback
              ? 'No rollback to accept.'
              : before.rollback.kind === 'rows_removed'
                ? `Accepted the ${before.rollback.removed.length} row(s) deleted outside Keybridge.`
                : before.rollback.kind === 'rows_replayed'
                  ? 'Accepted the rows put back to earlier versions; Keybridge now treats them as current.'
                  : 'Accepted the older vault file; Keybridge now treats it as current.',
          )
      }
      const vaultFile = join(ctx.dataDir, VAULT_FILE)
      // Loaded on use, like the core: the native SQLite module is not needed for --help.
      const { runDoctor, openReadOnly } = await import('../doctor')
      let ro: ReturnType<DoctorContext['readOnlyDb']> | undefined
      let unlocked: Promise<Awaited<ReturnType<DoctorContext['unlocked']>>> | undefined
      const d: DoctorContext = {
        dataDir: ctx.dataDir,
        vaultFile,
        env: ctx.env,
        readOnlyDb() {
          ro ??= openReadOnly(vaultFile)
          return ro
        },
        unlocked() {
          unlocked ??= (async () => {
            try {
              return { core: await ctx.openCore() }
            } catch (e) {
              const code = e instanceof AppError ? e.code : null
              if (code === 'BAD_PASSWORD') return { skipped: (e as Error).message, wrongPassword: true }
              if (code === 'VAULT_DAMAGED')
                return { skipped: 'Not checked: SQLite reports the vault file damaged (see above).' }
              if (code === 'INVALID_INPUT')
                return {
                  skipped:
                    'Not checked: no master password given (set KEYBRIDGE_PASSWORD, pass --password-file, or run in a terminal).',
                }
              return {
                skipped: `Not checked: ${e instanceof AppError ? e.message : 'the vault did not open'}`,
              }
            }
          })()
          return unlocked
        },
      }
      let findings: DoctorFinding[]
      try {
        findings = await runDoctor(d)
      } finally {
        if (ro && 'db' in ro) ro.db.close()
      }
      const problems = findings.filter((f) => f.status === 'problem').length
      const human = [
        ...findings.map(
          (f) =>
            `${LABEL[f.status]}  ${f.check.padEnd(16)} ${f.message}${f.status === 'problem' ? `\n         ${''.padEnd(16)} fix: ${f.fix}` : ''}`,
        ),
        '',
        problems ? `${problems} problem(s) found.` : 'No problems found.',
      ].join('\n')
      ctx.print(human, { ok: problems === 0, problems, findings })
      return problems ? 1 : 0
    },
  },
]
