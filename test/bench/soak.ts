// Optional reliability phase (`npm run bench -- --soak`): the load of load.ts held for SOAK_MINUTES
// (default 30) to show whether the server's memory levels off. Its result is the "soak" section.
import { renderLoad } from './load'
import { runLoad } from './lib/load-run'
import type { ReliabilityResult } from './lib/reliability'

export default async function soak(): Promise<ReliabilityResult> {
  const minutes = Number(process.env.SOAK_MINUTES) || 30
  const r = await runLoad({
    clients: 64,
    warmupS: 30,
    durationS: minutes * 60,
    rssEveryS: 10,
    log: (l) => console.log(l),
  })
  return renderLoad(r, `Soak (${minutes} min)`)
}
