import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js'
import { AppError } from '../../../../../shared/errors'
import type { Clock } from '../../../clock'
import type { Db } from '../../../vault/database'
import type { Keyring } from '../../../vault/keyring'
import { SEALED_COLUMNS, sealLocation, type SealedColumn } from '../../../vault/sealed-columns'

const CLIENT_COL = SEALED_COLUMNS.find((c) => c.table === 'bridge_upstream_grants' && c.column === 'client')!
const TOKENS_COL = SEALED_COLUMNS.find((c) => c.table === 'bridge_upstream_grants' && c.column === 'tokens')!
const DISCOVERY_COL = SEALED_COLUMNS.find(
  (c) => c.table === 'bridge_upstream_grants' && c.column === 'discovery',
)!

export type GrantStatus = 'none' | 'signed_in' | 'needs_sign_in'

/** A stored client: how it was obtained decides whether Keybridge may throw it away and register again. */
export type StoredClient = OAuthClientInformationMixed & {
  registration?: 'pre-registered' | 'dynamic' | 'metadata-document'
}

export interface GrantSummary {
  status: GrantStatus
  scope: string | null
  wantedScope: string | null
  expiresAt: number | null
}

/**
 * Where an OAuth provider keeps what it learns about one server. The vault-backed one seals the
 * client and the tokens; probes use an in-memory one that dies with the process.
 */
export interface GrantStorage {
  client(): StoredClient | undefined
  saveClient(c: StoredClient): void
  clearClient(): void
  tokens(): OAuthTokens | undefined
  saveTokens(t: OAuthTokens): void
  clearTokens(): void
  discovery(): OAuthDiscoveryState | undefined
  saveDiscovery(d: OAuthDiscoveryState | undefined): void
  summary(): GrantSummary
  /** A refused refresh or a wider scope: the user has to sign in (again). */
  needSignIn(wantedScope?: string): void
  /** The clock `expiresAt` is stamped with (absent: the system clock). */
  now?(): number
}

interface Row {
  client: Buffer | null
  tokens: Buffer | null
  discovery: Buffer | null
  status: string
  scope: string | null
  wanted_scope: string | null
  expires_at: number | null
}

/**
 * The OAuth state of one remote upstream in `bridge_upstream_grants`. Client, tokens and discovery
 * (which names the token endpoint) are sealed, each with the server URL inside: a row edited to point
 * at another server, or the upstream's URL changed outside Keybridge, no longer opens.
 */
