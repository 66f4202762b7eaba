import { UpstreamName } from '../../../../shared/ipc/bridge'
import {
  ImportCredentialName,
  type ImportEdits,
  type ImportNote,
  type ImportPlan,
  type PlannedCredential,
  type PlannedServer,
} from '../../../../shared/ipc/importConfig'

/** What the user changed on one item of the plan; unset means "as proposed". */
export interface ItemEdit {
  name?: string
  include?: boolean
}

export interface Edits {
  credentials: Record<string, ItemEdit>
  servers: Record<string, ItemEdit>
}

export const NO_EDITS: Edits = { credentials: {}, servers: {} }

/**
 * Why a name cannot be used: the name's format (the schema's sentence), a clash the core reported
 * (its sentence), or two items of this import given the same name.
 */
export type Problem =
  | { kind: 'invalid'; message: string; field: 'credential' | 'server' }
  | { kind: 'conflict'; message: string; note: ImportNote | null }
  | { kind: 'duplicate'; name: string }

/** A proposed credential with the user's edits on top: what apply will create. */
export interface CredentialView extends PlannedCredential {
  /** The name as the user typed it (kept even while invalid, so the field shows it). */
  name: string
  include: boolean
  problem: Problem | null
}

export interface ServerView extends PlannedServer {
  include: boolean
  problem: Problem | null
  /** True when the server can be left out or taken in (upstream and remote servers). */
  selectable: boolean
}

const invalid = (
  r: { success: boolean; error?: { issues: { message: string }[] } },
  field: 'credential' | 'server',
): Problem | null =>
  r.success ? null : { kind: 'invalid', message: r.error?.issues[0]?.message ?? '', field }

/**
 * The plan's credentials as the user edited them. A conflict the core reported stays until the item
 * is renamed or left out; two items of one service given the same name clash here too (the core
 * checks again on apply, against the vault as it is then).
 */
export function credentialViews(plan: ImportPlan, edits: Edits): CredentialView[] {
  const seen = new Map<string, string>()
  return plan.credentials.map((c) => {
    const e = edits.credentials[c.id] ?? {}
    const name = e.name ?? c.name
    const include = e.include ?? c.include
    let problem = include ? invalid(ImportCredentialName.safeParse(name), 'credential') : null
    if (include && !problem) {
      const key = `${c.service}/${name.trim().toLowerCase()}`
      if (name.trim() === c.name && c.conflict)
        problem = { kind: 'conflict', message: c.conflict, note: c.conflictCode ?? null }
      else if (seen.has(key)) problem = { kind: 'duplicate', name }
      seen.set(key, c.id)
    }
    return { ...c, name, include, problem }
  })
}

/** The plan's servers as the user edited them, their credential references following renamed credentials. */
export function serverViews(plan: ImportPlan, edits: Edits): ServerView[] {
  const creds = new Map(credentialViews(plan, edits).map((c) => [c.id, c]))
  const original = new Map(plan.credentials.map((c) => [c.id, c]))
  const names = new Set<string>()
  return plan.servers.map((s) => {
    const e = edits.servers[s.id] ?? {}
    const selectable = s.action === 'upstream' || s.action === 'remote'
    const include = selectable ? (e.include ?? s.include) : false
    const upstreamName = s.action === 'upstream' ? (e.name ?? s.upstreamName) : s.upstreamName
    let problem: Problem | null = null
    if (include && s.action === 'upstream' && upstreamName !== null) {
      problem = invalid(UpstreamName.safeParse(upstreamName), 'server')
      if (!problem && upstreamName.trim() === s.upstreamName && s.conflict)
        problem = { kind: 'conflict', message: s.conflict, note: s.conflictCode ?? null }
      else if (!problem && names.has(upstreamName.trim())) problem = { kind: 'duplicate', name: upstreamName }
      names.add(upstreamName.trim())
    }
    const env = s.env.map((v) => {
      if (v.kind !== 'reference') return v
      let value = v.value
      for (const id of s.credentials) {
        const before = original.get(id)
        const after = creds.get(id)
        if (!before || !after || !value.includes(`{{credential:${before.service}/${before.name}.`)) continue
        // Left out: the server keeps the value itself (shown masked), as the core does.
        if (!after.include) return { key: v.key, kind: 'literal' as const, value: after.masked }
        value = value
          .split(`{{credential:${before.service}/${before.name}.`)
          .join(`{{credential:${after.service}/${after.name.trim()}.`)
      }
      return { ...v, value }
    })
    return { ...s, include, upstreamName, env, problem, selectable }
  })
}

/** True when nothing blocks apply: every included item has a usable name and something is imported. */
export function canApply(plan: ImportPlan, edits: Edits): boolean {
  const creds = credentialViews(plan, edits)
  const servers = serverViews(plan, edits)
  const something = creds.some((c) => c.include) || servers.some((s) => s.include && s.action === 'upstream')
  return something && creds.every((c) => !c.problem) && servers.every((s) => !s.problem)
}

/** Only what differs from the plan goes to apply, names trimmed (the core validates them again). */
export function toApplyEdits(plan: ImportPlan, edits: Edits): ImportEdits {
  const out: ImportEdits = { credentials: [], servers: [] }
  for (const c of plan.credentials) {
    const e = edits.credentials[c.id]
    if (!e) continue
    const item: ImportEdits['credentials'][number] = { id: c.id }
    if (e.name !== undefined && e.name.trim() !== c.name) item.name = e.name.trim()
    if (e.include !== undefined && e.include !== c.include) item.include = e.include
    if (item.name !== undefined || item.include !== undefined) out.credentials.push(item)
  }
  for (const s of plan.servers) {
    const e = edits.servers[s.id]
    if (!e) continue
    const item: ImportEdits['servers'][number] = { id: s.id }
    if (s.action === 'upstream' && e.name !== undefined && e.name.trim() !== s.upstreamName)
      item.name = e.name.trim()
    if (e.include !== undefined && e.include !== s.include) item.include = e.include
    if (item.name !== undefined || item.include !== undefined) out.servers.push(item)
  }
  return out
}

/** The servers a rewrite takes out of the app's config with these choices (the core's rule, for display). */
export function rewriteMoves(plan: ImportPlan, edits: Edits): { removes: string[]; keeps: string[] } {
  const creds = new Map(credentialViews(plan, edits).map((c) => [c.id, c]))
  const removes: string[] = []
  const keeps: string[] = []
  for (const s of serverViews(plan, edits)) {
    const secrets = s.credentials.map((id) => creds.get(id)).filter((c) => c !== undefined)
    const moved =
      s.action === 'keybridge' ||
      (s.include && s.action === 'upstream') ||
      (s.include && s.action === 'remote' && secrets.length > 0 && secrets.every((c) => c.include))
    ;(moved ? removes : keeps).push(s.id)
  }
  return { removes, keeps }
}
