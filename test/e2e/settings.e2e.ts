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
  // Back on the screen that was open, with focus on its title (not lost on the body).
  await expect(page.getByTestId('screen-title')).toHaveText('Settings')
  await expect(page.getByTestId('screen-title')).toBeFocused()

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

  // "Replace this vault" asks first, and only a typed REPLACE enables it; Cancel changes nothing.
  core.ctx.credentials.create(
    {
      service: 'notion',
      name: 'only-here',
      account: null,
      fields: {},
      secrets: { token: 'x-only-here' },
      status: 'unvalidated',
      lastValidatedAt: null,
      validationError: null,
      expiresAt: null,
      metadata: {},
    },
    'ui',
  )
  await page.getByTestId('import-mode').click()
  await page.getByRole('option', { name: 'Replace this vault' }).click()
  await page.getByTestId('import-passphrase').fill(PASSPHRASE)
  await page.getByTestId('import-preview').click()
  await expect(page.getByTestId('import-preview-table')).toBeVisible()
  await page.getByTestId('import-apply').click()
  const confirm = page.getByRole('alertdialog')
  await expect(confirm).toContainText('Replace everything in the vault?')
  await expect(page.getByTestId('confirm-action')).toBeDisabled()
  await page.getByTestId('confirm-cancel').click()
  await expect(page.getByTestId('import-apply')).toBeFocused()
  expect(core.ctx.credentials.list()).toHaveLength(6)
  await page.getByTestId('import-apply').click()
  await page.getByTestId('confirm-typed').fill('replace')
  await expect(page.getByTestId('confirm-action')).toBeDisabled()
  await page.getByTestId('confirm-typed').fill('REPLACE')
  await page.getByTestId('confirm-action').click()
  await expect(page.getByTestId('import-preview-table')).toContainText('Imported:')
  expect(core.ctx.credentials.list().map((c) => c.name)).not.toContain('only-here')

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

  // Removing the master password asks first, with a typed REMOVE.
  await page.getByTestId('current-password').fill(NEW_PASSWORD)
  await page.getByTestId('remove-password').click()
  await expect(page.getByRole('alertdialog')).toContainText('Remove the master password?')
  await expect(page.getByTestId('confirm-action')).toBeDisabled()
  expect(core.ctx.vault.status().protectors).toContain('password')
  await page.getByTestId('confirm-typed').fill('REMOVE')
  await page.getByTestId('confirm-action').click()
  await expect(page.getByText('Master password removed', { exact: false })).toBeVisible()
  expect(core.ctx.vault.status().protectors).not.toContain('password')
})
