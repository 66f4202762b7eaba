import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { seedCredentials } from './support/seed'
import { mcpClient } from './support/services'
import { expectAccessibleBothThemes } from './support/axe'
import { startOAuthMcpServer } from '../fakes/mcp-oauth/oauth-server'
import { closedPort } from '../fakes/homeassistant/server'
import { filesContaining } from '../integration/bridge/remote-support'

const REPORTER = join(__dirname, '../fakes/mcp/env-reporter-server.ts')

test('upstream server: env value picked from a stored credential reaches it, status shown, restart', async ({
  app,
}) => {
  test.setTimeout(60_000)
  const { page, core } = app
  await onboard(page, 'keychain')
  seedCredentials(core, 1) // github/work, secret "seeded-secret-0"
  await core.invoke('bridge.config.set', { port: 0 })
  const created = (await core.invoke('bridge.tokens.create', { name: 'VS Code' })) as {
    ok: true
    data: { token: string }
  }
  await go(page, 'bridge', 'Bridge')
  await page.getByTestId('bridge-toggle').click()
  const url = (await page.getByTestId('bridge-url').innerText()).trim()

  await page.getByTestId('upstream-add').click()
  await page.getByTestId('upstream-name').fill('reporter')
  await page.getByTestId('upstream-command').fill(process.execPath)
  await page.getByTestId('upstream-args').fill(['--import', 'tsx', REPORTER].join('\n'))
  await page.getByTestId('env-add').click()
  await page.getByTestId('env-key').fill('GITHUB_TOKEN')
  await page.getByTestId('env-value').click()
  await page.getByRole('option', { name: 'github/work.token' }).click()
  await page.getByTestId('upstream-submit').click()
  const row = page.getByTestId('upstream-row').filter({ hasText: 'reporter' })
  await expect(row).toContainText('GITHUB_TOKEN={{credential:github/work.token}}')
  await expect(row.getByTestId('upstream-state')).toHaveText('Running', { timeout: 20_000 })
  // An upstream's annotations are claims: trust them so its read-only tool runs without a prompt.
  await row.getByTestId('upstream-trust').click()
  await expect(row.getByTestId('upstream-trust')).toBeChecked()

  // The secret reached the server's environment (it reports a hash, never the value).
  const client = await mcpClient(url, created.data.token)
  try {
    const { tools } = await client.listTools()
    const report = tools.find((t) => t.name.endsWith('report_env'))!
    const r = await client.callTool({ name: report.name, arguments: { name: 'GITHUB_TOKEN' } })
    const sha = createHash('sha256').update('seeded-secret-0').digest('hex')
    expect(JSON.stringify(r.content)).toContain(sha)
  } finally {
    await client.close()
  }

  await row.getByRole('button', { name: 'Restart' }).click()
  await expect(page.getByText('reporter was restarted.')).toBeVisible()
  await expect(row.getByTestId('upstream-state')).toHaveText('Running', { timeout: 20_000 })

  // A server that fails to start says why: the reason and its last stderr lines, secrets masked.
  await core.invoke('bridge.upstream.add', {
    name: 'broken',
    command: process.execPath,
    args: [
      '-e',
      "console.error('boom: token ' + process.env.GITHUB_TOKEN + ' was refused'); process.exit(3)",
    ],
    env: { GITHUB_TOKEN: '{{credential:github/work.token}}' },
  })
  await page.getByTestId('nav-dashboard').click()
  await go(page, 'bridge', 'Bridge')
  const broken = page.getByTestId('upstream-row').filter({ hasText: 'broken' })
  await expect(broken.getByTestId('upstream-error')).toBeVisible({ timeout: 20_000 })
  await broken.locator('summary').click()
  await expect(broken.getByTestId('upstream-stderr')).toContainText('boom: token ••• was refused')
  expect(await page.content()).not.toContain('seeded-secret-0')

  // Removing asks first; focus comes back to the Delete button after Cancel.
  const del = broken.getByRole('button', { name: 'Delete' })
  await del.click()
  await expect(page.getByRole('alertdialog')).toContainText('Remove broken?')
  await page.getByTestId('confirm-cancel').click()
  await expect(del).toBeFocused()
  await del.click()
  await page.getByTestId('confirm-action').click()
  await expect(broken).toHaveCount(0)

  // Activity tells the story in words.
  await go(page, 'activity', 'Activity')
  for (const words of [
    'Upstream server added',
    'Upstream server removed',
    'Upstream server restarted',
    'Bridge started',
  ])
    await expect(page.getByTestId('activity-action').filter({ hasText: words }).first()).toBeVisible()
})

