import { fuzzIpc } from './test/bench/lib/ipc-fuzz'
fuzzIpc({ seed: 42, perChannel: Number(process.env.N ?? 200), log: console.log, only: process.env.ONLY?.split(',') }).then((r) => {
  const g: Record<string, number> = {}
  for (const v of r.violations) g[`${v.channel} ${v.problem}`] = (g[`${v.channel} ${v.problem}`] ?? 0) + 1
  console.log(JSON.stringify({ durationMs: r.durationMs, calls: r.calls, cores: r.corePaths, uncaught: r.uncaught, g }, null, 1))
  for (const v of r.violations.slice(0, 30)) console.log(v.channel, v.state, v.shape)
  process.exit(0)
})
