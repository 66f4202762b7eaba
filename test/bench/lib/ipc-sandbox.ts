import { join } from 'node:path'
import type { Core } from '../../../electron/core/app'
import { isChannelName } from '../../../shared/ipc'

/**
 * What the IPC fuzz does NOT send as generated, and why. Everything else in `channels` is fuzzed as is;
 * a new channel is covered automatically. Rules apply by the shape of a value, so they hold for
 * channels that do not exist yet.
 */
export const SANDBOX_RULES: readonly { what: string; why: string }[] = [
  {
    what: 'every http(s)/ws(s) URL in a payload is pointed at a loopback server that resets every other connection and answers the rest with a bare 404',
    why: 'fuzz inputs must never reach the network; the server also exercises the "connection closed" and "unexpected answer" paths',
  },
  {
    what: "every absolute path (POSIX, C:\\, \\\\server) is re-rooted inside the fuzz run's temp dir",
    why: 'backup export/import and any file channel must not write or read outside temp dirs',
  },
  {
    what: 'a `command` field (upstream MCP servers) names a file that does not exist inside the temp dir',
    why: 'generated command lines must never be executed on the host; the spawn-failure path is still exercised',
  },
  {
    what: 'a `port` field is 0 and a non-loopback `host` becomes 127.0.0.1',
    why: 'starting the bridge must not take a fixed port other tests use, nor listen beyond loopback',
  },
  {
    what: 'each fuzzed core has its bridge configured on port 0 before the first payload',
    why: 'bridge.start on the default port 3003 would take a port the app and other tests use',
  },
  {
    what: 'the core gets an in-memory clipboard, a file keychain in its temp data dir, provider base URLs on the reset server',
    why: 'copy-to-clipboard and OS keychain calls must not touch the host',
  },
]

/** Channels not fuzzed at all, with the reason (kept empty unless a channel cannot be sandboxed). */
export const EXCLUDED_CHANNELS: Readonly<Record<string, string>> = {}

const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/
const URL_LIKE = /^(https?|wss?):\/\//i
const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i

export interface Sandbox {
  /** The temp dir every path goes under. */
  root: string
  /** host:port of the loopback reset server. */
  resetHost: string
}

function sandboxString(key: string, v: string, sb: Sandbox): string {
  if (key === 'command') return join(sb.root, 'no-such-command')
  if (key === 'host' && !LOOPBACK_HOST.test(v)) return '127.0.0.1'
  if (URL_LIKE.test(v)) {
    try {
      const u = new URL(v)
      return `${u.protocol === 'https:' || u.protocol === 'wss:' ? 'http:' : u.protocol}//${sb.resetHost}${u.pathname}${u.search}`
    } catch {
      return v
    }
  }
  if (ABSOLUTE_PATH.test(v)) {
    const base = v.split(/[\\/]/).filter(Boolean).pop() ?? 'file'
    return join(sb.root, 'files', base.replace(/[^\w.-]/g, '_').slice(0, 80) || 'file')
  }
  return v
}

/** Applies the rules in place to plain objects and arrays (bounded depth: deep payloads hide nothing). */
export function sandboxPayload(payload: unknown, sb: Sandbox): unknown {
  const visit = (v: unknown, key: string, depth: number): unknown => {
    if (typeof v === 'string') return sandboxString(key, v, sb)
    if (key === 'port' && typeof v === 'number') return 0
    if (depth > 32 || v === null || typeof v !== 'object') return v
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && i < 1000; i++) v[i] = visit(v[i], key, depth + 1)
      return v
    }
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return v
    for (const k of Object.keys(v)) {
      const rec = v as Record<string, unknown>
      const next = visit(rec[k], k, depth + 1)
      if (next !== rec[k])
        Object.defineProperty(rec, k, { value: next, enumerable: true, writable: true, configurable: true })
    }
    return v
  }
  return visit(payload, '', 0)
}

/** Settings applied to every fuzzed core before its first payload (see SANDBOX_RULES). */
export async function prepareCore(core: Core): Promise<void> {
  if (isChannelName('bridge.config.set')) {
    const r = await core.invoke('bridge.config.set', { port: 0, host: '127.0.0.1' })
    if (!r.ok) throw new Error(`could not move the fuzzed bridge to port 0: ${r.error.message}`)
  }
}
