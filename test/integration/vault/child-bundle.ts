import { buildSync } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(__dirname, '../../..')

/**
 * Bundles the crash child into one CommonJS file, so each of the many children starts with plain
 * `node` in tens of milliseconds instead of compiling TypeScript on every start.
 */
export function bundleChild(): { file: string; env: NodeJS.ProcessEnv; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kb-crash-child-'))
  const file = join(dir, 'child.cjs')
  buildSync({
    entryPoints: [join(__dirname, 'crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: file,
    external: ['better-sqlite3', '@node-rs/argon2'],
    logLevel: 'error',
  })
  return {
    file,
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
