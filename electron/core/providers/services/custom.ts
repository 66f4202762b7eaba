import { AppError } from '../../../../shared/errors'
import { fromStatus, need, notValidated, valid } from '../checks'
import type { CredentialInput, Provider } from '../types'

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/

function header(c: CredentialInput): Record<string, string> {
  const headerName = need(c, 'headerName', 'header name')
  const template = need(c, 'headerTemplate', 'header value')
  if (!HEADER_NAME.test(headerName))
    throw new AppError('INVALID_INPUT', 'The header name may only use letters, digits and - _ . characters.')
  if (!template.includes('{{secret}}'))
    throw new AppError('INVALID_INPUT', 'The header value must contain {{secret}} where the secret goes.')
  const value = template.split('{{secret}}').join(need(c, 'secret', 'secret'))
  if (/[\r\n\0]/.test(value))
    throw new AppError('INVALID_INPUT', 'The header value may not contain line breaks.')
  return { [headerName.toLowerCase()]: value }
}

/** Any HTTP API: a base URL plus one header built from a template; an optional path to test. */
export const custom: Provider = {
  id: 'custom',
  baseField: 'baseUrl',
  allowHttp: true,
  authenticate: header,
  async validate({ name, send, credential }) {
    const path = credential.fields['validatePath']
    if (!path)
      return notValidated(`${name}: no test path was given, so the credential was saved without a check.`)
    const res = await send({ path: path.startsWith('/') ? path : `/${path}` })
    if (res.status >= 200 && res.status < 300) return valid(name, null, { status: res.status })
    return fromStatus(name, res)
  },
}
