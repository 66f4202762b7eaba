import { spawn } from 'node:child_process'
import { Socket } from 'node:net'
import { constants } from 'node:os'

/**
 * `keybridge serve` runs the bridge in a child process that never holds the master password in
 * its environment or command line (upstream servers it starts could read both through /proc):
 * this process reads the password (KEYBRIDGE_PASSWORD, --password-file or a prompt), starts the
 * child without it, hands it over on file descriptor 3, forwards SIGINT/SIGTERM/SIGHUP and exits
 * with the child's status. The pipe stays open: when this process dies, the child sees the end
 * of it and stops, so no bridge is left orphaned.
 */
export const PASSWORD_FD_ENV = 'KEYBRIDGE_PASSWORD_FD'
const PASSWORD_FD = 3
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** How to run this same command again: Node + script here, the app's own binary when packaged. */
export interface SelfCommand {
  command: string
  args: string[]
  env?: Record<string, string>
}

export function selfCommand(): SelfCommand {
  return { command: process.execPath, args: [...process.execArgv, process.argv[1]] }
}

/** Runs the bridge child with `argv`; resolves with the exit code to pass on. */
export function superviseServe(o: {
  argv: string[]
  password: string
  env: Record<string, string | undefined>
  self?: SelfCommand
}): Promise<number> {
  const self = o.self ?? selfCommand()
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...o.env, ...self.env }))
    if (v !== undefined && k !== 'KEYBRIDGE_PASSWORD') env[k] = v
  env[PASSWORD_FD_ENV] = String(PASSWORD_FD)
  const child = spawn(self.command, [...self.args, ...o.argv], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
  })
  const pipe = child.stdio[PASSWORD_FD] as NodeJS.WritableStream
  pipe.on('error', () => {}) // the child may exit before reading (bad arguments)
  pipe.write(o.password + '\n')
  const forward = (s: NodeJS.Signals) => () => child.kill(s)
  const handlers = FORWARDED.map((s) => [s, forward(s)] as const)
  for (const [s, h] of handlers) process.on(s, h)
  return new Promise((resolve) => {
    const done = (code: number) => {
      for (const [s, h] of handlers) process.off(s, h)
      pipe.end()
      resolve(code)
    }
    child.on('error', () => done(1))
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)))
  })
}

/**
 * In the child: the password's line from the pipe, and `onParentGone` once the launcher's end
 * closes (it died or stopped), so the bridge shuts down instead of running on alone.
 */
export function readPasswordPipe(fd: number, onParentGone: () => void): () => Promise<string> {
  const socket = new Socket({ fd, readable: true, writable: false })
  socket.setEncoding('utf8')
  let buffered = ''
  let settle: { res(s: string): void; rej(e: Error): void } | undefined
  const line = new Promise<string>((res, rej) => (settle = { res, rej }))
  line.catch(() => {})
  socket.on('data', (chunk: string) => {
    buffered += chunk
    const nl = buffered.indexOf('\n')
    if (nl >= 0 && settle) {
      settle.res(buffered.slice(0, nl))
      settle = undefined
      buffered = ''
    }
  })
  const gone = () => {
    settle?.rej(new Error('The serve launcher ended before handing over the master password.'))
    settle = undefined
    onParentGone()
  }
  socket.once('end', gone)
  socket.once('error', gone)
  // The pipe alone must not keep the process alive: the bridge's listening socket does that.
  socket.unref()
  return () => line
}
