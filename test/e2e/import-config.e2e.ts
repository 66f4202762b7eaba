import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { Core } from '../../electron/core/app'
import { test, expect, openApp, type Harness } from './support/harness'
import { go, onboard } from './support/flows'
import { screenshotDir } from './support/shots'
import { expectAccessibleBothThemes } from './support/axe'

const FIXTURE = join(__dirname, '../fixtures/import-config/claude_desktop_config.json')
/** The fixture's secrets: none may reach the page, and none may stay in the rewritten file. */
const SECRETS = [
  'ghp_FAKEfixture0claude0desktop00000000001',
  'xoxb-1111111111-2222222222-FAKEfixtureSlackBot',
  'FAKEfixtureRemoteBearer0123456789abcdef',
]

/** The fixture copied into the test's temp dir (it gets rewritten), the open dialog primed with it. */
function stageConfig(app: Harness): string {
  const dir = join(app.dataDir, 'Claude')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'claude_desktop_config.json')
  copyFileSync(FIXTURE, path)
  app.dialogs.willPick('open', path)
  return path
}

/** Already in the vault: github/github, so the import's proposal clashes and suggests another name. */
function existingGithub(core: Core) {
  core.ctx.credentials.create(
    {
      service: 'github',
      name: 'github',
      account: null,
      fields: {},
      secrets: { token: 'ghp_alreadyInTheVault000000000000000000' },
      status: 'unvalidated',
      lastValidatedAt: null,
      validationError: null,
      expiresAt: null,
      metadata: {},
    },
    'ui',
  )
}

async function openPlan(page: Page) {
  await page.getByTestId('import-config-path-choose').click()
  await expect(page.getByTestId('import-app')).toHaveText('Claude Desktop')
  await expect(page.getByTestId('import-secret-row')).toHaveCount(3)
}

test('import from an app: choose the file, rename, rewrite with the diff confirmed, then see everything', async ({
  app,
}) => {
  test.setTimeout(60_000)
  const { page, core, dialogs } = app
  await onboard(page, 'keychain')
  const config = stageConfig(app)
  const original = readFileSync(config, 'utf8')

  // Reached from the empty Credentials screen.
  await go(page, 'credentials', 'Credentials')
  await page.getByTestId('import-open-empty').click()
  await expect(page.getByTestId('screen-title')).toHaveText('Import from an app')
  existingGithub(core)
  // The picker with its list of usual places open, after a path that is not there.
  await page.getByTestId('import-config-path').fill(join(app.dataDir, 'Claude', 'missing.json'))
  await page.getByTestId('import-config-read').click()
  await expect(page.getByTestId('import-config-error')).toBeVisible()
  await page.getByText('Where apps keep their config').click()
  await expectAccessibleBothThemes(page, core, 'import: source picker, a file that is not there')

  await openPlan(page)
  expect(dialogs.asked[0]).toMatchObject({ kind: 'open', title: 'Choose an app config or .env file' })
  await expect(page.getByTestId('import-config-path')).toHaveValue(config)
  await expect(page.getByTestId('import-servers').getByTestId('import-server-row')).toHaveCount(4)
  const github = page.locator(
    '[data-testid="import-secret-row"][data-id="github:env:GITHUB_PERSONAL_ACCESS_TOKEN"]',
  )
  const slack = page.locator('[data-testid="import-secret-row"][data-id="slack:env:SLACK_BOT_TOKEN"]')
  await expect(github.getByTestId('secret-masked')).toHaveText('ghp_…0001')
  for (const s of SECRETS) expect(await page.content()).not.toContain(s)

  // The clash with the vault blocks apply until resolved; the suggested name resolves it.
  await expect(github).toContainText('There is already a GitHub credential named "github"')
  await expect(page.getByTestId('import-config-apply')).toBeDisabled()
  await expectAccessibleBothThemes(page, core, 'import: plan with servers, secrets and a clash')
  await github.getByTestId('use-suggested').click()
  await expect(github.getByTestId('secret-name')).toHaveValue('github-2')
  // A name with a space is refused on the spot (it is used in references).
  await slack.getByTestId('secret-name').fill('slack bot')
  await expect(slack.getByRole('alert')).toContainText('no spaces')
  await slack.getByTestId('secret-name').fill('slack-bot')
  const slackServer = page.locator('[data-testid="import-server-row"][data-id="slack"]')
  await expect(slackServer).toContainText('SLACK_BOT_TOKEN={{credential:slack/slack-bot.token}}')
  await expect(slackServer).toContainText('SLACK_TEAM_ID=T01234567')

  // "github" and "slack" are built-in tool sources' names: their servers get other ones.
  for (const name of ['github', 'slack'])
    await page
      .locator(`[data-testid="import-server-row"][data-id="${name}"]`)
      .getByTestId('server-name')
      .fill(`${name}-mcp`)

  // Rewrite: the diff (secrets masked) is shown before anything is confirmed.
  await page.getByTestId('import-rewrite').click()
  await expect(page.getByTestId('import-diff')).toContainText('"keybridge": {')
  await expect(page.getByTestId('import-diff')).toContainText('ghp_…0001')
  await expectAccessibleBothThemes(page, core, 'import: rewrite panel with its diff')
  const apply = page.getByTestId('import-config-apply')
  await apply.click()
  await expect(page.getByRole('alertdialog')).toContainText('Rewrite claude_desktop_config.json?')
  await expectAccessibleBothThemes(page, core, 'import: rewrite confirmation')
  // Cancel gives focus back to the button that asked.
  await page.keyboard.press('Escape')
  await expect(page.getByRole('alertdialog')).toHaveCount(0)
  await expect(apply).toBeFocused()
  expect(readFileSync(config, 'utf8')).toBe(original)
  await apply.click()
  await page.getByTestId('import-confirm').click()

  // The result: what was created, and where the original went.
  const result = page.getByTestId('import-result')
  await expect(result).toContainText('Imported: 3 credentials, 4 upstream servers.')
  await expect(result.getByTestId('result-credential')).toHaveText([
    'github/github-2',
    'slack/slack-bot',
    'custom/remote-search',
  ])
  await expect(result.getByTestId('result-upstream')).toHaveCount(4)
  await expect(result.getByTestId('import-backup-sealed')).toContainText('sealed in the vault')
  await expectAccessibleBothThemes(page, core, 'import: result')

  // On disk: no copy beside it (the original is sealed in the vault), the new file without any secret.
  const siblings = readdirSync(join(app.dataDir, 'Claude'))
  expect(siblings.filter((f) => f.includes('.bak-'))).toHaveLength(0)
  const rewritten = readFileSync(config, 'utf8')
  for (const s of SECRETS) expect(rewritten).not.toContain(s)
  expect(JSON.parse(rewritten).mcpServers.keybridge.env.AUTH).toMatch(/^Bearer kb_/)
  expect(Object.keys(JSON.parse(rewritten).mcpServers)).toEqual(['keybridge'])

  // The credentials are in the Credentials screen, sealed in the vault; the upstreams on the Bridge.
  await page.getByTestId('import-see-credentials').click()
  await expect(page.getByTestId('screen-title')).toHaveText('Credentials')
  await expect(page.getByTestId('credential-row')).toHaveCount(4)
  await expect(page.getByTestId('credential-row').filter({ hasText: 'slack-bot' })).toHaveCount(1)
  await expect(page.getByTestId('credential-row').filter({ hasText: 'github-2' })).toHaveCount(1)
  const stored = core.ctx.db.prepare('SELECT * FROM credentials').all()
  for (const s of SECRETS) expect(JSON.stringify(stored)).not.toContain(s)
  await go(page, 'bridge', 'Bridge')
  for (const name of ['github', 'slack', 'remote-search', 'filesystem'])
    await expect(page.getByTestId('upstream-row').filter({ hasText: name }).first()).toBeVisible()
  await expect(page.getByTestId('upstream-row').filter({ hasText: 'github' })).toContainText(
    '{{credential:github/github-2.token}}',
  )
})

