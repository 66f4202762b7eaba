import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

/** One JSON object per stdout line of a child (lines not starting with "{" skipped), handed out in order. */
export function jsonLines(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = []
  const waiting: ((v: Record<string, unknown>) => void)[] = []
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (!l.startsWith('{')) return
    const v = JSON.parse(l) as Record<string, unknown>
    const w = waiting.shift()
    if (w) w(v)
    else queue.push(v)
  })
  return () => {
    const v = queue.shift()
    return v ? Promise.resolve(v) : new Promise((r) => waiting.push(r))
  }
}
