import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { seedCredentials } from './support/seed'
import { mcpClient, startFakes } from './support/services'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'

test('credential detail, sortable columns, Ctrl+K palette, usage per client', async ({ kbBrowser }) => {
  test.setTimeout(90_000)
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    await onboard(page, 'keychain')
    seedCredentials(core, 12)
    await core.invoke('bridge.upstream.add', {
      name: 'gh',
      command: 'keybridge-test-no-such-command',
      env: { GITHUB_TOKEN: '{{credential:github/work.token}}' },
    })
    await go(page, 'credentials', 'Credentials')

    // Sortable columns: name ascending, then descending, then the core's order again.
    const names = () =>
      page
        .getByTestId('credential-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-credential')!.split('/')[1]))
    const all = core.ctx.credentials.list().map((c) => c.name)
    const asc = [...all].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }))
    await page.getByTestId('sort-name').click()
    await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending')
    expect((await names()).slice(0, 5)).toEqual(asc.slice(0, 5))
    await page.getByTestId('sort-name').click()
    expect((await names()).slice(0, 5)).toEqual([...asc].reverse().slice(0, 5))
    await page.getByTestId('sort-name').click()
    await expect(page.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'none')

    // Detail: non-secret fields, where it is used, check now (status history), reveal (audited).
    const row = page.locator('[data-credential="github/work"]')
    await row.getByTestId('credential-open').click()
    const detail = page.getByTestId('credential-detail')
    await expect(detail).toContainText('user0@example.com')
    await expect(detail.getByTestId('detail-used-by')).toContainText('gh')
    await expect(detail.getByTestId('detail-used-by')).toContainText('GITHUB_TOKEN')
    await expect(detail.getByTestId('detail-history')).toContainText('Created')
    await detail.getByTestId('detail-revalidate').click()
    await expect(detail.getByTestId('detail-history')).toContainText('Checked with the service → Invalid')
    await detail.getByTestId('detail-reveal').click()
    await page.getByTestId('reveal-confirm').click()
    await expect(page.getByTestId('revealed-value')).toHaveText('seeded-secret-0')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('revealed-value')).toHaveCount(0)
    // The reveal opens over the detail: closing it lands on the detail's Reveal button, closing the
    // detail on the row that opened it.
    await expect(detail.getByTestId('detail-reveal')).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(detail).toHaveCount(0)
    await expect(row.getByTestId('credential-open')).toBeFocused()

    // Ctrl+K: a screen, a credential, an action.
    await page.keyboard.press('Control+k')
    await page.getByTestId('palette-input').fill('activ')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('screen-title')).toHaveText('Activity')
    await expect(
      page.getByTestId('activity-action').filter({ hasText: 'Secret revealed' }).first(),
    ).toBeVisible()
    await page.keyboard.press('Control+k')
    await page.getByTestId('palette-input').fill('notion')
    await page.getByTestId('palette-item').filter({ hasText: 'notion / work' }).click()
    await expect(page.getByTestId('screen-title')).toHaveText('Credentials')
    await expect(page.getByTestId('credential-detail')).toContainText('Notion / work')
    await page.keyboard.press('Escape')
    await page.keyboard.press('Control+k')
    await page.getByTestId('palette-input').fill('create a client')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('screen-title')).toHaveText('Bridge')
    await page.getByTestId('token-name').fill('Usage app')
    await page.getByTestId('token-submit').click()
    const token = (await page.getByTestId('token-value').innerText()).trim()
    await page.getByTestId('token-done').click()

    // Usage per client: calls in 24 h and 7 days, denials, top tools, from the bridge's audit.
    await core.invoke('homeassistant.add', { name: 'Home', url: fakes.ha.url, token: FAKE_TOKEN })
    await core.invoke('bridge.config.set', { port: 0 })
    await page.getByTestId('bridge-toggle').click()
    const url = (await page.getByTestId('bridge-url').innerText()).trim()
    const client = await mcpClient(url, token)
    try {
      const { tools } = await client.listTools()
      const getState = tools.find((x) => x.name.endsWith('get_state'))!.name
      for (const id of ['light.kitchen', 'light.kitchen', 'light.bedroom_lamp'])
        await client.callTool({ name: getState, arguments: { entity_id: id } })
      await client.callTool({ name: 'no_such_tool', arguments: {} }).catch(() => {})
    } finally {
      await client.close()
    }
    const usage = page.getByTestId('usage-row').filter({ hasText: 'Usage app' })
    await expect(usage.getByTestId('usage-day')).toHaveText('4 calls')
    await expect(usage.getByTestId('usage-week')).toHaveText('4 calls')
    await expect(usage).toContainText('Get state (Home) (3)')

    await page.keyboard.press('Control+k')
    await page.getByTestId('palette-input').fill('lock')
    await page.keyboard.press('Enter')
    await expect(
      page.getByTestId('unlock-submit').or(page.getByRole('heading', { name: /locked/i })),
    ).toBeVisible()
  } finally {
    await app.close()
    await fakes.close()
  }
})
