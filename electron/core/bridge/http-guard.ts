import type { IncomingMessage, ServerResponse } from 'node:http'

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase()
  return LOOPBACK_NAMES.has(h) || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** Splits a Host header into name and port (`[::1]:3003`, `localhost:3003`, `localhost`). */
export function parseHostHeader(value: string): { name: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim())
  if (!m) return null
  return { name: m[1].toLowerCase(), port: m[2] === undefined ? 80 : Number(m[2]) }
}

/**
 * DNS-rebinding defence. The Host header must name this server (a loopback name, or the address the
 * user deliberately bound to) with the listening port; a browser page on an attacker's domain that
 * resolves to 127.0.0.1 still sends its own name as Host, so it is refused.
 */
export function hostAllowed(header: string | undefined, port: number, boundHost: string): boolean {
  if (!header) return false
  const h = parseHostHeader(header)
  if (!h || h.port !== port) return false
  if (LOOPBACK_NAMES.has(h.name)) return true
  const bound = boundHost.toLowerCase()
  const boundName = bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound
  return boundName !== '0.0.0.0' && boundName !== '[::]' && h.name === boundName
}

/** A present Origin must be a loopback page (http or https); `null` and anything else are refused. */
export function originAllowed(header: string | undefined): boolean {
  if (header === undefined) return true
  try {
    const u = new URL(header)
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_NAMES.has(u.hostname.toLowerCase())
  } catch {
    return false
  }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  if (!h) return undefined
  const m = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(h)
  return m ? m[1] : ''
}

/** A JSON-RPC error envelope with an HTTP status, the way the SDK answers transport-level errors. */
export function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null })
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(body)
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  })
  res.end(body)
}

/**
 * Holds a response's socket writes until the current turn of the event loop is over. The SDK's transport
 * answers a POST as an SSE stream and flushes its headers as soon as the first event is not ready
 * within a few microtasks, so a call that finishes in the same turn still costs two socket writes
 * (headers, then event and end); corked, it costs one. A call that takes longer is not delayed: the
 * headers go out at the end of this turn, the event when it is ready.
 */
export function coalesceWrites(res: ServerResponse): void {
  res.cork()
  setImmediate(() => res.uncork())
}

export type BodyResult =
  { ok: true; text: string } | { ok: false; tooLarge: true } | { ok: false; tooLarge: false }

/** Past this a body is not even drained: the socket is cut (a client sending that much is not an MCP client). */
export const DRAIN_CEILING_BYTES = 256 * 1024 * 1024

/**
 * Reads a request body up to `max` bytes. A larger body is read and discarded to its end (up to a
 * hard ceiling, then the socket is cut) so the client reads the 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    let size = 0
    let over = Number.isFinite(declared) && declared > max
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > max) over = true
      if (over) {
        chunks.length = 0
        if (size > DRAIN_CEILING_BYTES) req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () =>
      resolve(
        over ? { ok: false, tooLarge: true } : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      ),
    )
    req.on('error', () => resolve({ ok: false, tooLarge: false }))
    req.on('close', () => resolve({ ok: false, tooLarge: false }))
  })
}
