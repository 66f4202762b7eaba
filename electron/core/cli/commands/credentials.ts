import { credentialRef, type CredentialSummary } from '../../../../shared/models/credential'
import { UsageError, type CommandSpec } from '../spec'
import { invokeAsCli } from '../invoke'

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** What `credential list` shows: metadata only, never a secret. */
function listed(c: CredentialSummary) {
  return {
    id: c.id,
    service: c.service,
    name: c.name,
    account: c.account,
    status: c.status,
    isPrimary: c.isPrimary,
    lastValidatedAt: iso(c.lastValidatedAt),
    lastUsedAt: iso(c.lastUsedAt),
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

const invoke = invokeAsCli

export const credentialsCommands: CommandSpec[] = [
  {
    name: 'credential list',
    summary: 'stored credentials (no secrets)',
    usage: '[--service S]',
    options: { service: { type: 'string', description: 'only this service' } },
    async run(ctx) {
      const core = await ctx.openCore()
      const service = ctx.values['service'] as string | undefined
      const rows = core.ctx.credentials.list(service ? { service } : {}).map(listed)
      const human = rows.length
        ? table([
            ['SERVICE/NAME', 'ACCOUNT', 'STATUS', 'PRIMARY', 'LAST VALIDATED', 'LAST USED'],
            ...rows.map((r) => [
              credentialRef(r),
              r.account ?? '-',
              r.status,
              r.isPrimary ? 'yes' : '',
              r.lastValidatedAt ?? '-',
              r.lastUsedAt ?? '-',
            ]),
          ])
        : 'No credentials stored.'
      ctx.print(human, rows)
    },
  },
  {
    name: 'credential set-primary',
    summary: 'make a credential the primary for its service',
    usage: '<service/name>',
    positionals: [1, 1],
    async run(ctx) {
      const core = await ctx.openCore({ unlock: true })
      const c = core.ctx.credentials.findByRef(ctx.positionals[0])
      const after = await invoke(core, 'credentials.setPrimary', { id: c.id })
      ctx.print(`${credentialRef(after)} is now the primary ${after.service} account.`, listed(after))
    },
  },
  {
    name: 'credential reveal',
    summary: 'print one secret field (audited)',
    usage: '<service/name> --field F',
    positionals: [1, 1],
    options: {
      field: { type: 'string', description: 'the secret field to print (optional if it has only one)' },
    },
    async run(ctx) {
      const core = await ctx.openCore({ unlock: true })
      const c = core.ctx.credentials.findByRef(ctx.positionals[0])
      let field = ctx.values['field'] as string | undefined
      if (!field) {
        if (c.secretFields.length !== 1) {
          throw new UsageError(`--field is required; ${credentialRef(c)} has: ${c.secretFields.join(', ')}`)
        }
        field = c.secretFields[0]
      }
      const r = await invoke(core, 'credentials.reveal', {
        id: c.id,
        field,
      })
      ctx.print(r.value, { service: c.service, name: c.name, field: r.field, value: r.value })
    },
  },
  {
    name: 'credential rm',
    summary: 'delete a credential (promotes a new primary)',
    usage: '<service/name>',
    positionals: [1, 1],
    async run(ctx) {
      const core = await ctx.openCore({ unlock: true })
      const c = core.ctx.credentials.findByRef(ctx.positionals[0])
      const r = await invoke(core, 'credentials.delete', {
        id: c.id,
      })
      const promoted = r.promoted
        ? ` ${credentialRef(r.promoted)} is now the primary ${c.service} account.`
        : ''
      ctx.print(`Deleted ${credentialRef(c)}.${promoted}`, {
        deleted: listed(c),
        promoted: r.promoted ? listed(r.promoted) : null,
      })
    },
  },
]
