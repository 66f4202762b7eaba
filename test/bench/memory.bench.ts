import { setTimeout as sleep } from 'node:timers/promises'
import { makeCore } from '../helpers/core'
import { seedCredentials } from './lib/seed'
import type { BenchFigure } from './types'

const CREDENTIALS = 10_000
const OPERATIONS = 10_000
const SAMPLES = 15

interface Snapshot {
  rss: number
  heap: number
}

/** Memory after a full collection (the bench runs with --expose-gc), in MB. */
async function snapshot(): Promise<Snapshot> {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  await sleep(5)
  gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 }
}

async function snapshots(n: number): Promise<Snapshot[]> {
  const out: Snapshot[] = []
  for (let i = 0; i < n; i++) {
    out.push(await snapshot())
    await sleep(40)
  }
  return out
}

/**
 * Core memory: RSS and V8 heap of one process holding a real core (real SQLite file, unlocked vault),
 * empty, then with 10,000 credentials stored and listed (idle), then after 10,000 mixed operations
 * (filtered lists through IPC, full lists, secret reads, updates). Runs alone in its own process.
 */
export default async function memoryBench(): Promise<BenchFigure[]> {
  const core = await makeCore({ unlocked: true })
  try {
    const empty = await snapshots(SAMPLES)
    const ids = seedCredentials(core, CREDENTIALS)
    const listed = await core.invoke('credentials.list', {})
    if (!listed.ok || (listed.data as unknown[]).length !== CREDENTIALS) {
      throw new Error('listing the seeded credentials failed')
    }
    const idle = await snapshots(SAMPLES)

    const services = ['github', 'gitlab', 'notion', 'jira', 'slack']
    for (let i = 0; i < OPERATIONS; i++) {
      const id = ids[(i * 7919) % ids.length]
      switch (i % 10) {
        case 0:
          if (i % 50 === 0) await core.invoke('credentials.list', {})
          else core.ctx.credentials.openSecrets(id)
          break
        case 1:
        case 2:
        case 3:
          await core.invoke('credentials.list', { service: services[i % services.length] })
          break
        case 4:
        case 5:
        case 6:
          core.ctx.credentials.openSecrets(id)
          break
        default:
          core.ctx.credentials.update(id, { fields: { url: `https://example.test/${i}` } }, 'cli')
      }
    }
    const after = await snapshots(SAMPLES)

    const rss = (s: Snapshot[]) => s.map((x) => x.rss)
    const heap = (s: Snapshot[]) => s.map((x) => x.heap)
    const notes = `one process, real SQLite file, vault unlocked; ${SAMPLES} snapshots each after a forced GC`
    return [
      {
        name: 'core memory: RSS, 10,000 credentials stored and listed, idle',
        unit: 'MB',
        samples: rss(idle),
        baseline: { name: 'same core, empty vault', samples: rss(empty) },
        notes,
      },
      {
        name: 'core memory: V8 heap used, 10,000 credentials stored and listed, idle',
        unit: 'MB',
        samples: heap(idle),
        baseline: { name: 'same core, empty vault', samples: heap(empty) },
      },
      {
        name: `core memory: RSS after ${OPERATIONS.toLocaleString('en-US')} operations`,
        unit: 'MB',
        samples: rss(after),
        baseline: { name: 'idle with 10,000 credentials', samples: rss(idle) },
        notes:
          'operations: 30 % filtered lists and 2 % full lists through IPC, 40 % secret reads, 30 % updates',
      },
      {
        name: `core memory: V8 heap used after ${OPERATIONS.toLocaleString('en-US')} operations`,
        unit: 'MB',
        samples: heap(after),
        baseline: { name: 'idle with 10,000 credentials', samples: heap(idle) },
      },
    ]
  } finally {
    await core.dispose()
  }
}
