import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { UpstreamState } from '../../../shared/ipc/bridge'

/**
 * What a running `keybridge serve` publishes in the data dir for `keybridge bridge status` (and
 * `doctor`) in other processes: where it listens, its sessions and upstream servers. No secret.
 * Rewritten on change and every few seconds; removed when it stops. A file whose process is gone
 * (a crash) is stale and reported as such.
 */
export const STATUS_FILE = 'bridge-status.json'

export const ServeStatus = z.object({
  pid: z.number().int(),
  url: z.string(),
  host: z.string(),
  port: z.number().int(),
  startedAt: z.number(),
  updatedAt: z.number(),
  version: z.string(),
  sessions: z.number().int(),
  tools: z.number().int(),
  approvalMode: z.string(),
  upstreams: z.array(
    z.object({
      name: z.string(),
      state: UpstreamState,
      toolCount: z.number().int(),
      lastError: z.string().nullable(),
    }),
  ),
})
export type ServeStatus = z.infer<typeof ServeStatus>

export function statusPath(dataDir: string): string {
  return join(dataDir, STATUS_FILE)
}

export function writeServeStatus(dataDir: string, s: ServeStatus): void {
  // Written aside and renamed, so a reader never sees half a file.
  const tmp = `${statusPath(dataDir)}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 })
  renameSync(tmp, statusPath(dataDir))
}

export function removeServeStatus(dataDir: string, pid = process.pid): void {
  const s = readServeStatus(dataDir)
  if (s && s.pid !== pid) return // another serve took over the file
  rmSync(statusPath(dataDir), { force: true })
}

export function readServeStatus(dataDir: string): ServeStatus | null {
  try {
    const parsed = ServeStatus.safeParse(JSON.parse(readFileSync(statusPath(dataDir), 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