export class VaultGrantStorage implements GrantStorage {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
    readonly upstreamId: string,
    /** The server these belong to, sealed with each value and checked when it is read. */
    private readonly serverUrl: string,
    /** New tokens were stored (the bridge's redactor learns them). */
    private readonly onTokens?: () => void,
  ) {}

  now(): number {
    return this.clock.now()
  }

  private row(): Row | undefined {
    return this.db
      .prepare(
        'SELECT client, tokens, discovery, status, scope, wanted_scope, expires_at FROM bridge_upstream_grants WHERE upstream_id = ?',
      )
      .get(this.upstreamId) as Row | undefined
  }

  private update(set: Record<string, unknown>): void {
    this.db
      .prepare(
        'INSERT INTO bridge_upstream_grants (upstream_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      )
      .run(this.upstreamId, this.clock.now())
    const cols = Object.keys(set)
    this.db
      .prepare(
        `UPDATE bridge_upstream_grants SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE upstream_id = ?`,
      )
      .run(...cols.map((c) => set[c]), this.clock.now(), this.upstreamId)
  }

  private seal(col: SealedColumn, value: unknown): Buffer {
    return this.keyring.seal(
      sealLocation(col, this.upstreamId),
      JSON.stringify({ server: this.serverUrl, value }),
    )
  }

  private open<T>(col: SealedColumn, blob: Buffer | null | undefined): T | undefined {
    if (!blob) return undefined
    const { server, value } = JSON.parse(
      this.keyring.openString(sealLocation(col, this.upstreamId), blob),
    ) as {
      server: string
      value: T
    }
    if (server !== this.serverUrl) {
      throw new AppError(
        'SECRET_TAMPERED',
        'The sign-in stored for this remote server belongs to another URL (changed outside Keybridge). Sign in again.',
      )
    }
    return value
  }

  client(): StoredClient | undefined {
    return this.open<StoredClient>(CLIENT_COL, this.row()?.client)
  }

  saveClient(c: StoredClient): void {
    this.update({ client: this.seal(CLIENT_COL, c) })
  }

  clearClient(): void {
    this.update({ client: null })
  }

  tokens(): OAuthTokens | undefined {
    return this.open<OAuthTokens>(TOKENS_COL, this.row()?.tokens)
  }

  saveTokens(t: OAuthTokens): void {
    const previous = this.tokens()
    const row = this.row()
    // A refresh response may leave out the refresh token: the old one stays valid then.
    const merged: OAuthTokens = {
      ...t,
      ...(t.refresh_token || !previous?.refresh_token ? {} : { refresh_token: previous.refresh_token }),
    }
    const wanted = row?.wanted_scope ?? null
    const granted = merged.scope ?? wanted ?? row?.scope ?? null
    this.update({
      tokens: this.seal(TOKENS_COL, merged),
      status: 'signed_in',
      scope: granted,
      wanted_scope: wanted && covers(granted, wanted) ? null : wanted,
      expires_at: typeof t.expires_in === 'number' ? this.clock.now() + t.expires_in * 1000 : null,
    })
    this.onTokens?.()
  }

  clearTokens(): void {
    this.update({ tokens: null, expires_at: null })
  }

  discovery(): OAuthDiscoveryState | undefined {
    return this.open<OAuthDiscoveryState>(DISCOVERY_COL, this.row()?.discovery)
  }

  saveDiscovery(d: OAuthDiscoveryState | undefined): void {
    this.update({ discovery: d ? this.seal(DISCOVERY_COL, d) : null })
  }

  summary(): GrantSummary {
    const r = this.row()
    return {
      status: (r?.status as GrantStatus | undefined) ?? 'none',
      scope: r?.scope ?? null,
      wantedScope: r?.wanted_scope ?? null,
      expiresAt: r?.expires_at ?? null,
    }
  }

  needSignIn(wantedScope?: string): void {
    this.update({ status: 'needs_sign_in', ...(wantedScope ? { wanted_scope: wantedScope } : {}) })
  }
}

/** Whether every scope in `wanted` is in `granted` (space-separated lists). */
export function covers(granted: string | null | undefined, wanted: string | null | undefined): boolean {
  const have = new Set((granted ?? '').split(/\s+/).filter(Boolean))
  return (wanted ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .every((s) => have.has(s))
}

/** Union of space-separated scope lists, in first-seen order. */
export function unionScopes(...lists: (string | null | undefined)[]): string | undefined {
  const out = [...new Set(lists.flatMap((l) => (l ?? '').split(/\s+/)).filter(Boolean))]
  return out.length ? out.join(' ') : undefined
}

/** For a probe: the same protocol, nothing written anywhere. */
export class MemoryGrantStorage implements GrantStorage {
  private c: StoredClient | undefined
  private t: OAuthTokens | undefined
  private d: OAuthDiscoveryState | undefined
  private status: GrantStatus = 'none'
  private wanted: string | null = null
  client() {
    return this.c
  }
  saveClient(c: StoredClient) {
    this.c = c
  }
  clearClient() {
    this.c = undefined
  }
  tokens() {
    return this.t
  }
  saveTokens(t: OAuthTokens) {
    this.t = t
    this.status = 'signed_in'
  }
  clearTokens() {
    this.t = undefined
  }
  discovery() {
    return this.d
  }
  saveDiscovery(d: OAuthDiscoveryState | undefined) {
    this.d = d
  }
  summary(): GrantSummary {
    return { status: this.status, scope: this.t?.scope ?? null, wantedScope: this.wanted, expiresAt: null }
  }
  needSignIn(wantedScope?: string) {
    this.status = 'needs_sign_in'
    if (wantedScope) this.wanted = wantedScope
  }
}
