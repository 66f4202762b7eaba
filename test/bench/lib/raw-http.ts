import { connect } from 'node:net'

/** How one raw exchange ended, from the client's side. */
export type RawOutcome =
  | { kind: 'status'; status: number; ms: number }
  /** The server closed without a status line. */
  | { kind: 'closed'; ms: number }
  /** The connection failed (refused, reset before any answer). */
  | { kind: 'error'; code: string; ms: number }
  /** No status line before the deadline (expected only for clients that stall on purpose). */
  | { kind: 'timeout'; ms: number }

export interface RawRequest {
  /** Bytes in the order they are written. */
  parts: Buffer[]
  /** Pause between parts (slow clients). */
  gapMs?: number
  /** Give up waiting for a status line after this long. */
  deadlineMs: number
}

/**
 * Writes raw bytes to host:port and waits for the first status line. The connection is closed as soon
 * as the status is known: the fuzz is about how the server answers, not about reading its bodies.
 */
export function rawExchange(host: string, port: number, req: RawRequest): Promise<RawOutcome> {
  const t0 = performance.now()
  const ms = () => performance.now() - t0
  return new Promise((resolve) => {
    let done = false
    let head = ''
    const timers: NodeJS.Timeout[] = []
    const socket = connect({ host, port })
    const finish = (o: RawOutcome) => {
      if (done) return
      done = true
      for (const t of timers) clearTimeout(t)
      socket.destroy()
      resolve(o)
    }
    timers.push(setTimeout(() => finish({ kind: 'timeout', ms: ms() }), req.deadlineMs))
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1', 0, Math.min(chunk.length, 64))
      const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head)
      if (m) finish({ kind: 'status', status: Number(m[1]), ms: ms() })
      else if (head.length > 32 && !head.startsWith('HTTP/')) finish({ kind: 'status', status: 0, ms: ms() })
    })
    socket.on('error', (e: NodeJS.ErrnoException) =>
      finish({ kind: 'error', code: e.code ?? 'error', ms: ms() }),
    )
    socket.on('close', () =>
      finish(head ? { kind: 'status', status: 0, ms: ms() } : { kind: 'closed', ms: ms() }),
    )
    socket.on('connect', () => {
      let i = 0
      const writeNext = () => {
        if (done) return
        if (i >= req.parts.length) return
        const ok = socket.write(req.parts[i++])
        const next = () => (req.gapMs ? timers.push(setTimeout(writeNext, req.gapMs)) : writeNext())
        if (ok) next()
        else socket.once('drain', next)
      }
      writeNext()
    })
  })
}

/** An HTTP/1.1 request as bytes, headers in the given order (duplicates and odd values allowed). */
export function httpRequest(
  method: string,
  path: string,
  headers: [string, string][],
  body?: Buffer | string,
  version = 'HTTP/1.1',
): Buffer {
  const b = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')
  const lines = [`${method} ${path} ${version}`, ...headers.map(([k, v]) => `${k}: ${v}`)]
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), ...(b ? [b] : [])])
}
