import type { AuditLog, AuditRecord } from '../vault/audit'
import type { Db } from '../vault/database'

const SIZE_CHECK_ROWS = 500

/**
 * Audit rows for tool calls, written in batches: one transaction (one fsync, ~5 ms) per ~200 ms instead of
 * one per call, which is what lets the bridge serve thousands of calls per second. `flush` runs on
 * stop, so a clean shutdown loses nothing.
 */
export class AuditWriter {
  private queue: AuditRecord[] = []
  private timer: NodeJS.Timeout | null = null
  private sinceSizeCheck = 0

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly onFlush: () => void = () => {},
    private readonly delayMs = 200,
    /** After the batch is committed (not inside the transaction): readers of the audit log see it. */
    private readonly onCommitted: (count: number) => void = () => {},
    /** Keeps the audit table under its size cap; run every SIZE_CHECK_ROWS rows written. */
    private readonly capSize: () => void = () => {},
    /** A failed batch (the rows are lost; the bridge keeps serving). */
    private readonly onError: (e: unknown, rows: number) => void = () => {},
  ) {}

  push(r: AuditRecord): void {
    this.queue.push(r)
    if (this.queue.length >= 2000) this.flush()
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delayMs)
      this.timer.unref()
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = this.queue
    this.queue = []
    if (!this.db.open) return
    try {
      this.db.transaction(() => {
        for (const r of batch) this.audit.record(r)
        this.onFlush()
      })()
      if (batch.length > 0) this.onCommitted(batch.length)
      this.sinceSizeCheck += batch.length
      // Rows are at most a few KiB (arguments are capped), so this bounds the growth between checks.
      if (this.sinceSizeCheck >= SIZE_CHECK_ROWS) {
        this.sinceSizeCheck = 0
        this.capSize()
      }
    } catch (e) {
      this.onError(e, batch.length)
    }
  }
}
