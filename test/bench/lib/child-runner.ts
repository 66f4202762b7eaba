import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type ChildResult =
  { ok: true; value: unknown; durationMs: number } | { ok: false; error: string; durationMs: number }

const ENTRY = join(__dirname, 'child-entry.ts')

/**
 * Runs a module's default export in a fresh Node process (tsx loader, --expose-gc for memory figures),
 * streaming its output with a `[name]` prefix. A crash, a timeout or a bad export becomes a failed
 * result carrying one readable line, never an exception.
 */
export function runInChild(name: string, modulePath: string, timeoutMs: number): Promise<ChildResult> {
  const work = mkdtempSync(join(tmpdir(), 'kb-bench-'))
  const resultFile = join(work, 'result.json')
  const t0 = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ENTRY, modulePath, resultFile], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, KEYBRIDGE_BENCH_MODULE: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let lastErr = ''
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream, keep: boolean) => {
      let carry = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const lines = (carry + chunk).split('\n')
        carry = lines.pop() ?? ''
        for (const l of lines) {
          out.write(`[${name}] ${l}\n`)
          if (keep && l.trim()) lastErr = l.trim()
        }
      })
    }
    relay(child.stdout!, process.stdout, false)
    relay(child.stderr!, process.stderr, true)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const durationMs = performance.now() - t0
      try {
        if (timedOut) {
          resolve({ ok: false, error: `timed out after ${Math.round(timeoutMs / 1000)} s`, durationMs })
        } else if (existsSync(resultFile)) {
          resolve({ ...(JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult), durationMs })
        } else {
          const how = signal ? `killed by ${signal}` : `exited with code ${code}`
          resolve({
            ok: false,
            error: `process ${how}${lastErr ? `: ${lastErr.slice(0, 300)}` : ''}`,
            durationMs,
          })
        }
      } finally {
        rmSync(work, { recursive: true, force: true })
      }
    })
  })
}
