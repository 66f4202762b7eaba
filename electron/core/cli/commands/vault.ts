import { AppError } from '../../../../shared/errors'
import type { CommandSpec } from '../spec'

export const vaultCommands: CommandSpec[] = [
  {
    name: 'init',
    summary: 'create a vault protected by a master password',
    options: {
      'auto-lock': {
        type: 'string',
        description: 'minutes of idle before the desktop app locks: 1|5|15|30|60|240|never',
      },
    },
    async run(ctx) {
      const core = await ctx.openCore()
      if (core.ctx.vault.initialized) {
        throw new AppError('VAULT_ALREADY_INITIALIZED', `A vault already exists in ${ctx.dataDir}.`)
      }
      const raw = (ctx.values['auto-lock'] as string | undefined) ?? '15'
      const autoLockMinutes = raw === 'never' ? null : Number(raw)
      const password = await ctx.masterPassword('Choose a master password: ')
      if (!ctx.env['KEYBRIDGE_PASSWORD'] && !ctx.values['password-file'] && ctx.io.isTTY) {
        const again = await ctx.io.promptSecret('Repeat it: ')
        if (again !== password)
          throw new AppError('INVALID_INPUT', 'The two passwords differ. Nothing was created.')
      }
      const res = await core.invoke(
        'vault.create',
        { mode: 'password', password, autoLockMinutes },
        { actor: 'cli' },
      )
      if (!res.ok) throw new AppError(res.error.code, res.error.message)
      ctx.print(`Created a vault in ${ctx.dataDir}.`, { dataDir: ctx.dataDir, ...(res.data as object) })
    },
  },
  {
    name: 'lock-status',
    summary: 'whether a vault exists, how it is protected, its auto-lock',
    async run(ctx) {
      const core = await ctx.openCore()
      const s = core.ctx.vault.status()
      const human = !s.initialized
        ? `No vault in ${ctx.dataDir}.`
        : [
            `Vault: ${ctx.dataDir}`,
            `Protected by: ${s.protectors.map((p) => (p === 'os' ? 'OS keychain' : 'master password')).join(' + ')}`,
            `Auto-lock (desktop): ${s.autoLockMinutes === null ? 'never' : `${s.autoLockMinutes} min`}`,
            `Headless: ${s.hasPassword ? 'opens with the master password' : 'cannot open (no master password)'}`,
          ].join('\n')
      ctx.print(human, { dataDir: ctx.dataDir, ...s, locked: true })
    },
  },
]
