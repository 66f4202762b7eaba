import { createHash, timingSafeEqual } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { Clock } from '../clock'
import type { Clipboard } from '../context'

export const CLIPBOARD_CLEAR_MS = 30_000

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/** Without a logger, failures are dropped (the caller's log records them: see credentials/feature.ts). */
const ignore = () => {}

/**
 * Puts a secret on the system clipboard and clears it later, but only if the clipboard still holds
 * it then (the user may have copied something else since). Only a hash of the secret is kept
 * meanwhile. The clipboard is asynchronous (Electron 44+), so operations run one at a time: a clear
 * that is reading the clipboard can never wipe a newer copy that lands in between.
 */
export class SecretClipboard {
  private pending: { hash: Buffer; cancel: () => void } | null = null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly clock: Clock,
    private readonly clipboard: Clipboard | undefined,
    private readonly clearAfterMs = CLIPBOARD_CLEAR_MS,
    private readonly onError: (e: unknown) => void = ignore,
  ) {}

  /** Throws before anything is read when there is no clipboard (headless). */
  assertAvailable(): void {
    if (!this.clipboard) {
      throw new AppError('IO_ERROR', 'There is no clipboard here. Use reveal instead.')
    }
  }

  copy(secret: string): Promise<{ clearsAt: number }> {
    this.assertAvailable()
    return this.serial(async () => {
      this.pending?.cancel()
      this.pending = null
      try {
        await this.clipboard!.writeText(secret)
      } catch (e) {
        this.onError(e)
        throw new AppError('IO_ERROR', 'The clipboard could not be written. Try again.')
      }
      const clearsAt = this.clock.now() + this.clearAfterMs
      const pending = { hash: digest(secret), cancel: () => {} }
      // The timer clears only its own copy: if a newer copy replaced it meanwhile, that one waits its 30 s.
      pending.cancel = this.clock.setTimer(this.clearAfterMs, () => void this.clearIfOurs(pending))
      this.pending = pending
      return { clearsAt }
    })
  }

  /**
   * Clears now if the clipboard still holds the copied secret (on timeout, when the vault locks and
   * on shutdown). Never rejects: a failure is reported through onError.
   */
  clearIfOurs(only?: { hash: Buffer }): Promise<void> {
    return this.serial(async () => {
      const p = this.pending
      if (!p || !this.clipboard || (only && only !== p)) return
      this.pending = null
      p.cancel()
      try {
        const now = await this.clipboard.readText()
        if (timingSafeEqual(digest(String(now)), p.hash)) await this.clipboard.writeText('')
      } catch (e) {
        this.onError(e)
      }
    })
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op)
    this.queue = run.catch(() => {})
    return run
  }
}
