import type { Page } from '@playwright/test'
import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { GITHUB_PAT, mcpClient, startFakes } from './support/services'

async function addGithub(page: Page, name: string, token: string) {
  await page.getByTestId('credential-add').click()
  const dialog = page.getByTestId('credential-dialog')
  await dialog.getByTestId('service-select').click()
  await page.getByRole('option', { name: 'GitHub', exact: true }).click()
  await dialog.getByTestId('credential-name').fill(name)
  await dialog.getByTestId('field-token').fill(token)
}

const BAD_TOKEN = 'ghp_revokedrevokedrevokedrevoked0000'

test('statuses and counters tell the truth; connected apps are sessions; snippets are not uses; French errors', async ({
  kbBrowser,
}) => {
  test.setTimeout(90_000)
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    await onboard(page, 'keychain')
    await go(page, 'credentials', 'Credentials')

    // Active; refused but kept with "Save anyway"; stored without a check.
    await addGithub(page, 'work', GITHUB_PAT)
    await expect(page.getByTestId('validation-account')).toHaveText('octocat')
    await page.getByTestId('credential-save').click()
    await expect(page.locator('[data-credential="github/work"]').getByTestId('status-badge')).toHaveText(
      'Active',
    )
    await addGithub(page, 'old', BAD_TOKEN)
    await page.getByTestId('credential-save').click()
    await expect(page.getByTestId('credential-error')).toContainText('"Save anyway"')
    await page.getByTestId('save-anyway').click()
    const old = page.locator('[data-credential="github/old"]')
    await expect(old.getByTestId('status-badge')).toHaveText('Check failed, kept')
    await core.invoke('credentials.create', {
      service: 'notion',
      name: 'later',
      fields: { token: 'ntn_not_checked_yet' },
      validate: false,
    })
    await expect(page.locator('[data-credential="notion/later"]').getByTestId('status-badge')).toHaveText(
      'Not checked',
    )
    // Google's form asks for the OAuth client ID and secret once.
    await page.getByTestId('credential-add').click()
    await page.getByTestId('service-select').click()
    await page
      .getByRole('option', { name: /^Google/ })
      .first()
      .click()
    await expect(
      page.getByTestId('credential-dialog').getByText('OAuth client ID', { exact: true }),
    ).toHaveCount(1)
    await expect(page.getByTestId('credential-dialog').getByPlaceholder('OAuth client ID')).toHaveCount(0)
    await page.keyboard.press('Escape')

    // The state filter knows the difference.
    await page.getByTestId('status-filter').click()
    await page.getByRole('option', { name: 'Check failed, kept' }).click()
    await expect(page.getByTestId('credential-count')).toHaveText('1 of 3')
    await page.getByTestId('status-filter').click()
    await page.getByRole('option', { name: 'All statuses' }).click()

    // The dashboard's counters add up to the total, and it does not claim everything is fine.
    await go(page, 'dashboard', 'Dashboard')
    await expect(page.getByTestId('stat-total')).toHaveText('3')
    const states = ['active', 'invalid', 'expired', 'revoked', 'check_failed', 'unvalidated']
    await expect(page.getByTestId('stat-check_failed')).toHaveText('1')
    await expect(page.getByTestId('stat-unvalidated')).toHaveText('1')
    let sum = 0
    for (const s of states) sum += Number(await page.getByTestId(`stat-${s}`).innerText())
    expect(sum).toBe(3)
    await expect(page.getByTestId('attention-list')).toContainText('github / old')
    await expect(page.getByTestId('attention-unchecked')).toHaveText('1 credential not checked yet')
    await expect(page.getByText('Every credential was checked')).toHaveCount(0)

    // Building the four snippets is not a use of the token; no app is connected yet.
    await core.invoke('bridge.config.set', { port: 0 })
    await go(page, 'bridge', 'Bridge')
    await page.getByTestId('bridge-toggle').click()
    const url = (await page.getByTestId('bridge-url').innerText()).trim()
    const created = (await core.invoke('bridge.tokens.create', { name: 'LM Studio' })) as {
      ok: true
      data: { token: string }
    }
    for (const client of ['lmstudio', 'claude', 'cursor', 'vscode'] as const)
      await core.invoke('bridge.clientConfig', { client, tokenName: 'LM Studio', token: created.data.token })
    await page.getByTestId('nav-dashboard').click()
    await go(page, 'bridge', 'Bridge')
    const row = page.getByTestId('token-row').filter({ hasText: 'LM Studio' })
    await expect(row.getByTestId('token-last-used')).toHaveText('Never')
    await expect(row.getByTestId('token-calls')).toHaveText('0')
    await go(page, 'dashboard', 'Dashboard')
    await expect(page.getByTestId('stat-clients')).toHaveText('0')

    // An app initializes: it is a connected app, named as it introduced itself.
    const client = await mcpClient(url, created.data.token)
    try {
      await expect(page.getByTestId('stat-clients')).toHaveText('1')
      await expect(page.getByTestId('connected-apps')).toHaveText('e2e-llm-app')
    } finally {
      await client.close()
    }

    // Revoking asks first, Cancel keeps it and gives focus back to the button.
    await go(page, 'bridge', 'Bridge')
    const revoke = row.getByTestId('token-revoke')
    await revoke.click()
    await expect(page.getByRole('alertdialog')).toContainText('Revoke LM Studio?')
    await page.getByTestId('confirm-cancel').click()
    await expect(revoke).toBeFocused()
    expect(core.ctx.db.prepare('SELECT revoked_at FROM bridge_tokens').get()).toEqual({ revoked_at: null })
    await revoke.click()
    await page.getByTestId('confirm-action').click()
    await expect(row).toContainText('Revoked')

    // A permission change and stopping the bridge are recorded too.
    const toolRow = page.getByTestId('tool-row').filter({ hasText: 'api_read' }).first()
    await toolRow.getByTestId('level-select').click()
    await page.getByRole('option', { name: 'Off', exact: true }).click()
    await expect(toolRow.getByTestId('level-select')).toHaveText('Off')
    await page.getByTestId('bridge-toggle').click()
    await expect(page.getByTestId('bridge-state')).toHaveText('Stopped')

    // Activity: token and bridge events, in words, filterable by action.
    await go(page, 'activity', 'Activity')
    for (const words of [
      'Client token created',
      'Client token revoked',
      'Bridge started',
      'Bridge stopped',
      'Tool permission changed',
      'Vault created',
    ])
      await expect(page.getByTestId('activity-action').filter({ hasText: words }).first()).toBeVisible()
    await page.getByTestId('action-filter').click()
    await page.getByRole('option', { name: 'Client token revoked' }).click()
    await expect(page.getByTestId('activity-row')).toHaveCount(1)
    await expect(page.getByTestId('activity-row')).toContainText('token/LM Studio')

    // Home Assistant: a refused token is not "unreachable", and each says so.
    const bad = (await core.invoke('homeassistant.add', {
      name: 'Bad token',
      url: fakes.ha.url,
      token: 'not-the-token',
      validate: false,
    })) as { ok: true; data: { instance: { id: string } } }
    const gone = (await core.invoke('homeassistant.add', {
      name: 'Gone',
      url: 'http://127.0.0.1:9',
      token: 'whatever-token',
      validate: false,
    })) as { ok: true; data: { instance: { id: string } } }
    await core.invoke('homeassistant.probe', { id: bad.data.instance.id })
    await core.invoke('homeassistant.probe', { id: gone.data.instance.id, timeoutMs: 2000 })
    await go(page, 'homeassistant', 'Home Assistant')
    const badCard = page.getByTestId('ha-instance').filter({ hasText: 'Bad token' })
    const goneCard = page.getByTestId('ha-instance').filter({ hasText: 'Gone' })
    await expect(badCard.getByTestId('ha-state')).toHaveText('Token refused (401)')
    await expect(goneCard.getByTestId('ha-state')).toHaveText('Not reachable')

    // Removing an instance asks first.
    await goneCard.getByTestId('ha-remove').click()
    await expect(page.getByRole('alertdialog')).toContainText('Gone')
    await page.getByTestId('confirm-action').click()
    await expect(goneCard).toHaveCount(0)

    // French: the refusal is a French sentence naming the button as it reads, no English from the core.
    await core.invoke('settings.update', { language: 'fr' })
    await go(page, 'credentials', 'Identifiants')
    await expect(old.getByTestId('status-badge')).toHaveText('Échec, conservé')
    await page.getByTestId('credential-add').click()
    const dialog = page.getByTestId('credential-dialog')
    await dialog.getByTestId('service-select').click()
    await page.getByRole('option', { name: 'GitHub', exact: true }).click()
    await expect(dialog).toContainText('Jeton d’accès personnel')
    await dialog.getByTestId('credential-name').fill('encore')
    await dialog.getByTestId('field-token').fill(BAD_TOKEN)
    await expect(page.getByTestId('validation-result')).toContainText('GitHub a refusé l’identifiant')
    await page.getByTestId('credential-save').click()
    const error = page.getByTestId('credential-error')
    await expect(error).toContainText('« Enregistrer quand même »')
    await expect(error).not.toContainText(/rejected|Nothing|anyway/)
    await page.keyboard.press('Escape')
    await go(page, 'activity', 'Activité')
    await expect(page.getByTestId('activity-row').first()).toContainText('Jeton client révoqué')
    await go(page, 'homeassistant', 'Home Assistant')
    await expect(badCard.getByTestId('ha-state')).toHaveText('Jeton refusé (401)')
    await expect(badCard.getByTestId('probe-error')).toContainText('a refusé le jeton d’accès')
  } finally {
    await app.close()
    await fakes.close()
  }
})
