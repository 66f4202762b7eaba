import { credentialRef } from '../../../../shared/models/credential'
import type { ValidationResult } from '../../../../shared/models/service'
import { getServiceDescriptor, listServiceDescriptors } from '../../providers/catalog'
import { AppError } from '../../../../shared/errors'
import { readSecretFile } from '../io'
import { UsageError, type CliContext, type CommandSpec } from '../spec'
import { invokeAsCli } from '../invoke'

const call = invokeAsCli

function splitPair(pair: string, option: string): [string, string] {
  const eq = pair.indexOf('=')
  if (eq <= 0)
    throw new UsageError(
      `--${option} takes key=${option === 'field' ? 'value' : 'PATH'} (got "${pair.split('=')[0]}")`,
    )
  return [pair.slice(0, eq), pair.slice(eq + 1)]
}

/**
 * `--field key=value` pairs. A secret never needs to be on the command line: `key=` asks for it
 * on the terminal (no echo), `key=-` reads it from standard input, `--field-file key=PATH` from a
 * file (first line of each).
 */
async function fieldValues(ctx: CliContext, service: string): Promise<Record<string, string>> {
  const descriptor = getServiceDescriptor(service)
  if (!descriptor) throw new UsageError(`unknown service "${service}" (see "keybridge services")`)
  const out: Record<string, string> = {}
  for (const pair of (ctx.values['field'] as string[] | undefined) ?? []) {
    const [key, raw] = splitPair(pair, 'field')
    let value = raw
    if (value === '-') {
      value = await ctx.stdinLine(`--field ${key}=-`)
    } else if (value === '' && descriptor.fields.find((f) => f.key === key)?.secret) {
      value = (await ctx.io.promptSecret(`${key}: `)) ?? ''
    }
    out[key] = value
  }
  for (const pair of (ctx.values['field-file'] as string[] | undefined) ?? []) {
    const [key, path] = splitPair(pair, 'field-file')
    if (key in out) throw new UsageError(`${key} is given twice (--field and --field-file)`)
    try {
      out[key] = readSecretFile(path)
    } catch {
      throw new AppError('IO_ERROR', `The file ${path} (for ${key}) could not be read.`)
    }
  }
  return out
}

function validationLine(ref: string, status: string, v: ValidationResult): string {
  return `${ref}: ${status}. ${v.message}`
}

export const servicesCommands: CommandSpec[] = [
  {
    name: 'services',
    summary: 'the provider catalog: id, name, auth kind, fields',
    async run(ctx) {
      const all = listServiceDescriptors()
      const width = Math.max(...all.map((s) => s.id.length)) + 2
      const human = [
        'Services (fields marked * are secret, ? optional):',
        ...all.map(
          (s) =>
            `  ${s.id.padEnd(width)}${s.name} [${s.authKind}${s.oauth.supported ? ', OAuth' : ''}] ` +
            s.fields.map((f) => `${f.key}${f.secret ? '*' : ''}${f.optional ? '?' : ''}`).join(' '),
        ),
      ].join('\n')
      ctx.print(human, all)
    },
  },
  {
    name: 'credential add',
    summary: 'validate (unless --no-validate) then store a credential; refused validation stores nothing',
    usage: '--service S --name N --field key=value ... [--field-file key=PATH] [--no-validate]',
    options: {
      service: { type: 'string', description: 'catalog service id (see "keybridge services")' },
      name: { type: 'string', description: 'a name for this account, unique per service' },
      field: {
        type: 'string',
        multiple: true,
        description: 'a field as key=value; a secret as key= (asked for) or key=- (read from stdin)',
      },
      'field-file': {
        type: 'string',
        multiple: true,
        description: "a field as key=PATH: the value is the file's first line",
      },
      'no-validate': { type: 'boolean', description: 'store without contacting the service (unvalidated)' },
    },
    async run(ctx) {
      const service = ctx.values['service'] as string | undefined
      const name = ctx.values['name'] as string | undefined
      if (!service || !name) throw new UsageError('credential add needs --service and --name')
      if (!getServiceDescriptor(service))
        throw new UsageError(`unknown service "${service}" (see "keybridge services")`)
      const core = await ctx.openCore()
      const fields = await fieldValues(ctx, service)
      const saved = await call(core, 'credentials.create', {
        service,
        name,
        fields,
        validate: !ctx.values['no-validate'],
      }).catch((e: unknown) => {
        // The desktop's wording ("save anyway") in the command's terms.
        if (e instanceof AppError && /choose "save anyway"/.test(e.message))
          throw new AppError(e.code, e.message.replace(/choose "save anyway"/, 'pass --no-validate'))
        throw e
      })
      const c = saved.credential
      ctx.print(
        `Saved ${credentialRef(c)}${c.account ? ` (${c.account})` : ''}, status ${c.status}.` +
          (saved.validation ? ` ${saved.validation.message}` : ''),
        saved,
      )
    },
  },
  {
    name: 'credential validate',
    summary: 'revalidate one credential (service/name) or all of them (--all); exit 1 unless all are valid',
    usage: '<service/name> | --all',
    positionals: [0, 1],
    options: { all: { type: 'boolean', description: 'revalidate every stored credential' } },
    async run(ctx) {
      const ref = ctx.positionals[0]
      const all = Boolean(ctx.values['all'])
      if (Boolean(ref) === all) throw new UsageError('give either <service/name> or --all')
      const core = await ctx.openCore({ unlock: true })
      const input = all ? { all: true as const } : { id: core.ctx.credentials.findByRef(ref!).id }
      const { results } = await call(core, 'credentials.revalidate', input)
      ctx.print(
        results.length
          ? results.map((r) => validationLine(r.ref, r.status, r.validation)).join('\n')
          : 'No credentials.',
        { results },
      )
      return results.every((r) => r.validation.outcome === 'valid') ? 0 : 1
    },
  },
]
