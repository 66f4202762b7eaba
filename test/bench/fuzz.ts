// Reliability phase of `npm run bench`: the IPC fuzz (every channel, 1,000 payloads each) and the bridge
// HTTP fuzz (10,000 malformed requests against `keybridge serve`), with the seed of record. The same
// engines run with hard assertions in test/integration/reliability/; this run writes their figures to
// the "fuzz" section of docs/RELIABILITY.md.
import { formatValue } from './lib/bench-report'
import { FUZZ_SEED } from './lib/fuzz-values'
import { CATEGORIES, fuzzHttp, memoryBounded, type HttpFuzzReport } from './lib/http-fuzz'
import { fuzzIpc, type IpcFuzzReport } from './lib/ipc-fuzz'
import { SANDBOX_RULES } from './lib/ipc-sandbox'
import { table, type ReliabilityResult } from './lib/reliability'
import { prepareVault, startServe } from './lib/serve-process'

const PER_CHANNEL = 1000
const HTTP_REQUESTS = 10_000

function ipcSection(r: IpcFuzzReport): string {
  const codes = [...new Set(Object.values(r.outcomes).flatMap((o) => Object.keys(o)))].sort((a, b) =>
    a === 'ok' ? -1 : b === 'ok' ? 1 : a.localeCompare(b),
  )
  const rows = Object.entries(r.outcomes).map(([ch, o]) => [
    `\`${ch}\``,
    ...codes.map((c) => (o[c] ? String(o[c]) : '·')),
    formatValue(r.slowestMs[ch], 'ms'),
  ])
  const excluded = Object.entries(r.excluded)
  return [
    '### IPC fuzz',
    '',
    `Seed \`0x${r.seed.toString(16)}\`, ${r.perChannel.toLocaleString('en-US')} payloads per channel, ${Object.keys(r.outcomes).length} channels, ${r.calls.toLocaleString('en-US')} calls through \`core.invoke\` on real cores (real SQLite files) in ${(r.durationMs / 1000).toFixed(1)} s. Payloads: boundary values, schema-derived valid ones, valid ones with one hostile change (wrong type, missing or extra key, \`__proto__\`/\`constructor\`, huge or lone-surrogate strings, NaN/Infinity, 10,000-deep nesting), and random values; each passed through \`structuredClone\` as Electron IPC would. Vault state cycles unlocked, locked, unlocked, locked, not created. ${r.corePaths} cores were used (a core is replaced when a payload changed it for good, e.g. a new password).`,
    '',
    `Violations (a thrown exception, a hang, an \`INTERNAL\` error, an unknown code, a polluted \`Object.prototype\`): **${r.violations.length}**. Unhandled exceptions or rejections: **${r.uncaught.length}**.`,
    '',
    ...(r.violations.length
      ? [
          table(
            ['Channel', 'State', 'Payload shape', 'Problem'],
            r.violations
              .slice(0, 30)
              .map((v) => [
                `\`${v.channel}\``,
                v.state,
                `\`${v.shape.slice(0, 120)}\``,
                v.problem.slice(0, 300),
              ]),
          ),
          '',
        ]
      : []),
    'Outcomes per channel (`ok` or the typed error code), and the slowest single call:',
    '',
    table(['Channel', ...codes, 'Slowest'], rows),
    '',
    'Sandbox (what the fuzz changes so no input reaches the host), and why:',
    '',
    ...SANDBOX_RULES.map((s) => `- ${s.what}: ${s.why}.`),
    ...(excluded.length
      ? ['', 'Channels not fuzzed:', '', ...excluded.map(([c, why]) => `- \`${c}\`: ${why}`)]
      : ['', 'No channel is excluded.']),
  ].join('\n')
}

