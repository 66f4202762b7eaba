import { writeSync } from 'node:fs'
import { openVaultOnly, PASSWORD, secretFor } from './vault-only'

const say = (line: string) => writeSync(1, line + '\n')

/**
 * Child process for the crash tests. `write <dir> <seed> <start>`: creates c<i> then updates it to
 * version 2, forever, acknowledging each committed write on stdout. `rotate <dir>`: rotates the key.
 */
async function main() {
  const [mode, dir, seed, start] = process.argv.slice(2)
  const v = openVaultOnly(dir)
  await v.vault.unlock({ password: PASSWORD }, 'cli')
  if (mode === 'rotate') {
    await v.vault.rotateKey({ password: PASSWORD }, 'cli', (done) => {
      if (done === 0) say('rotating')
    })
    say('rotated')
    return
  }
  say('ready')
  for (let i = Number(start); ; i++) {
    const c = v.credentials.create(
      {
        service: 'crash',
        name: `c${i}`,
        account: null,
        fields: {},
        secrets: { token: secretFor(seed, i, 1) },
        status: 'active',
        lastValidatedAt: null,
        validationError: null,
        expiresAt: null,
        metadata: {},
      },
      'cli',
    )
    say(`ack create ${i}`)
    v.credentials.update(c.id, { secrets: { token: secretFor(seed, i, 2) } }, 'cli')
    say(`ack update ${i}`)
  }
}

main().catch((e) => {
  process.stderr.write(`crash child failed: ${(e as Error).message}\n`)
  process.exit(1)
})
