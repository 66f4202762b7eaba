import { createHash, hash, randomBytes, randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { TokenSummary } from '../../../shared/ipc/bridge'
import type { Clock } from '../clock'
import type { Db } from '../vault/database'
import type { RowMacs } from '../vault/row-mac'
import { ChangeStamp } from './change-stamp'

/** What a verified request carries: never the token value. */
export interface TokenIdentity {
  id: string
  name: string
  scopes: string[]
  expiresAt: number | null
  dailyQuota: number | null
  monthlyQuota: number | null
}

export type TokenCheck =
  | { ok: true; identity: TokenIdentity }
  | {
      ok: false
      /** locked: rows cannot be verified; tampered: the row fails its MAC; rolled_back: see Integrity. */
      reason: 'missing' | 'invalid' | 'expired' | 'revoked' | 'locked' | 'tampered' | 'rolled_back'
    }

interface Row {
  id: string
  name: string
  display: string
  scopes: string
  created_at: number
  expires_at: number | null
  revoked_at: number | null
  last_used_at: number | null
  use_count: number
  daily_quota: number | null
  monthly_quota: number | null
}

const TOKEN_RE = /^kb_[A-Za-z0-9_-]{43}$/
const COLUMNS =
  'id, name, display, scopes, created_at, expires_at, revoked_at, last_used_at, use_count, daily_quota, monthly_quota'

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

/** `kb_` + base64url of 32 random bytes (43 characters). */
export function mintTokenValue(): string {
  return 'kb_' + randomBytes(32).toString('base64url')
}

function display(token: string): string {
  return `${token.slice(0, 7)}…${token.slice(-4)}`
}

/**
 * Bridge client tokens. Only the SHA-256 of a token is stored; a request's token is hashed and looked
 * up by that hash, so comparison never touches the value byte by byte. Use (last used, count) is
 * counted in memory and written in batches, off the request path.
 *
 * Verified rows are kept in memory by hash until the vault changes: any write through this connection
 * or a commit by another one (the CLI revoking from another process) empties the cache, so revocation,
 * rotation and expiry still bite at the next request.
 */
export class TokenStore {
  private pendingUse = new Map<string, { at: number; count: number }>()
  private readonly byHash
  private readonly touchStmt
  private readonly stamp: ChangeStamp
  /** hex SHA-256 → the row and its decoded identity; only tokens that exist are kept. */
  private cache = new Map<string, { row: Row; identity: TokenIdentity; verified: boolean }>()
  private cacheGen = -1

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Every row is MAC'd (mac-tables.ts): a forged or altered row is refused. */
    private readonly macs: RowMacs,
    /** True while the vault file is flagged as rolled back: no token is accepted until reviewed. */
    private readonly rolledBack: () => boolean = () => false,
  ) {
    // Every column: the row MAC covers them all (a column a later migration adds included).
    this.byHash = db.prepare('SELECT * FROM bridge_tokens WHERE hash = ?')
    this.touchStmt = db.prepare(
      'UPDATE bridge_tokens SET last_used_at = MAX(COALESCE(last_used_at, 0), ?), use_count = use_count + ? WHERE id = ?',
    )
    this.stamp = ChangeStamp.of(db)
  }

  create(input: {
    name: string
    scopes: string[]
    expiresInDays?: number | null
    dailyQuota?: number | null
    monthlyQuota?: number | null
  }): {
    token: string
    summary: TokenSummary
  } {
    if (this.findRow(input.name)) {
      throw new AppError(
        'CONFLICT',
        `There is already a client token named "${input.name}". Pick another name.`,
      )
    }
    const token = mintTokenValue()
    const id = randomUUID()
    const now = this.clock.now()
    const expiresAt = input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null
    // Creating a token needs the vault unlocked: its row is signed in the same transaction.
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO bridge_tokens (id, name, hash, display, scopes, created_at, expires_at, daily_quota, monthly_quota)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.name,
          hashToken(token),
          display(token),
          JSON.stringify(input.scopes),
          now,
          expiresAt,
          input.dailyQuota ?? null,
          input.monthlyQuota ?? null,
        )
      this.macs.sign('bridge_tokens', id)
    })()
    return { token, summary: this.get(id) }
  }

  /** A fresh value for an existing token (same name, scopes, expiry): the previous value stops working. */
  rotate(name: string): { token: string; summary: TokenSummary } {
    const row = this.require(name)
    if (row.revoked_at !== null) throw new AppError('CONFLICT', `The client token "${row.name}" is revoked.`)
    const token = mintTokenValue()
    this.db.transaction(() => {
      this.macs.require('bridge_tokens', row.id)
      this.db
        .prepare('UPDATE bridge_tokens SET hash = ?, display = ? WHERE id = ?')
        .run(hashToken(token), display(token), row.id)
      this.macs.sign('bridge_tokens', row.id)
    })()
    return { token, summary: this.get(row.id) }
  }

  /** Changes scopes and quotas; an absent field keeps its value, a null quota is removed. */
  update(
    name: string,
    patch: { scopes?: string[]; dailyQuota?: number | null; monthlyQuota?: number | null },
  ): TokenSummary {
    const row = this.require(name)
    // The quotas and scopes are covered by the row MAC: checked before, signed again after.
    this.db.transaction(() => {
      this.macs.require('bridge_tokens', row.id)
      this.db
        .prepare('UPDATE bridge_tokens SET scopes = ?, daily_quota = ?, monthly_quota = ? WHERE id = ?')
        .run(
          patch.scopes === undefined ? row.scopes : JSON.stringify(patch.scopes),
          patch.dailyQuota === undefined ? row.daily_quota : patch.dailyQuota,
          patch.monthlyQuota === undefined ? row.monthly_quota : patch.monthlyQuota,
          row.id,
        )
      this.macs.sign('bridge_tokens', row.id)
    })()
    return this.get(row.id)
  }

  list(): TokenSummary[] {
    this.flushUse()
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM bridge_tokens ORDER BY name`).all() as Row[]
    return rows.map((r) => this.toSummary(r))
  }

  get(id: string): TokenSummary {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM bridge_tokens WHERE id = ?`).get(id) as
      Row | undefined
    if (!row) throw new AppError('NOT_FOUND', 'That client token does not exist.')
    return this.toSummary(row)
  }

  byName(name: string): TokenSummary {
    this.flushUse()
    return this.toSummary(this.require(name))
  }

  /** The identity a client using this token has (the playground runs calls as it); active tokens only. */
  identityOf(name: string): TokenIdentity {
    const row = this.require(name)
    const summary = this.toSummary(row)
    if (summary.status !== 'active') {
      throw new AppError(
        'CONFLICT',
        `The client token "${row.name}" is ${summary.status}.`,
        { name: row.name, status: summary.status },
        'token_inactive',
      )
    }
    return {
      id: row.id,
      name: row.name,
      scopes: JSON.parse(row.scopes) as string[],
      expiresAt: row.expires_at,
      dailyQuota: row.daily_quota,
      monthlyQuota: row.monthly_quota,
    }
  }

  revoke(name: string): TokenSummary {
    const row = this.require(name)
    if (row.revoked_at === null) {
      // Works locked too: a revoked row grants nothing, so it is signed at the next unlock.
      this.db.transaction(() => {
        this.db.prepare('UPDATE bridge_tokens SET revoked_at = ? WHERE id = ?').run(this.clock.now(), row.id)
        this.macs.sign('bridge_tokens', row.id)
      })()
    }
    return this.get(row.id)
  }

  /** Checks the value of an `Authorization: Bearer` header. Marks the token used when it passes. */
  verify(token: string | undefined, opts: { countUse?: boolean } = {}): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' }
    if (!TOKEN_RE.test(token)) return { ok: false, reason: 'invalid' }
    // Rows are verified with the vault key: locked, no token row can be trusted.
    if (!this.macs.unlocked) return { ok: false, reason: 'locked' }
    if (this.rolledBack()) return { ok: false, reason: 'rolled_back' }
    // One-shot hex digest: the cache key, ~5× cheaper than a Hash object and a Buffer per request.
    const found = this.lookup(hash('sha256', token, 'hex'))
    if (!found) return { ok: false, reason: 'invalid' }
    const { row, identity } = found
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' }
    if (!found.verified) return { ok: false, reason: 'tampered' }
    const now = this.clock.now()
    if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: 'expired' }
    if (opts.countUse === false) return { ok: true, identity }
    this.noteUse(row.id, now, 0)
    return { ok: true, identity }
  }

  /**
   * One tool call by a client with this token (the "Calls" a token list shows). `verify` moves only
   * "last used": an initialize, a tools/list or a notification is a use of the token, not a call.
   */
  countCall(tokenId: string): void {
    this.noteUse(tokenId, this.clock.now(), 1)
  }

  private noteUse(id: string, at: number, calls: number): void {
    const use = this.pendingUse.get(id)
    if (use) {
      use.at = Math.max(use.at, at)
      use.count += calls
    } else this.pendingUse.set(id, { at, count: calls })
  }

  private lookup(hexHash: string): { row: Row; identity: TokenIdentity; verified: boolean } | undefined {
    // Every request passes here first: this is where it sees commits made by other processes.
    const gen = this.stamp.check()
    if (gen !== this.cacheGen) {
      this.cache.clear()
      this.cacheGen = gen
    }
    const hit = this.cache.get(hexHash)
    if (hit) return hit
    const full = this.byHash.get(Buffer.from(hexHash, 'hex')) as (Row & Record<string, unknown>) | undefined
    if (!full) return undefined
    const row = full as Row
    let verified = true
    try {
      this.macs.requireRow('bridge_tokens', full)
    } catch {
      verified = false
    }
    const identity: TokenIdentity = Object.freeze({
      id: row.id,
      name: row.name,
      scopes: Object.freeze(JSON.parse(row.scopes) as string[]) as string[],
      expiresAt: row.expires_at,
      dailyQuota: row.daily_quota,
      monthlyQuota: row.monthly_quota,
    })
    const entry = { row, identity, verified }
    // Bounded: only existing tokens get here, and a vault has few of them.
    if (this.cache.size >= 1024) this.cache.clear()
    this.cache.set(hexHash, entry)
    return entry
  }

  /** Writes the counted uses in one transaction. */
  flushUse(): void {
    if (this.pendingUse.size === 0) return
    const batch = [...this.pendingUse]
    this.pendingUse.clear()
    this.db.transaction(() => {
      for (const [id, u] of batch) this.touchStmt.run(u.at, u.count, id)
    })()
  }

  private findRow(name: string): Row | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM bridge_tokens WHERE name = ?`).get(name) as Row | undefined
  }

  private require(name: string): Row {
    const row = this.findRow(name)
    if (!row)
      throw new AppError(
        'NOT_FOUND',
        `No client token named "${name}". List them with "keybridge token list".`,
      )
    return row
  }

  private toSummary(r: Row): TokenSummary {
    const now = this.clock.now()
    const status =
      r.revoked_at !== null ? 'revoked' : r.expires_at !== null && r.expires_at <= now ? 'expired' : 'active'
    return {
      id: r.id,
      name: r.name,
      display: r.display,
      scopes: JSON.parse(r.scopes) as string[],
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
      useCount: r.use_count,
      status,
      dailyQuota: r.daily_quota,
      monthlyQuota: r.monthly_quota,
    }
  }
}
