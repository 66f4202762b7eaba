import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { UpstreamSummary } from '../../../shared/ipc/bridge'
import type { TestCore } from './support'

/** What a browser does with an authorization URL: follow the fake AS's redirect to the loopback listener. */
export async function followAuthorization(
  url: string,
  opts: { tamperState?: boolean } = {},
): Promise<{ tampered: number | null; callback: number; location: string }> {
  const auth = await fetch(url, { redirect: 'manual' })
  const location = auth.headers.get('location')
  if (!location) throw new Error(`authorize answered ${auth.status}: ${await auth.text()}`)
  let tampered: number | null = null
  if (opts.tamperState) {
    const bad = new URL(location)
    bad.searchParams.set('state', 'forged')
    tampered = (await fetch(bad)).status
  }
  const back = await fetch(location)
  await back.text()
  return { tampered, callback: back.status, location }
}

export async function upstreamStatus(core: TestCore, name: string): Promise<UpstreamSummary> {
  const r = (await core.invoke('bridge.upstream.status', { name })) as { ok: boolean; data: UpstreamSummary }
  if (!r.ok) throw new Error(JSON.stringify(r))
  return r.data
}

/** The bridge's name for an upstream tool (whatever separator the bridge uses). */
export async function toolName(client: Client, upstream: string, tool: string): Promise<string> {
  const tools = (await client.listTools()).tools
  const t = tools.find((x) => x.name.startsWith(upstream) && x.name.endsWith(tool))
  if (!t) throw new Error(`no ${upstream} ${tool} among ${tools.map((x) => x.name).join(', ')}`)
  return t.name
}

/** Every file under a folder, recursively (the data dir: database, WAL, logs, backups). */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? allFiles(p) : [p]
  })
}

/** Files whose raw bytes contain any of the needles. */
export function filesContaining(dir: string, needles: string[]): string[] {
  return allFiles(dir).filter((f) => {
    const bytes = readFileSync(f)
    return needles.some((n) => bytes.includes(n))
  })
}
