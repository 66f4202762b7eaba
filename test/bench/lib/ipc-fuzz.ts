import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { z } from 'zod'
import type { Core } from '../../../electron/core/app'
import type { Clipboard } from '../../../electron/core/context'
import { baseUrlEnvName } from '../../../electron/core/providers/base-url'
import { listServiceDescriptors } from '../../../electron/core/providers/catalog'
import { dispatch } from '../../../electron/core/ipc/dispatch'
import { ErrorCode } from '../../../shared/errors'
import { channels } from '../../../shared/ipc'
import { makeCore, TEST_PASSWORD, tempDir } from '../../helpers/core'
import {
  fromSchema,
  mutate,
  randomValue,
  Rng,
  seedFor,
  shapeOf,
  topLevelBoundaries,
  type JsonSchema,
} from './fuzz-values'
import { EXCLUDED_CHANNELS, prepareCore, sandboxPayload, type Sandbox } from './ipc-sandbox'
import { seedCredentials } from './seed'

export type VaultState = 'unlocked' | 'locked' | 'uninitialized'
/** Per payload index: two in five calls on an unlocked vault, two on a locked one, one with no vault. */
const STATE_CYCLE: VaultState[] = ['unlocked', 'locked', 'unlocked', 'locked', 'uninitialized']

export interface Violation {
  channel: string
  state: VaultState
  /** Types and sizes of the payload, never its content. */
  shape: string
  problem: string
}

export interface IpcFuzzReport {
  seed: number
  perChannel: number
  durationMs: number
  calls: number
  /** channel → outcome ('ok' or an error code) → count. */
  outcomes: Record<string, Record<string, number>>
  /** channel → slowest single call in ms. */
  slowestMs: Record<string, number>
  excluded: Record<string, string>
  violations: Violation[]
  /** Exceptions and rejections nobody handled while the fuzz ran. */
  uncaught: string[]
  corePaths: number
  /** Lines the core wrote to console.error (one per internal error). */
  coreLogLines: number
}

export interface IpcFuzzOptions {
  seed: number
  perChannel: number
  /** Only these channels (default: every channel of the contract). */
  only?: string[]
  /** A call taking longer counts as hung. */
  callTimeoutMs?: number
  /** Channels fuzzed side by side, each lane on its own cores (default 4). */
  lanes?: number
  log?: (line: string) => void
}

class MemoryClipboard implements Clipboard {
  text = ''
  writeText(t: string) {
    this.text = t
  }
  readText() {
    return this.text
  }
}

/**
 * Where the sandbox sends every URL: a loopback server that resets every other connection and answers
 * the rest with a bare 404, so both the "connection closed" and the "unexpected answer" paths run.
 */
