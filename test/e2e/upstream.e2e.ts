import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { test, expect } from './support/harness'
import { go, onboard } from './support/flows'
import { seedCredentials } from './support/seed'
import { mcpClient } from './support/services'

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
