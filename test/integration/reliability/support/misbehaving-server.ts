import { createServer, type Socket } from 'node:net'

/** How the server lets its client down. */
export type Misbehaviour =
  /** Reads the request and never answers. */
  | 'silent'
  /** Closes the connection as soon as it is accepted. */
  | 'reset'
  /** Sends a status line and headers promising a body, half of it, then closes. */
  | 'half-response'
  /** Sends headers and part of the body, then goes quiet without closing. */
  | 'stall-body'
  /** Answers garbage that is not HTTP at all. */
  | 'garbage'

export interface MisbehavingServer {
  url: string
  /** Connections accepted so far. */
  readonly connections: number
  close(): Promise<void>
}

/** A loopback TCP server that fails its HTTP clients in one precise way; every socket is closed on close(). */
export async function startMisbehavingServer(mode: Misbehaviour): Promise<MisbehavingServer> {
  const sockets = new Set<Socket>()
  let connections = 0
  const server = createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    if (mode === 'reset') return void socket.resetAndDestroy()
    socket.once('data', () => {
      const body = '{"message":"API running.","version":"2025.1.0","location_name":"Home"}'
      const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
      if (mode === 'half-response') {
        socket.write(head + body.slice(0, body.length / 2))
        setTimeout(() => socket.destroy(), 20)
      } else if (mode === 'stall-body') {
        socket.write(head + body.slice(0, 10))
      } else if (mode === 'garbage') {
        socket.end('\u0000\u0001 this is not HTTP \r\n\r\n')
      }
      // silent: read and say nothing
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((r) => server.close(r))
    },
  }
}
