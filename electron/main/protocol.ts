import { net, protocol } from 'electron'
import { realpath } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  isInsideRoot,
  resolveRendererPath,
} from './security-config'

/** Must run before app ready: app:// is a standard, secure scheme (not file://). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])
}

const notFound = () => new Response('Not found', { status: 404 })

/** Serves the built renderer from `root`, refusing any path (or symlink) that escapes it. */
export function serveRenderer(root: string): void {
  const realRoot = realpath(root).catch(() => null)
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveRendererPath(root, request.url, request.method)
    if (!file) return notFound()
    const [base, real] = await Promise.all([realRoot, realpath(file).catch(() => null)])
    if (!base || !real || !isInsideRoot(base, real)) return notFound()
    const res = await net.fetch(pathToFileURL(real).toString())
    const headers = new Headers(res.headers)
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(res.body, { status: res.status, headers })
  })
}
