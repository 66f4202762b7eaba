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
  // Only command names (the help's environment notes wrap onto indented lines too).
  .filter((n) => /^[a-z][a-z-]*( [a-z][a-z-]*)?$/.test(n))
// The commands the contract names: every backticked span of its command table, with `a\|b` read as
// both (`upstream enable\|disable <name>`).
const contracted = new Set(
  [...contract.matchAll(/`([a-z][a-z-]*)(?: ([a-z][a-z\\|-]*))?/g)].flatMap(([, cmd, sub]) => [
    cmd,
    ...(sub ? sub.split('\\|').map((x) => `${cmd} ${x}`) : []),
  ]),
)
// Commands this build has that the shared contract does not name yet: listed, so the gap shows.
const extras = names.filter((n) => !contracted.has(n))
const extrasDoc = extras.length
  ? `\n\n## In this build, not yet in the shared contract\n\n${extras.map((n) => `- \`keybridge ${n}\``).join('\n')}`
  : ''
const sections = names.map(
  (n) => `### keybridge ${n}\n\n\`\`\`\n${run([...n.split(' '), '--help']).trimEnd()}\n\`\`\`\n`,
)
writeFileSync(
  doc,
  `${contract}${extrasDoc}\n\n## Reference (generated)\n\nProduced by \`npm run docs:cli\` from each command's \`--help\`.\n\n\`\`\`\n${run(['--help']).trimEnd()}\n\`\`\`\n\n${sections.join('\n')}`,
)
console.log(`docs/CLI.md: ${names.length} commands`)
