import type { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { UpstreamInput, type TokenSummary } from '../../../shared/ipc/bridge'
import {
  ImportApplyInput,
  ImportPlan,
  PlannedCredential,
  PlannedServer,
  type ImportResult,
} from '../../../shared/ipc/importConfig'
import type { AuditActor } from '../../../shared/models/audit'
import type { BridgeService } from '../bridge/service'
import type { CoreContext } from '../context'
import { fingerprint, notWritable, readConfigFile, replaceFile, type Replaced } from './config-file'
import { ConfigUndoStore } from './undo-store'
import { maskText, unifiedDiff } from './diff'
import { readSource, type SourceConfig } from './formats'
import { assertNoConflicts, buildProposal, secretValues, type Existing, type Proposal } from './plan'
import { bridgeEntry, rewriteSplit, rewriteText } from './rewrite'
import { remoteUpstreamInputs } from './remote-servers'
import { messages, note } from './notes'

const DOTENV_NO_REWRITE = note('rewrite_dotenv', 'A .env file is imported, not rewritten.')

type ApplyInput = z.output<typeof ImportApplyInput>

const PLACEHOLDER_TOKEN = 'kb_<new token, minted when applied>'
const TOKEN_VALUE = /kb_[A-Za-z0-9_-]{43}/

/**
 * Import from an MCP client config or a .env file: preview proposes, apply does it. Nothing is
 * written before apply; apply stores everything in one transaction and, with rewrite, replaces the
 * app's config atomically inside that transaction (undone if the transaction fails after it).
 */
export class ConfigImporter {
  constructor(
    private readonly ctx: CoreContext,
    private readonly bridge: () => BridgeService,
  ) {
    this.undo = new ConfigUndoStore(ctx)
  }

  /** Sealed originals of rewritten files (`--restore`, the desktop's Restore button). */
  readonly undo: ConfigUndoStore

  preview(path: string): z.input<typeof ImportPlan> {
    const text = readConfigFile(path)
    const source = readSource(path, text)
    const p = buildProposal(source, this.existing())
    let rewrite: z.input<typeof ImportPlan>['rewrite']
    if (!source.client) {
      rewrite = {
        possible: false,
        reason: DOTENV_NO_REWRITE.message,
        reasonCode: DOTENV_NO_REWRITE,
        diff: null,
        removes: [],
        keeps: [],
      }
    } else {
      const split = rewriteSplit(p)
      const next = rewriteText(
        source,
        split.removes,
        bridgeEntry(source.client, this.bridgeUrl(), PLACEHOLDER_TOKEN),
      )
      const secrets = secretValues(p)
      const ro = notWritable(path)
      const why = ro
        ? note(ro.code, `${ro.message}, so it cannot be rewritten.`, { file: source.file })
        : null
      rewrite = {
        possible: ro === null,
        reason: why?.message ?? null,
        reasonCode: why,
        diff: unifiedDiff(maskText(text, secrets), maskText(next, secrets), source.file),
        ...split,
      }
    }
    return this.toPlan(p, text, rewrite)
  }

  apply(input: ApplyInput, actor: AuditActor): ImportResult {
    this.ctx.keyring.require()
    const bridge = this.bridge()
    const text = readConfigFile(input.path)
    const source = readSource(input.path, text)
    if (input.fingerprint && input.fingerprint !== fingerprint(text)) {
      throw new AppError(
        'CONFLICT',
        `${source.file} changed since the preview. Preview it again; nothing was imported.`,
      )
    }
    const p = buildProposal(source, this.existing(), input.edits)
    assertNoConflicts(p)
    const credentials = p.credentials.filter((c) => c.include)
    const upstreams = p.servers
      .filter((s) => s.include && s.action === 'upstream')
      .map((s) => ({
        from: s.id,
        input: this.upstreamInput(s.id, s.upstreamName!, s.command!, s.rawArgs, s.upstreamEnv),
      }))
    const remotes = remoteUpstreamInputs(p)
    if (input.rewrite) {
      if (!source.client) {
        throw new AppError(
          'INVALID_INPUT',
          `${source.file} is a .env file: Keybridge imports its variables but does not rewrite it.`,
        )
      }
      const ro = notWritable(input.path)
      if (ro) {
        throw new AppError(
          'IO_ERROR',
          `${ro.message}, so Keybridge cannot rewrite it. Nothing was imported. Make it writable, or import without rewriting.`,
        )
      }
    }

    let replaced: Replaced | null = null
    let result: ImportResult
    try {
      result = this.ctx.db.transaction((): ImportResult => {
        const created = credentials.map((c) =>
          this.ctx.credentials.create(
            {
              service: c.service,
              name: c.name,
              account: null,
              fields: c.fields,
              secrets: { [c.field]: c.value },
              status: 'unvalidated',
              lastValidatedAt: null,
              validationError: null,
              expiresAt: null,
              metadata: { importedFrom: source.file, importedKeys: c.sources.map((s) => s.key).join(', ') },
            },
            actor,
          ),
        )
        let token: TokenSummary | null = null
        let rewrite: ImportResult['rewrite'] = null
        const warnings = [...p.warnings]
        if (input.rewrite && source.client) {
          const tokenName = input.tokenName ?? this.freeTokenName(source)
          const existed = bridge.tokens.list().some((t) => t.name.toLowerCase() === tokenName.toLowerCase())
          const cc = bridge.clientConfig(source.client, tokenName)
          if (!cc.minted) throw new Error('expected a minted token')
          const value = TOKEN_VALUE.exec(cc.snippet)![0]
          token = cc.summary
          if (existed) {
            warnings.push(
              note(
                'token_replaced',
                `The client token "${token.name}" got a new value; its previous value stopped working.`,
                { name: token.name },
              ),
            )
          }
          const split = rewriteSplit(p)
          const next = rewriteText(source, split.removes, bridgeEntry(source.client, this.bridgeUrl(), value))
          // The original is sealed in the vault in this transaction, then the file is replaced.
          const copy = this.undo.save(input.path, text)
          replaced = replaceFile(input.path, next, text)
          const secrets = [...secretValues(p), value]
          rewrite = {
            path: input.path,
            backupPath: null,
            target: replaced.target,
            undo: {
              savedAt: copy.savedAt,
              restore: `keybridge import-config --restore ${JSON.stringify(input.path)}`,
            },
            diff: unifiedDiff(maskText(text, secrets), maskText(next, secrets), source.file),
          }
          for (const id of split.keeps) {
            const s = p.servers.find((x) => x.id === id)!
            if (
              p.credentials.some(
                (c) =>
                  s.credentials.includes(c.id) ||
                  c.sources.some((src) => src.server === id && src.location === 'arg'),
              )
            ) {
              warnings.push(
                note('secret_stays', `${id} stays in ${source.app} and its file still holds its secret.`, {
                  server: id,
                  app: source.app,
                }),
              )
            }
          }
        }
        // Children of upstreams may start right away (bridge running): add them last.
        const added = upstreams.map((u) => ({ name: bridge.upstreams.add(u.input).name, from: u.from }))
        // #18: URL servers become remote upstreams (headers sealed), reached through the bridge.
        for (const r of remotes) added.push({ name: bridge.upstreams.addRemote(r.input).name, from: r.from })
        this.ctx.audit.record({
          actor,
          action: 'imported_config',
          target: source.file,
          detail: {
            format: source.format,
            credentials: created.length,
            upstreams: added.length,
            rewritten: rewrite !== null,
          },
        })
        return {
          credentials: created.map((c) => ({ id: c.id, service: c.service, name: c.name })),
          upstreams: added,
          token,
          rewrite,
          warnings: messages(warnings),
          warningCodes: warnings,
        }
      })()
    } catch (e) {
      // The file was replaced but the transaction did not commit: put the original back.
      ;(replaced as Replaced | null)?.undo()
      throw e
    }
    bridge.redactor.refresh()
    return result
  }

  private existing(): Existing {
    return {
      credentialNames: (service) => this.ctx.credentials.list({ service }).map((c) => c.name),
      upstreamNames: this.bridge()
        .upstreams.list()
        .map((u) => u.name),
    }
  }

  private bridgeUrl(): string {
    const bridge = this.bridge()
    const config = bridge.config()
    return bridge.url ?? `http://${config.host}:${config.port}/mcp`
  }

  /** `Claude Desktop import`, numbered when taken (a new token, so other apps' tokens keep working). */
  private freeTokenName(source: SourceConfig): string {
    const base = `${source.app.replace(/[^\p{L}\p{N} ._-]+/gu, '').trim()} import`.slice(0, 56)
    const taken = new Set(
      this.bridge()
        .tokens.list()
        .map((t) => t.name.toLowerCase()),
    )
    if (!taken.has(base.toLowerCase())) return base
    for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`.toLowerCase())) return `${base} ${n}`
  }

  private upstreamInput(
    from: string,
    name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
  ) {
    // Imported servers arrive disabled: the user enables each one (`keybridge upstream enable`).
    const parsed = UpstreamInput.safeParse({ name, command, args, env, enabled: false })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new AppError(
        'INVALID_INPUT',
        `The server "${from}" cannot become an upstream server: ${issue.path.join('.') || 'its definition'}: ${issue.message}. Leave it out or fix it in the file.`,
      )
    }
    return parsed.data
  }

  private toPlan(
    p: Proposal,
    text: string,
    rewrite: z.input<typeof ImportPlan>['rewrite'],
  ): z.input<typeof ImportPlan> {
    // Parsed through the schemas so the drafts' values and internals never leave, IPC or not.
    return {
      path: p.source.path,
      file: p.source.file,
      format: p.source.format,
      app: p.source.app,
      fingerprint: fingerprint(text),
      credentials: p.credentials.map((c) => PlannedCredential.parse(c)),
      servers: p.servers.map((s) => PlannedServer.parse(s)),
      warnings: messages(p.warnings),
      warningCodes: p.warnings,
      rewrite,
    }
  }
}
