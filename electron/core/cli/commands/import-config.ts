import { resolve } from 'node:path'
import { AppError } from '../../../../shared/errors'
import type { ImportEdits, ImportPlan, ImportResult } from '../../../../shared/ipc/importConfig'
import { UsageError, type CliContext, type CommandSpec } from '../spec'

function list(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []
}

/** --rename ID=NAME, --skip ID and --rename-conflicts as the edits apply takes. */
export function editsFrom(ctx: CliContext, plan: ImportPlan): ImportEdits {
  const edits: ImportEdits = { credentials: [], servers: [] }
  const credential = (id: string) => {
    let e = edits.credentials.find((x) => x.id === id)
    if (!e) edits.credentials.push((e = { id }))
    return e
  }
  const server = (id: string) => {
    let e = edits.servers.find((x) => x.id === id)
    if (!e) edits.servers.push((e = { id }))
    return e
  }
  const known = (id: string) => {
    if (plan.credentials.some((c) => c.id === id)) return 'credential'
    if (plan.servers.some((s) => s.id === id)) return 'server'
    throw new UsageError(`no secret or server "${id}" in this file (the preview lists their ids)`)
  }
  if (ctx.values['rename-conflicts']) {
    for (const c of plan.credentials)
      if (c.include && c.conflict && c.suggestedName) credential(c.id).name = c.suggestedName
    for (const s of plan.servers)
      if (s.include && s.conflict && s.suggestedName) server(s.id).name = s.suggestedName
  }
  for (const r of list(ctx.values['rename'])) {
    const eq = r.lastIndexOf('=')
    if (eq <= 0 || eq === r.length - 1) throw new UsageError('--rename takes ID=NAME')
    const id = r.slice(0, eq)
    ;(known(id) === 'credential' ? credential(id) : server(id)).name = r.slice(eq + 1)
  }
  for (const id of list(ctx.values['skip']))
    (known(id) === 'credential' ? credential(id) : server(id)).include = false
  for (const id of list(ctx.values['include']))
    (known(id) === 'credential' ? credential(id) : server(id)).include = true
  return edits
}

