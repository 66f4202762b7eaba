const HEALTH_TIMEOUT_MS = 2_000

/** GET /health at `base` (http://host:port): whether a Keybridge bridge answers there. */
export async function healthAnswers(base: string): Promise<boolean> {
  try {
    const r = await fetch(`${base}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
    const body = (await r.json().catch(() => null)) as { status?: string } | null
    return r.ok && body?.status === 'ok'
  } catch {
    return false
  }
}
