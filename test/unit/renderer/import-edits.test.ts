import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportPlan } from '../../../shared/ipc/importConfig'
import {
  canApply,
  credentialViews,
  NO_EDITS,
  rewriteMoves,
  serverViews,
  toApplyEdits,
  type Edits,
} from '../../../renderer/src/features/import/edits'
import { makeCore } from '../../helpers/core'

const FIXTURE = join(__dirname, '../../fixtures/import-config/claude_desktop_config.json')
const GH = 'github:env:GITHUB_PERSONAL_ACCESS_TOKEN'
const SLACK = 'slack:env:SLACK_BOT_TOKEN'

// The plan comes from the real core's preview of the Claude Desktop fixture, with github/github
// already in the vault (a conflict with a suggested name).
let plan: ImportPlan
let dispose = async () => {}
beforeAll(async () => {
  const core = await makeCore({ unlocked: true })
  dispose = core.dispose
  const path = join(core.dataDir, 'claude_desktop_config.json')
  copyFileSync(FIXTURE, path)
  core.ctx.credentials.create(
    {
      service: 'github',
      name: 'github',
      account: null,
      fields: {},
      secrets: { token: 'ghp_existing' },
      status: 'unvalidated',
      lastValidatedAt: null,
      validationError: null,
      expiresAt: null,
      metadata: {},
    },
    'ui',
  )
  const r = await core.invoke('importConfig.preview', { path })
  if (!r.ok) throw new Error(r.error.message)
  plan = r.data as ImportPlan
})
afterAll(() => dispose())

const edit = (credentials: Edits['credentials'], servers: Edits['servers'] = {}): Edits => ({
  credentials,
  servers,
})

describe('import plan edits (renderer)', () => {
  it('as proposed: the vault clash blocks apply until renamed, and nothing is sent as an edit', () => {
    const gh = credentialViews(plan, NO_EDITS).find((c) => c.id === GH)!
    expect(gh.problem).toEqual({
      kind: 'conflict',
      message: expect.stringContaining('"github"'),
      note: expect.objectContaining({
        code: 'credential_exists',
        params: expect.objectContaining({ name: 'github' }),
      }),
    })
    expect(gh.suggestedName).toBe('github-2')
    expect(canApply(plan, NO_EDITS)).toBe(false)
    expect(toApplyEdits(plan, NO_EDITS)).toEqual({ credentials: [], servers: [] })
    // Leaving it out resolves the clash too.
    expect(canApply(plan, edit({ [GH]: { include: false } }))).toBe(true)
  })

  it('a rename resolves the clash, follows into the server references and is sent trimmed', () => {
    const e = edit({ [GH]: { name: 'github-2' }, [SLACK]: { name: ' slack-bot ' } })
    expect(credentialViews(plan, e).every((c) => c.problem === null)).toBe(true)
    const slack = serverViews(plan, e).find((s) => s.id === 'slack')!
    expect(slack.env).toEqual([
      { key: 'SLACK_BOT_TOKEN', kind: 'reference', value: '{{credential:slack/slack-bot.token}}' },
      { key: 'SLACK_TEAM_ID', kind: 'literal', value: 'T01234567' },
    ])
    expect(toApplyEdits(plan, e).credentials).toEqual([
      { id: GH, name: 'github-2' },
      { id: SLACK, name: 'slack-bot' },
    ])
  })

  it('names are checked as the core checks them: format, and duplicates within the import', () => {
    const spaced = credentialViews(plan, edit({ [SLACK]: { name: 'slack bot' } })).find(
      (c) => c.id === SLACK,
    )!
    expect(spaced.problem).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('no spaces'),
      field: 'credential',
    })
    // The github server's upstream is `github-mcp` (`github` is a built-in source's name).
    const servers = serverViews(plan, edit({}, { slack: { name: 'github-mcp' } }))
    expect(servers.find((s) => s.id === 'slack')!.problem).toEqual({ kind: 'duplicate', name: 'github-mcp' })
    expect(
      serverViews(plan, edit({}, { slack: { name: 'Slack' } })).find((s) => s.id === 'slack')!.problem,
    ).toMatchObject({ kind: 'invalid' })
  })

  it('a secret left out stays in its server (masked); a server left out stays in the app on rewrite', () => {
    const e = edit({ [GH]: { include: false } }, { filesystem: { include: false } })
    const github = serverViews(plan, e).find((s) => s.id === 'github')!
    expect(github.env).toEqual([{ key: 'GITHUB_PERSONAL_ACCESS_TOKEN', kind: 'literal', value: 'ghp_…0001' }])
    expect(rewriteMoves(plan, NO_EDITS)).toEqual({ removes: plan.rewrite.removes, keeps: plan.rewrite.keeps })
    expect(rewriteMoves(plan, e)).toEqual({
      removes: ['github', 'slack', 'remote-search'],
      keeps: ['filesystem'],
    })
    expect(toApplyEdits(plan, e)).toEqual({
      credentials: [{ id: GH, include: false }],
      servers: [{ id: 'filesystem', include: false }],
    })
  })
})
