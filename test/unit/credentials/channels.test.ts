import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/core/clock'
import { makeCore } from '../../helpers/core'
import { credential } from '../vault/fixtures'
import { MemoryClipboard, settleClipboard } from './memory-clipboard'

const DAY = 86_400_000

describe('credential channels', () => {
  let dispose = async () => {}
  afterEach(() => dispose())

  async function setup(withClipboard = true) {
    const clipboard = withClipboard ? new MemoryClipboard() : undefined
    const clock = new ManualClock()
    const core = await makeCore({ unlocked: true, clock, clipboard })
    dispose = core.dispose
    const store = core.ctx.credentials
    const a = store.create(
      credential({ service: 'notion', name: 'personal', secrets: { token: 'secret_aaa', extra: 'xyz' } }),
      'ui',
    )
    const b = store.create(
      credential({ service: 'notion', name: 'work', secrets: { token: 'secret_bbb' } }),
      'ui',
    )
    const c = store.create(
      credential({ service: 'todoist', name: 'main', status: 'invalid', expiresAt: clock.now() + 3 * DAY }),
      'ui',
    )
    return { core, clock, clipboard, a, b, c }
  }

  it('get, setPrimary (atomic switch), delete (promotes), name uniqueness', async () => {
    const { core, a, b } = await setup()
    expect(await core.invoke('credentials.get', { id: a.id })).toMatchObject({
      ok: true,
      data: { name: 'personal', isPrimary: true, secretFields: ['extra', 'token'] },
    })
    expect(JSON.stringify(await core.invoke('credentials.get', { id: a.id }))).not.toContain('secret_aaa')
    expect(await core.invoke('credentials.get', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(await core.invoke('credentials.setPrimary', { id: b.id })).toMatchObject({
      ok: true,
      data: { isPrimary: true },
    })
    const primaries = core.ctx.credentials.list({ service: 'notion' }).filter((x) => x.isPrimary)
    expect(primaries.map((x) => x.name)).toEqual(['work'])
    expect(await core.invoke('credentials.delete', { id: b.id })).toMatchObject({
      ok: true,
      data: { deleted: b.id, promoted: { id: a.id, isPrimary: true } },
    })
    expect(await core.invoke('credentials.delete', { id: a.id })).toMatchObject({
      ok: true,
      data: { promoted: null },
    })
    expect(core.ctx.credentials.list({ service: 'notion' })).toEqual([])
    // Names are unique per service, case-insensitively; the same name in another service is fine.
    core.ctx.credentials.create(credential({ service: 'notion', name: 'Main' }), 'ui')
    expect(() => core.ctx.credentials.create(credential({ service: 'notion', name: 'main' }), 'ui')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    )
    const d = core.ctx.credentials.create(credential({ service: 'notion', name: 'other' }), 'ui')
    expect(() => core.ctx.credentials.update(d.id, { name: 'MAIN' }, 'ui')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    )
  })

  it('reveal returns only the asked field and is audited without the value', async () => {
    const { core, a } = await setup()
    expect(await core.invoke('credentials.reveal', { id: a.id, field: 'token' })).toEqual({
      ok: true,
      data: { field: 'token', value: 'secret_aaa' },
    })
    expect(await core.invoke('credentials.reveal', { id: a.id, field: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    const audit = await core.invoke('audit.list', { action: 'revealed' })
    expect(audit).toMatchObject({
      data: { total: 1, entries: [{ target: 'notion/personal', detail: { field: 'token' } }] },
    })
    expect(JSON.stringify(audit)).not.toContain('secret_aaa')
  })

  it('copy puts the secret on the clipboard and clears it after 30 s only if it is still there', async () => {
    const { core, clock, clipboard, a, b } = await setup()
    const res = await core.invoke('credentials.copy', { id: a.id, field: 'token' })
    expect(res).toEqual({ ok: true, data: { clearsAt: clock.now() + 30_000 } })
    // The clipboard is asynchronous: copy answers once the write has landed.
    expect(clipboard!.text).toBe('secret_aaa')
    clock.advance(29_999)
    await settleClipboard()
    expect(clipboard!.text).toBe('secret_aaa')
    clock.advance(1)
    await settleClipboard()
    expect(clipboard!.text).toBe('')

    await core.invoke('credentials.copy', { id: b.id, field: 'token' })
    await clipboard!.writeText('something the user copied')
    clock.advance(30_000)
    await settleClipboard()
    expect(clipboard!.text).toBe('something the user copied')

    // A second copy replaces the first timer; locking clears at once.
    await core.invoke('credentials.copy', { id: a.id, field: 'token' })
    clock.advance(20_000)
    await core.invoke('credentials.copy', { id: b.id, field: 'token' })
    clock.advance(20_000)
    await settleClipboard()
    expect(clipboard!.text).toBe('secret_bbb')
    await core.invoke('vault.lock', {})
    await settleClipboard()
    expect(clipboard!.text).toBe('')
    const audit = await core.invoke('audit.list', { action: 'copied' })
    expect(audit).toMatchObject({ data: { total: 4 } })
    expect(JSON.stringify(audit)).not.toMatch(/secret_(aaa|bbb)/)
  })

  it('the 30 s clear compares with what the clipboard holds at that moment', async () => {
    const { core, clock, clipboard, a } = await setup()
    await core.invoke('credentials.copy', { id: a.id, field: 'token' })
    clock.advance(30_000)
    // The user copies something while the clear is still reading the clipboard: it is kept.
    await clipboard!.writeText('copied meanwhile')
    await settleClipboard()
    expect(clipboard!.text).toBe('copied meanwhile')
    // A copy right after the timer fired is not wiped by that (older) clear either.
    await core.invoke('credentials.copy', { id: a.id, field: 'token' })
    clock.advance(29_000)
    const again = core.invoke('credentials.copy', { id: a.id, field: 'token' })
    clock.advance(1_000)
    await again
    await settleClipboard()
    expect(clipboard!.text).toBe('secret_aaa')
  })

  it('copy without a clipboard is a clear error and reads nothing', async () => {
    const { core, a } = await setup(false)
    expect(await core.invoke('credentials.copy', { id: a.id, field: 'token' })).toMatchObject({
      ok: false,
      error: { code: 'IO_ERROR', message: expect.stringMatching(/no clipboard/) },
    })
    expect(await core.invoke('audit.list', { action: 'copied' })).toMatchObject({ data: { total: 0 } })
  })

  it('stats: total, by status, by state (adding up), by service, expiring within 7 days', async () => {
    const { core, clock, c } = await setup()
    core.ctx.credentials.create(
      credential({ service: 'x', name: 'later', expiresAt: clock.now() + 8 * DAY }),
      'ui',
    )
    // Kept with "Save anyway" after a failed check, and stored without any check: two different states.
    core.ctx.credentials.create(
      credential({ service: 'x', name: 'refused', status: 'unvalidated', validationError: 'X rejected it.' }),
      'ui',
    )
    core.ctx.credentials.create(credential({ service: 'x', name: 'unchecked', status: 'unvalidated' }), 'ui')
    expect(await core.invoke('credentials.stats', {})).toEqual({
      ok: true,
      data: {
        total: 6,
        byStatus: { active: 3, invalid: 1, expired: 0, revoked: 0, unvalidated: 2 },
        // Every state once: these add up to the total.
        byState: { active: 3, invalid: 1, expired: 0, revoked: 0, unvalidated: 1, check_failed: 1 },
        byService: [
          { service: 'notion', count: 2 },
          { service: 'todoist', count: 1 },
          { service: 'x', count: 3 },
        ],
        expiringSoon: [{ id: c.id, service: 'todoist', name: 'main', expiresAt: clock.now() + 3 * DAY }],
      },
    })
  })
})
