import { request } from 'undici'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { AppError } from '../../../shared/errors'
import type { CredentialSummary } from '../../../shared/models/credential'
import type { CoreContext } from '../context'
import { getServiceDescriptor } from '../providers/catalog'
import { buildAuthenticatedRequest } from '../providers/request'
import { getProvider } from '../providers/registry'
import type { Redactor } from './redact'
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

function str(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw new AppError('INVALID_INPUT', `The "${key}" argument must be a string.`)
  return v
}

/**
 * Header values the bridge built from a secret (`Bearer <token>`, `Basic base64(email:token)`): they
 * are redacted too, whole and without their scheme. Version and content headers are left alone.
 */
function authValues(headers: Record<string, string>, secrets: string[]): string[] {
  const out: string[] = []
  for (const h of Object.values(headers)) {
    const bare = h.replace(/^\S+\s+/, '')
    const decoded = Buffer.from(bare, 'base64').toString('utf8')
    if (secrets.some((s) => s.length >= 6 && (h.includes(s) || decoded.includes(s)))) out.push(h, bare)
  }
  return out
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, max: number) {
  const chunks: Buffer[] = []
  let size = 0
  let truncated = false
  for await (const chunk of body) {
    const room = max - size
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room))
      truncated = true
      body.destroy()
      break
    }
    chunks.push(chunk)
    size += chunk.length
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated }
}

/**
 * Authenticated API access for stored credentials: per service with at least one credential,
 * `<service>.api_read` (GET/HEAD, read-only) and `<service>.api_request` (any method, write). The
 * `credential` argument picks the account (default: the primary). The bridge injects the secret via
 * the provider's request builder, which refuses any URL outside that provider's API base; redirects
 * are not followed; every secret value (and the auth headers built from them) is redacted from the
 * response, which is capped in size.
 */
export function createApiToolSource(ctx: CoreContext, redactor: Redactor, opts: Options = {}): ToolSource {
  const max = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES

  async function run(
    service: string,
    args: Record<string, unknown>,
    methods: readonly string[],
    clientName: string,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    const name = str(args, 'credential')
    const c: CredentialSummary = ctx.credentials.findByRef(name ? `${service}/${name}` : service)
    const method = (str(args, 'method') ?? 'GET').toUpperCase()
    if (!methods.includes(method)) {
      throw new AppError('INVALID_INPUT', `This tool accepts only ${methods.join(', ')}.`)
    }
    const path = str(args, 'path')
    if (!path) throw new AppError('INVALID_INPUT', 'The "path" argument is required (e.g. "/user").')
    const query = args['query']
    if (query !== undefined && (typeof query !== 'object' || query === null || Array.isArray(query))) {
      throw new AppError('INVALID_INPUT', 'The "query" argument must be an object of strings.')
    }
    const secrets = ctx.credentials.readSecrets(c.id, {
      actor: 'bridge',
      actorName: clientName,
      action: 'used',
    })
    const built = buildAuthenticatedRequest(
      service,
      c.fields,
      secrets,
      { method, path, query: query as Record<string, string>, body: args['body'] },
      ctx.env,
    )
    const extra = [...Object.values(secrets), ...authValues(built.headers, Object.values(secrets))]
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
    const { text, truncated } =
      method === 'HEAD' ? { text: '', truncated: false } : await readCapped(res.body, max)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined && KEPT_HEADERS.test(k))
        headers[k] = redactor.text(Array.isArray(v) ? v.join(', ') : v, extra)
    }
    let body: unknown = redactor.text(text, extra)
    if (!truncated && /json/i.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(body as string)
      } catch {
        // Not valid JSON after all: keep the text.
      }
    }
    const out = {
      status: res.statusCode,
      headers,
      body,
      ...(truncated ? { truncated: true, limitBytes: max } : {}),
    }
    return {
      content: [{ type: 'text', text: JSON.stringify(out) }],
      ...(res.statusCode >= 400 ? { isError: true } : {}),
    }
  }

  function toolsFor(service: string, credentials: CredentialSummary[]): BridgeTool[] {
    const d = getServiceDescriptor(service)
    if (!d || !getProvider(service)) return []
    const names = credentials.map((c) => c.name)
    const primary = credentials.find((c) => c.isPrimary)?.name ?? names[0]
    const where = d.baseUrl ? `${d.name} API (${d.baseUrl})` : `${d.name} API (at the credential's site URL)`
    const props = (methods: string[]) => ({
      credential: {
        type: 'string',
        enum: names,
        description: `Which stored ${d.name} account to use (default: ${primary}).`,
      },
      method: { type: 'string', enum: methods, default: 'GET' },
      path: { type: 'string', description: `Path relative to the ${d.name} API base, starting with "/".` },
      query: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      ...(methods.some((m) => m !== 'GET' && m !== 'HEAD')
        ? { body: { description: 'Request body: an object is sent as JSON, a string as is.' } }
        : {}),
    })
    const read = ['GET', 'HEAD']
    const all = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
    return [
      {
        name: `${service}.api_read`,
        title: `${d.name}: read from the API`,
        description: `Send an authenticated GET or HEAD request to the ${where}. Keybridge adds the credential; the answer is JSON {status, headers, body}.`,
        inputSchema: { type: 'object', properties: props(read), required: ['path'] },
        annotations: { title: `${d.name}: read from the API`, readOnlyHint: true, openWorldHint: true },
        source: API_SOURCE_ID,
        call: (args, c) => run(service, args, read, c.clientName, c.signal),
      },
      {
        name: `${service}.api_request`,
        title: `${d.name}: any API request`,
        description: `Send an authenticated request (GET, POST, PUT, PATCH, DELETE) to the ${where}. Keybridge adds the credential; the answer is JSON {status, headers, body}.`,
        inputSchema: { type: 'object', properties: props(all), required: ['path'] },
        annotations: {
          title: `${d.name}: any API request`,
          readOnlyHint: false,
          destructiveHint: false,
          openWorldHint: true,
        },
        source: API_SOURCE_ID,
        call: (args, c) => run(service, args, all, c.clientName, c.signal),
      },
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
