#!/usr/bin/env node
// Bundles the headless command (electron/core/cli.ts) into one CommonJS file, out/cli/keybridge.cjs,
// so `keybridge` starts without compiling TypeScript or resolving hundreds of modules. Native
// modules (and pino, whose transports load files by path) stay in node_modules. Writes
// out/cli/inputs.json (the project sources it was built from) so the launcher can tell when a
// clone's bundle is stale. Run by `npm run build:cli` (also part of `npm run build` and `npm run
// dist`), and lazily by the launcher when the sources changed.
const { build } = require('esbuild')
const { execFileSync } = require('node:child_process')
const { randomBytes } = require('node:crypto')
const { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { join, relative } = require('node:path')

const ROOT = join(__dirname, '../..')
const OUT_DIR = join(ROOT, 'out/cli')
const OUT = join(OUT_DIR, 'keybridge.cjs')
// Natives; zxcvbn's dictionaries (MBs, required only when a
// password is checked: kept out so every start does not read them).
const EXTERNAL = [
  'better-sqlite3',
  '@node-rs/argon2',
  // pino's transports (worker threads loading files by path) are not used: pino itself is bundled.
  'pino-roll',
  'thread-stream',
  'electron',
  '@zxcvbn-ts/language-common',
  '@zxcvbn-ts/language-en',
]

// Project files importing 'undici' get the lazy forwarder; the forwarder itself gets the real one.
const LAZY_UNDICI = join(__dirname, 'lazy-undici.cjs')
const lazyUndici = {
  name: 'lazy-undici',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer === LAZY_UNDICI || args.importer.includes('node_modules')
        ? undefined
        : { path: LAZY_UNDICI },
    )
  },
}

async function buildCli({ quiet = false } = {}) {
  mkdirSync(OUT_DIR, { recursive: true })
  // Built aside and renamed: two launchers building at once never see half a file.
  const tmp = `${OUT}.${process.pid}.tmp`
  const result = await build({
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
    plugins: [lazyUndici],
  })
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/'))
    .map((p) => relative(ROOT, join(ROOT, p)))
    .sort()
  // Bundled dependencies change with an install: npm rewrites node_modules/.package-lock.json then.
  if (existsSync(join(ROOT, 'node_modules/.package-lock.json')))
    inputs.push('node_modules/.package-lock.json')
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
  const env = {
    ...process.env,
    KEYBRIDGE_PASSWORD: randomBytes(18).toString('base64'),
    KEYBRIDGE_CLI_SOURCE: '',
  }
  const bin = join(ROOT, 'electron/core/bin/keybridge.cjs')
  try {
    rmSync(`${OUT}.v8cache`, { force: true })
    execFileSync(process.execPath, [bin, 'init', '--data-dir', dir], { env, stdio: 'ignore' })
    rmSync(`${OUT}.v8cache`, { force: true }) // written by init; let the list below write it
    execFileSync(process.execPath, [bin, 'credential', 'list', '--json', '--data-dir', dir], {
      env,
      stdio: 'ignore',
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

module.exports = { buildCli, warmCodeCache, OUT }

// `--lazy`: run by the launcher when the sources changed; quiet, and the user's own run then
// writes the code cache.
if (require.main === module) {
  const lazy = process.argv.includes('--lazy')
  buildCli({ quiet: lazy }).then(
    (r) => {
      if (lazy) return
      try {
        warmCodeCache()
      } catch {
        // e.g. better-sqlite3 built for Electron after `npm start`: the first real run writes it.
        console.warn('build-cli: no code cache written now (the first run of keybridge writes it).')
      }
      console.log(`${relative(ROOT, r.out)}: bundled from ${r.inputs} project files`)
    },
    (e) => {
      if (!lazy) console.error(e)
      process.exitCode = 1
    },
  )
}
