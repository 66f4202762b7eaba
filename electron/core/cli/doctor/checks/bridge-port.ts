import { createServer } from 'node:net'
import { readConfig } from '../../../bridge/config'
import { Settings } from '../../../vault/settings'
import { healthAnswers } from '../../health'
import type { DoctorCheck } from '../types'

function tryListen(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(null)))
  })
}

async function freePortNear(host: string, port: number): Promise<number | null> {
  for (let p = port + 1; p < port + 20 && p <= 65535; p++) if ((await tryListen(host, p)) === null) return p
  return null
}

/** The configured bridge address is free, or held by a Keybridge bridge; not by another program. */
export const bridgePortCheck: DoctorCheck = {
  id: 'bridge-port',
  title: 'Bridge address',
  async run(d) {
    const opened = d.readOnlyDb()
    if ('error' in opened)
      return [{ check: this.id, status: 'skipped', message: 'The vault file does not open.' }]
    let config
    try {
      config = readConfig(new Settings(opened.db))
    } catch {
      return [{ check: this.id, status: 'skipped', message: 'The bridge settings could not be read.' }]
    }
    const { host, port } = config
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
    if (port === 0)
      return [{ check: this.id, status: 'ok', message: 'Port 0: a free port is picked at start.' }]
    const error = await tryListen(host, port)
    if (error === null)
      return [{ check: this.id, status: 'ok', message: `${where} is free (no bridge running).` }]
    if (error === 'EADDRINUSE') {
      if (await healthAnswers(`http://${where}`))
        return [
          { check: this.id, status: 'ok', message: `${where} is in use by a running Keybridge bridge.` },
        ]
      const other = await freePortNear(host, port)
      return [
        {
          check: this.id,
          status: 'problem',
          message: `${where} is in use by another program, so the bridge cannot start there.`,
          fix: `Stop that program, or move the bridge: keybridge bridge config --port ${other ?? 'N'} (then update the apps' config with keybridge client-config).`,
        },
      ]
    }
    return [
      {
        check: this.id,
        status: 'problem',
        message: `The bridge cannot listen on ${where} (${error}).`,
        fix:
          error === 'EADDRNOTAVAIL'
            ? "That address is not one of this machine's: keybridge bridge config --host 127.0.0.1"
            : 'Pick a port from 1024 to 65535: keybridge bridge config --port 3003',
      },
    ]
  },
}
