// Child process for the disk-full fault test: opens the vault in argv[2], optionally fills the disk with
// the file argv[3] (the disk fills up while Keybridge runs), then stores credentials through IPC until a
// write fails, and prints what happened as one JSON line. A process of its own: `ulimit -f` is per process.
import { closeSync, openSync, writeSync } from 'node:fs'
import { makeCore, TEST_PASSWORD } from '../../../helpers/core'

function fillDisk(file: string): void {
  const fd = openSync(file, 'w')
  const chunk = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  } finally {
    closeSync(fd)
  }
}

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  const core = await makeCore({ dataDir })
  const unlock = await core.invoke('vault.unlock', { password: TEST_PASSWORD })
  if (!unlock.ok) throw new Error(`unlock failed: ${unlock.error.code}`)
  if (process.argv[3]) fillDisk(process.argv[3])
  const acknowledged: string[] = []
  let failure: { code: string; message: string } | null = null
  for (let i = 0; i < 4000 && !failure; i++) {
    const name = `filler ${i}`
    const res = await core.invoke('credentials.create', {
      service: 'github',
      name,
      fields: { token: `ghp_${String(i).padStart(6, '0')}${'f'.repeat(16_000)}` },
      validate: false,
    })
    if (res.ok) acknowledged.push(name)
    else failure = res.error
  }
  // Reading must still work while writes fail.
  const list = await core.invoke('credentials.list', {})
  await core.close().catch(() => {})
  process.stdout.write(
    JSON.stringify({
      acknowledged,
      failure,
      listOk: list.ok,
      listed: list.ok ? (list.data as unknown[]).length : 0,
    }) + '\n',
  )
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`disk-writer: ${(e as Error).message}\n`)
    process.exit(3)
  },
)
