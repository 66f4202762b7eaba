import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './support/harness'
import { go, onboard } from './support/flows'
import { mcpClient } from './support/services'

/** The bridge URL and client token an app would read from its config. */
function fromConfig(text: string): { url: string; token: string } {
  const url = /"url":\s*"([^"]+)"/.exec(text)?.[1]
  const token = /Bearer (kb_[A-Za-z0-9_-]+)/.exec(text)?.[1]
  if (!url || !token) throw new Error(`no bridge entry in ${text}`)
  return { url, token }
}

test('guided connect: pick the app, get its config (or have it written, with undo), the wait turns green on initialize', async ({
  app,
}) => {
  test.setTimeout(60_000)
  const { page, core, dataDir } = app
  await onboard(page, 'keychain')
  await core.invoke('bridge.config.set', { port: 0 })

  // From the dashboard: LM Studio, with the bridge still off (the guide starts it).
  await page.getByTestId('dashboard-connect').click()
  const dialog = page.getByTestId('connect-dialog')
  await dialog.getByTestId('connect-app-lmstudio').click()
  await dialog.getByTestId('connect-start-bridge').click()
  await expect(dialog.getByTestId('connect-start-bridge')).toHaveCount(0)
  await dialog.getByTestId('connect-create').click()
  const snippet = await dialog.getByTestId('connect-snippet').innerText()
  const wait = dialog.getByTestId('connect-wait')
  await expect(wait).toHaveAttribute('data-connected', 'no')
  await expect(wait).toContainText('Waiting for LM Studio')

  // A real SDK client initializes with that token: the wait turns green with the app's own name.
  const lm = await mcpClient(fromConfig(snippet).url, fromConfig(snippet).token)
  try {
    await expect(wait).toHaveAttribute('data-connected', 'yes')
    await expect(wait).toContainText('e2e-llm-app')
  } finally {
    await lm.close()
  }
  await dialog.getByTestId('connect-done').click()
  await expect(dialog).toHaveCount(0)

  // From the Bridge screen: Cursor, written into its config file for me, then undone.
  const cursorDir = join(dataDir, 'home', '.cursor')
  mkdirSync(cursorDir, { recursive: true })
  const config = join(cursorDir, 'mcp.json')
  const original = '{\n  "mcpServers": {}\n}\n'
  writeFileSync(config, original)
  await go(page, 'bridge', 'Bridge')
  await page.getByTestId('connect-open').click()
  await dialog.getByTestId('connect-app-cursor').click()
  await dialog.getByTestId('connect-path').fill(config)
  await dialog.getByTestId('connect-write').click()
  await expect(dialog.getByTestId('connect-rewritten')).toBeVisible()
  const written = readFileSync(config, 'utf8')
  expect(written).not.toBe(original)
  expect(await page.content()).not.toContain(fromConfig(written).token)
  const cursor = await mcpClient(fromConfig(written).url, fromConfig(written).token)
  try {
    await expect(wait).toHaveAttribute('data-connected', 'yes')
  } finally {
    await cursor.close()
  }
  await dialog.getByTestId('connect-undo').click()
  await expect(dialog.getByTestId('connect-rewritten')).toHaveCount(0)
  expect(readFileSync(config, 'utf8')).toBe(original)
  const tokens = (await core.invoke('bridge.tokens.list', {})) as {
    ok: true
    data: { name: string; status: string }[]
  }
  expect(tokens.data.find((t) => t.name === 'Cursor')?.status).toBe('revoked')
})
