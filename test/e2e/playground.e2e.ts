import type { Browser } from '@playwright/test'
import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { startFakes } from './support/services'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'

/** A keychain vault with the Home Assistant fake and a token limited to github*, in the given language. */
async function openWithNarrowToken(kbBrowser: Browser, language: 'en' | 'fr') {
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  await onboard(page, 'keychain')
  await core.invoke('homeassistant.add', { name: 'Home', url: fakes.ha.url, token: FAKE_TOKEN })
  await core.invoke('bridge.tokens.create', { name: 'Narrow', scopes: ['github*'] })
  if (language === 'fr') await core.invoke('settings.update', { language: 'fr' })
  return { fakes, app, page, core }
}

test('playground: a tool run as a narrowed token is denied, as an allowed one it answers, an "ask me" one waits for the user; all audited', async ({
  kbBrowser,
}) => {
  test.setTimeout(60_000)
  const { fakes, app, page, core } = await openWithNarrowToken(kbBrowser, 'en')
  try {
    await core.invoke('bridge.tokens.create', { name: 'Wide' })
    await go(page, 'bridge', 'Bridge')
    await page.getByTestId('playground-open').click()
    await expect(page.getByTestId('screen-title')).toHaveText('Playground')

    // Narrow: the tool is outside its scope, so the call is denied exactly as the app would be told.
    await page.getByTestId('playground-token').click()
    await page.getByRole('option', { name: /^Narrow/ }).click()
    await page.getByTestId('playground-tool').click()
    await page.getByRole('option', { name: /get_state/ }).click()
    await expect(page.getByTestId('playground-hidden')).toBeVisible()
    await page.getByTestId('arg-entity_id').fill('light.kitchen')
    await page.getByTestId('playground-run').click()
    const result = page.getByTestId('playground-result')
    await expect(result).toHaveAttribute('data-outcome', 'error')
    await expect(result).toContainText('Keybridge denied this call')
    await expect(result).toContainText('Narrow')

    // Wide: the same call answers with the entity's state; the HA token never shows.
    await page.getByTestId('playground-token').click()
    await page.getByRole('option', { name: /^Wide/ }).click()
    await page.getByTestId('playground-tool').click()
    await page.getByRole('option', { name: /get_state/ }).click()
    await expect(page.getByTestId('playground-hidden')).toHaveCount(0)
    await page.getByTestId('arg-entity_id').fill('light.kitchen')
    await page.getByTestId('playground-run').click()
    await expect(result).toHaveAttribute('data-outcome', 'ok')
    await expect(result).toContainText('light.kitchen')
    expect(await page.content()).not.toContain(FAKE_TOKEN)

    // "Ask me": the same call waits for the user's answer in the approval dialog, named for the token.
    // The entity now carries the Home Assistant token in an attribute: the result shows it redacted.
    const kitchen = fakes.ha.states.get('light.kitchen')!
    kitchen.attributes = { ...kitchen.attributes, note: `paired with ${FAKE_TOKEN}` }
    await go(page, 'bridge', 'Bridge')
    const toolRow = page.locator('[data-testid="tool-row"][data-tool$="_get_state"]')
    await toolRow.getByTestId('tool-ask').click()
    await expect(toolRow.getByTestId('tool-ask')).toHaveAttribute('data-state', 'checked')
    await page.getByTestId('playground-open').click()
    await page.getByTestId('playground-token').click()
    await page.getByRole('option', { name: /^Wide/ }).click()
    await page.getByTestId('playground-tool').click()
    await page.getByRole('option', { name: /get_state/ }).click()
    await page.getByTestId('arg-entity_id').fill('light.kitchen')
    const run = page.getByTestId('playground-run')
    const dialog = page.getByTestId('approval-dialog')
    for (const decision of ['deny', 'allow'] as const) {
      await run.click()
      await expect(dialog).toBeVisible()
      await expect(dialog.getByTestId('approval-client')).toHaveText('Wide')
      await expect(dialog.getByTestId('approval-arguments')).toContainText('light.kitchen')
      await dialog.getByTestId(`approval-${decision}`).click()
      await expect(dialog).toBeHidden()
      // The answer closes the prompt and focus is back on Run, where the user left it.
      await expect(run).toBeFocused()
      await expect(result).toHaveAttribute('data-outcome', decision === 'deny' ? 'error' : 'ok')
    }
    await expect(result).toContainText('light.kitchen')
    await expect(result).toContainText('[redacted]')
    expect(await page.content()).not.toContain(FAKE_TOKEN)

    // Activity: four playground calls by you on behalf of each token, each with its outcome; the two
    // denials with their reasons.
    await go(page, 'activity', 'Activity')
    await page.getByTestId('action-filter').click()
    await page.getByRole('option', { name: 'Tool tried in the playground' }).click()
    const rows = page.getByTestId('activity-row')
    await expect(rows).toHaveCount(4)
    await expect(rows.filter({ hasText: 'Narrow' })).toContainText('Denied')
    await expect(rows.filter({ hasText: 'Narrow' }).getByTestId('activity-reason')).toContainText(
      'is limited to',
    )
    const wide = rows.filter({ hasText: 'Wide' })
    await expect(wide.filter({ hasText: 'Succeeded' })).toHaveCount(2)
    await expect(wide.filter({ hasText: 'Denied' })).toHaveCount(1)
    await expect(wide.filter({ hasText: 'Denied' }).getByTestId('activity-reason')).toBeVisible()
  } finally {
    await app.close()
    await fakes.close()
  }
})

test('playground in French: a denied call, its form and its Activity row read in French, no English from the core', async ({
  kbBrowser,
}) => {
  test.setTimeout(60_000)
  const { fakes, app, page } = await openWithNarrowToken(kbBrowser, 'fr')
  try {
    await go(page, 'bridge', 'Passerelle')
    await page.getByTestId('playground-open').click()
    await expect(page.getByTestId('screen-title')).toHaveText('Bac à sable')
    await page.getByTestId('playground-token').click()
    await page.getByRole('option', { name: /^Narrow/ }).click()
    await page.getByTestId('playground-tool').click()
    await page.getByRole('option', { name: /get_state/ }).click()
    // The form's argument description is Keybridge's own: French too.
    await expect(page.getByText('par ex. light.kitchen', { exact: true })).toBeVisible()
    await page.getByTestId('arg-entity_id').fill('light.kitchen')
    await page.getByTestId('playground-run').click()
    const result = page.getByTestId('playground-result')
    await expect(result).toHaveAttribute('data-outcome', 'error')
    await expect(page.getByTestId('playground-text')).toHaveText(
      /^Keybridge a refusé cet appel : le jeton client « Narrow » est limité à github\* et ne couvre pas homeassistant\/.+\/get_state$/,
    )
    await expect(result).not.toContainText(/denied|is limited to|does not cover/)

    await go(page, 'activity', 'Activité')
    const row = page.getByTestId('activity-row').filter({ hasText: 'Narrow' }).first()
    await expect(row.getByTestId('activity-reason')).toContainText(
      'le jeton client « Narrow » est limité à github*',
    )
    await expect(row).not.toContainText(/is limited to|does not cover/)
  } finally {
    await app.close()
    await fakes.close()
  }
})
