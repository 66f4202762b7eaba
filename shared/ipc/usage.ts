import { z } from 'zod'
import { channel } from './define'

/** Calls of one local calendar day (`YYYY-MM-DD`). */
export const DayCount = z.object({
  day: z.string(),
  calls: z.number().int(),
  ok: z.number().int(),
  denied: z.number().int(),
  error: z.number().int(),
  /** Calls refused because a quota was reached (not counted in `calls`). */
  quotaRefused: z.number().int(),
})
export type DayCount = z.infer<typeof DayCount>

export const ToolCount = z.object({
  tool: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  denied: z.number().int(),
  /** Mean duration of its calls, ms. */
  avgMs: z.number().nullable(),
})
export type ToolCount = z.infer<typeof ToolCount>

export const QuotaUse = z.object({
  limit: z.number().int().nullable(),
  used: z.number().int(),
  /** When the period ends (local midnight, or the first of next month at local midnight). */
  resetsAt: z.number(),
})
export type QuotaUse = z.infer<typeof QuotaUse>

/** Tool calls (`calls` = ok + errors + denied) and, apart, the calls a quota refused. */
export const CallTotals = z.object({
  calls: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  denied: z.number().int(),
  quotaRefused: z.number().int(),
})
export type CallTotals = z.infer<typeof CallTotals>

export const TokenUsage = z.object({
  token: z.string(),
  days: z.array(DayCount),
  topTools: z.array(ToolCount),
  /** Over the `days` local days. */
  totals: CallTotals,
  /** The rolling last 24 hours (not today's calendar day). */
  last24h: CallTotals,
  quota: z.object({ daily: QuotaUse, monthly: QuotaUse }),
})
export type TokenUsage = z.infer<typeof TokenUsage>

const TopToken = z.object({ token: z.string(), calls: z.number().int() })

export const DashboardUsage = z.object({
  /** Bridge tool calls per local day, oldest first, every day of the span present. */
  days: z.array(DayCount),
  /** The last 24 hours, one bucket per hour (start epoch ms), oldest first. */
  hours: z.array(
    z.object({
      start: z.number(),
      ok: z.number().int(),
      denied: z.number().int(),
      error: z.number().int(),
      quotaRefused: z.number().int(),
    }),
  ),
  topTools: z.array(ToolCount),
  topTokens: z.array(TopToken),
  /** Top tools and clients of the last 24 hours (the rows), for the chart's 24 h span. */
  last24h: z.object({ topTools: z.array(ToolCount), topTokens: z.array(TopToken) }),
})
export type DashboardUsage = z.infer<typeof DashboardUsage>

const Days = z.number().int().min(1).max(366)

export const usageChannels = {
  /** Calls per day, top tools, errors, denials and quota use of one client token. */
  'usage.token': channel(z.object({ name: z.string().min(1).max(200), days: Days.default(30) }), TokenUsage),
  /** Every client token's usage at once (the Bridge screen's usage card), in the token list's order. */
  'usage.tokens': channel(
    z.object({ days: Days.default(7), topTools: z.number().int().min(1).max(50).default(5) }).default({
      days: 7,
      topTools: 5,
    }),
    z.array(TokenUsage),
  ),
  /** The dashboard's bridge charts, from the daily aggregate (and the raw rows of the last 24 h). */
  'usage.dashboard': channel(z.object({ days: Days.default(7) }).default({ days: 7 }), DashboardUsage),
}
