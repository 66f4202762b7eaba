import { createServer, type Server } from 'node:http'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/core'
import { cliInProcess, spawnCli } from '../../helpers/cli-process'

// The real command, as a separate process: a request still pending (a retry back-off, a hung
// socket) must keep it alive, and it must end with one error line and exit 1, within the timeout.
const PASSWORD = 'network failures test password'
const TOKEN = 'ghp_networkfailurenetworkfailure01'
const TIMEOUT_MS = 800
// 3 attempts of at most TIMEOUT_MS each plus 250 + 500 ms back-off, plus process start-up.
const BOUND_MS = 3 * TIMEOUT_MS + 750 + 4_000

const t = tempDir('kb-cli-net-')
const servers: Server[] = []
let closedPort = 0
let port503 = 0
let hangPort = 0

function listen(s: Server): Promise<number> {
  servers.push(s)
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)))
}

beforeAll(async () => {
  const probe = createNetServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  closedPort = (probe.address() as AddressInfo).port
  await new Promise((r) => probe.close(r))
  port503 = await listen(createServer((_q, res) => res.writeHead(503).end('down')))
  hangPort = await listen(createServer(() => {})) // accepts, never answers
  const init = await cliInProcess(['init', '--data-dir', t.dir], { KEYBRIDGE_PASSWORD: PASSWORD })
  expect(init.code).toBe(0)
})
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
  t.cleanup()
})

const add = (base: string, json: boolean) =>
  spawnCli(
    [
      'credential',
      'add',
      '--service',
      'github',
      '--name',
      'personal',
      '--field',
      'token=-',
      '--data-dir',
      t.dir,
      ...(json ? ['--json'] : []),
    ],
    {
      input: TOKEN + '\n',
      env: {
        KEYBRIDGE_PASSWORD: PASSWORD,
        KEYBRIDGE_GITHUB_BASE_URL: base,
        KEYBRIDGE_HTTP_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    },
  )

describe('credential add when the service cannot be reached', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a closed port', () => `http://127.0.0.1:${closedPort}`, /could not reach|refused|unreachable/i],
    [
      'an unresolvable host',
      () => 'http://no-such-host.invalid',
      /could not reach|not found|resolve|unreachable/i,
    ],
    ['a 503', () => `http://127.0.0.1:${port503}`, /503|unavailable|server error|try again/i],
    ['a server that never answers', () => `http://127.0.0.1:${hangPort}`, /time|answer|unreachable/i],
  ]
  for (const [what, base, message] of cases) {
    it(`${what}: one error line, exit 1, nothing stored, within the timeout`, async () => {
      const r = await add(base(), false)
      expect(r.code).toBe(1)
      expect(r.out).toBe('')
      expect(r.err.trim().split('\n')).toHaveLength(1)
      expect(r.err).toMatch(message)
      expect(r.err).toMatch(/Nothing was saved; pass --no-validate|Nothing was saved|not saved/i)
      expect(r.err).not.toContain(TOKEN)
      expect(r.ms).toBeLessThan(BOUND_MS)
      const json = await add(base(), true)
      expect(json.code).toBe(1)
      expect(JSON.parse(json.err).error.code).toMatch(/^[A-Z_]+$/)
      const list = await spawnCli(['credential', 'list', '--json', '--data-dir', t.dir], {
        env: { KEYBRIDGE_PASSWORD: PASSWORD },
      })
      expect(list.code).toBe(0)
      expect(JSON.parse(list.out)).toEqual([])
    })
  }

  it('credential validate --all reports an unreachable service with exit 1', async () => {
    const stored = await cliInProcess(
      [
        'credential',
        'add',
        '--service',
        'github',
        '--name',
        'later',
        '--field',
        `token=${TOKEN}`,
        '--no-validate',
        '--data-dir',
        t.dir,
      ],
      { KEYBRIDGE_PASSWORD: PASSWORD },
    )
    expect(stored.code).toBe(0)
    const r = await spawnCli(['credential', 'validate', '--all', '--data-dir', t.dir], {
      env: {
        KEYBRIDGE_PASSWORD: PASSWORD,
        KEYBRIDGE_GITHUB_BASE_URL: `http://127.0.0.1:${port503}`,
        KEYBRIDGE_HTTP_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    })
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/github\/later: unvalidated\./)
    expect(r.ms).toBeLessThan(BOUND_MS)
  })
})
