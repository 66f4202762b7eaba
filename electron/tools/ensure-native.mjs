#!/usr/bin/env node
// better-sqlite3 is a native module built against one ABI at a time: Node's for tests, the CLI and
// benchmarks, Electron's for `npm start` and packaging. This script rebuilds it for the wanted
// target only when the current build is for the other one. Usage: ensure-native.mjs node|electron
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'package.json'))
const target = process.argv[2]
if (target !== 'node' && target !== 'electron') {
  console.error('usage: ensure-native.mjs node|electron')
  process.exit(2)
}
const moduleDir = dirname(require.resolve('better-sqlite3/package.json'))
const marker = join(moduleDir, 'build', 'keybridge-target.txt')
const current = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node'

function loadsInNode() {
  const r = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: root,
  })
  return r.status === 0
}

if (target === 'node') {
  if (current === 'node' && loadsInNode()) process.exit(0)
  console.log('[ensure-native] rebuilding better-sqlite3 for Node ' + process.version + ' ...')
  execFileSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' })
  writeFileSync(marker, 'node\n')
} else {
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
  const wanted = `electron-${electronVersion}`
  if (current === wanted) process.exit(0)
  console.log(`[ensure-native] rebuilding better-sqlite3 for Electron ${electronVersion} ...`)
  execFileSync('npx', ['electron-rebuild', '-f', '-o', 'better-sqlite3', '-v', electronVersion], {
    cwd: root,
    stdio: 'inherit',
  })
  writeFileSync(marker, wanted + '\n')
}
