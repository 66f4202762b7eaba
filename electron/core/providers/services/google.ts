import { bearer, fromStatus, notValidated, obj, str, valid, unexpected } from '../checks'
import type { Provider } from '../types'
import { AppError } from '../../../../shared/errors'

/** Google APIs with an OAuth access token; the userinfo endpoint names the account. */
export const google: Provider = {
  id: 'google',
  authenticate: (c) => {
    const token = c.secrets['accessToken']
    if (!token)
      throw new AppError('INVALID_INPUT', 'This Google account is not connected yet: connect it with OAuth.')
    return bearer(token)
  },
  async validate({ name, send, credential }) {
    if (!credential.secrets['accessToken'])
      return notValidated(`${name} is connected with OAuth; use "Connect" to sign in.`)
    const res = await send({ path: '/oauth2/v3/userinfo' })
    if (res.status !== 200) return fromStatus(name, res)
    const info = obj(res.json())
    const sub = str(info?.['sub'])
    if (!sub) return unexpected(name, 'no subject in the answer')
    return valid(name, str(info?.['email']) ?? sub, { sub })
  },
}
