import { join } from 'node:path'
import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { seedCredentials } from './support/seed'
import { mcpClient, startFakes } from './support/services'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'
import { screenshotDir } from './support/shots'

const SCREENS = [
  ['dashboard', 'Dashboard'],
  ['credentials', 'Credentials'],
  ['homeassistant', 'Home Assistant'],
  ['bridge', 'Bridge'],
  ['activity', 'Activity'],
  ['settings', 'Settings'],
] as const

test('screenshots of every main screen, light and dark, for the README', async ({ kbBrowser }) => {
  test.setTimeout(90_000)
  const OUT = screenshotDir()
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    await onboard(page)
    seedCredentials(core, 24)
    await core.invoke('homeassistant.add', { name: 'Home', url: fakes.ha.url, token: FAKE_TOKEN })
    await core.invoke('bridge.config.set', { port: 0 })
    await core.invoke('bridge.start', {})
    const status = (await core.invoke('bridge.status', {})) as { ok: true; data: { url: string } }
    const created = (await core.invoke('bridge.tokens.create', { name: 'LM Studio' })) as {
      ok: true
      data: { token: string }
    }
    await core.invoke('bridge.tokens.create', { name: 'Claude Desktop' })
    // Some traffic for the chart and the activity log: successes and one failure.
    const client = await mcpClient(status.data.url, created.data.token)
    try {
      const { tools } = await client.listTools()
      const getState = tools.find((t) => t.name.endsWith('_get_state'))!.name
      for (const id of ['light.kitchen', 'light.living_room', 'light.kitchen', 'light.bedroom_lamp'])
        await client.callTool({ name: getState, arguments: { entity_id: id } })
      await client.callTool({ name: getState, arguments: { entity_id: 'light.nowhere' } })
    } finally {
      await client.close()
    }

    for (const theme of ['light', 'dark'] as const) {
      await core.invoke('settings.update', { theme })
      await expect(page.locator('#root > .radix-themes')).toHaveClass(new RegExp(`\\b${theme}\\b`))
      for (const [screen, title] of SCREENS) {
        await go(page, screen, title)
        if (screen === 'dashboard')
          await expect(
            page.getByTestId('calls-chart').locator('.recharts-bar-rectangle').first(),
          ).toBeVisible()
        if (screen === 'credentials') await expect(page.getByTestId('credential-row').first()).toBeVisible()
        if (screen === 'homeassistant') await expect(page.getByTestId('ha-version')).toBeVisible()
        if (screen === 'bridge') await expect(page.getByTestId('token-row').first()).toBeVisible()
        if (screen === 'activity') await expect(page.getByTestId('activity-row').first()).toBeVisible()
        await page.screenshot({ path: join(OUT, `${screen}-${theme}.png`) })
      }
    }
  } finally {
    await app.close()
    await fakes.close()
  }
})
