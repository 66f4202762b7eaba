import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCore, TEST_PASSWORD } from '../../helpers/core'
import { startFakeHomeAssistant, type FakeHomeAssistant } from '../../fakes/homeassistant/server'

let ha: FakeHomeAssistant
let core: Awaited<ReturnType<typeof makeCore>>
const outputs: unknown[] = []
const events: unknown[] = []

/** Every IPC answer is kept, so the test can prove none of them ever carried the token. */
async function call<T = Record<string, unknown>>(channel: string, input?: unknown): Promise<T> {
  const res = await core.invoke(channel, input)
  outputs.push(res)
  if (!res.ok) throw Object.assign(new Error(res.error.message), res.error)
  return res.data as T
}

beforeAll(async () => {
  ha = await startFakeHomeAssistant()
  core = await makeCore({ unlocked: true })
  core.ctx.events.subscribe((name, payload) => events.push({ name, payload }))
})
afterAll(async () => {
  await core.dispose()
  await ha.close()
})

interface Saved {
  instance: {
    id: string
    name: string
    slug: string
    url: string
    allowedDomains: string[]
    lastProbe: unknown
  }
  probe: { reachable: boolean; version: string; entityCount: number } | null
}

describe('Home Assistant instances over IPC', () => {
  let id = ''

  it('tests an unsaved connection, then adds it with the probe result', async () => {
    const test = await call<{ reachable: boolean; entityCount: number; version: string }>(
      'homeassistant.test',
      {
        url: ha.url + '/',
        token: ha.token,
      },
    )
    expect(test).toMatchObject({ reachable: true, entityCount: ha.states.size, version: ha.version })
    expect(await call('homeassistant.list')).toEqual([])

    const before = events.length
    const saved = await call<Saved>('homeassistant.add', {
      name: 'My Home',
      url: ha.url + '/api',
      token: ha.token,
      allowedDomains: ['Light', 'switch', 'light'],
    })
    id = saved.instance.id
    expect(saved.instance).toMatchObject({
      name: 'My Home',
      slug: 'my_home',
      url: ha.url,
      allowedDomains: ['light', 'switch'],
    })
    expect(saved.probe).toMatchObject({ reachable: true, version: ha.version, entityCount: ha.states.size })
    expect(events.slice(before)).toContainEqual({
      name: 'homeassistant.changed',
      payload: { at: expect.any(Number) },
    })
    const listed = await call<Saved['instance'][]>('homeassistant.list')
    expect(listed.map((i) => i.name)).toEqual(['My Home'])
    expect(listed[0].lastProbe).toMatchObject({ reachable: true })
    expect(await call('homeassistant.get', { id })).toMatchObject({ name: 'My Home' })
  })

  it('refuses to save an instance whose token is refused, and saves it with validate off', async () => {
    const res = await core.invoke('homeassistant.add', { name: 'Cabin', url: ha.url, token: 'wrong' })
    outputs.push(res)
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Not saved: .*401/) },
    })
    expect((await call<unknown[]>('homeassistant.list')).length).toBe(1)

    const saved = await call<Saved>('homeassistant.add', {
      name: 'Cabin',
      url: ha.url,
      token: 'wrong',
      validate: false,
    })
    expect(saved.probe).toBeNull()
    const probe = await call<{ reason: string }>('homeassistant.probe', { id: saved.instance.id })
    expect(probe.reason).toBe('bad_token')
    expect(
      (await call<Saved['instance']>('homeassistant.get', { id: saved.instance.id })).lastProbe,
    ).toMatchObject({
      reason: 'bad_token',
    })
    // A fixed token on edit is probed before it is kept.
    const fixed = await call<Saved>('homeassistant.update', { id: saved.instance.id, token: ha.token })
    expect(fixed.probe).toMatchObject({ reachable: true })
    await call('homeassistant.remove', { id: saved.instance.id })
  })

  it('refuses duplicate names and names that would share tool names', async () => {
    for (const name of ['my home', 'My-Home']) {
      const res = await core.invoke('homeassistant.add', {
        name,
        url: ha.url,
        token: ha.token,
        validate: false,
      })
      expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    }
    const bad = await core.invoke('homeassistant.add', {
      name: 'X',
      url: 'https://u:p@ha.example.com',
      token: 't',
    })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/user name and password/) },
    })
  })

  it('edits name and domains keeping the token, probes on demand, lists domains', async () => {
    const edited = await call<Saved>('homeassistant.update', {
      id,
      name: 'Main House',
      allowedDomains: ['light', 'climate'],
    })
    expect(edited.instance).toMatchObject({
      name: 'Main House',
      slug: 'main_house',
      allowedDomains: ['climate', 'light'],
    })
    expect(edited.probe).toBeNull() // the connection did not change
    const probe = await call<{ reachable: boolean; entityCount: number }>('homeassistant.probe', { id })
    expect(probe).toMatchObject({ reachable: true, entityCount: ha.states.size })
    const { domains } = await call<{
      domains: { domain: string; entityCount: number; services: string[] }[]
    }>('homeassistant.domains', { id })
    expect(domains.find((d) => d.domain === 'light')).toEqual({
      domain: 'light',
      entityCount: 3,
      services: ['toggle', 'turn_off', 'turn_on'],
    })
    expect(domains.find((d) => d.domain === 'homeassistant')).toMatchObject({ entityCount: 0 })
    expect(domains.map((d) => d.domain)).toEqual(
      expect.arrayContaining(['sensor', 'climate', 'switch', 'lock', 'weather', 'sun']),
    )
  })

  it('keeps the token usable across a vault key rotation', async () => {
    await call('vault.rotateKey', { password: TEST_PASSWORD })
    expect(await call('homeassistant.probe', { id })).toMatchObject({ reachable: true })
  })

  it('needs the vault unlocked to add or probe, not to list', async () => {
    core.ctx.keyring.lock()
    try {
      expect((await call<unknown[]>('homeassistant.list')).length).toBe(1)
      const res = await core.invoke('homeassistant.probe', { id })
      expect(res).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } })
      const add = await core.invoke('homeassistant.add', { name: 'Other', url: ha.url, token: ha.token })
      expect(add).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } })
    } finally {
      await core.ctx.vault.unlock({ password: TEST_PASSWORD }, 'ui')
    }
  })

  it('never puts the token in the database file, an IPC output, an event or the audit trail', async () => {
    const files = readdirSync(core.dataDir).filter((f) => f.startsWith('vault.sqlite'))
    expect(files.length).toBeGreaterThan(0)
    const needle = Buffer.from(ha.token)
    for (const f of files) expect(readFileSync(join(core.dataDir, f)).includes(needle), f).toBe(false)
    expect(outputs.length).toBeGreaterThan(10)
    expect(JSON.stringify(outputs)).not.toContain(ha.token)
    expect(JSON.stringify(events)).not.toContain(ha.token)
    const audit = core.ctx.db
      .prepare("SELECT action, target, detail FROM audit_log WHERE target LIKE 'homeassistant/%'")
      .all() as {
      action: string
    }[]
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['created', 'renamed', 'probed', 'deleted']),
    )
    expect(JSON.stringify(audit)).not.toContain(ha.token)
    expect(JSON.stringify(audit)).not.toContain('wrong')
  })

  it('removes an instance', async () => {
    expect(await call('homeassistant.remove', { id })).toEqual({ ok: true })
    expect(await call('homeassistant.list')).toEqual([])
    const res = await core.invoke('homeassistant.get', { id })
    expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})
