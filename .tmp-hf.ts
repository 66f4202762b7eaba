import { spawn } from 'node:child_process'
import { fuzzHttp } from './test/bench/lib/http-fuzz'
import { createCore } from './electron/core/app'
import { tempDir } from './test/helpers/core'
async function main() {
  const t = tempDir()
  const core = await createCore({ dataDir: t.dir, runtime: 'node', env: {}, kdf: { memoryCost: 1024, timeCost: 1, parallelism: 1 } })
  await core.invoke('vault.create', { mode: 'password', password: 'pw pw pw pw pw', autoLockMinutes: null })
  await core.invoke('bridge.config.set', { rateLimitPerMinute: 1000000 })
  const tok = await core.invoke('bridge.tokens.create', { name: 'fuzz' })
  await core.close()
  const token = (tok as any).data.token
  const child = spawn(process.execPath, ['--import', 'tsx', '.tmp-host.ts', t.dir], { env: { ...process.env, KEYBRIDGE_PASSWORD: 'pw pw pw pw pw' }, stdio: ['ignore', 'pipe', 'inherit'] })
  const port: number = await new Promise((res) => child.stdout!.on('data', (d) => { const m = /:(\d+)\/mcp/.exec(String(d)); if (m) res(Number(m[1])) }))
  process.on('exit', () => child.kill('SIGKILL'))
  for (let k = 0; k < Number(process.env.K ?? 1) - 1; k++) { const x = await fuzzHttp({ host: '127.0.0.1', port, token, pid: child.pid, seed: k + 7, total: Number(process.env.N ?? 2000), stalledClients: 20, stallMs: 3000 }); console.log('round', k, JSON.stringify(x.rss), x.findings.length) }
  const r = await fuzzHttp({ host: '127.0.0.1', port, token, pid: child.pid, seed: 1, total: Number(process.env.N ?? 2000), stalledClients: 20, stallMs: 3000, log: console.log })
  console.log(JSON.stringify(r, null, 1))
  child.kill('SIGTERM')
  process.exit(0)
}
main()