test('upstream in French: a server whose command does not exist says so in French, no English from the core', async ({
  app,
}) => {
  test.setTimeout(60_000)
  const { page, core } = app
  await onboard(page, 'keychain')
  await core.invoke('bridge.config.set', { port: 0 })
  await core.invoke('settings.update', { language: 'fr' })
  await go(page, 'bridge', 'Passerelle')
  await page.getByTestId('bridge-toggle').click()
  await expect(page.getByTestId('bridge-url')).toBeVisible()
  await core.invoke('bridge.upstream.add', { name: 'absent', command: 'keybridge-e2e-no-such-command' })
  await page.getByTestId('nav-dashboard').click()
  await go(page, 'bridge', 'Passerelle')
  const row = page.getByTestId('upstream-row').filter({ hasText: 'absent' })
  const error = row.getByTestId('upstream-error')
  await expect(error).toHaveAttribute('data-code', 'spawn_failed', { timeout: 20_000 })
  await expect(error).toContainText('commande introuvable : keybridge-e2e-no-such-command')
  await expect(error).not.toContainText(/command not found|stopped after|restart it by hand/)
})

test('remote server: added by URL, signed in through the browser (OAuth), running with its tools; tokens only in the vault', async ({
  kbBrowser,
}) => {
  test.setTimeout(60_000)
  const fake = await startOAuthMcpServer()
  const app = await openApp(kbBrowser, { recordIpc: true })
  const { page, core, dataDir } = app
  try {
    await onboard(page, 'keychain')
    await core.invoke('bridge.config.set', { port: 0 })
    await go(page, 'bridge', 'Bridge')
    await page.getByTestId('bridge-toggle').click()
    await expect(page.getByTestId('bridge-url')).toBeVisible()

    const open = page.getByTestId('upstream-add-remote')
    await open.click()
    const dialog = page.getByTestId('remote-dialog')
    await expect(dialog).toBeVisible()
    await expectAccessibleBothThemes(page, core, 'add a remote server dialog')
    await dialog.getByTestId('remote-name').fill('remote')
    await dialog.getByTestId('remote-url').fill(fake.url)
    await dialog.getByTestId('remote-submit').click()
    await expect(dialog).toHaveCount(0)
    await expect(open).toBeFocused()

    // The server answers 401 with its resource metadata: the row asks for a sign-in.
    const row = page.getByTestId('upstream-row').filter({ hasText: 'remote' })
    await expect(row.getByTestId('upstream-state')).toHaveAttribute('data-state', 'needs_sign_in', {
      timeout: 20_000,
    })
    expect(fake.registrations).toBe(0)
    await expectAccessibleBothThemes(page, core, 'bridge with a remote server that needs sign-in')

    // Sign in: the app hands the authorization URL to the browser (here a Chromium tab of the same
    // profile stands in for the system browser); the fake AS approves and redirects to Keybridge's
    // loopback listener, which finishes the flow.
    const [browserTab] = await Promise.all([
      page.context().waitForEvent('page'),
      row.getByTestId('upstream-sign-in').click(),
    ])
    await browserTab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/)
    await expect(browserTab.locator('h1')).toBeVisible()
    const tabHtml = await browserTab.content()
    expect(fake.registrations).toBe(1)
    expect(fake.authorizeParams[0].get('code_challenge_method')).toBe('S256')
    await browserTab.close()

    await expect(row.getByTestId('upstream-state')).toHaveAttribute('data-state', 'running', {
      timeout: 20_000,
    })
    await expect(row.getByTestId('upstream-remote-auth')).toHaveAttribute('data-auth', 'signed_in')
    await expect(row.getByTestId('upstream-tool-count')).not.toHaveText('0')
    const tools = page.locator('[data-testid="tool-row"][data-tool^="remote"]')
    await expect(tools.filter({ hasText: 'whoami' })).toHaveCount(1)

    // The tokens the AS issued are sealed in the vault: never sent to the renderer (no IPC answer or
    // event carried one), not in the page or the browser tab, not in any file in the clear.
    expect(fake.issued.length).toBeGreaterThan(0)
    const html = await page.content()
    expect(app.ipc.length).toBeGreaterThan(10)
    for (const secret of fake.issued) {
      expect(html).not.toContain(secret)
      expect(tabHtml).not.toContain(secret)
      expect(app.ipc.filter((m) => m.includes(secret))).toEqual([])
    }
    const grant = core.ctx.db.prepare('SELECT tokens FROM bridge_upstream_grants').get() as {
      tokens: Buffer | null
    }
    expect(grant.tokens).toBeInstanceOf(Buffer)
    expect(filesContaining(dataDir, fake.issued)).toEqual([])

    // A wrong URL, checked before adding: the error names the cause, in the UI's language.
    await core.invoke('settings.update', { language: 'fr' })
    await expect(page.getByTestId('screen-title')).toHaveText('Passerelle')
    await open.click()
    const wrong = [
      { url: `${fake.origin}/wrong`, says: ['HTTP 404', `${fake.origin}/wrong`] },
      { url: `http://127.0.0.1:${await closedPort()}/mcp`, says: ['ne répond pas'] },
      { url: fake.url, says: ['Se connecter'] },
    ]
    for (const { url, says } of wrong) {
      await dialog.getByTestId('remote-url').fill(url)
      await dialog.getByTestId('remote-check').click()
      const error = dialog.getByTestId('remote-error')
      for (const words of says) await expect(error).toContainText(words)
      // French, not the core's English sentence.
      await expect(error).not.toContainText(/answered|did not answer|asks for/)
    }
    await page.keyboard.press('Escape')
    await expect(open).toBeFocused()
  } finally {
    await app.close()
    await fake.close()
  }
})