test('screenshots of the import screen, light and dark, for the README', async ({ kbBrowser }) => {
  const app = await openApp(kbBrowser)
  try {
    const { page, core } = app
    await onboard(page, 'keychain')
    existingGithub(core)
    stageConfig(app)
    await go(page, 'credentials', 'Credentials')
    await page.getByTestId('import-open').click()
    await openPlan(page)
    await page.getByTestId('import-rewrite').click()
    await expect(page.getByTestId('import-diff')).toBeVisible()
    // The plan from its heading: what was found, the clash and its suggested name.
    await page.getByTestId('import-plan').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    for (const theme of ['light', 'dark'] as const) {
      await core.invoke('settings.update', { theme })
      await expect(page.locator('#root > .radix-themes')).toHaveClass(new RegExp(`\\b${theme}\\b`))
      await page.screenshot({ path: join(screenshotDir(), `import-${theme}.png`) })
    }
  } finally {
    await app.close()
  }
})

test('import in French: warnings, server notes, the reason a value is secret and a clash read in French', async ({
  app,
}) => {
  test.setTimeout(60_000)
  const { page, core } = app
  await onboard(page, 'keychain')
  existingGithub(core)
  const dir = join(app.dataDir, '.cursor')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'mcp.json')
  // Comments (Cursor refuses them), a server run in its own folder, one named like a built-in source.
  writeFileSync(
    path,
    `{
  // my servers
  "mcpServers": {
    "github": { "command": "npx", "args": ["gh-mcp"], "env": { "GITHUB_TOKEN": "ghp_FAKEfrench0000000000000000000000000001" } },
    "local": { "command": "node", "args": ["s.js"], "cwd": "/srv" }
  }
}`,
  )
  app.dialogs.willPick('open', path)
  await core.invoke('settings.update', { language: 'fr' })
  await go(page, 'credentials', 'Identifiants')
  await page.getByTestId('import-open').click()
  await page.getByTestId('import-config-path-choose').click()
  await expect(page.getByTestId('import-app')).toHaveText('Cursor')

  await expect(page.getByTestId('import-warning')).toHaveText(
    'mcp.json contient des commentaires, que Cursor n’accepte pas dans ce fichier ; Keybridge l’a lu quand même.',
  )
  const secret = page.getByTestId('import-secret-row')
  await expect(secret).toContainText('jeton GitHub (reconnu à sa forme)')
  await expect(secret).toContainText('Le coffre a déjà un identifiant GitHub nommé « github ».')
  const github = page.locator('[data-testid="import-server-row"][data-id="github"]')
  await expect(github).toContainText(
    'Nommé « github-mcp » dans Keybridge : « github » est le nom des outils github propres à Keybridge.',
  )
  const local = page.locator('[data-testid="import-server-row"][data-id="local"]')
  await expect(local).toContainText(
    'Laissé tel quel dans Cursor : il s’exécute dans un dossier précis (« cwd »)',
  )
  // A name against the format rule: the rule in French, not the schema's English sentence.
  await secret.getByTestId('secret-name').fill('mon jeton')
  await expect(secret.getByRole('alert')).toContainText('sans espace')
  await expect(secret.getByRole('alert')).not.toContainText('no spaces')
  // None of the core's English sentences reach the French screen.
  const main = page.getByRole('main')
  for (const english of [
    /does not accept in this file/,
    /recognised by its shape/,
    /There is already/,
    /is the name of Keybridge's own/,
    /Left in Cursor/,
  ])
    await expect(main).not.toContainText(english)
})
