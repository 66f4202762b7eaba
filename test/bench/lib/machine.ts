import { cpus, release, totalmem, type as osType, arch } from 'node:os'

export interface Machine {
  cores: number
  cpu: string
  memoryGiB: number
  node: string
  os: string
}

/** What the figures were measured on; printed at the top of each generated doc. */
export function describeMachine(): Machine {
  const list = cpus()
  return {
    cores: list.length,
    cpu: (list[0]?.model ?? 'unknown').trim().replace(/\s+/g, ' '),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()} ${arch()}`,
  }
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`
}
