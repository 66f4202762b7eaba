// Runs one bench or reliability module in its own process (so memory figures and crashes stay its own)
// and writes what its default export returned to the result file named on the command line.
import { writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const [modulePath, resultFile] = process.argv.slice(2)

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  return text.split('\n')[0].slice(0, 400)
}

async function main(): Promise<void> {
  const t0 = performance.now()
  try {
    const mod = (await import(pathToFileURL(modulePath).href)) as { default?: unknown }
    // tsx may hand back the CommonJS namespace, where the export sits one level deeper.
    const fn =
      typeof mod.default === 'function' ? mod.default : (mod.default as { default?: unknown })?.default
    if (typeof fn !== 'function') throw new Error(`${modulePath} does not default-export a function`)
    const value: unknown = await fn()
    writeFileSync(resultFile, JSON.stringify({ ok: true, value, durationMs: performance.now() - t0 }))
  } catch (e) {
    console.error(e)
    writeFileSync(
      resultFile,
      JSON.stringify({ ok: false, error: firstLine(e), durationMs: performance.now() - t0 }),
    )
  }
}

// Modules may leave handles open (servers, timers); the result is written, so leave.
main().finally(() => process.exit(0))
