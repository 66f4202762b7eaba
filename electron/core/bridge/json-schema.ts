import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { BridgeTool } from './tool-source'

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Drops what zod adds that clients stumble on: `$schema`, `propertyNames: {type: string}` (always true in JSON), `additionalProperties: {}`. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy)
  if (!isObj(node)) return node
  const out: Json = {}
  for (const [k, v] of Object.entries(node)) {
    if (k === '$schema') continue
    if (k === 'propertyNames' && isObj(v) && v['type'] === 'string' && Object.keys(v).length === 1) continue
    out[k] = k === 'additionalProperties' && isObj(v) && Object.keys(v).length === 0 ? true : tidy(v)
  }
  return out
}

/**
 * A built-in tool's arguments: one zod object is both the validator and the JSON Schema in tools/list
 * (`z.toJSONSchema`), so the two cannot drift. Every property carries a `type` (Gemini skipped those
 * without one).
 */
export function builtinSchema(schema: z.ZodObject): BridgeTool['inputSchema'] {
  return tidy(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })) as BridgeTool['inputSchema']
}

/** Validates a call's arguments with the same zod object; a mismatch is a clear INVALID_INPUT. */
export function parseArgs<S extends z.ZodObject>(schema: S, args: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(args)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const where = issue.path.length ? `The "${issue.path.join('.')}" argument` : 'The arguments'
  throw new AppError('INVALID_INPUT', `${where}: ${issue.message.replace(/\.$/, '')}.`)
}

const MAX_INLINE_NODES = 10_000

/**
 * An upstream's schema as relayed: `$schema` removed (the Gemini API refuses it) and local
 * `$defs`/`definitions` references inlined when that is possible (no recursion, every reference found,
 * a bounded result; some clients have disconnected on `$ref`). Otherwise the rest is left exactly as
 * the upstream wrote it.
 */
export function relaySchema<T>(schema: T): T {
  if (!isObj(schema)) return schema
  const { $schema: _drop, ...rest } = schema
  void _drop
  const defs = {
    ...(isObj(rest['$defs']) ? rest['$defs'] : {}),
    ...(isObj(rest['definitions']) ? rest['definitions'] : {}),
  }
  if (Object.keys(defs).length === 0 && !JSON.stringify(rest).includes('"$ref"')) return rest as T
  const { $defs: _d, definitions: _f, ...body } = rest
  void _d
  void _f
  const inlined = inline(body, rest, [], { nodes: 0 })
  if (inlined === undefined) return rest as T
  return inlined as T
}

function resolvePointer(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = root
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isObj(node) || !(key in node)) return undefined
    node = node[key]
  }
  return node
}

/** undefined = cannot inline (recursive, remote or missing reference, too big). */
function inline(node: unknown, root: Json, stack: string[], budget: { nodes: number }): unknown {
  if (++budget.nodes > MAX_INLINE_NODES) return undefined
  if (Array.isArray(node)) {
    const out: unknown[] = []
    for (const v of node) {
      const r = inline(v, root, stack, budget)
      if (r === undefined) return undefined
      out.push(r)
    }
    return out
  }
  if (!isObj(node)) return node
  const ref = node['$ref']
  if (typeof ref === 'string') {
    if (stack.includes(ref)) return undefined
    const target = resolvePointer(root, ref)
    if (target === undefined) return undefined
    const resolved = inline(target, root, [...stack, ref], budget)
    if (!isObj(resolved)) return resolved
    const { $ref: _r, ...siblings } = node
    void _r
    const more = inline(siblings, root, stack, budget) as Json | undefined
    if (more === undefined) return undefined
    return { ...resolved, ...more }
  }
  const out: Json = {}
  for (const [k, v] of Object.entries(node)) {
    const r = inline(v, root, stack, budget)
    if (r === undefined) return undefined
    out[k] = r
  }
  return out
}
