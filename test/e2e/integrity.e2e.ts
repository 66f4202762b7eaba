import { test, expect } from './support/harness'
import { go, onboard } from './support/flows'
import { getBridge } from '../../electron/core/bridge/feature'
import { expectAccessibleBothThemes } from './support/axe'

test('the integrity banner names rows changed or deleted outside Keybridge, in French too; accepting a deletion lets tokens in again', async ({
  app,
}) => {
  const { page, core } = app
  await onboard(page, 'keychain')
  const bridge = getBridge(core.ctx)
  const { token } = bridge.tokens.create({ name: 'Laptop', scopes: ['github*'] })
  bridge.permissions.set('test/write_thing', 'off', false)

  // Another process of the same user widens the token's scopes and deletes the "off" permission.
  core.ctx.db.prepare(`UPDATE bridge_tokens SET scopes = '["*"]' WHERE name = 'Laptop'`).run()
  core.ctx.db.prepare("DELETE FROM bridge_tool_permissions WHERE tool = 'test/write_thing'").run()
  await page.reload()

  const banner = page.getByTestId('integrity-banner')
  await expect(banner.getByTestId('integrity-rollback')).toContainText(
    'deleted outside Keybridge (tool permission "test/write_thing")',
  )
  await expect(banner.getByTestId('integrity-row')).toContainText('The client token "Laptop" was changed')
  expect(bridge.tokens.verify(token)).toMatchObject({ ok: false })
  await expectAccessibleBothThemes(page, core, 'integrity banner')

  await go(page, 'settings', 'Settings')
  await page.getByTestId('language-select').click()
  await page.getByRole('option', { name: 'Français' }).click()
  await expect(banner.getByTestId('integrity-rollback')).toHaveText(
    /^Des lignes de ce coffre ont été supprimées hors de Keybridge \(permission d’outil « test\/write_thing »\)/,
  )
  await expect(banner.getByTestId('integrity-row')).toContainText(
    'L’élément « Laptop » (jeton client) a été modifié hors de Keybridge',
  )
  await expect(banner).not.toContainText('outside Keybridge')

  // Accepted: the deletion is taken as it is; the forged token row stays refused.
  await banner.getByTestId('integrity-accept-rollback').click()
  await expect(banner.getByTestId('integrity-rollback')).toHaveCount(0)
  await expect(banner.getByTestId('integrity-row')).toHaveCount(1)
  expect(bridge.tokens.verify(token)).toMatchObject({ ok: false, reason: 'tampered' })
  const accepted = core.ctx.db
    .prepare("SELECT actor FROM audit_log WHERE action = 'rollback_accepted'")
    .pluck()
    .all()
  expect(accepted).toEqual(['ui'])
})
