import type { Page } from '@playwright/test'
import { test, expect, openApp } from './support/harness'
import { go, onboard } from './support/flows'
import { mcpClient, startFakes } from './support/services'
import { expectAccessible, expectNoHorizontalScroll } from './support/axe'
import { FAKE_TOKEN } from '../fakes/homeassistant/server'

const usageRow = (page: Page, token: string) =>
  page.locator(`[data-testid="usage-row"][data-token="${token}"]`)

test('usage per client and the dashboard chart count real bridge calls: ok, denied, refused by a daily quota', async ({
  kbBrowser,
}) => {
  test.setTimeout(120_000)
  const fakes = await startFakes()
  const app = await openApp(kbBrowser, { env: fakes.env })
  const { page, core } = app
  try {
    await onboard(page, 'keychain')
    expect(
      (await core.invoke('homeassistant.add', { name: 'Home', url: fakes.ha.url, token: FAKE_TOKEN })).ok,
    ).toBe(true)
    await core.invoke('bridge.config.set', { port: 0 })
    const create = async (input: Record<string, unknown>) => {
      const r = (await core.invoke('bridge.tokens.create', input)) as { ok: boolean; data: { token: string } }
      expect(r.ok).toBe(true)
      return r.data.token
    }
    // Alpha may make 3 tool calls a day; Beta only reaches GitHub tools, so a Home Assistant call is denied.
    const alpha = await create({ name: 'Alpha', dailyQuota: 3 })
    const beta = await create({ name: 'Beta', scopes: ['github*'] })

    await go(page, 'bridge', 'Bridge')
    await page.getByTestId('bridge-toggle').click()
    const url = (await page.getByTestId('bridge-url').innerText()).trim()
    // Before any call: nothing counted, and Beta says it has no quota.
    await expect(usageRow(page, 'Alpha').getByTestId('usage-day')).toHaveText('0 calls')
    await expect(usageRow(page, 'Beta').getByTestId('usage-no-quota')).toBeVisible()

    const a = await mcpClient(url, alpha)
    let tool = ''
    try {
      const { tools } = await a.listTools()
      tool = tools.find((x) => x.name.endsWith('_get_state'))!.name
      for (const id of ['light.kitchen', 'light.kitchen', 'light.bedroom_lamp']) {
        const r = await a.callTool({ name: tool, arguments: { entity_id: id } })
        expect(r.isError).toBeFalsy()
      }
      await expect(a.callTool({ name: tool, arguments: { entity_id: 'light.kitchen' } })).rejects.toThrow(
        /may make 3 tool calls per day and has used 3/,
      )
    } finally {
      await a.close()
    }
    const b = await mcpClient(url, beta)
    try {
      const r = await b.callTool({ name: tool, arguments: { entity_id: 'light.kitchen' } })
      expect(r.isError).toBe(true)
      expect(JSON.stringify(r.content)).toContain('Keybridge denied this call')
    } finally {
      await b.close()
    }

    // The token list's "Calls" are tool calls the bridge ran (not initialize, lists or refused calls).
    const tokenA = page.getByTestId('token-row').filter({ hasText: 'Alpha' })
    await expect(tokenA.getByTestId('token-calls')).toHaveText('3')
    await expect(
      page.getByTestId('token-row').filter({ hasText: 'Beta' }).getByTestId('token-calls'),
    ).toHaveText('1')

    // The usage card: per token, 24 h and 7 days by outcome, top tools by title, quota meters.
    const rowA = usageRow(page, 'Alpha')
    await expect(rowA.getByTestId('usage-day')).toHaveText('3 calls')
    await expect(rowA.getByTestId('usage-week')).toHaveText('3 calls')
    await expect(rowA.getByTestId('usage-day-outcomes-ok')).toHaveText('3 succeeded')
    await expect(rowA.getByTestId('usage-day-outcomes-denied')).toHaveText('0 denied')
    await expect(rowA.getByTestId('usage-day-outcomes-refused')).toHaveText('1 over quota')
    await expect(rowA.getByTestId('usage-top')).toHaveText('Top tools: Get state (Home) (3)')
    await expect(rowA.getByTestId('usage-quota-day-used')).toHaveText('3 / 3')
    const meter = rowA.getByTestId('usage-quota-day-meter')
    await expect(meter).toHaveAttribute('role', 'meter')
    await expect(meter).toHaveAttribute('aria-valuenow', '3')
    await expect(meter).toHaveAttribute('aria-valuemax', '3')
    await expect(meter).toHaveAttribute('aria-valuetext', 'Today: 3 of 3 calls used')
    await expect(rowA.getByTestId('usage-quota-day')).toContainText(
      /Resets in \d+ hours?|Resets in \d+ minutes?/,
    )
    await expect(rowA.getByTestId('usage-quota-month-used')).toHaveText('3 calls, no limit')
    const rowB = usageRow(page, 'Beta')
    await expect(rowB.getByTestId('usage-day')).toHaveText('1 call')
    await expect(rowB.getByTestId('usage-day-outcomes-denied')).toHaveText('1 denied')
    await expect(rowB.getByTestId('usage-day-outcomes-ok')).toHaveText('0 succeeded')
    await expect(rowB.getByTestId('usage-no-quota')).toHaveText(
      'No quota: this client’s calls are not limited.',
    )

    // The detail: 30 days by day, its numbers as text, axe-clean in light and dark.
    await rowA.getByTestId('usage-open').click()
    const detail = page.getByTestId('usage-detail')
    await expect(detail).toBeVisible()
    await expect(detail.getByTestId('usage-detail-chart')).toHaveAttribute(
      'aria-label',
      'Calls per day, last 30 days: 3 calls: 3 succeeded, 0 denied, 0 failed',
    )
    await expect(detail.getByTestId('usage-detail-chart-summary')).toContainText('1 more refused by a quota')
    await expect(
      detail.getByTestId('usage-detail-chart').locator('.recharts-bar-rectangle').first(),
    ).toBeVisible()
    await detail.getByTestId('usage-detail-chart-numbers').locator('summary').click()
    const today = detail.getByTestId('usage-detail-chart-numbers').getByRole('row').last()
    await expect(today.getByRole('cell')).toHaveText(['3', '0', '0', '1'])
    await expect(detail.getByTestId('usage-detail-tools')).toContainText('Get state (Home)')
    await expect(detail.getByTestId('usage-quota-day-used')).toHaveText('3 / 3')
    await expectAccessible(page, 'usage detail (light)')
    await core.invoke('settings.update', { theme: 'dark' })
    await expect(page.locator('#root > .radix-themes')).toHaveClass(/\bdark\b/)
    await expectAccessible(page, 'usage detail (dark)')
    await detail.getByTestId('usage-detail-close').click()
    await expect(detail).toBeHidden()
    // Focus goes back to the button that opened it.
    await expect(rowA.getByTestId('usage-open')).toBeFocused()
    await expectAccessible(page, 'bridge with usage (dark)')
    await core.invoke('settings.update', { theme: 'light' })

    // The dashboard chart: from the same aggregate; total = ok + denied + error, quota refusals apart.
    await go(page, 'dashboard', 'Dashboard')
    const chart = page.getByTestId('calls-chart')
    await expect(chart).toHaveAttribute('aria-label', 'Last 24 h: 4 calls: 3 succeeded, 1 denied, 0 failed')
    await expect(page.getByTestId('calls-chart-summary')).toContainText('1 more refused by a quota')
    // The top lists follow the span: the last 24 hours from the rows, then the 7 days of the aggregate.
    await expect(page.getByTestId('dashboard-top-tools')).toContainText('Top tools, last 24 hours')
    await expect(page.getByTestId('dashboard-top-tools')).toContainText('Get state (Home)4 calls')
    await expect(page.getByTestId('dashboard-top-clients').getByRole('listitem')).toHaveText([
      'Alpha3 calls',
      'Beta1 call',
    ])
    await page.getByRole('radio', { name: 'Last 7 days' }).click()
    await expect(page.getByTestId('dashboard-top-tools')).toContainText('Top tools, last 7 days')
    await expect(page.getByTestId('dashboard-top-tools')).toContainText('Get state (Home)4 calls')
    await expect(chart).toHaveAttribute('aria-label', 'Last 7 days: 4 calls: 3 succeeded, 1 denied, 0 failed')
    await page.getByTestId('calls-chart-numbers').locator('summary').click()
    await expect(
      page.getByTestId('calls-chart-numbers').getByRole('row').last().getByRole('cell'),
    ).toHaveText(['3', '1', '0', '1'])
    await expectAccessible(page, 'dashboard with calls (light)')

    // French, and the layout at the smallest and largest window.
    await core.invoke('settings.update', { language: 'fr' })
    await go(page, 'bridge', 'Passerelle')
    await expect(rowA.getByTestId('usage-day')).toHaveText('3 appels')
    await expect(rowA.getByTestId('usage-day-outcomes-refused')).toHaveText('1 hors quota')
    await expect(rowA.getByTestId('usage-top')).toHaveText('Outils les plus appelés : Lire l’état (Home) (3)')
    await expect(rowA.getByTestId('usage-quota-day-meter')).toHaveAttribute(
      'aria-valuetext',
      'Aujourd’hui : 3 appels utilisés sur 3',
    )
    await expect(rowA.getByTestId('usage-quota-day')).toContainText(
      /Remise à zéro dans \d+ (heures?|minutes?)/,
    )
    await expect(rowB.getByTestId('usage-day')).toHaveText('1 appel')
    for (const lang of ['en', 'fr'] as const) {
      await core.invoke('settings.update', { language: lang })
      for (const size of [
        { width: 900, height: 600 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(size)
        const where = `${lang} ${size.width}×${size.height}`
        await go(page, 'bridge', lang === 'en' ? 'Bridge' : 'Passerelle')
        await expect(rowA).toBeVisible()
        await expectNoHorizontalScroll(page, `bridge usage ${where}`)
        await rowA.getByTestId('usage-open').click()
        await expect(detail.getByTestId('usage-detail-chart')).toBeVisible()
        const box = await detail.boundingBox()
        expect(box!.x + box!.width, `usage detail ${where}`).toBeLessThanOrEqual(size.width)
        await page.keyboard.press('Escape')
        await go(page, 'dashboard', lang === 'en' ? 'Dashboard' : 'Tableau de bord')
        await expect(chart).toBeVisible()
        await expectNoHorizontalScroll(page, `dashboard ${where}`)
      }
    }
    await core.invoke('settings.update', { language: 'fr' })
    await go(page, 'dashboard', 'Tableau de bord')
    await expect(chart).toHaveAttribute(
      'aria-label',
      '7 derniers jours : 4 appels : 3 réussis, 1 refusé, 0 en échec',
    )
  } finally {
    await app.close()
    await fakes.close()
  }
})
