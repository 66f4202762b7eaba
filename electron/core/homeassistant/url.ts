import { isIP } from 'node:net'
import { AppError } from '../../../shared/errors'
import type { HaWarning } from '../../../shared/ipc/homeassistant'

export interface CheckedHaUrl {
  /** scheme://host[:port][/path] with no trailing slash and no trailing /api. */
  url: string
  https: boolean
  host: string
  privateNetwork: boolean
  warnings: HaWarning[]
  advice: string[]
}

const EXAMPLE = 'e.g. http://homeassistant.local:8123 or https://home.example.com'

function invalid(message: string): never {
  throw new AppError('INVALID_INPUT', message)
}

function ipv4Private(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number)
  return (
    a === 127 || // loopback
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) || // link-local
    (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT, also Tailscale's range
  )
}

function ipv6Private(ip: string): boolean {
  const v = ip.toLowerCase()
  if (v === '::1') return true
  const mapped = v.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/)
  if (mapped) return ipv4Private(mapped[1])
  return /^f[cd][0-9a-f]{2}:/.test(v) || /^fe[89ab][0-9a-f]:/.test(v) // unique-local fc00::/7, link-local fe80::/10
}

/**
 * Whether a host is on a private or loopback network: private IP ranges, localhost, and LAN-only
 * names (single-label names, .local mDNS, .lan, .home.arpa, .internal). Used only to decide whether
 * plain HTTP deserves a warning, never as a security boundary.
 */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const ip = isIP(h)
  if (ip === 4) return ipv4Private(h)
  if (ip === 6) return ipv6Private(h)
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (!h.includes('.')) return true
  return /\.(local|lan|home|home\.arpa|internal|localdomain)$/.test(h)
}

/**
 * Validates and normalises the address of a Home Assistant instance: http or https only, a host,
 * no credentials, no query or fragment; a trailing slash and a trailing /api are dropped because
 * the client adds /api/... itself. Plain HTTP outside a private network is a warning.
 */
export function checkHaUrl(raw: string): CheckedHaUrl {
  const text = raw.trim()
  if (!text) invalid(`Enter the address of your Home Assistant, ${EXAMPLE}.`)
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    invalid(`Start the address with http:// or https:// (${EXAMPLE}).`)
  }
  let u: URL
  try {
    u = new URL(text)
  } catch {
    invalid(`That is not a valid address (${EXAMPLE}).`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    invalid(`Only http:// and https:// addresses are supported, not ${u.protocol}// (${EXAMPLE}).`)
  }
  if (!u.hostname) invalid(`The address needs a host name (${EXAMPLE}).`)
  if (u.username || u.password) {
    invalid(
      'Remove the user name and password from the address: Home Assistant is reached with the access token, and credentials in a URL end up in logs.',
    )
  }
  if (u.search || text.includes('?')) invalid('Remove the query (the part after "?") from the address.')
  if (u.hash || text.includes('#')) invalid('Remove the fragment (the part after "#") from the address.')

  let path = u.pathname.replace(/\/+$/, '')
  path = path.replace(/\/api$/i, '').replace(/\/+$/, '')
  const https = u.protocol === 'https:'
  const privateNetwork = isPrivateHost(u.hostname)
  const warnings: HaWarning[] = []
  const advice: string[] = []
  if (!https && !privateNetwork) {
    warnings.push({
      code: 'plain_http_public',
      message: `${u.host} is not on a private network and the address uses plain HTTP: the access token and everything Home Assistant sends would cross the internet unencrypted. Use its https:// address (a reverse proxy or Home Assistant Cloud).`,
    })
  } else if (!https) {
    advice.push(
      'HTTPS is recommended: over plain HTTP anyone on your local network can read the access token as it is sent. Plain HTTP is acceptable on a trusted home network.',
    )
  }
  return { url: `${u.protocol}//${u.host}${path}`, https, host: u.host, privateNetwork, warnings, advice }
}
