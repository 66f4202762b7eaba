import { commands } from './registry'
import { UsageError, type CommandSpec, type OptionSpec } from './spec'
import { didYouMean } from './suggest'

// Reading the command line: which command, and usage errors that name the closest valid word.

/** Finds the command named by the first one or two non-option words. */
export function findCommand(
  argv: string[],
  globalOptions: Record<string, OptionSpec>,
): { cmd?: CommandSpec; rest: string[]; words: string[] } {
  const words: number[] = []
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]
    if (a.startsWith('-')) {
      // Skip a global option's value so `--data-dir X init` finds `init`.
      const name = a.replace(/^--?/, '').split('=')[0]
      const spec = globalOptions[name]
      if (spec?.type === 'string' && !a.includes('=')) i++
      continue
    }
    words.push(i)
  }
  const named = words.map((i) => argv[i])
  for (const n of [2, 1]) {
    if (words.length < n) continue
    const name = named.slice(0, n).join(' ')
    const cmd = commands.find((c) => c.name === name)
    if (cmd) return { cmd, rest: argv.filter((_, i) => !words.slice(0, n).includes(i)), words: named }
  }
  return { rest: argv, words: named }
}

/** `unknown command "credential lst". Did you mean "credential list"?` */
export function unknownCommand(words: string[]): UsageError {
  if (words.length === 0) return new UsageError('no command given')
  const [first, second] = words
  const groups = [...new Set(commands.map((c) => c.name.split(' ')[0]))]
  const inGroup = commands.filter((c) => c.name.startsWith(first + ' ')).map((c) => c.name)
  if (inGroup.length) {
    const subs = inGroup.map((n) => n.split(' ')[1])
    const hint = second ? didYouMean(second, subs, (s) => `${first} ${s}`) : ''
    return new UsageError(
      `${second ? `unknown command "${first} ${second}".` : `"${first}" needs a subcommand.`}${hint || ` Its subcommands: ${subs.join(', ')}.`}`,
    )
  }
  return new UsageError(`unknown command "${first}".${didYouMean(first, groups)}`)
}

/**
 * Checks every `--flag` against the command's options before parsing, so a typo gets the closest
 * valid option rather than Node's parser message.
 */
export function checkFlags(cmd: CommandSpec, args: string[], opts: Record<string, OptionSpec>): void {
  const names = Object.keys(opts)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') break
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]
      const spec = opts[name]
      if (!spec) {
        throw new UsageError(
          `unknown option --${name} for "${cmd.name}".${didYouMean(name, names, (n) => `--${n}`)}`,
        )
      }
      if (spec.type === 'boolean' && a.includes('=')) throw new UsageError(`--${name} takes no value`)
      if (spec.type === 'string' && !a.includes('=')) {
        const next = args[i + 1]
        if (next === undefined || (next.startsWith('--') && next.length > 2))
          throw new UsageError(`--${name} needs a value`)
        i++
      }
    } else if (/^-[^-]/.test(a) && a !== '-') {
      const short = a[1]
      if (!Object.values(opts).some((o) => o.short === short))
        throw new UsageError(`unknown option ${a} for "${cmd.name}"`)
    }
  }
}

/** Node's parser errors, reworded (the pre-check above catches most). */
export function parseError(e: unknown): UsageError {
  const m = (e as Error).message.split('\n')[0]
  const opt = /'(--?[^' ]+)/.exec(m)?.[1]
  const code = (e as { code?: string }).code
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && opt) return new UsageError(`${opt} needs a value`)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && opt) return new UsageError(`unknown option ${opt}`)
  return new UsageError(m.replace(/\. To specify a positional argument.*$/, ''))
}
