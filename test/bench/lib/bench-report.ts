import type { BenchFigure } from '../types'
import type { ChildResult } from './child-runner'
import { machineLine, type Machine } from './machine'
import { median, percentile } from './stats'

const UNITS = new Set<BenchFigure['unit']>(['ms', 'calls/s', 'MB', 'ratio', 'count'])

/** Checks what a module returned, so a malformed figure fails that module loudly instead of the report. */
export function validateFigures(value: unknown): BenchFigure[] {
  if (!Array.isArray(value)) throw new Error('the default export did not resolve to an array of figures')
  value.forEach((f: Partial<BenchFigure>, i) => {
    const where = `figure ${i}${typeof f?.name === 'string' ? ` (${f.name})` : ''}`
    if (typeof f?.name !== 'string' || !f.name) throw new Error(`${where} has no name`)
    if (!UNITS.has(f.unit as BenchFigure['unit'])) throw new Error(`${where} has an unknown unit`)
    const ok = (s: unknown) => Array.isArray(s) && s.length > 0 && s.every((x) => Number.isFinite(x))
    if (!ok(f.samples)) throw new Error(`${where} has no finite samples`)
    if (f.baseline && !ok(f.baseline.samples))
      throw new Error(`${where} has a baseline without finite samples`)
  })
  return value as BenchFigure[]
}

export function formatValue(v: number, unit: BenchFigure['unit']): string {
  if (!Number.isFinite(v)) return 'n/a'
  const abs = Math.abs(v)
  const num =
    unit === 'count' || unit === 'calls/s'
      ? Math.round(v).toLocaleString('en-US')
      : unit === 'ratio'
        ? v.toFixed(2)
        : abs >= 100
          ? v.toFixed(0)
          : abs >= 10
            ? v.toFixed(1)
            : abs >= 0.1
              ? v.toFixed(2)
              : abs >= 0.001
                ? v.toFixed(4)
                : v.toExponential(2)
  return unit === 'ratio' ? `${num}×` : unit === 'count' ? num : `${num} ${unit}`
}

/** Met is judged on the median, the figure the targets of the issues speak of. */
export function targetMet(f: BenchFigure): boolean | undefined {
  if (!f.target) return undefined
  const m = median(f.samples)
  if (f.target.max !== undefined && !(m <= f.target.max)) return false
  if (f.target.min !== undefined && !(m >= f.target.min)) return false
  return true
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export const MET = 'met'
export const MISSED = '**missed**'

export function renderModuleSection(
  name: string,
  result: ChildResult,
  command: string,
  machine: Machine,
  date: string,
): string {
  const lines = [
    `## ${name}`,
    '',
    `Measured ${date} on ${machineLine(machine)} in ${(result.durationMs / 1000).toFixed(1)} s.`,
    '',
  ]
  if (!result.ok) {
    lines.push(`**Failed**: \`${cell(result.error)}\` (command: \`${command}\`)`, '')
    return lines.join('\n')
  }
  let figures: BenchFigure[]
  try {
    figures = validateFigures(result.value)
  } catch (e) {
    lines.push(`**Failed**: \`${cell((e as Error).message)}\` (command: \`${command}\`)`, '')
    return lines.join('\n')
  }
  lines.push(
    '| Figure | Median | p99 | Runs | Target | Met | Baseline median | Ratio | Command |',
    '|---|---:|---:|---:|---|---|---:|---:|---|',
  )
  for (const f of figures) {
    const met = targetMet(f)
    const base = f.baseline ? median(f.baseline.samples) : Number.NaN
    const ratio = f.baseline ? median(f.samples) / base : Number.NaN
    lines.push(
      '| ' +
        [
          cell(f.name),
          formatValue(median(f.samples), f.unit),
          formatValue(percentile(f.samples, 99), f.unit),
          String(f.samples.length),
          f.target ? cell(f.target.text) : '—',
          met === undefined ? '—' : met ? MET : MISSED,
          f.baseline ? `${formatValue(base, f.unit)} (${cell(f.baseline.name)})` : '—',
          f.baseline ? formatValue(ratio, 'ratio') : '—',
          `\`${command}\``,
        ].join(' | ') +
        ' |',
    )
  }
  const notes = figures.filter((f) => f.notes)
  if (notes.length) {
    lines.push('', ...notes.map((f) => `- ${f.name}: ${f.notes}`))
  }
  lines.push('')
  return lines.join('\n')
}

/** Reads the tables back (kept sections included) for the summary at the top of the doc. */
export function countTargets(sections: Map<string, string>): {
  met: number
  missed: string[]
  failed: string[]
} {
  let met = 0
  const missed: string[] = []
  const failed: string[] = []
  for (const [id, s] of sections) {
    for (const row of s.split('\n')) {
      if (row.includes(`| ${MET} |`)) met++
      if (row.includes(`| ${MISSED} |`)) missed.push(row.split(' | ')[0].replace(/^\| /, ''))
    }
    if (s.includes('**Failed**')) failed.push(id)
  }
  return { met, missed, failed }
}
