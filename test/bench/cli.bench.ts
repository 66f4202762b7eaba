import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { runCli } from '../../electron/core/cli/main'
import type { CliIO } from '../../electron/core/cli/spec'
import { tempDir } from '../helpers/core'
import type { BenchFigure } from './types'

const ROOT = join(__dirname, '../..')
const BIN = join(ROOT, 'electron/core/bin/keybridge.cjs')
const PASSWORD = 'bench master password for the cli'
/** The cheapest Argon2id the library accepts: unlocking with it is "everything but the KDF". */
const NEGLIGIBLE_KDF = { memoryCost: 8, timeCost: 1, parallelism: 1 }
const ROUNDS = 21
const RATIO_MAX = 3

function wall(args: string[], env: Record<string, string>): number {
  const t = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`)
  return ms
}

const quietIO: CliIO = { out() {}, err() {}, promptSecret: async () => undefined, isTTY: false }

/**
 * Start-up of the `keybridge` command as `npx keybridge` runs it (the launcher and its bundled
 * build), against `node -e 0` on the same machine. Rounds interleave the three so load on the
 * machine hits them alike; each ratio is per round. `credential list` runs on a vault whose
 * password slot uses a negligible Argon2 cost, so the figure excludes the KDF (measured in vault).
 */
export default async function cliBench(): Promise<BenchFigure[]> {
  const t = tempDir('kb-bench-cli-')
  try {
    const env = { KEYBRIDGE_PASSWORD: PASSWORD, KEYBRIDGE_CLI_SOURCE: '' }
    const init = await runCli(['init', '--data-dir', t.dir], { io: quietIO, env, kdf: NEGLIGIBLE_KDF })
    if (init !== 0) throw new Error('init failed')
    const help = [BIN, '--help']
    const list = [BIN, 'credential', 'list', '--json', '--data-dir', t.dir]
    // Warm-up: builds the bundle if the sources changed and writes its code cache.
    wall(help, env)
    wall(list, env)
    const node: number[] = []
    const helpMs: number[] = []
    const listMs: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      node.push(wall(['-e', '0'], env))
      helpMs.push(wall(help, env))
      listMs.push(wall(list, env))
    }
    const ratio = (xs: number[]) => xs.map((x, i) => x / node[i])
    const target = { max: RATIO_MAX, text: `≤ ${RATIO_MAX}× node -e 0` }
    const baseline = { name: 'node -e 0', samples: node }
    return [
      { name: 'cli: keybridge --help', unit: 'ms', samples: helpMs, baseline },
      { name: 'cli: keybridge --help / node -e 0', unit: 'ratio', samples: ratio(helpMs), target },
      { name: 'cli: keybridge credential list --json (no KDF)', unit: 'ms', samples: listMs, baseline },
      {
        name: 'cli: keybridge credential list --json (no KDF) / node -e 0',
        unit: 'ratio',
        samples: ratio(listMs),
        target,
        notes: 'includes opening the vault (quick_check), unlocking and the audited unlock (one fsync)',
      },
    ]
  } finally {
    t.cleanup()
  }
}
