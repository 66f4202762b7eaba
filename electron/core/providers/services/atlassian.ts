import { fromStatus, need, obj, rejected, str, valid, unexpected } from '../checks'
import type { CredentialInput, Provider } from '../types'

// Jira Cloud and Confluence share Atlassian accounts: Basic email:api_token on the user's site.

function basic(c: CredentialInput): Record<string, string> {
  const pair = `${need(c, 'email', 'account email')}:${need(c, 'apiToken', 'API token')}`
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}`, accept: 'application/json' }
}

export const jira: Provider = {
  id: 'jira',
  baseField: 'site',
  authenticate: basic,
  async validate({ name, send }) {
    const res = await send({ path: '/rest/api/3/myself' })
    if (res.status !== 200) return fromStatus(name, res)
    const me = obj(res.json())
    const accountId = str(me?.['accountId'])
    if (!accountId) return unexpected(name, 'no accountId in the answer')
    // emailAddress is hidden by some profiles' privacy settings.
    const account = str(me?.['emailAddress']) ?? str(me?.['displayName']) ?? accountId
    return valid(name, account, { accountId, displayName: str(me?.['displayName']) })
  },
}

export const confluence: Provider = {
  id: 'confluence',
  baseField: 'site',
  authenticate: basic,
  async validate({ name, send }) {
    const res = await send({ path: '/wiki/rest/api/user/current' })
    if (res.status !== 200) return fromStatus(name, res)
    const me = obj(res.json())
    // An anonymous user means the credentials were not counted at all.
    if (me?.['type'] !== 'known') return rejected(name, 'signed in as anonymous')
    const accountId = str(me?.['accountId'])
    return valid(name, str(me?.['email']) ?? str(me?.['displayName']) ?? accountId, {
      accountId,
      displayName: str(me?.['displayName']),
    })
  },
}
