// How the `keybridge` launcher finds and starts the headless command. Plain CommonJS with no
// dependency, so it runs under Node and under the desktop app's runtime (ELECTRON_RUN_AS_NODE).
//
// - A packaged app or an npm-installed package has no TypeScript sources: it runs the bundle it
//   ships (out/cli/keybridge.cjs).
// - A clone runs the bundle too, rebuilt first (esbuild, ~1 s, once) when any source it was built
//   from changed since; KEYBRIDGE_CLI_SOURCE=1, or no esbuild, runs the sources through tsx.
// - The bundle is compiled with a V8 code cache kept next to it when that folder is writable.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const Module = require('node:module')

/** Where a root (the package folder) keeps what the launcher needs. */
function layout(root) {
  return {
    root,
    bundle: path.join(root, 'out/cli/keybridge.cjs'),
    manifest: path.join(root, 'out/cli/inputs.json'),
    sources: path.join(root, 'electron/core/cli.ts'),
    builder: path.join(root, 'electron/tools/build-cli.cjs'),
  }
}

/**
 * Whether the bundle is at least as new as every project file it was built from. Compared with the
 * bundle's own mtime, so an unpacked npm tarball (every file stamped alike) counts as fresh.
 */
function bundleFresh(l) {
  let manifest
  let builtAt
  try {
    manifest = JSON.parse(fs.readFileSync(l.manifest, 'utf8'))
    builtAt = fs.statSync(l.bundle).mtimeMs
  } catch {
    return false
  }
  // ~170 stats; plain concatenation (inputs are relative, '/'-separated) keeps this under a few ms.
  const base = l.root + path.sep
  for (const f of manifest.inputs) {
    const st = fs.statSync(base + f, { throwIfNoEntry: false })
    if (!st || st.mtimeMs > builtAt) return false // changed, removed or renamed
  }
  return true
}

/**
 * What to run: 'bundle' or 'source' (tsx), building the bundle first in a clone when stale.
 * `build` is injectable for tests.
 */
function choose(l, env = process.env, build = defaultBuild) {
  const inClone = fs.existsSync(l.sources)
  if (!inClone) return fs.existsSync(l.bundle) ? 'bundle' : 'missing'
  if (env.KEYBRIDGE_CLI_SOURCE === '1') return 'source'
  if (bundleFresh(l)) return 'bundle'
  try {
    build(l)
    return 'bundle'
  } catch {
    return 'source' // no esbuild (a production-only install) or a source that does not compile yet
  }
}

const BUILD_WAIT_MS = 60_000

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Builds the bundle, once: when several commands start together after an edit (a test run), one
 * builds and the others wait for it (a lock file next to the bundle; a stale lock is taken over).
 */
function defaultBuild(l) {
  const lock = l.bundle + '.lock'
  fs.mkdirSync(path.dirname(lock), { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'))
      break
    } catch (e) {
      if (e.code !== 'EEXIST') throw e
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0)
      if (age > BUILD_WAIT_MS || Date.now() - started > BUILD_WAIT_MS) {
        fs.rmSync(lock, { force: true })
        continue
      }
      sleepSync(100)
      if (bundleFresh(l)) return
    }
  }
  try {
    // A separate process: esbuild's plugins (the lazy undici) need its asynchronous API.
    require('node:child_process').execFileSync(process.execPath, [l.builder, '--lazy'], { stdio: 'ignore' })
  } finally {
    fs.rmSync(lock, { force: true })
  }
}

const CACHE_SUFFIX = '.v8cache'

/** Runs the bundle as a CommonJS module compiled with a V8 code cache (written on first run). */
function runBundle(bundle) {
  // esbuild writes ASCII only (charset: 'ascii'), so latin1 is exact and cheaper to decode than UTF-8.
  const source = fs.readFileSync(bundle, 'latin1')
  const stamp = `${fs.statSync(bundle).mtimeMs}:${source.length}\n`
  const cacheFile = bundle + CACHE_SUFFIX
  let cachedData
  try {
    const raw = fs.readFileSync(cacheFile)
    const nl = raw.indexOf(10)
    // The stamp guards against a cache of another build (V8 itself only checks the length).
    if (raw.subarray(0, nl + 1).toString() === stamp) cachedData = raw.subarray(nl + 1)
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData })
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(stamp), script.createCachedData()]))
      } catch {
        // a read-only install: run without a cache
      }
    })
  }
  const mod = new Module(bundle, null)
  mod.filename = bundle
  mod.paths = Module._nodeModulePaths(path.dirname(bundle))
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle))
  return mod.exports
}

function loadSource(l) {
  try {
    require.resolve('tsx/cjs')
  } catch {
    throw new Error(
      'neither esbuild (to build the command) nor tsx (to run its sources) is installed: run "npm ci"',
    )
  }
  require('tsx/cjs')
  return require(l.sources)
}

/** Runs the command line; the exit code is set once it has finished (see runKeybridge). */
function run(cli, argv) {
  cli.runKeybridge(argv).then(
    (code) => (process.exitCode = code),
    () => (process.exitCode = 1),
  )
}

/** The launcher's whole job. */
function launch(root) {
  const l = layout(root)
  const how = choose(l)
  if (how === 'bundle') return run(runBundle(l.bundle), process.argv.slice(2))
  if (how === 'source') {
    let cli
    try {
      cli = loadSource(l)
    } catch (e) {
      process.stderr.write(`keybridge: ${e.message}\n`)
      process.exitCode = 1
      return
    }
    return run(cli, process.argv.slice(2))
  }
  process.stderr.write(`keybridge: the bundled command is missing (${l.bundle}). Reinstall Keybridge.\n`)
  process.exitCode = 1
}

module.exports = { layout, bundleFresh, choose, runBundle, loadSource, launch }
