/** What a reliability phase (load, fuzz, soak) returns: its part of docs/RELIABILITY.md. */
export interface ReliabilityResult {
  /** Markdown body (tables, counts); the runner adds the heading, date, machine and command. */
  markdown: string
  /** False when the phase found what it exists to catch (errors under load, a crash, a 5xx). */
  passed: boolean
  /** One line for the console and the doc's summary. */
  summary: string
}

export function isReliabilityResult(v: unknown): v is ReliabilityResult {
  const r = v as ReliabilityResult
  return (
    !!r && typeof r.markdown === 'string' && typeof r.passed === 'boolean' && typeof r.summary === 'string'
  )
}

/** A markdown table from a header and rows. */
export function table(header: string[], rows: (string | number)[][]): string {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|')
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n')
}
