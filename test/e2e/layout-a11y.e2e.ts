import type { Page } from '@playwright/test'
import { test, expect, openApp } from './support/harness'
import { go, onboard, unlockWithPassword } from './support/flows'
import { seedCredentials } from './support/seed'
import { startFakes } from './support/services'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'
import { expectAccessible, expectNoHorizontalScroll } from './support/axe'

const SCREENS = ['dashboard', 'credentials', 'homeassistant', 'bridge', 'activity', 'settings'] as const
const TITLES = {
  en: {
    dashboard: 'Dashboard',
    credentials: 'Credentials',
    homeassistant: 'Home Assistant',
    bridge: 'Bridge',
    activity: 'Activity',
    settings: 'Settings',
  },
  fr: {
    dashboard: 'Tableau de bord',
    credentials: 'Identifiants',
    homeassistant: 'Home Assistant',
    bridge: 'Passerelle',
    activity: 'Activité',
    settings: 'Réglages',
  },
} as const

/** The primary action is inside the window, not cut by its edge. */
async function expectInView(page: Page, testId: string, where: string) {
  const box = await page.getByTestId(testId).boundingBox()
  const vw = page.viewportSize()!.width
  expect(box, where).not.toBeNull()
  expect(
    box!.x + box!.width,
    `${where}: ${testId} ends at ${box!.x + box!.width} of ${vw}`,
  ).toBeLessThanOrEqual(vw)
}

test('every main screen and dialog: axe-core clean in light and dark, layout from 900×600 to 1920×1080 in English and French', async ({
  kbBrowser,
}) => {
  test.setTimeout(180_000)
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    // Onboarding and lock screens.
    await expectAccessible(page, 'onboarding')
    await onboard(page)
    seedCredentials(core, 40)
    await core.invoke('homeassistant.add', { name: 'Home', url: fakes.ha.url, token: FAKE_TOKEN })
    await core.invoke('bridge.config.set', { port: 0 })
    await core.invoke('bridge.start', {})
    await core.invoke('bridge.tokens.create', { name: 'LM Studio' })
    await page.getByTestId('lock-now').click()
    await expectAccessible(page, 'lock screen')
    await unlockWithPassword(page)
    await expect(page.getByTestId('screen-title')).toBeVisible()

    for (const theme of ['light', 'dark'] as const) {
      await core.invoke('settings.update', { theme })
      await expect(page.locator('#root > .radix-themes')).toHaveClass(new RegExp(`\\b${theme}\\b`))
      for (const s of SCREENS) {
        await go(page, s, TITLES.en[s])
        await page.waitForTimeout(150)
        await expectAccessible(page, `${s} (${theme})`)
      }
      // Dialogs.
      await go(page, 'credentials', 'Credentials')
      await page.getByTestId('credential-add').click()
      await page.getByTestId('service-select').click()
      await page.getByRole('option', { name: 'GitHub', exact: true }).click()
      await expectAccessible(page, `credential dialog (${theme})`)
      await page.keyboard.press('Escape')
      await go(page, 'bridge', 'Bridge')
      await page.getByTestId('token-create').click()
      await expectAccessible(page, `create token dialog (${theme})`)
      await page.keyboard.press('Escape')
      await page.getByTestId('token-revoke').first().click()
      await expectAccessible(page, `confirm dialog (${theme})`)
      await page.keyboard.press('Escape')
      await page.getByTestId('upstream-add').click()
      await expectAccessible(page, `add upstream dialog (${theme})`)
      await page.keyboard.press('Escape')
      await page.getByTestId('connect-open').click()
      await expectAccessible(page, `connect an app dialog (${theme})`)
      await page.keyboard.press('Escape')
      await page.getByTestId('playground-open').click()
      await page.getByTestId('playground-tool').click()
      await page.getByRole('option', { name: /get_state/ }).click()
      await expectAccessible(page, `playground (${theme})`)
      await go(page, 'homeassistant', 'Home Assistant')
      await page.getByTestId('ha-add').click()
      await expectAccessible(page, `Home Assistant dialog (${theme})`)
      await page.keyboard.press('Escape')
      await go(page, 'credentials', 'Credentials')
      await page.locator('[data-credential="github/work"]').getByTestId('credential-open').click()
      await expect(page.getByTestId('detail-history')).toContainText('Created')
      await expectAccessible(page, `credential detail (${theme})`)
      await page.keyboard.press('Escape')
      await page.keyboard.press('Control+k')
      await page.getByTestId('palette-input').fill('git')
      await expectAccessible(page, `command palette (${theme})`)
      await page.keyboard.press('Escape')
    }

    // Layout: no sideways scroll, the primary button whole, at the smallest and largest sizes.
    for (const lang of ['en', 'fr'] as const) {
      await core.invoke('settings.update', { language: lang, theme: 'light' })
      for (const size of [
        { width: 900, height: 600 },
        { width: 1280, height: 800 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(size)
        for (const s of SCREENS) {
          await go(page, s, TITLES[lang][s])
          const where = `${s} ${lang} ${size.width}×${size.height}`
          await expectNoHorizontalScroll(page, where)
          if (s === 'credentials') await expectInView(page, 'credential-add', where)
          if (s === 'bridge') await expectInView(page, 'token-create', where)
        }
        await go(page, 'bridge', TITLES[lang].bridge)
        await page.getByTestId('playground-open').click()
        await expectNoHorizontalScroll(page, `playground ${lang} ${size.width}×${size.height}`)
      }
    }
  } finally {
    await app.close()
    await fakes.close()
  }
})
