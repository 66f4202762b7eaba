#!/usr/bin/env node
// Electronegativity on the built app (out/: main, preload, renderer). Fails on any HIGH or MEDIUM
// finding; LOW / INFORMATIONAL ones are printed for review. Run `electron-vite build` first
// (`npm run security:scan` does). Suppressions live inline in the source as
// `// eng-disable <CHECK_ID>` with the reason, next to the code they justify.
// Usage: security-scan.mjs [built-dir]   (default: out/)
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const require = createRequire(join(root, 'package.json'))
const built = process.argv[2] ? resolve(process.argv[2]) : join(root, 'out')
if (!existsSync(join(built, 'main/index.js')) || !existsSync(join(built, 'renderer/index.html'))) {
  console.error('[security:scan] out/ is missing: run `npx electron-vite build` first.')
  process.exit(2)
}

// Electronegativity's tree walker predates ES2022 class static blocks, which the renderer bundle
// contains: scan a copy whose renderer scripts are lowered to ES2021 (same code, older syntax).
// Main and preload are scanned byte for byte, so inline suppressions keep their line.
const input = mkdtempSync(join(tmpdir(), 'kb-scan-'))
process.on('exit', () => rmSync(input, { recursive: true, force: true }))
// out/cli is the Node build of the headless command (not part of the app): not scanned.
cpSync(built, input, { recursive: true, filter: (src) => src !== join(built, 'cli') })
const { transformSync } = require('esbuild')
const assets = join(input, 'renderer/assets')
for (const f of existsSync(assets) ? readdirSync(assets).filter((n) => n.endsWith('.js')) : []) {
  const code = readFileSync(join(assets, f), 'utf8')
  writeFileSync(join(assets, f), transformSync(code, { target: 'es2021', format: 'esm' }).code)
}

const run = require('@doyensec/electronegativity')
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version

const result = await run({
  input,
  isRelative: true,
  // out/ has no package.json to read the version from: scan against the Electron we ship.
  electronVersionOverride: electronVersion,
  // This check downloads Electron's release list to suggest upgrades: it needs the internet and
  // says nothing about our code. Electron's version is pinned in package.json and bumped deliberately.
  excludeFromScan: ['availablesecurityfixesglobalcheck'],
  // The renderer bundle uses class static blocks (ES2022), which the default parser setup rejects.
  parserPlugins: ['classStaticBlock'],
})

const level = (i) => i.severity.name ?? String(i.severity.value)
const rank = { HIGH: 3, MEDIUM: 2 }
const blocking = result.issues.filter((i) => rank[level(i)])
for (const i of result.issues) {
  const where = `${i.file}:${i.location.line}:${i.location.column}`
  console.log(`${rank[level(i)] ? 'FAIL' : 'note'} ${level(i).padEnd(13)} ${i.id.padEnd(28)} ${where}`)
}
for (const e of result.errors)
  console.log(`parse ${e.tolerable ? 'warning' : 'error'}: ${e.file}: ${e.message}`)
const hardErrors = result.errors.filter((e) => !e.tolerable)
console.log(
  `[security:scan] Electron ${electronVersion}: ${result.atomicChecks + result.globalChecks} checks, ` +
    `${result.issues.length} findings, ${blocking.length} high/medium, ${hardErrors.length} parse errors`,
)
process.exit(blocking.length || hardErrors.length ? 1 : 0)
