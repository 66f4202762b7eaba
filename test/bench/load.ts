// Reliability phase of `npm run bench`: 64 concurrent MCP clients for 60 s against `keybridge serve`.
// Its result becomes the "load" section of docs/RELIABILITY.md (see run.ts).
import { formatValue } from './lib/bench-report'
import { runLoad, type LoadReport } from './lib/load-run'
import { table, type ReliabilityResult } from './lib/reliability'

export const RSS_GROWTH_GOAL_PCT = 10

export function renderLoad(r: LoadReport, what: string): ReliabilityResult {
  const errorCount = Object.values(r.errors).reduce((a, b) => a + b, 0)
  const rssMet = r.rss.growthPct <= RSS_GROWTH_GOAL_PCT
  const passed = errorCount === 0 && r.alive && r.calls > 0
  const ms = (v: number) => formatValue(v, 'ms')
  const mb = (v: number) => formatValue(v, 'MB')
  const markdown = [
    `${what}: ${r.clients} clients (the MCP SDK's \`Client\` + \`StreamableHTTPClientTransport\`), spread over ${r.tokens} client tokens, each calling \`${r.tool}\` (read-only; Home Assistant is the fake one on loopback) in a loop for ${r.warmupS} s of warm-up, then ${r.durationS} s measured. \`keybridge serve\` runs in its own process; the clients and the fake Home Assistant share another. The tokens' rate limit is raised to 1,000,000/min for the run (through \`bridge.config.set\`), so no 429 is intended.`,
    '',
    table(
      ['Measure', 'Value'],
      [
        ['Calls (measured part)', r.calls.toLocaleString('en-US')],
        ['Calls/s', formatValue(r.callsPerS, 'calls/s')],
        ['Latency p50', ms(r.latencyMs.p50)],
        ['Latency p90', ms(r.latencyMs.p90)],
        ['Latency p99', ms(r.latencyMs.p99)],
        ['Latency max', ms(r.latencyMs.max)],
        [
          'Errors (other than 429)',
          errorCount
            ? Object.entries(r.errors)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')
            : '0',
        ],
        ['429 (rate limited, intended)', String(r.rateLimited)],
        ['Requests seen by Home Assistant', r.haRequests.toLocaleString('en-US')],
        ['Server RSS at end of warm-up', mb(r.rss.warmMb)],
        ['Server RSS at end', mb(r.rss.endMb)],
        ['Server RSS peak after warm-up', mb(r.rss.peakMb)],
        [
          `RSS growth after warm-up (goal ≤ ${RSS_GROWTH_GOAL_PCT} %)`,
          `${r.rss.growthPct.toFixed(1)} % (${rssMet ? 'met' : '**missed**'})`,
        ],
        ['Server alive at end', r.alive ? 'yes' : '**no**'],
        [
          'Exit on SIGTERM',
          r.exit ? `code ${r.exit.code}${r.exit.signal ? `, signal ${r.exit.signal}` : ''}` : 'n/a',
        ],
      ],
    ),
    '',
    ...(r.firstErrors.length
      ? ['First errors:', '', ...r.firstErrors.map((e) => `- \`${e.replace(/`/g, "'")}\``), '']
      : []),
    `Server RSS from the first call (seconds → MB; warm-up ends at ${r.warmupS} s): ${thin(r.rss.samples, 16)
      .map((s) => `${s.atS}s ${s.mb.toFixed(0)}`)
      .join(' · ')}`,
  ].join('\n')
  const summary = `${r.calls.toLocaleString('en-US')} calls, ${formatValue(r.callsPerS, 'calls/s')}, p50 ${ms(r.latencyMs.p50)}, p99 ${ms(r.latencyMs.p99)}, ${errorCount} errors, ${r.rateLimited} × 429, RSS growth ${r.rss.growthPct.toFixed(1)} % (goal ≤ ${RSS_GROWTH_GOAL_PCT} %: ${rssMet ? 'met' : 'missed'})`
  return { markdown, passed, summary }
}

/** At most n evenly spaced samples, always keeping the last. */
function thin<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs
  const step = (xs.length - 1) / (n - 1)
  return Array.from({ length: n }, (_, i) => xs[Math.round(i * step)])
}

export default async function load(): Promise<ReliabilityResult> {
  // 30 s of warm-up: under this load the server's heap takes about 20 s to reach its steady size.
  const r = await runLoad({ clients: 64, warmupS: 30, durationS: 60, log: (l) => console.log(l) })
  return renderLoad(r, 'Load')
}
