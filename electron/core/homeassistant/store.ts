import { randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import { HaProbeResult, type HaInstance } from '../../../shared/ipc/homeassistant'
import type { AuditActor } from '../../../shared/models/audit'
import type { CoreContext } from '../context'
import { SEALED_COLUMNS, sealLocation } from '../vault/sealed-columns'

export interface NewHaInstance {
  name: string
  /** Already normalised by checkHaUrl. */
  url: string
  token: string
  allowedDomains: string[]
  lastProbe: HaProbeResult | null
}

export interface HaInstancePatch {
  name?: string
  url?: string
  /** Absent keeps the stored token. */
  token?: string
  allowedDomains?: string[]
  lastProbe?: HaProbeResult | null
}

interface Row {
  id: string
  name: string
  slug: string
  url: string
  allowed_domains: string
  last_probe: string | null
  created_at: number
  updated_at: number
}

const COL = SEALED_COLUMNS.find((c) => c.table === 'ha_instances')!
const COLUMNS = 'id, name, slug, url, allowed_domains, last_probe, created_at, updated_at'

/** The part of a tool name that names the instance: `My Home` → `my_home`. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  return s || 'instance'
}

function toInstance(r: Row): HaInstance {
  const probe = r.last_probe ? HaProbeResult.safeParse(JSON.parse(r.last_probe)) : null
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    url: r.url,
    allowedDomains: JSON.parse(r.allowed_domains) as string[],
    lastProbe: probe?.success ? probe.data : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/**
 * Stored Home Assistant instances. Everything but the token is plain (listing works while locked);
 * the token is sealed with the row's AAD location and only opened for a request to that instance.
 * Every change is audited (names and field names only) and announced as `homeassistant.changed`.
 */
export class HaInstanceStore {
  constructor(private readonly ctx: CoreContext) {}

  list(): HaInstance[] {
    return (
      this.ctx.db.prepare(`SELECT ${COLUMNS} FROM ha_instances ORDER BY name COLLATE NOCASE`).all() as Row[]
    ).map(toInstance)
  }

  get(id: string): HaInstance {
    const row = this.ctx.db.prepare(`SELECT ${COLUMNS} FROM ha_instances WHERE id = ?`).get(id) as
      Row | undefined
    if (!row)
      throw new AppError(
        'NOT_FOUND',
        'That Home Assistant instance does not exist (it may have been removed).',
      )
    return toInstance(row)
  }

  /** By name, case-insensitive (the CLI's way to name an instance). */
  findByName(name: string): HaInstance {
    const row = this.ctx.db
      .prepare(`SELECT ${COLUMNS} FROM ha_instances WHERE name = ? COLLATE NOCASE`)
      .get(name) as Row | undefined
    if (!row) {
      throw new AppError(
        'NOT_FOUND',
        `No Home Assistant instance named "${name}". List them with "keybridge ha list".`,
      )
    }
    return toInstance(row)
  }

  create(input: NewHaInstance, actor: AuditActor): HaInstance {
    const id = randomUUID()
    const now = this.ctx.clock.now()
    const slug = slugify(input.name)
    const token = this.ctx.keyring.seal(sealLocation(COL, id), input.token)
    this.ctx.db.transaction(() => {
      this.assertNameFree(input.name, slug, null)
      this.ctx.db
        .prepare(
          `INSERT INTO ha_instances (id, name, slug, url, token, allowed_domains, last_probe, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.name,
          slug,
          input.url,
          token,
          JSON.stringify(input.allowedDomains),
          input.lastProbe ? JSON.stringify(input.lastProbe) : null,
          now,
          now,
        )
      this.ctx.macs.sign('ha_instances', id)
    })()
    const created = this.get(id)
    this.ctx.audit.record({
      actor,
      action: 'created',
      target: target(created),
      detail: { url: created.url, allowedDomains: created.allowedDomains },
    })
    this.changed()
    return created
  }

  update(id: string, patch: HaInstancePatch, actor: AuditActor): HaInstance {
    const before = this.get(id)
    const sets: string[] = ['updated_at = ?']
    const args: unknown[] = [this.ctx.clock.now()]
    const set = (col: string, v: unknown) => {
      sets.push(`${col} = ?`)
      args.push(v)
    }
    if (patch.token !== undefined) set('token', this.ctx.keyring.seal(sealLocation(COL, id), patch.token))
    const onlyProbe = Object.keys(patch).every((k) => k === 'lastProbe')
    this.ctx.db.transaction(() => {
      // URL, name and allowed domains are MAC'd with the token: a tampered row is refused, not re-signed.
      if (!onlyProbe) this.ctx.macs.require('ha_instances', id)
      if (patch.name !== undefined && patch.name !== before.name) {
        const slug = slugify(patch.name)
        this.assertNameFree(patch.name, slug, id)
        set('name', patch.name)
        set('slug', slug)
      }
      if (patch.url !== undefined) set('url', patch.url)
      if (patch.allowedDomains !== undefined) set('allowed_domains', JSON.stringify(patch.allowedDomains))
      if (patch.lastProbe !== undefined)
        set('last_probe', patch.lastProbe ? JSON.stringify(patch.lastProbe) : null)
      args.push(id)
      this.ctx.db.prepare(`UPDATE ha_instances SET ${sets.join(', ')} WHERE id = ?`).run(...args)
      if (!onlyProbe) this.ctx.macs.sign('ha_instances', id)
    })()
    const after = this.get(id)
    const fields = Object.keys(patch).filter((k) => k !== 'token' && k !== 'lastProbe')
    this.ctx.audit.record({
      actor,
      action: patch.name !== undefined && patch.name !== before.name ? 'renamed' : 'updated',
      target: target(after),
      detail: {
        fields,
        tokenChanged: patch.token !== undefined,
        ...(fields.includes('name') ? { from: before.name } : {}),
      },
    })
    this.changed()
    return after
  }

  /** Remembers a probe of a stored instance (audited as `probed` with its outcome, not as a change). */
  recordProbe(id: string, probe: HaProbeResult, actor: AuditActor): HaInstance {
    this.ctx.db.prepare('UPDATE ha_instances SET last_probe = ? WHERE id = ?').run(JSON.stringify(probe), id)
    const after = this.get(id)
    this.ctx.audit.record({
      actor,
      action: 'probed',
      target: target(after),
      outcome: probe.reachable ? 'ok' : 'error',
      durationMs: probe.latencyMs,
      detail: { reason: probe.reason, version: probe.version, entityCount: probe.entityCount },
    })
    this.changed()
    return after
  }

  delete(id: string, actor: AuditActor): void {
    const inst = this.get(id)
    this.ctx.db.transaction(() => {
      this.ctx.db.prepare('DELETE FROM ha_instances WHERE id = ?').run(id)
      this.ctx.macs.sign('ha_instances', id)
    })()
    this.ctx.audit.record({ actor, action: 'deleted', target: target(inst) })
    this.changed()
  }

  /**
   * The decrypted token, for a request to this instance only. Needs the vault unlocked; refused
   * (ROW_TAMPERED) when the instance's URL, name or allowed domains were changed outside Keybridge.
   */
  readToken(id: string): string {
    this.ctx.macs.require('ha_instances', id)
    const row = this.ctx.db.prepare('SELECT token FROM ha_instances WHERE id = ?').get(id) as
      { token: Buffer } | undefined
    if (!row)
      throw new AppError(
        'NOT_FOUND',
        'That Home Assistant instance does not exist (it may have been removed).',
      )
    return this.ctx.keyring.openString(sealLocation(COL, id), row.token)
  }

  private assertNameFree(name: string, slug: string, exceptId: string | null): void {
    const clash = this.ctx.db
      .prepare('SELECT name FROM ha_instances WHERE (name = ? COLLATE NOCASE OR slug = ?) AND id IS NOT ?')
      .get(name, slug, exceptId) as { name: string } | undefined
    if (clash) {
      throw new AppError(
        'CONFLICT',
        clash.name.toLowerCase() === name.toLowerCase()
          ? `There is already a Home Assistant instance named "${name}". Pick another name.`
          : `"${name}" would share its tool names with the instance "${clash.name}". Pick a more distinct name.`,
      )
    }
  }

  private changed(): void {
    this.ctx.events.emit('homeassistant.changed', { at: this.ctx.clock.now() })
  }
}

function target(i: { name: string }): string {
  return `homeassistant/${i.name}`
}
