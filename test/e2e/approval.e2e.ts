import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { mcpClient, startFakes } from './support/services'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'
import { expectAccessibleBothThemes } from './support/axe'

test('approval dialog: a tool marked "ask me" waits for Allow once, Always allow or Deny', async ({
  kbBrowser,
}) => {
  test.setTimeout(60_000)
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    await onboard(page, 'keychain')
    // Set-up that the journey test already covers through the UI goes through the real core here.
    const ok = await core.invoke('homeassistant.add', { name: 'Home', url: fakes.ha.url, token: FAKE_TOKEN })
    expect(ok.ok).toBe(true)
    await core.invoke('bridge.config.set', { port: 0 })
    const created = (await core.invoke('bridge.tokens.create', { name: 'Cursor' })) as {
      ok: true
      data: { token: string }
    }

    // Mark the read-only get_state tool "ask me" in the tools matrix.
    await go(page, 'bridge', 'Bridge')
    await page.getByTestId('bridge-toggle').click()
    const url = (await page.getByTestId('bridge-url').innerText()).trim()
    const row = page.locator('[data-testid="tool-row"][data-tool$="_get_state"]')
    await row.getByTestId('tool-ask').click()
    await expect(row.getByTestId('tool-ask')).toHaveAttribute('data-state', 'checked')
    const tool = (await row.getAttribute('data-tool'))!

    const client = await mcpClient(url, created.data.token)
    try {
      // Allow once: the waiting call goes through.
      const allowed = client.callTool({ name: tool, arguments: { entity_id: 'light.kitchen' } })
      const dialog = page.getByTestId('approval-dialog')
      await expect(dialog).toBeVisible()
      await expect(dialog.getByTestId('approval-client')).toHaveText('Cursor')
      // The prompt names the tool by its stable identity (source/instance/tool), not the exposed name.
      await expect(dialog.getByTestId('approval-tool')).toContainText('get_state')
      await expect(dialog.getByTestId('approval-arguments')).toContainText('light.kitchen')
      await expectAccessibleBothThemes(page, core, 'approval dialog')
      await dialog.getByTestId('approval-allow').click()
      const r1 = await allowed
      expect(r1.isError).toBeFalsy()
      expect(JSON.stringify(r1.content)).toContain('light.kitchen')
      await expect(dialog).toBeHidden()

      // Deny: the call is refused, and the client gets a denial, not data.
      const denied = client.callTool({ name: tool, arguments: { entity_id: 'light.kitchen' } }).then(
        (r) => r,
        (e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }),
      )
      await expect(dialog).toBeVisible()
      await dialog.getByTestId('approval-deny').click()
      const r2 = await denied
      expect(r2.isError).toBe(true)
      expect(JSON.stringify(r2.content)).not.toContain('"state"')

      // Always allow: this call and this client's next run without asking; the tool still asks
      // other clients, so the matrix keeps "ask me".
      const always = client.callTool({ name: tool, arguments: { entity_id: 'light.kitchen' } })
      await dialog.getByTestId('approval-always').click()
      expect((await always).isError).toBeFalsy()
      expect(
        (await client.callTool({ name: tool, arguments: { entity_id: 'light.kitchen' } })).isError,
      ).toBeFalsy()
      await expect(dialog).toBeHidden()
      await expect(row.getByTestId('tool-ask')).toHaveAttribute('data-state', 'checked')

      // Both outcomes are in the audit log.
      await go(page, 'activity', 'Activity')
      await expect(page.getByTestId('activity-row').filter({ hasText: 'Denied' }).first()).toBeVisible()
    } finally {
      await client.close()
    }
  } finally {
    await app.close()
    await fakes.close()
  }
})
