import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { test, expect } from './support/harness'
import { go, onboard, PASSWORD, unlockWithPassword } from './support/flows'
import { seedCredentials } from './support/seed'

const NEW_PASSWORD = 'a brand new master password'
const PASSPHRASE = 'backup passphrase for tests'

test('settings: auto-lock, master password change, key rotation, backup export and previewed import', async ({
  app,
}) => {
  test.setTimeout(60_000)
  const { page, core, dataDir } = app
  await onboard(page)
  seedCredentials(core, 5)
  await go(page, 'settings', 'Settings')

  // Auto-lock: the choice reaches the vault.
  await page.getByTestId('autolock-select').click()
  await page.getByRole('option', { name: '5 min of inactivity', exact: true }).click()
  await expect.poll(() => core.ctx.vault.status().autoLockMinutes).toBe(5)

  // Master password change, proven by locking and unlocking with the new one.
  await page.getByTestId('current-password').fill(PASSWORD)
  await page.getByTestId('next-password').fill(NEW_PASSWORD)
  await page.getByTestId('next-password-confirm').fill(NEW_PASSWORD)
  await page.getByTestId('save-password').click()
  await expect(page.getByText('Master password changed.')).toBeVisible()
  await page.keyboard.press('Control+l')
  await unlockWithPassword(page, PASSWORD)
  await expect(page.getByTestId('unlock-error')).toBeVisible()
  await unlockWithPassword(page, NEW_PASSWORD)
  await expect(page.getByTestId('screen-title')).toHaveText('Settings')

  // Key rotation re-seals every secret.
  await page.getByTestId('rotate-password').fill(NEW_PASSWORD)
  await page.getByTestId('rotate-key').click()
  await expect(page.getByText(/secrets re-encrypted under key version 2/)).toBeVisible()

  // Export a backup, then check it: the preview says what an import would do without changing anything.
  const file = join(dataDir, 'e2e.kbbackup')
  await page.getByTestId('export-path').fill(file)
  await page.getByTestId('export-passphrase').fill(PASSPHRASE)
  await page.getByTestId('export-passphrase-confirm').fill(PASSPHRASE)
  await page.getByTestId('export-submit').click()
  await expect(page.getByText(/Backup written to/)).toBeVisible()
  expect(existsSync(file)).toBe(true)

  await page.getByTestId('import-path').fill(file)
  await page.getByTestId('import-passphrase').fill('not the passphrase')
  await page.getByTestId('import-preview').click()
  await expect(page.getByTestId('import-error')).toBeVisible()

  await page.getByTestId('import-passphrase').fill(PASSPHRASE)
  await page.getByTestId('import-preview').click()
  await expect(page.getByTestId('import-preview-table')).toContainText('Nothing has changed yet')
  await expect(page.getByTestId('import-preview-table')).toContainText('0 new')
  await expect(page.getByTestId('preview-row-credentials')).toHaveText(/Credentials\s*5\s*0\s*5\s*0/)
  await page.getByTestId('import-apply').click()
  await expect(page.getByTestId('import-preview-table')).toContainText('Imported: 0 added')
  expect(core.ctx.credentials.list()).toHaveLength(5)

  // Scheduled backups: a passphrase once, then "Back up now" writes into the folder.
  const schedule = page.getByRole('group', { name: 'Scheduled backups' })
  await schedule.getByLabel('Backup passphrase').fill(PASSPHRASE)
  await schedule.getByRole('switch').click()
  await expect(schedule.getByRole('switch')).toHaveAttribute('data-state', 'checked')
  await schedule.getByRole('button', { name: 'Back up now' }).click()
  await expect(schedule).toContainText('Last backup:')

  // Activity retention.
  await page.getByRole('combobox', { name: 'Keep activity for' }).click()
  await page.getByRole('option', { name: '30 days' }).click()
  await expect(page.getByText(/older entries were removed/)).toBeVisible()
})
