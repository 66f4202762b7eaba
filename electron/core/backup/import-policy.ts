import { z } from 'zod'
import { BridgeConfig } from '../../../shared/ipc/bridge'
import { isLoopbackHost } from '../bridge/config'
import type { Db } from '../vault/database'
import { quoteId } from './tables'

/**
 * What a backup may bring is decided here, before anything is applied, and said in words: a backup
 * can come from someone else ("my setup"), so every part that decides where a secret goes or who
 * may use it is listed, and the riskiest parts are defused:
 * - client tokens are never imported (each device mints its own; a known token would be a key);
 * - upstream servers arrive disabled until the user enables each (`keybridge upstream enable`);
 * - a bridge host other than loopback is kept at 127.0.0.1 unless the user confirms the exposure.
 */
export interface PolicyOptions {
  /** The user confirmed a non-loopback bridge host (`--allow-exposure`, a checkbox). */
  allowExposure: boolean
}

export interface PolicyResult {
  /** One sentence per item, in the order shown to the user. */
  items: string[]
  /** The items that need the user's attention (also in `items`). */
  warnings: string[]
}

const EnvKeys = z.array(
  z.object({ key: z.string(), kind: z.enum(['reference', 'literal']), reference: z.string().nullable() }),
)
const Strings = z.array(z.string())

function has(db: Db, table: string): boolean {
  return Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table))
}

function rows(db: Db, table: string, order: string): Record<string, unknown>[] {
  return has(db, table)
    ? (db.prepare(`SELECT * FROM ${quoteId(table)} ORDER BY ${order}`).all() as Record<string, unknown>[])
    : []
}

function parse<T>(schema: z.ZodType<T>, text: unknown, fallback: T): T {
  try {
    const r = schema.safeParse(JSON.parse(String(text)))
    return r.success ? r.data : fallback
  } catch {
    return fallback
  }
}

/** A command line as a shell would show it: arguments with spaces or quotes are quoted. */
export function shellWords(words: string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ')
}

/** Rewrites the staged (in-memory) backup per the policy and describes everything it brings. */
export function applyImportPolicy(staged: Db, o: PolicyOptions): PolicyResult {
  const items: string[] = []
  const warnings: string[] = []
  const warn = (s: string) => {
    items.push(s)
    warnings.push(s)
  }

  for (const c of rows(staged, 'credentials', 'service, name')) {
    const fields = parse(z.record(z.string(), z.string()), c.fields, {})
    const shown = Object.entries(fields).map(([k, v]) => `${k} ${v}`)
    items.push(
      `Credential ${String(c.service)}/${String(c.name)}${shown.length ? ` (${shown.join(', ')})` : ''}.`,
    )
  }

  for (const h of rows(staged, 'ha_instances', 'name')) {
    const domains = parse(Strings, h.allowed_domains, [])
    items.push(
      `Home Assistant instance "${String(h.name)}" at ${String(h.url)}${domains.length ? `, allowed domains: ${domains.join(', ')}` : ''}.`,
    )
  }

  for (const u of rows(staged, 'bridge_upstreams', 'name')) {
    const args = parse(Strings, u.args, [])
    const env = parse(EnvKeys, u.env_keys, [])
    const envText = env.length
      ? `; environment: ${env.map((e) => (e.kind === 'reference' ? `${e.key} = your credential ${e.reference}` : `${e.key} = a value it brings`)).join(', ')}`
      : ''
    const url = typeof u.url === 'string' && u.url ? ` (${u.url})` : ''
    warn(
      `Upstream server "${String(u.name)}" would run: ${shellWords([String(u.command), ...args])}${url}${envText}. It arrives disabled: enable it with "keybridge upstream enable ${String(u.name)}" once you trust it.`,
    )
  }
  if (has(staged, 'bridge_upstreams')) staged.prepare('UPDATE bridge_upstreams SET enabled = 0').run()

  for (const p of rows(staged, 'bridge_tool_permissions', '1')) {
    const level = String(p.level)
    const ask = Number(p.ask) === 1
    const line = `Tool permission: ${String(p.tool ?? Object.values(p)[0])} set to ${level}, ${ask ? 'asking first' : 'without asking'}.`
    if (level === 'execute' && !ask) warn(`${line} A client could run it with no prompt.`)
    else items.push(line)
  }

  for (const t of rows(staged, 'bridge_tokens', 'name')) {
    items.push(
      `Client token "${String(t.name)}" (${String(t.display)}): not imported. Each device mints its own tokens.`,
    )
  }
  if (has(staged, 'bridge_tokens')) staged.exec('DROP TABLE bridge_tokens')

  if (has(staged, 'settings')) {
    const row = staged.prepare("SELECT value FROM settings WHERE key = 'bridge.config'").get() as
      { value: string } | undefined
    if (row) {
      const cfg = parse(BridgeConfig.partial(), row.value, {})
      const parts: string[] = []
      if (cfg.port !== undefined) parts.push(`port ${cfg.port}`)
      if (cfg.rateLimitPerMinute !== undefined)
        parts.push(`rate limit ${cfg.rateLimitPerMinute} requests a minute`)
      if (cfg.approvalTimeoutSeconds !== undefined)
        parts.push(`approval timeout ${cfg.approvalTimeoutSeconds} s`)
      if (cfg.enabled !== undefined)
        parts.push(cfg.enabled ? 'starts with the app' : 'does not start with the app')
      if (cfg.host !== undefined && !isLoopbackHost(cfg.host)) {
        if (o.allowExposure) {
          warn(
            `Bridge setting: host ${cfg.host}, reachable from other computers (you confirmed it)${parts.length ? `; ${parts.join(', ')}` : ''}.`,
          )
        } else {
          warn(
            `Bridge setting: host ${cfg.host} would make the bridge reachable from other computers: not applied, the bridge stays on 127.0.0.1 (confirm with --allow-exposure to apply it)${parts.length ? `; ${parts.join(', ')}` : ''}.`,
          )
          staged
            .prepare("UPDATE settings SET value = ? WHERE key = 'bridge.config'")
            .run(JSON.stringify({ ...cfg, host: '127.0.0.1' }))
        }
      } else {
        items.push(
          `Bridge setting: host ${cfg.host ?? '127.0.0.1'}${parts.length ? `, ${parts.join(', ')}` : ''}.`,
        )
      }
    }
  }
  return { items, warnings }
}