function planText(plan: ImportPlan, rewrite: boolean): string {
  const out: string[] = [`${plan.app}: ${plan.path}`, '']
  const wanted = plan.credentials.filter((c) => c.include)
  out.push(`Secrets found: ${plan.credentials.length} (${wanted.length} to import as vault credentials)`)
  for (const c of plan.credentials) {
    const where = c.sources
      .map((s) => (s.location === 'dotenv' ? s.key : `${s.server} ${s.location} ${s.key}`))
      .join('; ')
    out.push(`  [${c.include ? 'x' : ' '}] ${c.service}/${c.name}  ${c.masked}  from ${where} (${c.reason})`)
    out.push(`      id: ${c.id}`)
    if (c.include && c.conflict)
      out.push(
        `      ! ${c.conflict} Suggested: ${c.suggestedName} (--rename ${c.id}=NAME or --rename-conflicts)`,
      )
  }
  if (plan.servers.length) {
    out.push('', `Servers: ${plan.servers.length}`)
    for (const s of plan.servers) {
      const what =
        s.action === 'upstream'
          ? s.include
            ? `→ upstream server "${s.upstreamName}" (arrives disabled): ${[s.command, ...s.args].join(' ')}`
            : '→ left out (stays in the app)'
          : s.action === 'remote'
            ? `→ URL server ${s.url}${s.headers.length ? ` (headers: ${s.headers.join(', ')})` : ''}`
            : s.action === 'keybridge'
              ? '→ the Keybridge bridge entry'
              : '→ stays in the app'
      out.push(`  ${s.id} (${s.transport}) ${what}`)
      if (s.action === 'upstream' && s.include) {
        for (const e of s.env) {
          const literal = e.kind === 'literal' && /\{\{\s*credential:/.test(e.value)
          out.push(
            `      ${e.key}=${e.value}${literal ? '  (literal text from the file: never resolved)' : ''}`,
          )
        }
      }
      if (s.include && s.conflict)
        out.push(
          `      ! ${s.conflict} Suggested: ${s.suggestedName} (--rename ${s.id}=NAME or --rename-conflicts)`,
        )
      for (const n of s.notes) out.push(`      ${n}`)
    }
  }
  if (plan.warnings.length) out.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`))
  if (rewrite) {
    out.push('')
    if (!plan.rewrite.possible) out.push(`Rewrite: not possible: ${plan.rewrite.reason}`)
    else {
      out.push(
        `Rewrite of ${plan.file} (the original is sealed in the vault: undo with "keybridge import-config --restore"; secrets masked):`,
      )
      out.push(plan.rewrite.diff || '(no change)')
    }
  }
  return out.join('\n')
}

function resultText(r: ImportResult): string {
  const out: string[] = []
  out.push(
    r.credentials.length
      ? `Stored ${r.credentials.length} credential${r.credentials.length > 1 ? 's' : ''} (sealed, unvalidated): ${r.credentials.map((c) => `${c.service}/${c.name}`).join(', ')}.`
      : 'No credential stored.',
  )
  if (r.upstreams.length) {
    out.push(
      `Added ${r.upstreams.length} upstream server${r.upstreams.length > 1 ? 's' : ''}, disabled: ${r.upstreams.map((u) => u.name).join(', ')}. Enable each you trust with "keybridge upstream enable <name>".`,
    )
  }
  if (r.rewrite) {
    const via = r.rewrite.target !== r.rewrite.path ? ` (through its link, to ${r.rewrite.target})` : ''
    out.push(
      `Rewrote ${r.rewrite.path}${via}. The original is sealed in the vault, not left beside it: undo with ${r.rewrite.undo.restore}.`,
    )
    if (r.token)
      out.push(
        `It uses the new client token "${r.token.name}" (${r.token.display}). Restart the app to pick it up.`,
      )
    out.push(r.rewrite.diff)
  }
  for (const w of r.warnings) out.push(`Warning: ${w}`)
  out.push('Check the credentials with "keybridge credential validate <service/name>".')
  return out.join('\n')
}

export const importConfigCommands: CommandSpec[] = [
  {
    name: 'import-config',
    summary:
      'secrets from an MCP client config (Claude Desktop, Cursor, LM Studio, VS Code) or a .env file into the vault',
    usage: '<file> [--dry-run] [--rewrite] | --restore <file>',
    positionals: [1, 1],
    options: {
      restore: {
        type: 'boolean',
        description: 'put back the original of a rewritten config (from the copy sealed in the vault)',
      },
      'dry-run': {
        type: 'boolean',
        description: 'show what would change (secrets masked) and change nothing',
      },
      rewrite: {
        type: 'boolean',
        description: 'also rewrite the config to use the bridge (the original is sealed in the vault)',
      },
      yes: {
        type: 'boolean',
        short: 'y',
        description: 'do not ask for confirmation (needed when not on a terminal)',
      },
      rename: {
        type: 'string',
        multiple: true,
        description: 'ID=NAME: another name for a credential or upstream server',
      },
      'rename-conflicts': {
        type: 'boolean',
        description: 'take the suggested free name for every name already taken',
      },
      skip: { type: 'string', multiple: true, description: 'ID: leave this secret or server out' },
      include: {
        type: 'string',
        multiple: true,
        description: 'ID: take this item too (e.g. a .env variable that does not look secret)',
      },
      'token-name': {
        type: 'string',
        description: 'name of the client token written into the rewritten config',
      },
    },
    async run(ctx) {
      const path = resolve(ctx.positionals[0])
      if (ctx.values['restore']) {
        if (ctx.values['rewrite'] || ctx.values['dry-run'])
          throw new UsageError('--restore takes no --rewrite or --dry-run')
        const core = await ctx.openCore({ unlock: true })
        const r = await ctx.call(core, 'importConfig.restore', { path })
        const via = r.target !== r.path ? ` (through its link, to ${r.target})` : ''
        ctx.print(
          `Restored ${r.path}${via} as it was before Keybridge rewrote it on ${new Date(r.savedAt).toISOString()}; the sealed copy is removed.`,
          r,
        )
        return
      }
      const dryRun = Boolean(ctx.values['dry-run'])
      const rewrite = Boolean(ctx.values['rewrite'])
      if (!dryRun && !ctx.values['yes'] && !ctx.io.isTTY) {
        throw new UsageError(
          'import-config changes the vault' +
            (rewrite ? ' and the file' : '') +
            ': confirm with --yes, or look first with --dry-run',
        )
      }
      // Applying seals secrets, so the vault must be open; a dry run reads only names.
      const core = await ctx.openCore({ unlock: !dryRun })
      const plan = await ctx.call(core, 'importConfig.preview', { path })
      const edits = editsFrom(ctx, plan)
      if (dryRun) {
        ctx.print(planText(plan, rewrite) + '\n\nDry run: nothing was changed.', {
          dryRun: true,
          plan,
          edits,
        })
        return
      }
      if (!ctx.values['yes']) {
        ctx.io.err(planText(plan, rewrite))
        const answer = await ctx.io.promptSecret(
          `\nImport${rewrite ? ' and rewrite the file' : ''}? Type "yes" to go ahead: `,
        )
        if (answer?.trim().toLowerCase() !== 'yes' && answer?.trim().toLowerCase() !== 'y') {
          throw new AppError('CANCELLED', 'Nothing was imported.')
        }
      }
      const tokenName = ctx.values['token-name'] as string | undefined
      const result = await ctx.call(core, 'importConfig.apply', {
        path,
        fingerprint: plan.fingerprint,
        edits,
        rewrite,
        ...(tokenName ? { tokenName } : {}),
      })
      ctx.print(resultText(result), result)
    },
  },
]
