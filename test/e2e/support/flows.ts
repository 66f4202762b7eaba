import { expect, type Locator, type Page } from '@playwright/test'

export const PASSWORD = 'correct horse battery staple'

/** Onboarding through the UI: keychain + master password, 15 min auto-lock. */
export async function onboard(page: Page, mode: 'keychain' | 'keychain+password' = 'keychain+password') {
  await expect(page.getByRole('heading', { name: 'Welcome to Keybridge' })).toBeVisible()
  if (mode === 'keychain+password') {
    await page.getByTestId('mode-keychain-password').click()
    await page.getByTestId('new-password').fill(PASSWORD)
    await page.getByTestId('confirm-password').fill(PASSWORD)
  } else {
    await page.getByTestId('mode-keychain').click()
  }
  await page.getByTestId('create-vault').click()
  await expect(page.getByTestId('screen-title')).toHaveText('Dashboard')
}

export async function unlockWithPassword(page: Page, password = PASSWORD) {
  await page.getByTestId('unlock-password').fill(password)
  await page.getByTestId('unlock-submit').click()
}

export async function go(page: Page, screen: string, title: string) {
  await page.getByTestId(`nav-${screen}`).click()
  await expect(page.getByTestId('screen-title')).toHaveText(title)
}

/**
 * Opens a credential row's menu and picks an action. The list re-sorts when credentials change
 * (a background refresh follows each change), which can close a menu opened at that instant: retry.
 */
export async function rowAction(page: Page, row: Locator, action: string) {
  await expect(async () => {
    if (!(await page.getByTestId(`action-${action}`).isVisible())) await row.getByTestId('row-menu').click()
    await page.getByTestId(`action-${action}`).click({ timeout: 1000 })
  }).toPass({ timeout: 10_000 })
}
