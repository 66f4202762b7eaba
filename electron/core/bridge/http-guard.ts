import { hostname, networkInterfaces } from 'node:os'
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

/** Whether a bind address keeps the bridge on this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackBind(host: string): boolean {
  return isLoopbackHost(host.replace(/^\[|\]$/g, ''))
}

/** Whether a peer (socket.remoteAddress) is on this machine: 127.0.0.0/8, ::1 or IPv4-mapped 127/8. */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false
  const a = address.toLowerCase().replace(/^::ffff:/, '')
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]'])

export function isWildcardBind(host: string): boolean {
  return WILDCARD.has(host.toLowerCase())
}

type Interfaces = NodeJS.Dict<{ address: string; family: string | number; internal: boolean }[]>

/**
 * The Host names a request may use, explicitly: the loopback names, plus, once the user exposed the
 * bridge, the address it is bound to, or for a wildcard bind every address of this machine's network
 * interfaces and its host name (`name`, `name.local`). Nothing else: a rebinding domain is never listed.
 */
export function allowedHostNames(
  boundHost: string,
  interfaces: Interfaces = networkInterfaces(),
  name: string = hostname(),
): string[] {
  const out = new Set(LOOPBACK_NAMES)
  const bracket = (a: string) => (a.includes(':') && !a.startsWith('[') ? `[${a}]` : a)
  const bound = boundHost.toLowerCase()
  if (isLoopbackBind(bound)) return [...out]
  if (!isWildcardBind(bound)) {
    out.add(bracket(bound))
    return [...out]
  }
  const v6 = bound !== '0.0.0.0'
  for (const list of Object.values(interfaces))
    for (const i of list ?? []) {
      const family = String(i.family)
      if (family === 'IPv4' || family === '4' || (v6 && (family === 'IPv6' || family === '6')))
        out.add(bracket(i.address.toLowerCase().replace(/%.*$/, '')))
    }
  const host = name.toLowerCase()
  if (/^[a-z0-9.-]+$/.test(host)) {
    out.add(host)
    if (!host.endsWith('.local')) out.add(`${host}.local`)
  }
  return [...out]
}

/**
 * DNS-rebinding defence. The Host header must name this server (one of `allowed`, see allowedHostNames)
 * with the listening port; a browser page on an attacker's domain that resolves to 127.0.0.1 still sends
 * its own name as Host, so it is refused.
 */
export function hostAllowed(header: string | undefined, port: number, allowed: ReadonlySet<string>): boolean {
  if (!header) return false
  const h = parseHostHeader(header)
  if (!h || h.port !== port) return false
  return allowed.has(h.name)
}

/**
 * Whether a peer may talk to the bridge at all: from this machine always; from elsewhere only when the
 * user bound it to a non-loopback address. Decided from the socket, not from any header.
 */
export function peerAllowed(
  address: string | undefined,
  boundHost: string,
  isLocal: (a: string | undefined) => boolean = isLoopbackPeer,
): boolean {
  return isLocal(address) || !isLoopbackBind(boundHost)
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
