import { afterEach, describe, expect, it } from 'vitest'
import { makeCore } from '../../helpers/core'
import type { NewCredential } from '../../../electron/core/credentials/store'

const base = (over: Partial<NewCredential>): NewCredential => ({
  service: 'github',
  name: 'personal',
  account: null,
  fields: {},
  secrets: { token: 'ghp_test' },
  status: 'active',
  lastValidatedAt: null,
  validationError: null,
  expiresAt: null,
  metadata: {},
  ...over,
})

describe('credential store', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  it('keeps exactly one primary per service and promotes on delete', async () => {
    const core = await makeCore({ unlocked: true })
    dispose = core.dispose
    const store = core.ctx.credentials
    const a = store.create(base({ name: 'personal' }), 'ui')
    const b = store.create(base({ name: 'work' }), 'ui')
    expect(a.isPrimary).toBe(true)
    expect(b.isPrimary).toBe(false)
    store.setPrimary(b.id, 'ui')
    expect(
      store
        .list({ service: 'github' })
        .filter((c) => c.isPrimary)
        .map((c) => c.name),
    ).toEqual(['work'])
    const { promoted } = store.delete(b.id, 'ui')
    expect(promoted?.name).toBe('personal')
    expect(() => store.create(base({ name: 'PERSONAL' }), 'ui')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    )
  })

  it('needs the key for secrets but not for listing', async () => {
    const core = await makeCore({ unlocked: true })
    dispose = core.dispose
    const c = core.ctx.credentials.create(base({}), 'ui')
    core.ctx.vault.lock('ui')
    expect(core.ctx.credentials.list()).toHaveLength(1)
    expect(() => core.ctx.credentials.readSecrets(c.id, { actor: 'ui', action: 'revealed' })).toThrow(
      expect.objectContaining({ code: 'VAULT_LOCKED' }),
    )
  })
})
