import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VAULT_FILE } from '../../../electron/core/app'
import { tempDir } from '../../helpers/core'
import { bundleChild } from './child-bundle'
import { openVaultOnly, PASSWORD, secretFor } from './vault-only'

const KILLS = 200
const SEED = 'crash-seed'

interface Run {
  acks: string[]
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

/** Starts a child, waits for `readyLine`, kills it `delayMs` later (or lets it finish). */
function runChild(
  child: { file: string; env: NodeJS.ProcessEnv },
  args: string[],
  readyLine: string,
  delayMs: number | null,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child.file, ...args], {
      env: child.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    let armed = false
    const guard = setTimeout(() => p.kill('SIGKILL'), 15_000)
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!armed && delayMs !== null && out.includes(readyLine + '\n')) {
        armed = true
        setTimeout(() => p.kill('SIGKILL'), delayMs)
      }
    })
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('error', reject)
    p.on('exit', (code, signal) => {
      clearTimeout(guard)
      // Only complete lines count: an ack cut by the kill was never fully acknowledged.
      const lines = out.split('\n').slice(0, -1)
      resolve({ acks: lines.filter((l) => l.startsWith('ack ')), code, signal, stderr: err })
    })
  })
}

describe('crash safety (real child processes, SIGKILL)', () => {
  let child: { file: string; env: NodeJS.ProcessEnv }
  let dropBundle = () => {}
  beforeAll(() => {
    const b = bundleChild()
    child = b
    dropBundle = b.cleanup
  })
  afterAll(() => dropBundle())

  /** One vault, `kills` children in a row; returns what was acknowledged. */
  async function lane(kills: number): Promise<{ acked: number; landed: number }> {
    const t = tempDir('kb-crash-')
    try {
      const setup = openVaultOnly(t.dir)
      await setup.vault.create({ mode: 'password', password: PASSWORD, autoLockMinutes: null }, 'cli')
      setup.close()
      const acked = new Map<number, number>() // i → highest acknowledged version
      const known = new Set<number>()
      let next = 0
      let landed = 0
      for (let k = 0; k < kills; k++) {
        const delay = Math.floor(Math.random() * 25)
        const run = await runChild(child, ['write', t.dir, SEED, String(next)], 'ready', delay)
        expect(run.signal, run.stderr).toBe('SIGKILL')
        for (const line of run.acks) {
          const [, kind, i] = line.split(' ')
          acked.set(Number(i), kind === 'create' ? 1 : 2)
        }
        // A fresh connection after the crash: WAL recovery, then a full integrity check.
        const db = new Database(join(t.dir, VAULT_FILE))
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
          const rows = db.prepare("SELECT name FROM credentials WHERE service = 'crash'").all() as {
            name: string
          }[]
          const present = new Set(rows.map((r) => Number(r.name.slice(1))))
          for (const i of acked.keys()) expect(present.has(i), `acknowledged c${i} is missing`).toBe(true)
          // At most the one write in flight may have landed without its ack.
          const unacked = [...present].filter((i) => !acked.has(i) && !known.has(i))
          expect(unacked.length).toBeLessThanOrEqual(1)
          landed += unacked.length
          for (const i of present) known.add(i)
          next = Math.max(next, ...present, ...acked.keys()) + 1
        } finally {
          db.close()
        }
      }
      // Every acknowledged secret opens, at its acknowledged version or the in-flight next one.
      const verifier = openVaultOnly(t.dir)
      try {
        await verifier.vault.unlock({ password: PASSWORD }, 'cli')
        for (const c of verifier.credentials.list({ service: 'crash' })) {
          const i = Number(c.name.slice(1))
          const min = acked.get(i) ?? 1
          const allowed = [1, 2].filter((v) => v >= min).map((v) => secretFor(SEED, i, v))
          expect(allowed, `c${i}`).toContain(verifier.credentials.openSecrets(c.id).token)
        }
      } finally {
        verifier.close()
      }
      return { acked: acked.size, landed }
    } finally {
      t.cleanup()
    }
  }

  it(
    `${KILLS} kills at random moments: integrity ok, every acknowledged write present`,
    { timeout: 120_000 },
    async () => {
      const started = Date.now()
      // Two vaults killed in parallel: the cost is process start-up, and there are two cores.
      const lanes = await Promise.all([lane(KILLS / 2), lane(KILLS / 2)])
      const acked = lanes.reduce((n, l) => n + l.acked, 0)
      // The children did real work between kills (most kills land after a few writes).
      expect(acked).toBeGreaterThan(KILLS / 2)
      console.info(
        `crash test: ${KILLS} kills in ${Date.now() - started} ms, ${acked} acknowledged creates, ${lanes.reduce((n, l) => n + l.landed, 0)} unacknowledged writes landed`,
      )
    },
  )

  it(
    'a kill mid-rotation leaves the vault whole under the old key or the new one',
    { timeout: 60_000 },
    async () => {
      const r = tempDir('kb-rotate-crash-')
      try {
        const v = openVaultOnly(r.dir)
        await v.vault.create({ mode: 'password', password: PASSWORD, autoLockMinutes: null }, 'cli')
        v.db.transaction(() => {
          for (let i = 0; i < 3000; i++) {
            v.credentials.create(
              {
                service: 'rot',
                name: `c${i}`,
                account: null,
                fields: {},
                secrets: { token: secretFor(SEED, i, 1) },
                status: 'active',
                lastValidatedAt: null,
                validationError: null,
                expiresAt: null,
                metadata: {},
              },
              'cli',
            )
          }
        })()
        v.close()
        const outcomes = { old: 0, new: 0 }
        for (let k = 0; k < 8; k++) {
          const before = openVaultOnly(r.dir)
          const version = before.vault.keyVersion()
          before.close()
          const run = await runChild(child, ['rotate', r.dir], 'rotating', Math.floor(Math.random() * 150))
          const after = openVaultOnly(r.dir)
          try {
            expect(after.db.pragma('integrity_check', { simple: true })).toBe('ok')
            await after.vault.unlock({ password: PASSWORD }, 'cli')
            const now = after.vault.keyVersion()
            expect([version, version + 1]).toContain(now)
            if (run.signal === 'SIGKILL') outcomes[now === version ? 'old' : 'new']++
            const all = after.credentials.list({ service: 'rot' })
            expect(all).toHaveLength(3000)
            for (const c of all) {
              expect(after.credentials.openSecrets(c.id).token).toBe(
                secretFor(SEED, Number(c.name.slice(1)), 1),
              )
            }
          } finally {
            after.close()
          }
        }
        console.info(`rotation kills: ${outcomes.old} left the old key, ${outcomes.new} the new one`)
        expect(outcomes.old).toBeGreaterThan(0) // at least one kill really landed mid-rotation
      } finally {
        r.cleanup()
      }
    },
  )
})
