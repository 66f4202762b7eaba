import { z } from 'zod'
import { CredentialStatus, CredentialSummary } from '../models/credential'
import { channel } from './define'

export const credentialsChannels = {
  'credentials.list': channel(
    z.object({ service: z.string().optional(), status: CredentialStatus.optional() }).default({}),
    z.array(CredentialSummary),
  ),
}

export const credentialsEvents = {
  'credentials.changed': z.object({ at: z.number() }),
}
