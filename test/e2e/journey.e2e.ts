import type { Page } from '@playwright/test'
import { test, expect, openApp } from './support/harness'
import { go, onboard, unlockWithPassword, rowAction } from './support/flows'
import { GITHUB_PAT, mcpClient, startFakes } from './support/services'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'

async function addGithub(page: Page, name: string, token: string) {
  await page.getByTestId('credential-add').click()
  const dialog = page.getByTestId('credential-dialog')
  await dialog.getByTestId('service-select').click()
  await page.getByRole('option', { name: 'GitHub', exact: true }).click()
  await dialog.getByTestId('credential-name').fill(name)
  await dialog.getByTestId('field-token').fill(token)
}

test('full journey: credential, Home Assistant, client token, bridge call in Activity, lock, unlock', async ({
  kbBrowser,
}) => {
  test.setTimeout(90_000)
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    await onboard(page)

    // A valid GitHub token: live validation finds the account before saving.
    await go(page, 'credentials', 'Credentials')
    await addGithub(page, 'work', GITHUB_PAT)
    await expect(page.getByTestId('validation-account')).toHaveText('octocat')
    await page.getByTestId('credential-save').click()
    const work = page.locator('[data-credential="github/work"]')
    await expect(work.getByTestId('credential-account')).toHaveText('octocat')
    await expect(work.getByTestId('status-badge')).toHaveText('Active')
    await expect(work.getByTestId('primary-marker')).toBeVisible()

    // An invalid one: the service's exact error, nothing saved until "Save anyway".
    await addGithub(page, 'old', 'ghp_revokedrevokedrevokedrevoked0000')
    await expect(page.getByTestId('validation-result')).toContainText(/./)
    const liveError = await page.getByTestId('validation-result').innerText()
    await page.getByTestId('credential-save').click()
    await expect(page.getByTestId('credential-error')).toBeVisible()
    expect(await page.getByTestId('credential-error').innerText()).toContain(liveError.trim().slice(0, 20))
    expect(core.ctx.credentials.list({ service: 'github' })).toHaveLength(1)
    await page.getByTestId('save-anyway').click()
    const old = page.locator('[data-credential="github/old"]')
    await expect(old).toBeVisible()

    // Set primary: the marker moves.
    await rowAction(page, old, 'primary')
    await expect(old.getByTestId('primary-marker')).toBeVisible()
    await expect(work.getByTestId('primary-marker')).toHaveCount(0)

    // Edit: a corrected token revalidates and finds the account.
    await rowAction(page, old, 'edit')
    await page.getByTestId('field-token').fill(GITHUB_PAT)
    await expect(page.getByTestId('validation-account')).toHaveText('octocat')
    await page.getByTestId('credential-save').click()
    await expect(old.getByTestId('status-badge')).toHaveText('Active')
    await expect(old.getByTestId('credential-account')).toHaveText('octocat')

    // Copy the secret: the main process's clipboard holds it, the renderer shows a countdown only.
    await rowAction(page, work, 'copy')
    await expect(page.getByTestId('copy-countdown')).toContainText(/clears in (30|29|28) s/)
    expect(app.clipboard.text).toBe(GITHUB_PAT)

    // Check again on demand: the service's verdict comes back as a toast.
    await rowAction(page, work, 'revalidate')
    await expect(page.getByTestId('toast-success').last()).toBeVisible()

    // Home Assistant against the fake: test shows the version, then save.
    await go(page, 'homeassistant', 'Home Assistant')
    await expect(page.getByTestId('ha-empty')).toBeVisible()
    await page.getByTestId('ha-add').click()
    await page.getByTestId('ha-name').fill('Home')
    await page.getByTestId('ha-url').fill(fakes.ha.url)
    await page.getByTestId('ha-token').fill(FAKE_TOKEN)
    await page.getByTestId('ha-test').click()
    await expect(page.getByTestId('ha-version')).toHaveText(`Home Assistant ${fakes.ha.version}`)
    await page.getByTestId('ha-save').click()
    await expect(page.getByTestId('ha-instance').getByTestId('ha-version')).toHaveText(
      `Home Assistant ${fakes.ha.version}`,
    )

    // Allowed domains picker: limit the instance to lights.
    await page.getByTestId('ha-instance').getByRole('button', { name: 'Edit' }).click()
    await page.getByRole('checkbox', { name: /^light/ }).click()
    await page.getByTestId('ha-save').click()
    await expect(page.getByTestId('ha-instance')).toContainText('Allowed domains: light')

    // Bridge on a free port, then a client token and its LM Studio snippet.
    await go(page, 'bridge', 'Bridge')
    await page.getByTestId('bridge-port').fill('0')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByTestId('bridge-toggle').click()
    await expect(page.getByTestId('bridge-state')).toHaveText('Running')
    const url = (await page.getByTestId('bridge-url').innerText()).trim()
    await page.getByTestId('token-create').click()
    await page.getByTestId('token-name').fill('LM Studio')
    await page.getByTestId('token-submit').click()
    const token = (await page.getByTestId('token-value').innerText()).trim()
    expect(token).toMatch(/^kb_/)
    const snippet = await page.getByTestId('snippet-lmstudio').innerText()
    expect(snippet).toContain(token)
    await page.getByTestId('copy-snippet-lmstudio').click()
    await expect(page.getByText('LM Studio copied to the clipboard.')).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet)
    await page.getByTestId('token-done').click()
    await expect(page.getByTestId('token-row')).toContainText('LM Studio')

    // An LLM app calls a Home Assistant tool through the bridge with the MCP SDK client.
    const client = await mcpClient(url, token)
    try {
      const { tools } = await client.listTools()
      const getState = tools.find((t) => t.name.endsWith('_get_state'))!
      expect(getState).toBeTruthy()
      const result = await client.callTool({ name: getState.name, arguments: { entity_id: 'light.kitchen' } })
      expect(result.isError).toBeFalsy()

      // … and it shows up in Activity, attributed to the client.
      await go(page, 'activity', 'Activity')
      await page.getByTestId('actor-filter').click()
      await page.getByRole('option', { name: 'Bridge client' }).click()
      await expect(page.getByTestId('activity-row').filter({ hasText: 'get_state' }).first()).toContainText(
        'LM Studio',
      )
      const download = page.waitForEvent('download')
      await page.getByTestId('export-csv').click()
      expect((await download).suggestedFilename()).toMatch(/\.csv$/)
    } finally {
      await client.close()
    }

    // Lock → unlock.
    await page.getByTestId('lock-now').click()
    await expect(page.getByTestId('lock-title')).toBeVisible()
    await unlockWithPassword(page)
    await expect(page.getByTestId('screen-title')).toHaveText('Activity')
  } finally {
    await app.close()
    await fakes.close()
  }
})