function httpSection(r: HttpFuzzReport, later: HttpFuzzReport[], serveLine: string): string {
  const second = later.at(-1)!
  const memory = memoryBounded(r, ...later)
  const statuses = [...new Set(Object.values(r.outcomes).flatMap((o) => Object.keys(o)))].sort()
  const rows = CATEGORIES.filter((c) => r.outcomes[c]).map((c) => [
    c,
    ...statuses.map((s) => (r.outcomes[c][s] ? String(r.outcomes[c][s]) : '·')),
    String(Object.values(r.outcomes[c]).reduce((a, b) => a + b, 0)),
  ])
  const caseRows = Object.entries(r.cases)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, o]) => [
      k,
      Object.entries(o)
        .map(([s, n]) => `${s} × ${n}`)
        .join(', '),
    ])
  const mb = (v: number) => formatValue(v, 'MB')
  return [
    '### Bridge HTTP fuzz',
    '',
    `Seed \`0x${r.seed.toString(16)}\`, ${r.total.toLocaleString('en-US')} malformed requests over raw TCP from 16 parallel connections, plus ${r.stalled.clients} clients that stall mid-headers or mid-body (one declares a 10 GB body) held open for ${(r.stalled.heldMs / 1000).toFixed(0)} s, against ${serveLine}, in ${(r.durationMs / 1000).toFixed(1)} s. Most requests carry a valid client token so they reach the MCP layer; four live sessions are kept for the in-session cases.`,
    '',
    table(
      ['Check', 'Result'],
      [
        [
          'Answers that are not HTTP 2xx–4xx (5xx, not HTTP, hang), excluding deliberate closes of oversized or non-HTTP input',
          String(r.findings.length),
        ],
        [
          'The same in the later rounds (memory check)',
          String(later.reduce((n, x) => n + x.findings.length, 0)),
        ],
        ['Server process alive at the end', second.alive ? 'yes' : '**no**'],
        [
          '`/health` checks during the run (failed / total, slowest)',
          `${r.health.failures} / ${r.health.checks}, ${formatValue(r.health.maxMs, 'ms')}`,
        ],
        ...(r.rss
          ? [
              [
                "Server RSS before / half-way / peak / after (settled: the lowest reading over 12 idle seconds, once the round's garbage is collected)",
                `${mb(r.rss.beforeMb)} / ${mb(r.rss.halfMb)} / ${mb(r.rss.peakMb)} / ${mb(r.rss.afterMb)}`,
              ],
              [
                `Memory bounded: ${later.length} more rounds of ${second.total.toLocaleString('en-US')} requests on the same server (the first is the warm-up; the last two are compared)`,
                `${memory.ok ? 'yes' : '**no**'}: ${memory.text}`,
              ],
            ]
          : []),
        [
          'Stalled clients: how they ended',
          Object.entries(r.stalled.outcomes)
            .map(([k, v]) => `${k} × ${v}`)
            .join(', ') + ' (timeout = still held open by the server when the client gave up)',
        ],
      ],
    ),
    '',
    ...(r.findings.length
      ? [
          table(
            ['Category', 'Case', 'Outcome'],
            r.findings.slice(0, 40).map((f) => [f.category, f.what, f.outcome]),
          ),
          '',
        ]
      : []),
    'Outcomes by category (HTTP status; `closed` = the server closed the connection without a status):',
    '',
    table(['Category', ...statuses, 'Total'], rows),
    '',
    '<details><summary>Outcomes per case</summary>',
    '',
    table(['Case', 'Outcomes'], caseRows),
    '',
    '</details>',
  ].join('\n')
}

export default async function fuzz(): Promise<ReliabilityResult> {
  const ipc = await fuzzIpc({ seed: FUZZ_SEED, perChannel: PER_CHANNEL, log: (l) => console.log(l) })
  const vault = await prepareVault({ rateLimitPerMinute: 1_000_000, tokenName: 'fuzz' })
  let http: HttpFuzzReport
  const later: HttpFuzzReport[] = []
  let serveLine: string
  try {
    const serve = await startServe(vault)
    serveLine = `\`keybridge serve --port 0\` (pid ${serve.pid}, its own process)`
    try {
      http = await fuzzHttp({
        host: serve.host,
        port: serve.port,
        token: vault.token,
        pid: serve.pid,
        seed: FUZZ_SEED,
        total: HTTP_REQUESTS,
        concurrency: 16,
        stalledClients: 12,
        stallMs: 3_000,
        log: (l) => console.log(l),
      })
      // The same kind of requests again on the same server, twice: does memory level off?
      for (const round of [1, 2]) {
        later.push(
          await fuzzHttp({
            host: serve.host,
            port: serve.port,
            token: vault.token,
            pid: serve.pid,
            seed: FUZZ_SEED + round,
            total: HTTP_REQUESTS,
            concurrency: 16,
            stalledClients: 12,
            stallMs: 3_000,
          }),
        )
      }
    } finally {
      await serve.stop()
    }
  } finally {
    vault.cleanup()
  }
  const second = later.at(-1)!
  const memoryOk = memoryBounded(http, ...later).ok
  const passed =
    ipc.violations.length === 0 &&
    ipc.uncaught.length === 0 &&
    http.findings.length + later.reduce((n, x) => n + x.findings.length, 0) === 0 &&
    second.alive &&
    http.health.failures + later.reduce((n, x) => n + x.health.failures, 0) === 0 &&
    memoryOk
  const summary = `IPC: ${ipc.calls.toLocaleString('en-US')} payloads on ${Object.keys(ipc.outcomes).length} channels, ${ipc.violations.length} violations; HTTP: ${http.total.toLocaleString('en-US')} malformed requests, ${http.findings.length} non-HTTP-error answers, server ${second.alive ? 'alive' : 'DEAD'}, memory ${memoryBounded(http, ...later).text}`
  return { markdown: `${ipcSection(ipc)}\n\n${httpSection(http, later, serveLine)}`, passed, summary }
}
