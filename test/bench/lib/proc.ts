import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Resident set size of another process in MB (Linux /proc, else `ps`), or NaN once it is gone. */
export function rssMbOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)
    if (kb) return Number(kb[1]) / 1024
  } catch {
    // not Linux, or the process exited: try ps below
  }
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    return out ? Number(out) / 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
