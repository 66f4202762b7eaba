import { test, expect } from './support/harness'
import { onboard, PASSWORD, unlockWithPassword, go } from './support/flows'

test('onboarding → lock → unlock, with readable errors and the Ctrl+L shortcut', async ({ app }) => {
  const { page, core } = app
  // Onboarding validates the password pair before anything is created.
  await page.getByTestId('mode-keychain-password').click()
  await page.getByTestId('new-password').fill(PASSWORD)
  await page.getByTestId('confirm-password').fill('something else')
  await page.getByTestId('create-vault').click()
  await expect(page.getByRole('alert')).toContainText('The two passwords are different')
  expect(core.ctx.vault.status().initialized).toBe(false)

  await page.getByTestId('confirm-password').fill(PASSWORD)
  await page.getByTestId('create-vault').click()
  await expect(page.getByTestId('screen-title')).toHaveText('Dashboard')
  expect(core.ctx.vault.status()).toMatchObject({ initialized: true, locked: false, hasPassword: true })
  await expect(page.getByTestId('dashboard-empty')).toContainText('Your vault is empty')

  // Lock now (button) → lock screen; the core's key is gone.
  await page.getByTestId('lock-now').click()
  await expect(page.getByTestId('lock-title')).toHaveText('Keybridge is locked')
  expect(core.ctx.vault.status().locked).toBe(true)

  // A wrong password is a readable sentence, and the vault stays locked.
  await unlockWithPassword(page, 'wrong password')
  await expect(page.getByTestId('unlock-error')).toBeVisible()
  expect((await page.getByTestId('unlock-error').innerText()).length).toBeGreaterThan(10)
  expect(core.ctx.vault.status().locked).toBe(true)

  // The wrong password that starts a delay (the 5th) disables Unlock and counts down to the next try.
  await expect(page.getByTestId('unlock-wait')).toHaveCount(0)
  for (let i = 0; i < 4; i++) await unlockWithPassword(page, `wrong password ${i}`)
  await expect(page.getByTestId('unlock-wait')).toHaveText(/You can try again in 1 second\./)
  await expect(page.getByTestId('unlock-submit')).toBeDisabled()
  await expect(page.getByTestId('unlock-wait')).toHaveCount(0, { timeout: 3000 })
  await expect(page.getByTestId('unlock-submit')).toBeEnabled()

  await unlockWithPassword(page)
  await expect(page.getByTestId('screen-title')).toHaveText('Dashboard')

  // Ctrl+L from another screen; navigation is keyboard reachable with a visible focus ring.
  await go(page, 'settings', 'Settings')
  await page.keyboard.press('Control+l')
  await expect(page.getByTestId('lock-title')).toBeVisible()
  await unlockWithPassword(page)
  await expect(page.getByTestId('screen-title')).toHaveText('Settings')

  await page.getByTestId('nav-dashboard').focus()
  await page.keyboard.press('Tab')
  const focused = page.locator(':focus')
  await expect(focused).toHaveAttribute('data-testid', 'nav-credentials')
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle)
  expect(outline).not.toBe('none')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('screen-title')).toHaveText('Credentials')
  await expect(page.getByTestId('credentials-empty')).toBeVisible()
})

test('keychain-only vault: language switch to French persists in the core', async ({ app }) => {
  const { page, core } = app
  await onboard(page, 'keychain')
  await go(page, 'settings', 'Settings')
  await page.getByTestId('language-select').click()
  await page.getByRole('option', { name: 'Français' }).click()
  await expect(page.getByTestId('screen-title')).toHaveText('Réglages')
  expect((await core.invoke('settings.get', {})) as unknown).toMatchObject({ data: { language: 'fr' } })

  // Keychain-only: the lock screen offers the keychain.
  await page.getByTestId('lock-now').click()
  await expect(page.getByTestId('lock-title')).toHaveText('Keybridge est verrouillé')
  await page.getByTestId('unlock-keychain').click()
  await expect(page.getByTestId('screen-title')).toHaveText('Réglages')
})
