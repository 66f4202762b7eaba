import { request } from 'undici'
import { z } from 'zod'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../shared/errors'
import type { CredentialSummary } from '../../../shared/models/credential'
import type { CoreContext } from '../context'
import { getServiceDescriptor } from '../providers/catalog'
import { buildAuthenticatedRequest } from '../providers/request'
import { getProvider } from '../providers/registry'
import type { SecretMatcher } from '../providers/redact'
import { builtinSchema, parseArgs } from './json-schema'
import { exposedName } from './names'
import { REDACTED_META, type RedactionCount, type Redactor } from './redact'
import type { BridgeTool, ToolSource } from './tool-source'

export const API_SOURCE_ID = 'api'
/** Response bodies beyond this are cut (and say so): a model cannot use megabytes anyway. */
export const MAX_RESPONSE_BYTES = 256 * 1024
const TIMEOUT_MS = 30_000
/** Response headers worth showing a model; everything else (cookies included) is dropped. */
const KEPT_HEADERS =
  /^(content-type|content-length|location|link|etag|last-modified|retry-after|x-ratelimit-.*|x-total-count|x-next-page)$/i

interface Options {
  maxResponseBytes?: number
}

/**
 * Header values the bridge built from a secret (`Bearer <token>`, `Basic base64(email:token)`): they
 * are redacted too, whole, without their scheme and, for Basic, decoded (`email:token`), each in every
 * encoding the redactor knows. Version and content headers are left alone.
 */
function authValues(headers: Record<string, string>, secrets: string[]): string[] {
  const out: string[] = []
  for (const h of Object.values(headers)) {
    const bare = h.replace(/^\S+\s+/, '')
    const decoded = Buffer.from(bare, 'base64').toString('utf8')
    if (secrets.some((s) => s.length >= 6 && (h.includes(s) || decoded.includes(s)))) {
      out.push(h, bare)
      if (/^Basic\s/i.test(h)) out.push(decoded)
    }
  }
  return out
}

/** Reads at most `limit` bytes of a body; says whether there was more. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number) {
  const chunks: Buffer[] = []
  let size = 0
  let more = false
  for await (const chunk of body) {
    const room = limit - size
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room))
      size += room
      more = true
      body.destroy()
      break
    }
    chunks.push(chunk)
    size += chunk.length
  }
  return { bytes: Buffer.concat(chunks, size), more }
}

/**
 * The body redacted whole and then cut to `max` bytes: redaction first, on everything read past the cut
 * by the length of the longest secret form, so a secret straddling the cut is replaced whole rather than
 * leaving a prefix (which a second call could complete, using the redactor as an oracle).
 */
function redactedBody(
  bytes: Buffer,
  more: boolean,
  max: number,
  matcher: SecretMatcher,
): { text: string; truncated: boolean; redacted: number } {
  const text = bytes.toString('utf8')
  const over = more || bytes.length > max
  const cutAt = over ? bytes.subarray(0, max).toString('utf8').length : Infinity
  const r = matcher.replace(text, cutAt)
  return { text: r.text, truncated: over, redacted: r.count }
}

const READ_METHODS = ['GET', 'HEAD'] as const
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The arguments of `<service>_api_read` / `_api_request`: one zod object validates and describes them. */
function apiArgs(service: string, names: string[], primary: string | undefined, methods: readonly string[]) {
  const writes = methods.length > READ_METHODS.length
  return z.object({
    credential: z
      .enum(names as [string, ...string[]])
      .optional()
      .describe(`Which stored ${service} account to use (default: ${primary}).`),
    method: z
      .enum(methods as [string, ...string[]], { error: `This tool accepts only ${methods.join(', ')}` })
      .default('GET')
      .describe(`HTTP method: ${methods.join(', ')}.`),
    path: z
      .string()
      .min(1)
      .describe(`Path relative to the ${service} API base, starting with "/" (e.g. "/user").`),
    query: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Query parameters (values are sent as text).'),
    ...(writes
      ? {
          body: z.record(z.string(), z.unknown()).optional().describe('A JSON object request body.'),
          body_text: z
            .string()
            .optional()
            .describe('A request body sent as is (when it is not a JSON object).'),
        }
      : {}),
  })
}

interface ApiArgs {
  credential?: string
  method: string
  path: string
  query?: Record<string, string | number | boolean>
  body?: Record<string, unknown>
  body_text?: string
}

/**
 * Authenticated API access for stored credentials: per service with at least one credential,
 * `<service>_api_read` (GET/HEAD, read-only) and `<service>_api_request` (any method, write), identities
 * `<service>/api_read` and `<service>/api_request`. The
 * `credential` argument picks the account (default: the primary). The bridge injects the secret via
 * the provider's request builder, which refuses any URL outside that provider's API base; redirects
 * are not followed; every secret value (and the auth headers built from them) is redacted from the
 * response, which is capped in size.
 */
