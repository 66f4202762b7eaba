import { createServer, type Server } from 'node:http'

export const CALLBACK_PATH = '/oauth/callback'

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title>` +
  `<body style="font-family:system-ui;margin:3rem"><h1>${title}</h1><p>${text}</p></body>`

/**
 * The RFC 8252 loopback redirect listener: 127.0.0.1 on a port the OS picks, one path. Each
 * callback is handed to `onCallback`, which says whether it ended the flow (a stray request with
 * a wrong state does not: the real redirect may still come).
 */
export class LoopbackReceiver {
  private server: Server | null = null
  redirectUri = ''

  async listen(onCallback: (url: URL) => Promise<{ ok: boolean; message: string }>): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.redirectUri)
      if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
        return
      }
      onCallback(url).then(
        (r) => {
          res
            .writeHead(r.ok ? 200 : 400, {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              connection: 'close',
            })
            .end(
              page(
                r.ok ? 'Connected' : 'Not connected',
                `${r.message} You can close this window and return to Keybridge.`,
              ),
            )
        },
        () => res.writeHead(500).end(),
      )
    })
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(0, '127.0.0.1', () => resolve())
    })
    const addr = this.server.address()
    const port = typeof addr === 'object' && addr ? addr.port : 0
    this.redirectUri = `http://127.0.0.1:${port}${CALLBACK_PATH}`
    return this.redirectUri
  }

  close(): void {
    const s = this.server
    this.server = null
    if (!s) return
    // Stop listening; a response being written still completes (it carries Connection: close).
    s.close()
    s.closeIdleConnections()
  }
}
