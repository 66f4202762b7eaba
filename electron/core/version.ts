import pkg from '../../package.json'

export const APP_NAME = 'Keybridge'
export const APP_VERSION: string = pkg.version