export function createApiToolSource(ctx: CoreContext, redactor: Redactor, opts: Options = {}): ToolSource {
  const max = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES

  async function run(
    service: string,
    args: ApiArgs,
    clientName: string,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    const c: CredentialSummary = ctx.credentials.findByRef(
      args.credential ? `${service}/${args.credential}` : service,
    )
    const method = args.method
    const query = args.query
      ? Object.fromEntries(Object.entries(args.query).map(([k, v]) => [k, String(v)]))
      : undefined
    const secrets = ctx.credentials.readSecrets(c.id, {
      actor: 'bridge',
      actorName: clientName,
      action: 'used',
    })
    const built = buildAuthenticatedRequest(
      service,
      c.fields,
      secrets,
      { method, path: args.path, query, body: args.body ?? args.body_text },
      ctx.env,
    )
    const extra = [...Object.values(secrets), ...authValues(built.headers, Object.values(secrets))]
    const matcher = redactor.matcherFor(extra)
    const timeout = AbortSignal.timeout(TIMEOUT_MS)
    let res
    try {
      res = await request(built.url, {
        method: built.method as 'GET',
        headers: built.headers,
        body: built.body,
        signal: AbortSignal.any([signal, timeout]),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      })
    } catch {
      throw new AppError(
        timeout.aborted ? 'TIMEOUT' : 'UNREACHABLE',
        `${new URL(built.url).host} ${timeout.aborted ? 'did not answer in time' : 'could not be reached'}.`,
      )
    }
    // Read past the cut by the longest secret form (in bytes, at worst 3 per UTF-16 unit) to redact across it.
    const { bytes, more } =
      method === 'HEAD'
        ? { bytes: Buffer.alloc(0), more: false }
        : await readCapped(res.body, max + matcher.longest * 3 + 16)
    const count: RedactionCount = { n: 0 }
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined && KEPT_HEADERS.test(k))
        headers[k] = redactor.text(Array.isArray(v) ? v.join(', ') : v, extra, count)
    }
    const { text, truncated, redacted } = redactedBody(bytes, more, max, matcher)
    count.n += redacted
    let body: unknown = text
    if (!truncated && /json/i.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(text)
      } catch {
        // Not valid JSON after all: keep the text.
      }
    }
    const out = {
      status: res.statusCode,
      headers,
      body,
      ...(truncated ? { truncated: true, limitBytes: max } : {}),
      ...(count.n > 0 ? { redacted: count.n } : {}),
    }
    return {
      content: [{ type: 'text', text: JSON.stringify(out) }],
      ...(res.statusCode >= 400 ? { isError: true } : {}),
      ...(count.n > 0 ? { _meta: { [REDACTED_META]: count.n } } : {}),
    }
  }

  function toolsFor(service: string, credentials: CredentialSummary[]): BridgeTool[] {
    const d = getServiceDescriptor(service)
    if (!d || !getProvider(service)) return []
    const names = credentials.map((c) => c.name)
    const primary = credentials.find((c) => c.isPrimary)?.name ?? names[0]
    const where = d.baseUrl ? `${d.name} API (${d.baseUrl})` : `${d.name} API (at the credential's site URL)`
    const read = apiArgs(d.name, names, primary, READ_METHODS)
    const all = apiArgs(d.name, names, primary, ALL_METHODS)
    const tool = (
      original: 'api_read' | 'api_request',
      title: string,
      description: string,
      schema: z.ZodObject,
      annotations: BridgeTool['annotations'],
    ): BridgeTool => ({
      id: `${service}/${original}`,
      nameParts: [service, original],
      name: exposedName([service, original], `${service}/${original}`),
      originalName: original,
      title,
      description,
      inputSchema: builtinSchema(schema),
      annotations: { title, ...annotations },
      source: API_SOURCE_ID,
      call: (args, c) => run(service, parseArgs(schema, args) as unknown as ApiArgs, c.clientName, c.signal),
    })
    return [
      tool(
        'api_read',
        `${d.name}: read from the API`,
        `Send an authenticated GET or HEAD request to the ${where}. Keybridge adds the credential; the answer is JSON {status, headers, body}.`,
        read,
        { readOnlyHint: true, openWorldHint: true },
      ),
      tool(
        'api_request',
        `${d.name}: any API request`,
        `Send an authenticated request (GET, POST, PUT, PATCH, DELETE) to the ${where}. Keybridge adds the credential; the answer is JSON {status, headers, body}.`,
        all,
        { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
      ),
    ]
  }

  return {
    id: API_SOURCE_ID,
    async listTools() {
      const byService = new Map<string, CredentialSummary[]>()
      for (const c of ctx.credentials.list())
        byService.set(c.service, [...(byService.get(c.service) ?? []), c])
      return [...byService].flatMap(([service, list]) => toolsFor(service, list))
    },
    onChange(listener) {
      return ctx.events.subscribe((name) => {
        if (name === 'credentials.changed') listener()
      })
    },
  }
}
