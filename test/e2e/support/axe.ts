import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'
import type { Core } from '../../../electron/core/app'

/** Runs axe-core on the page (WCAG 2.x A/AA rules) and fails on any critical or serious violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Colours are measured as painted: a dialog still fading in blends its buttons with the page.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  const bad = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
  const report = bad.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`)
        .join('\n'),
  )
  expect(report, `axe on ${where}`).toEqual([])
}

/** No sideways scrolling: the page is never wider than the window. */
export async function expectNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const m = await page.evaluate(() => {
    const el = document.scrollingElement!
    const wide = [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`.slice(0, 80))
    return { scroll: el.scrollWidth, client: el.clientWidth, wide }
  })
  expect(
    m.scroll,
    `${where}: scrollWidth ${m.scroll} > clientWidth ${m.client}; wide: ${m.wide.join(', ')}`,
  ).toBeLessThanOrEqual(m.client)
}

type Theme = 'light' | 'dark'

async function showTheme(page: Page, core: Core, theme: Theme) {
  await core.invoke('settings.update', { theme })
  await expect(page.locator('#root > .radix-themes')).toHaveClass(new RegExp(`\\b${theme}\\b`))
}

/**
 * axe in light and dark on the screen as it is now (an open dialog stays open while the theme changes
 * under it), then back to light; the theme is set through the real core, as the Settings screen does.
 */
export async function expectAccessibleBothThemes(page: Page, core: Core, where: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await showTheme(page, core, theme)
    await expectAccessible(page, `${where} (${theme})`)
  }
  await showTheme(page, core, 'light')
}
