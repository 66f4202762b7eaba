import { Checkbox, Flex, Select, Text, TextArea, TextField } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { toolText } from '../../i18n/tool-text'

interface PropSchema {
  type?: string | string[]
  description?: string
  enum?: unknown[]
  default?: unknown
}

/** Form values: text as typed (numbers and JSON are parsed on submit), booleans as booleans. */
export type FormValues = Record<string, string | boolean>

function kindOf(p: PropSchema): 'string' | 'number' | 'boolean' | 'enum' | 'json' {
  if (Array.isArray(p.enum) && p.enum.every((v) => typeof v === 'string')) return 'enum'
  const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type
  if (type === 'string') return 'string'
  if (type === 'number' || type === 'integer') return 'number'
  if (type === 'boolean') return 'boolean'
  return 'json'
}

/** The fields of a tool's JSON Schema (type: object) as inputs; nested objects and arrays are JSON. */
export function SchemaForm(props: {
  schema: Record<string, unknown>
  values: FormValues
  onChange(values: FormValues): void
  /** Keybridge's own tool: its argument descriptions are translated (an upstream's shown as they come). */
  builtIn?: boolean
}) {
  const t = useT()
  const lang = useLanguage()
  const properties = (props.schema['properties'] ?? {}) as Record<string, PropSchema>
  const required = new Set((props.schema['required'] ?? []) as string[])
  const names = Object.keys(properties)
  if (names.length === 0)
    return (
      <Text size="2" color="gray">
        {t('playground.noArguments')}
      </Text>
    )
  const set = (k: string, v: string | boolean) => props.onChange({ ...props.values, [k]: v })
  return (
    <Flex direction="column" gap="3">
      {names.map((name) => {
        const p = properties[name]
        const kind = kindOf(p)
        const id = `arg-${name}`
        const label = (
          <Text as="label" htmlFor={id} size="2" weight="bold">
            {name}
            {required.has(name) ? ' *' : ''}{' '}
            <Text weight="regular" color="gray" size="1">
              {kind === 'json' ? 'JSON' : kind}
            </Text>
          </Text>
        )
        const value = props.values[name]
        return (
          <Flex key={name} direction="column" gap="1">
            {kind === 'boolean' ? (
              <Text as="label" size="2">
                <Flex gap="2" align="center">
                  <Checkbox
                    id={id}
                    checked={value === true}
                    onCheckedChange={(c) => set(name, c === true)}
                    data-testid={id}
                  />
                  {name}
                </Flex>
              </Text>
            ) : (
              label
            )}
            {kind === 'enum' ? (
              <Select.Root
                value={typeof value === 'string' && value ? value : undefined}
                onValueChange={(v) => set(name, v)}
              >
                <Select.Trigger id={id} data-testid={id} />
                <Select.Content>
                  {(p.enum as string[]).map((v) => (
                    <Select.Item key={v} value={v}>
                      {v}
                    </Select.Item>
                  ))}
                </Select.Content>
              </Select.Root>
            ) : kind === 'json' ? (
              <TextArea
                id={id}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(name, e.target.value)}
                placeholder="{}"
                data-testid={id}
                style={{ fontFamily: 'var(--code-font-family)' }}
              />
            ) : kind !== 'boolean' ? (
              <TextField.Root
                id={id}
                type={kind === 'number' ? 'number' : 'text'}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => set(name, e.target.value)}
                data-testid={id}
              />
            ) : null}
            {p.description && (
              <Text size="1" color="gray">
                {props.builtIn ? toolText(p.description, lang) : p.description}
              </Text>
            )}
          </Flex>
        )
      })}
    </Flex>
  )
}

/** The call's arguments from the form; throws a readable message naming the field that does not parse. */
export function toArguments(schema: Record<string, unknown>, values: FormValues): Record<string, unknown> {
  const properties = (schema['properties'] ?? {}) as Record<string, PropSchema>
  const out: Record<string, unknown> = {}
  for (const [name, p] of Object.entries(properties)) {
    const v = values[name]
    if (v === undefined || v === '') continue
    const kind = kindOf(p)
    if (kind === 'boolean') out[name] = v === true
    else if (kind === 'number') {
      const n = Number(v)
      if (!Number.isFinite(n)) throw new Error(name)
      out[name] = n
    } else if (kind === 'json') {
      try {
        out[name] = JSON.parse(String(v))
      } catch {
        throw new Error(name)
      }
    } else out[name] = v
  }
  return out
}
