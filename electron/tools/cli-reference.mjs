#!/usr/bin/env node
// Regenerates docs/CLI.md: the contract from ../shared/CLI.md (or the committed copy) followed by
// every command's --help, so the reference can never drift from the code. Usage: npm run docs:cli
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const bin = join(root, 'electron/core/bin/keybridge.cjs')
const run = (args) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
const shared = join(root, '../shared/CLI.md')
const doc = join(root, 'docs/CLI.md')
const current = readFileSync(existsSync(shared) ? shared : doc, 'utf8')
const contract = current.split('\n## Reference (generated)')[0].trimEnd()

const names = run(['--help'])
  .split('\n')
  .filter((l) => /^ {2}\S/.test(l) && !l.trimStart().startsWith('-'))
  .map((l) => l.trim().split(/\s{2,}/)[0])
const sections = names.map(
  (n) => `### keybridge ${n}\n\n\`\`\`\n${run([...n.split(' '), '--help']).trimEnd()}\n\`\`\`\n`,
)
writeFileSync(
  doc,
  `${contract}\n\n## Reference (generated)\n\nProduced by \`npm run docs:cli\` from each command's \`--help\`.\n\n\`\`\`\n${run(['--help']).trimEnd()}\n\`\`\`\n\n${sections.join('\n')}`,
)
console.log(`docs/CLI.md: ${names.length} commands`)
