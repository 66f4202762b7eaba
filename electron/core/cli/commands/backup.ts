import { resolve } from 'node:path'
import type { EventPayload } from '../../../../shared/ipc'
import { ImportMode, OnConflict, type ImportResult } from '../../../../shared/ipc/backup'
import type { Core } from '../../app'
import { UsageError, type CliContext, type CommandSpec } from '../spec'

const PHASES: Record<string, string> = {
  reading: 'reading',
  'deriving-key': 'deriving the key',
  encrypting: 'encrypting',
  writing: 'writing',
  decrypting: 'decrypting',
  verifying: 'verifying',
  applying: 'applying',
  done: 'done',
}

/** Shows the core's backup.progress events as a bar on a terminal while `work` runs. */
async function withProgress<T>(
  ctx: CliContext,
  core: Core,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const bar = ctx.progress(label)
  const off = core.ctx.events.subscribe((name, payload) => {
    if (name !== 'backup.progress') return
    const p = payload as EventPayload<'backup.progress'>
    bar.update(p.done, p.total, PHASES[p.phase])
  })
  try {
    return await work()
  } finally {
    off()
    bar.done()
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const kb = (n: number) =>
  n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`

function previewTable(r: ImportResult): string {
  const head = [
    'TABLE',
    'IN BACKUP',
    'HERE',
    'NEW',
    'CONFLICTS',
    'ADDED',
    'OVERWRITTEN',
    'SKIPPED',
    'DELETED',
  ]
  const rows = r.preview.tables.map((t) =>
    [t.table, t.incoming, t.existing, t.new, t.conflicts, t.added, t.overwritten, t.skipped, t.deleted].map(
      String,
    ),
  )
  const all = [head, ...rows]
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)))
  const lines = all.map((row) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
  )
  for (const t of r.preview.tables) {
    if (t.conflictKeys.length)
      lines.push(
        `  conflicts in ${t.table}: ${t.conflictKeys.join(', ')}${t.conflicts > t.conflictKeys.length ? ', ...' : ''}`,
      )
  }
  return lines.join('\n')
}

export const backupCommands: CommandSpec[] = [
  {
    name: 'export',
    summary: 'write an encrypted backup of the vault (passphrase of at least 12 characters)',
    usage: '--out FILE [--include-audit]',
    passphrase: true,
    options: {
      out: { type: 'string', description: 'the backup file to write (replaced atomically if it exists)' },
      'include-audit': { type: 'boolean', description: 'include the audit log' },
    },
    async run(ctx) {
      const out = ctx.values['out'] as string | undefined
      if (!out) throw new UsageError('export needs --out FILE')
      const core = await ctx.openCore({ unlock: true })
      const passphrase = await ctx.backupPassphrase('Choose a backup passphrase: ', { confirm: true })
      const path = resolve(out)
      const r = await withProgress(ctx, core, 'Exporting', () =>
        ctx.call(core, 'backup.export', {
          path,
          passphrase,
          includeAudit: Boolean(ctx.values['include-audit']),
        }),
      )
      const rows = r.tables.reduce((n, t) => n + t.rows, 0)
      const parts = r.tables.filter((t) => t.rows > 0).map((t) => `${t.table} ${t.rows}`)
      ctx.print(
        `Wrote an encrypted backup to ${r.path} (${kb(r.bytes)}, ${plural(rows, 'row')}${parts.length ? `: ${parts.join(', ')}` : ''}).`,
        r,
      )
    },
  },
  {
    name: 'import',
    summary: 'verify a backup, preview it, then apply it in one transaction',
    usage: 'FILE [--mode merge|replace] [--on-conflict skip|overwrite] [--dry-run]',
    positionals: [1, 1],
    passphrase: true,
    options: {
      mode: { type: 'string', description: 'merge (default) into this vault, or replace all of its content' },
      'on-conflict': {
        type: 'string',
        description:
          'when merging, skip (default) or overwrite objects that exist here (same service + name)',
      },
      'dry-run': { type: 'boolean', description: 'verify and preview only; change nothing' },
      'allow-exposure': {
        type: 'boolean',
        description:
          'apply a bridge host other than 127.0.0.1 that the backup brings (otherwise kept on loopback)',
      },
    },
    async run(ctx) {
      const mode = ctx.choice('mode', ImportMode.options, 'merge')
      const onConflict = ctx.choice('on-conflict', OnConflict.options, 'skip')
      const dryRun = Boolean(ctx.values['dry-run'])
      const path = resolve(ctx.positionals[0])
      const core = await ctx.openCore({ unlock: true })
      const passphrase = await ctx.backupPassphrase()
      const r = await withProgress(ctx, core, dryRun ? 'Checking' : 'Importing', () =>
        ctx.call(core, 'backup.import', {
          path,
          passphrase,
          mode,
          onConflict,
          dryRun,
          allowExposure: Boolean(ctx.values['allow-exposure']),
        }),
      )
      const t = r.preview.totals
      const what =
        mode === 'replace'
          ? `replace: ${t.deleted} removed, ${t.added} restored`
          : `merge: ${t.added} added, ${t.overwritten} overwritten, ${t.skipped} skipped`
      const human = [
        `Backup of ${r.header.createdAt} by ${r.header.app}: ${plural(t.incoming, 'row')}, ${t.new} new, ${t.conflicts} conflicting.`,
        previewTable(r),
        ...(r.items.length ? ['It brings:', ...r.items.map((i) => `  - ${i}`)] : []),
        dryRun ? `Dry run (${what}): nothing was changed.` : `Imported (${what}).`,
      ].join('\n')
      ctx.print(human, {
        applied: r.applied,
        dryRun: r.dryRun,
        mode,
        onConflict,
        header: r.header,
        contents: r.contents,
        tables: r.preview.tables,
        totals: t,
        items: r.items,
        warnings: r.warnings,
      })
    },
  },
]