async function resetServer(): Promise<{ server: Server; host: string }> {
  let n = 0
  const server = createServer((s) => {
    s.on('error', () => {})
    if (n++ % 2 === 0) return void s.destroy()
    s.once('data', () =>
      s.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      ),
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('reset server has no port')
  return { server, host: `127.0.0.1:${addr.port}` }
}

function inputSchema(name: string): JsonSchema {
  const def = channels[name as keyof typeof channels]
  try {
    return z.toJSONSchema(def.input as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  } catch {
    return {}
  }
}

/** Strings under id/name-like keys of successful answers, by key, so later payloads can name real objects. */
function harvest(v: unknown, into: Map<string, string[]>, depth = 0): void {
  if (depth > 4 || v === null || typeof v !== 'object') return
  if (Array.isArray(v)) {
    for (const x of v.slice(0, 20)) harvest(x, into, depth + 1)
    return
  }
  for (const [k, x] of Object.entries(v)) {
    if (
      typeof x === 'string' &&
      /^(id|name|key|tool|source|service|tokenName|flowId|field)$/.test(k) &&
      x.length < 200
    ) {
      const list = into.get(k) ?? []
      if (!list.includes(x) && list.length < 300) list.push(x)
      into.set(k, list)
    } else harvest(x, into, depth + 1)
  }
}

function checkResult(res: unknown): string | null {
  if (!res || typeof res !== 'object') return 'result is not an object'
  const r = res as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } }
  if (r.ok === true) return null
  if (r.ok !== false) return 'result has no boolean ok'
  if (!r.error || typeof r.error !== 'object') return 'error result without error'
  if (!ErrorCode.safeParse(r.error.code).success) return `unknown error code ${String(r.error.code)}`
  if (typeof r.error.message !== 'string' || !r.error.message) return 'error without a message'
  if (r.error.code === 'INTERNAL')
    return 'INTERNAL error (a bug: unexpected exception or output schema mismatch)'
  return null
}

/** Runs an INTERNAL payload again through the same dispatch to name the exception it hid (for the report). */
async function replayCause(core: Core, name: string, payload: unknown): Promise<string> {
  let cause = 'not reproduced'
  await dispatch(core.handlers, name, payload, { actor: 'ui' }, (_ch, e) => {
    const err = e as Error
    const frame = err?.stack?.split('\n').find((l) => l.includes('/electron/core/') || l.includes('/shared/'))
    cause = `${err?.name ?? 'error'}: ${String(err?.message).slice(0, 160)}${
      frame
        ? ` at ${frame
            .trim()
            .replace(/^at /, '')
            .replace(/.*\/work\/main\//, '')}`
        : ''
    }`
  }).catch((e) => {
    cause = `dispatch threw ${(e as Error)?.name}`
  })
  return cause
}

/**
 * Sends `perChannel` random, boundary and schema-derived payloads to every IPC channel through
 * core.invoke on real cores (a real SQLite file each), cycling the vault through unlocked, locked and
 * not-yet-created. Every answer must be `{ ok: true }` or a typed error that is not INTERNAL; nothing
 * may throw, hang, reach Object.prototype, or go unhandled.
 */
export async function fuzzIpc(opts: IpcFuzzOptions): Promise<IpcFuzzReport> {
  const t0 = performance.now()
  const log = opts.log ?? (() => {})
  const callTimeoutMs = opts.callTimeoutMs ?? 20_000
  const work = tempDir('kb-ipc-fuzz-')
  mkdirSync(join(work.dir, 'files'), { recursive: true })
  const reset = await resetServer()
  const sb: Sandbox = { root: work.dir, resetHost: reset.host }
  const env: Record<string, string> = {}
  for (const s of listServiceDescriptors()) env[baseUrlEnvName(s.id)] = `http://${reset.host}`
  const clipboard = new MemoryClipboard()

  // The core logs each internal error by channel; the fuzz reports them as violations instead.
  const consoleError = console.error
  let coreLogLines = 0
  console.error = () => {
    coreLogLines++
  }
  const uncaught: string[] = []
  const onUncaught = (e: unknown) =>
    uncaught.push(e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e))
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onUncaught)

  let coreCount = 0
  let dirCount = 0
  const newCore = async (state: VaultState): Promise<Core & { dispose(): Promise<void> }> => {
    coreCount++
    const dataDir = join(work.dir, `core-${dirCount++}`)
    const core = await makeCore({ dataDir, env, clipboard, unlocked: state !== 'uninitialized' })
    // Bridge settings are signed with the vault key: a vault not yet created has none to move (and
    // no bridge can start on it).
    if (state !== 'uninitialized') await prepareCore(core)
    if (state !== 'uninitialized') seedCredentials(core, 3)
    if (state === 'locked') core.ctx.keyring.lock()
    return core
  }
  type FuzzCore = Core & { dispose(): Promise<void> }
  /** One set of cores (one per vault state) and how to put each back in its state. */
  const makeLane = async () => {
    const cores = new Map<VaultState, FuzzCore>()
    for (const st of new Set(STATE_CYCLE)) cores.set(st, await newCore(st))
    /** Puts a core back in the state it stands for, or replaces it when the fuzz changed it for good. */
    const restore = async (state: VaultState): Promise<void> => {
      const core = cores.get(state)!
      let status: ReturnType<typeof core.ctx.vault.status> | undefined
      try {
        status = core.ctx.vault.status()
      } catch {
        status = undefined
      }
      if (status && state === 'uninitialized' && !status.initialized) return
      if (status?.initialized && state === 'locked') {
        if (status.locked) return
        core.ctx.keyring.lock()
        return
      }
      if (status?.initialized && state === 'unlocked') {
        if (!status.locked) return
        const r = await core.invoke('vault.unlock', { password: TEST_PASSWORD })
        if (r.ok && !core.ctx.vault.status().locked) return
      }
      await core.dispose().catch(() => {})
      cores.set(state, await newCore(state))
    }
    const dispose = async () => {
      for (const c of cores.values()) await c.dispose().catch(() => {})
    }
    return { cores, restore, dispose }
  }

  const names = Object.keys(channels).filter((c) => !opts.only || opts.only.includes(c))
  const lanes: Awaited<ReturnType<typeof makeLane>>[] = []
  const outcomes: IpcFuzzReport['outcomes'] = {}
  const slowestMs: IpcFuzzReport['slowestMs'] = {}
  const violations: Violation[] = []
  let calls = 0

  /** Every payload for one channel, in order, on one lane's cores. Deterministic for a seed. */
  const fuzzChannel = async (
    name: string,
    lane: Awaited<ReturnType<typeof makeLane>>,
    known: Map<string, string[]>,
  ) => {
    const rng = new Rng(seedFor(opts.seed, name))
    const schema = inputSchema(name)
    const boundaries = topLevelBoundaries()
    const counts: Record<string, number> = (outcomes[name] = {})
    const tc = performance.now()
    let slowest = 0
    for (let i = 0; i < opts.perChannel; i++) {
      const state = STATE_CYCLE[i % STATE_CYCLE.length]
      let payload: unknown
      if (i < boundaries.length) payload = boundaries[i]
      else if (i % 10 < 4) payload = fromSchema(schema, rng, known)
      else if (i % 10 < 9) payload = mutate(fromSchema(schema, rng, known), rng)
      else payload = randomValue(rng)
      payload = sandboxPayload(payload, sb)
      // What Electron's IPC would deliver: a structured clone of what the renderer sent. Payloads too
      // deep to clone could never cross IPC; they go in as they are, as a harder case.
      try {
        payload = structuredClone(payload)
      } catch {
        // keep the original
      }
      const shape = shapeOf(payload)
      const core = lane.cores.get(state)!
      const tCall = performance.now()
      let res: unknown
      let problem: string | null
      try {
        let timer: NodeJS.Timeout | undefined
        res = await Promise.race([
          core.invoke(name, payload),
          new Promise((_, rej) => {
            timer = setTimeout(() => rej(new Error(`no answer within ${callTimeoutMs} ms`)), callTimeoutMs)
          }),
        ]).finally(() => clearTimeout(timer))
        problem = checkResult(res)
      } catch (e) {
        problem = `threw or hung: ${(e as Error)?.message ?? String(e)}`.slice(0, 200)
      }
      calls++
      slowest = Math.max(slowest, performance.now() - tCall)
      const r = res as { ok?: boolean; data?: unknown; error?: { code?: string } } | undefined
      const outcome = problem ? 'VIOLATION' : r?.ok ? 'ok' : String(r?.error?.code)
      counts[outcome] = (counts[outcome] ?? 0) + 1
      if (problem) {
        if (r?.error?.code === 'INTERNAL' && violations.filter((v) => v.channel === name).length < 3) {
          problem += ` [replayed: ${await replayCause(core, name, payload)}]`
        }
        violations.push({ channel: name, state, shape: shape.slice(0, 300), problem })
      }
      if (r?.ok) harvest(r.data, known)
      if ((Object.prototype as Record<string, unknown>)['polluted'] !== undefined) {
        violations.push({ channel: name, state, shape, problem: 'Object.prototype was polluted' })
        delete (Object.prototype as Record<string, unknown>)['polluted']
      }
      await lane.restore(state)
    }
    slowestMs[name] = slowest
    log(
      `ipc fuzz ${name}: ${opts.perChannel} payloads in ${Math.round(performance.now() - tc)} ms ${JSON.stringify(counts)}`,
    )
  }

  try {
    const laneCount = Math.max(1, opts.lanes ?? 4)
    for (let i = 0; i < laneCount; i++) lanes.push(await makeLane())
    const known = new Map<string, string[]>()
    // Warm-up: ask every channel that needs nothing, so payloads can name real ids, services, tools.
    for (const name of Object.keys(channels)) {
      if (name in EXCLUDED_CHANNELS || name === 'vault.lock' || name === 'bridge.start') continue
      const r = await lanes[0].cores
        .get('unlocked')!
        .invoke(name, {})
        .catch(() => null)
      if (r?.ok) harvest(r.data, known)
      await lanes[0].restore('unlocked')
    }
    // Lanes run side by side (handlers that wait on the network overlap with the others' work); each
    // takes every laneCount-th channel in order, with its own copy of what is known, so runs repeat.
    const fuzzed = names.filter((n) => !(n in EXCLUDED_CHANNELS))
    await Promise.all(
      lanes.map(async (lane, li) => {
        const laneKnown = new Map([...known].map(([k, v]) => [k, [...v]]))
        for (const name of fuzzed.filter((_, i) => i % laneCount === li))
          await fuzzChannel(name, lane, laneKnown)
      }),
    )
  } finally {
    for (const lane of lanes) await lane.dispose()
    await new Promise((r) => reset.server.close(r))
    // Give stray async work a moment to surface before the listeners go.
    await new Promise((r) => setTimeout(r, 50))
    console.error = consoleError
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onUncaught)
    work.cleanup()
  }
  // Report channels in contract order, whichever lane ran them.
  const ordered = Object.fromEntries(names.filter((n) => outcomes[n]).map((n) => [n, outcomes[n]]))
  return {
    seed: opts.seed,
    perChannel: opts.perChannel,
    durationMs: performance.now() - t0,
    calls,
    outcomes: ordered,
    slowestMs,
    excluded: { ...EXCLUDED_CHANNELS },
    violations,
    uncaught,
    corePaths: coreCount,
    coreLogLines,
  }
}
