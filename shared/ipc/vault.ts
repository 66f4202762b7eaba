import { z } from 'zod'
import { channel, NoInput } from './define'

export const AUTO_LOCK_CHOICES = [1, 5, 15, 30, 60, 240] as const
/** Minutes of idle before auto-lock, or null for never. */
export const AutoLockMinutes = z
  .union([z.literal(1), z.literal(5), z.literal(15), z.literal(30), z.literal(60), z.literal(240)])
  .nullable()

export const VaultMode = z.enum(['keychain', 'keychain+password', 'password'])
export type VaultMode = z.infer<typeof VaultMode>

export const VaultStatus = z.object({
  initialized: z.boolean(),
  locked: z.boolean(),
  /** Which keyslots protect the vault key. */
  protectors: z.array(z.enum(['os', 'password'])),
  hasPassword: z.boolean(),
  osKeychain: z.object({ available: z.boolean(), label: z.string(), reason: z.string().nullable() }),
  autoLockMinutes: AutoLockMinutes,
})
export type VaultStatus = z.infer<typeof VaultStatus>

export const Password = z.string().min(1, 'Enter the master password.').max(1024)

export const vaultChannels = {
  'vault.status': channel(NoInput, VaultStatus),
  'vault.create': channel(
    z.object({
      mode: VaultMode,
      password: Password.optional(),
      autoLockMinutes: AutoLockMinutes.default(15),
    }),
    VaultStatus,
  ),
  'vault.unlock': channel(z.object({ password: Password.optional() }).default({}), VaultStatus),
  'vault.lock': channel(NoInput, VaultStatus),
}

export const vaultEvents = {
  'vault.changed': VaultStatus,
}
