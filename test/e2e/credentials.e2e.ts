import { test, expect } from './support/harness'
import { go, onboard, rowAction } from './support/flows'
import { seedCredentials } from './support/seed'
import { expectAccessibleBothThemes } from './support/axe'

test('credentials: search and filters, reveal after confirmation, delete after confirmation', async ({
  app,
}) => {
  const { page, core } = app
  await onboard(page, 'keychain')
  seedCredentials(core, 60)
  await go(page, 'credentials', 'Credentials')
  await expect(page.getByTestId('credential-count')).toHaveText('60 of 60')

  // Search and filter narrow the list; connected services come first in the grid.
  await page.getByTestId('credential-search').fill('account-1')
  await expect(page.getByTestId('credential-count')).toHaveText(/^\d+ of 60$/)
  await expect(page.getByTestId('credential-row').first()).toContainText('account-1')
  await page.getByTestId('credential-search').fill('')
  await page.getByTestId('status-filter').click()
  await page.getByRole('option', { name: 'Invalid' }).click()
  const invalid = core.ctx.credentials.list({ status: 'invalid' }).length
  await expect(page.getByTestId('credential-count')).toHaveText(`${invalid} of 60`)
  await page.getByTestId('status-filter').click()
  await page.getByRole('option', { name: 'All statuses' }).click()
  await page.getByTestId('service-github').click()
  await expect(page.getByTestId('credential-count')).toHaveText(
    `${core.ctx.credentials.list({ service: 'github' }).length} of 60`,
  )
  await page.getByTestId('service-github').click()

  // Reveal asks first; the value is shown only in the dialog and is gone once it closes.
  const row = page.locator('[data-credential="github/work"]')
  await rowAction(page, row, 'reveal')
  await expect(page.getByTestId('revealed-value')).toHaveCount(0)
  await expectAccessibleBothThemes(page, core, 'reveal dialog, asking')
  await page.getByTestId('reveal-confirm').click()
  await expect(page.getByTestId('revealed-value')).toHaveText('seeded-secret-0')
  await expectAccessibleBothThemes(page, core, 'reveal dialog, showing the value')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('revealed-value')).toHaveCount(0)
  // Focus goes back to the row's menu button, the control the reveal was picked from.
  await expect(row.getByTestId('row-menu')).toBeFocused()
  expect(await page.content()).not.toContain('seeded-secret-0')

  // Delete asks first; the primary's replacement is promoted by the core.
  await rowAction(page, row, 'delete')
  await expect(page.getByRole('alertdialog')).toContainText('primary account')
  await page.getByTestId('confirm-action').click()
  await expect(row).toHaveCount(0)
  await expect(page.getByTestId('credential-count')).toHaveText('59 of 59')
  const github = core.ctx.credentials.list({ service: 'github' })
  expect(github.filter((c) => c.isPrimary)).toHaveLength(1)

  // Activity pages through the audit log (the 60 creations, the reveal, the deletion, ...).
  await go(page, 'activity', 'Activity')
  await expect(page.getByText(/^Page 1 of [2-9]/)).toBeVisible()
  await page.getByTestId('next-page').click()
  await expect(page.getByText(/^Page 2 of/)).toBeVisible()
  await expect(page.getByTestId('activity-row').first()).toBeVisible()
})
