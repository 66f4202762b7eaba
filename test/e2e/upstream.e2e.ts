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
})
