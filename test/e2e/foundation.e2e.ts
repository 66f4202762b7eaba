import { test, expect } from './support/harness'

test('the renderer talks to a real core through window.keybridge', async ({ app }) => {
  const { page } = app
  // A fresh data folder: the app opens on onboarding, driven by vault.status from the real core.
  await expect(page.getByRole('heading', { name: 'Welcome to Keybridge' })).toBeVisible()

  // Bad input is refused by the same zod parsing as Electron's IPC, as a typed error value.
  const bad = await page.evaluate(() => window.keybridge.invoke('vault.create', { mode: 'nope' }))
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  const unknown = await page.evaluate(() => window.keybridge.invoke('fs.readFile', { path: '/etc/passwd' }))
  expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
})
