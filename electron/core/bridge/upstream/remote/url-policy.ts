import { AppError } from '../../../../../shared/errors'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/**
 * Where a remote upstream may live: https anywhere, plain http only on loopback or on a host the
 * user allowed on purpose (a Home Assistant on the LAN). Credentials in the URL are refused: they
 * would be stored and shown in the clear.
 */
export function checkRemoteUrl(raw: string, opts: { allowHttp?: boolean } = {}): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new AppError('INVALID_INPUT', `"${raw.slice(0, 200)}" is not a URL.`)
  }
  if (url.username || url.password) {
    throw new AppError('INVALID_INPUT', 'Put credentials in a header ({{credential:...}}), not in the URL.')
  }
  url.hash = ''
  if (url.protocol === 'https:') return url
  if (url.protocol !== 'http:') {
    throw new AppError('INVALID_INPUT', `A remote MCP server is reached over https, not ${url.protocol}.`)
  }
  if (isLoopbackHost(url.hostname) || opts.allowHttp) return url
  throw new AppError(
    'INVALID_INPUT',
    `Plain http to ${url.hostname} would send your tokens unencrypted. Use https, or allow this LAN host on purpose (--allow-http).`,
  )
}
