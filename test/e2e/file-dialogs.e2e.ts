import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { seedCredentials } from './support/seed'

const PASSPHRASE = 'backup passphrase for tests'

test('backups through the file dialogs: export with the save dialog, then import it into a fresh vault', async ({
  app,
  kbBrowser,
}) => {
  test.setTimeout(60_000)
  const { page, core, dialogs } = app
  await onboard(page, 'keychain')
  seedCredentials(core, 3)
  await go(page, 'settings', 'Settings')

  // Cancelling the save dialog writes nothing and says nothing.
  await page.getByTestId('export-passphrase').fill(PASSPHRASE)
  await page.getByTestId('export-passphrase-confirm').fill(PASSPHRASE)
  dialogs.willPick('save', null)
  await page.getByTestId('export-pick').click()
  await expect.poll(() => dialogs.asked.length).toBe(1)

  // "Export…": the save dialog proposes a dated .kbbackup name, the backup is written where it answers.
  await page.getByTestId('export-pick').click()
  await expect(page.getByText(/Backup written to/)).toBeVisible()
  const asked = dialogs.asked[1]!
  expect(asked).toMatchObject({ kind: 'save', title: 'Save the Keybridge backup as' })
  expect(asked.defaultName).toMatch(/^keybridge-backup-\d{4}-\d{2}-\d{2}\.kbbackup$/)
  expect(asked.filters?.[0]).toEqual({ name: 'Keybridge backup', extensions: ['kbbackup'] })
  const file = join(dialogs.dir, asked.defaultName!)
  expect(existsSync(file)).toBe(true)
  await expect(page.getByTestId('export-path')).toHaveValue(file)

  // Scheduled backups: "Choose…" fills the folder, and the schedule keeps it.
  const schedule = page.getByRole('group', { name: 'Scheduled backups' })
  await page.getByTestId('schedule-folder-choose').click()
  const folder = join(dialogs.dir, 'chosen-folder')
  await expect(page.getByTestId('schedule-folder')).toHaveValue(folder)
  await schedule.getByLabel('Backup passphrase').fill(PASSPHRASE)
  await schedule.getByRole('switch').click()
  await expect(schedule.getByRole('switch')).toHaveAttribute('data-state', 'checked')
  expect((await core.invoke('backup.schedule.get', undefined)) as unknown).toMatchObject({
    ok: true,
    data: { enabled: true, folder },
  })

  // A second, fresh app and vault: "Choose a backup…" opens the file, the preview says what comes in.
  const second = await openApp(kbBrowser)
  try {
    const p2 = second.page
    await onboard(p2, 'keychain')
    await go(p2, 'settings', 'Settings')
    second.dialogs.willPick('open', file)
    await p2.getByTestId('import-passphrase').fill(PASSPHRASE)
    await p2.getByTestId('import-pick').click()
    await expect(p2.getByTestId('import-path')).toHaveValue(file)
    expect(second.dialogs.asked[0]).toMatchObject({ kind: 'open', title: 'Choose a Keybridge backup' })
    await expect(p2.getByTestId('import-preview-table')).toContainText('Nothing has changed yet')
    await expect(p2.getByTestId('preview-row-credentials')).toHaveText(/Credentials\s*3\s*3\s*0\s*3/)
    expect(second.core.ctx.credentials.list()).toHaveLength(0)
    await p2.getByTestId('import-apply').click()
    await expect(p2.getByTestId('import-preview-table')).toContainText('Imported: 3 added')

    await go(p2, 'credentials', 'Credentials')
    await expect(p2.getByTestId('credential-row')).toHaveCount(3)
    const names = core.ctx.credentials.list().map((c) => `${c.service}/${c.name}`)
    expect(
      second.core.ctx.credentials
        .list()
        .map((c) => `${c.service}/${c.name}`)
        .sort(),
    ).toEqual(names.sort())
  } finally {
    await second.close()
  }
})
