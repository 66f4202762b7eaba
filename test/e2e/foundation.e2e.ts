import { test, expect } from './support/harness'

test('the renderer talks to a real core through window.keybridge', async ({ app }) => {
  const { page, core } = app
  await expect(page.getByTestId('app-version')).toContainText(`Version ${core.ctx.version}`)
  await expect(page.getByTestId('vault-state')).toHaveText('No vault yet')

  // Bad input is refused by the same zod parsing as Electron's IPC, as a typed error value.
  const bad = await page.evaluate(() => window.keybridge.invoke('vault.create', { mode: 'nope' }))
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  const unknown = await page.evaluate(() => window.keybridge.invoke('fs.readFile', { path: '/etc/passwd' }))
  expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
})
