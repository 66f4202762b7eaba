import { z } from 'zod'
import { CredentialStats, CredentialStatus, CredentialSummary } from '../models/credential'
import { channel, NoInput } from './define'

const ById = z.object({ id: z.string().min(1).max(100) })
const SecretField = ById.extend({ field: z.string().min(1).max(100) })

export const credentialsChannels = {
  'credentials.list': channel(
    z.object({ service: z.string().optional(), status: CredentialStatus.optional() }).default({}),
    z.array(CredentialSummary),
  ),
  'credentials.get': channel(ById, CredentialSummary),
  'credentials.delete': channel(
    ById,
    z.object({ deleted: z.string(), promoted: CredentialSummary.nullable() }),
  ),
  'credentials.setPrimary': channel(ById, CredentialSummary),
  /** The one explicit path by which a secret reaches the renderer; audited as `revealed`. */
  'credentials.reveal': channel(SecretField, z.object({ field: z.string(), value: z.string() })),
  /** Copies in the main process; the clipboard is cleared at `clearsAt` if it still holds the secret. */
  'credentials.copy': channel(SecretField, z.object({ clearsAt: z.number() })),
  'credentials.stats': channel(NoInput, CredentialStats),
}

export const credentialsEvents = {
  'credentials.changed': z.object({ at: z.number() }),
}
