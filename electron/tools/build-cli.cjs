#!/usr/bin/env node
// Bundles the headless command (electron/core/cli.ts) into one CommonJS file, out/cli/keybridge.cjs,
// so `keybridge` starts without compiling TypeScript or resolving hundreds of modules. Native
// modules (and pino, whose transports load files by path) stay in node_modules. Writes
// out/cli/inputs.json (the project sources it was built from) so the launcher can tell when a
// clone's bundle is stale. Run by `npm run build:cli` (also part of `npm run build` and `npm run
// dist`), and lazily by the launcher when the sources changed.
const { buildSync } = require('esbuild')
const { execFileSync } = require('node:child_process')
const { randomBytes } = require('node:crypto')
const { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join, relative } = require('node:path')

const ROOT = join(__dirname, '../..')
const OUT_DIR = join(ROOT, 'out/cli')
const OUT = join(OUT_DIR, 'keybridge.cjs')
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'pino', 'pino-roll', 'thread-stream', 'electron']

function buildCli({ quiet = false } = {}) {
  mkdirSync(OUT_DIR, { recursive: true })
  // Built aside and renamed: two launchers building at once never see half a file.
  const tmp = `${OUT}.${process.pid}.tmp`
  const result = buildSync({
    entryPoints: [join(ROOT, 'electron/core/cli.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
    legalComments: 'none',
    // Smaller to read and compile at every start; identifiers kept so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    // ASCII only: the launcher reads it as latin1.
    charset: 'ascii',
    sourcemap: false,
  })
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/'))
    .map((p) => relative(ROOT, join(ROOT, p)))
    .sort()
  renameSync(tmp, OUT)
  writeFileSync(
    join(OUT_DIR, 'inputs.json'),
    JSON.stringify({ builtAt: statSync(OUT).mtimeMs, inputs }, null, 1) + '\n',
  )
  return { out: OUT, inputs: inputs.length }
}

/**
 * Runs `keybridge credential list` once on a throwaway vault so the launcher writes a V8 code cache
 * that covers opening the vault, not only --help (the first run after a build writes the cache).
 */
function warmCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'kb-cli-warm-'))
  const env = { ...process.env, KEYBRIDGE_PASSWORD: randomBytes(18).toString('base64'), KEYBRIDGE_CLI_SOURCE: '' }
  const bin = join(ROOT, 'electron/core/bin/keybridge.cjs')
  try {
    rmSync(`${OUT}.v8cache`, { force: true })
    execFileSync(process.execPath, [bin, 'init', '--data-dir', dir], { env, stdio: 'ignore' })
    rmSync(`${OUT}.v8cache`, { force: true }) // written by init; let the list below write it
    execFileSync(process.execPath, [bin, 'credential', 'list', '--json', '--data-dir', dir], { env, stdio: 'ignore' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

module.exports = { buildCli, warmCodeCache, OUT }

if (require.main === module) {
  const r = buildCli()
  try {
    warmCodeCache()
  } catch {
    // e.g. better-sqlite3 built for Electron after `npm start`: the first real run writes the cache.
    console.warn('build-cli: no code cache written now (the first run of keybridge writes it).')
  }
  console.log(`${relative(ROOT, r.out)}: bundled from ${r.inputs} project files`)
}
