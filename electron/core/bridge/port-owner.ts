import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

export interface PortOwner {
  pid: number
  /** The program's name (never its arguments). */
  command: string
}

/** Listening TCP sockets on `port` (any address), as socket inodes, from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const out = new Set<string>()
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (f.length < 10 || f[3] !== '0A') continue
      if (f[1].split(':')[1] === hexPort) out.add(f[9])
    }
  }
  return out
}

/**
 * Which process listens on a TCP port, where the OS tells (Linux: the socket's inode in /proc/net/tcp,
 * found among /proc/<pid>/fd; only processes of this user are readable, which is the case that
 * matters: a program of the same user squatting the bridge's port). Null when it cannot be told.
 */
export function portOwner(port: number): PortOwner | null {
  if (process.platform !== 'linux') return null
  const inodes = listeningInodes(port)
  if (inodes.size === 0) return null
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return null
  }
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue // another user's process, or gone
    }
    for (const fd of fds) {
      let link: string
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      const m = /^socket:\[(\d+)\]$/.exec(link)
      if (m && inodes.has(m[1])) return { pid: Number(pid), command: commandOf(pid) }
    }
  }
  return null
}

/** The program's name only (/proc/<pid>/comm): its arguments may hold someone's secret. */
function commandOf(pid: string): string {
  try {
    const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    return name.replace(/[^\x20-\x7e]/g, '?') || '?'
  } catch {
    return '?'
  }
}
