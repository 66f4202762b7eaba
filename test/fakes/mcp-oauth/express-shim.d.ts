// The few Express 5 types the remote MCP fakes use. Express comes with the MCP SDK (its server auth
// router is built on it) but @types/express is not installed; this keeps the fakes typed.
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http'

  export interface Request extends IncomingMessage {
    body: unknown
    query: Record<string, unknown>
    url: string
    method: string
    header(name: string): string | undefined
    auth?: { token: string; clientId: string; scopes: string[]; extra?: Record<string, unknown> }
  }
  export interface Response extends ServerResponse {
    status(code: number): Response
    set(name: string, value: string): Response
    json(body: unknown): Response
    send(body: unknown): Response
    type(t: string): Response
    redirect(status: number, url: string): void
  }
  export type NextFunction = (err?: unknown) => void
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => unknown
  type Handlers = (RequestHandler | Router)[]
  export interface Router extends RequestHandler {
    use(...h: (string | RequestHandler | Router)[]): Router
  }
  export interface Express extends RequestHandler {
    use(...h: (string | RequestHandler | Router)[]): Express
    get(path: string, ...h: Handlers): Express
    post(path: string, ...h: Handlers): Express
    all(path: string, ...h: Handlers): Express
    disable(setting: string): Express
    listen(port: number, host: string, cb: () => void): Server
  }
  interface ExpressStatic {
    (): Express
    json(): RequestHandler
    urlencoded(opts: { extended: boolean }): RequestHandler
    Router(): Router
  }
  const express: ExpressStatic
  export default express
}
