import { useEffect, useMemo, useState } from 'react'
import { Badge, Button, Callout, Card, Code, Flex, Heading, Select, Text } from '@radix-ui/themes'
import type { ChannelOutput } from '../../../../shared/ipc'
import { call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { toolText } from '../../i18n/tool-text'
import { describeError } from '../../lib/notify'
import { callReasonText } from '../../lib/reason-text'
import { DenyReason } from '../../../../shared/ipc/bridge'
import { ErrorCallout } from '../../components/Field'
import { useBridge } from '../bridge/store'
import { SchemaForm, toArguments, type FormValues } from './SchemaForm'

type Tool = ChannelOutput<'bridge.playground.tools'>[number]
type Result = ChannelOutput<'bridge.playground.call'>

/**
 * Try a tool as an app would: pick a client token, a tool, fill the form generated from its schema,
 * run it. The token's scope, the tool's permission and approvals apply; the result is what the app
 * receives, secrets redacted. Recorded in Activity as a playground call.
 */
export function PlaygroundScreen() {
  const t = useT()
  const lang = useLanguage()
  const tokens = useBridge((s) => s.tokens)
  const active = useMemo(() => (tokens ?? []).filter((x) => x.status === 'active'), [tokens])
  const [tokenName, setTokenName] = useState('')
  const [tools, setTools] = useState<Tool[] | null>(null)
  const [toolName, setToolName] = useState('')
  const [values, setValues] = useState<FormValues>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<Result | null>(null)

  useEffect(() => void useBridge.getState().loadTokens(), [])
  useEffect(() => {
    if (!tokenName && active[0]) setTokenName(active[0].name)
  }, [active, tokenName])
  useEffect(() => {
    if (!tokenName) return
    let live = true
    call('bridge.playground.tools', { tokenName }).then(
      (list) => live && setTools(list),
      (e: unknown) => live && setError(describeError(e)),
    )
    return () => {
      live = false
    }
  }, [tokenName])

  const tool = tools?.find((x) => x.name === toolName) ?? null
  async function run() {
    if (!tool || busy) return
    setError(null)
    setResult(null)
    let args: Record<string, unknown>
    try {
      args = toArguments(tool.inputSchema, values)
    } catch (e) {
      return setError(t('playground.badField', { field: (e as Error).message }))
    }
    setBusy(true)
    try {
      setResult(await call('bridge.playground.call', { tokenName, tool: tool.name, arguments: args }))
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  // The app gets Keybridge's reason in English; this screen says it in the UI language (English shows
  // the app's text as is). A tool's own error result keeps its words.
  const translated =
    result?.reason && result.reason.why !== 'tool_error' && lang !== 'en'
      ? DenyReason.safeParse(result.reason.why).success
        ? t('playground.denied', { reason: callReasonText(result.reason, t, lang) })
        : callReasonText(result.reason, t, lang)
      : null

  if (tokens && active.length === 0)
    return (
      <Callout.Root data-testid="playground-no-token">
        <Callout.Text>{t('playground.noToken')}</Callout.Text>
      </Callout.Root>
    )
  return (
    <Flex direction="column" gap="4" maxWidth="1000px">
      <Text size="2" color="gray">
        {t('playground.intro')}
      </Text>
      <Card size="2">
        <Flex direction="column" gap="3">
          <Flex gap="3" wrap="wrap" align="end">
            <Flex direction="column" gap="1">
              <Text size="2" weight="bold" id="pg-token">
                {t('playground.asToken')}
              </Text>
              <Select.Root
                value={tokenName || undefined}
                onValueChange={(v) => {
                  setTokenName(v)
                  setResult(null)
                }}
              >
                <Select.Trigger aria-labelledby="pg-token" data-testid="playground-token" />
                <Select.Content>
                  {active.map((x) => (
                    <Select.Item key={x.id} value={x.name}>
                      {x.name}
                      {x.scopes.length ? ` (${x.scopes.join(', ')})` : ''}
                    </Select.Item>
                  ))}
                </Select.Content>
              </Select.Root>
            </Flex>
            <Flex direction="column" gap="1" style={{ flex: '1 1 280px', minWidth: 0 }}>
              <Text size="2" weight="bold" id="pg-tool">
                {t('playground.tool')}
              </Text>
              <Select.Root
                value={toolName || undefined}
                onValueChange={(v) => {
                  setToolName(v)
                  setValues({})
                  setResult(null)
                }}
              >
                <Select.Trigger
                  aria-labelledby="pg-tool"
                  data-testid="playground-tool"
                  placeholder={t('playground.pickTool')}
                />
                <Select.Content>
                  {(tools ?? []).map((x) => (
                    <Select.Item key={x.name} value={x.name}>
                      {x.name}
                      {x.visible ? '' : ` — ${t('playground.hidden')}`}
                    </Select.Item>
                  ))}
                </Select.Content>
              </Select.Root>
            </Flex>
          </Flex>
          {tool && (
            <>
              <Flex gap="2" align="center" wrap="wrap">
                <Badge color="gray">{t(`level.${tool.requiredLevel}`)}</Badge>
                {!tool.visible && (
                  <Badge color="amber" data-testid="playground-hidden">
                    {t('playground.hiddenLong')}
                  </Badge>
                )}
                <Text size="2" color="gray">
                  {toolText(tool.description, lang)}
                </Text>
              </Flex>
              <SchemaForm
                schema={tool.inputSchema}
                values={values}
                onChange={setValues}
                builtIn={tool.source === 'api' || tool.source.startsWith('homeassistant')}
              />
              <Flex>
                {/* Not disabled while running: a disabled button drops focus on the body, so the approval
                    prompt a run may raise could not give it back to Run. aria-disabled says it is busy. */}
                <Button
                  loading={busy}
                  disabled={false}
                  aria-disabled={busy}
                  onClick={() => void run()}
                  data-testid="playground-run"
                >
                  {t('playground.run')}
                </Button>
              </Flex>
            </>
          )}
          <ErrorCallout error={error} testId="playground-error" />
        </Flex>
      </Card>
      {result && (
        <Card size="2" data-testid="playground-result" data-outcome={result.isError ? 'error' : 'ok'}>
          <Flex direction="column" gap="2">
            <Heading as="h2" size="3">
              {result.isError ? t('playground.resultError') : t('playground.resultOk')}
            </Heading>
            {translated !== null ? (
              <pre className="kb-snippet" data-testid="playground-text">
                {translated}
              </pre>
            ) : (
              result.content.map((c, i) =>
                c['type'] === 'text' ? (
                  <pre key={i} className="kb-snippet" data-testid="playground-text">
                    {String(c['text'])}
                  </pre>
                ) : (
                  <pre key={i} className="kb-snippet">
                    {JSON.stringify(c, null, 2)}
                  </pre>
                ),
              )
            )}
            {result.structuredContent && (
              <>
                <Text size="1" color="gray">
                  structuredContent
                </Text>
                <Code size="1" style={{ whiteSpace: 'pre-wrap' }}>
                  {JSON.stringify(result.structuredContent, null, 2)}
                </Code>
              </>
            )}
          </Flex>
        </Card>
      )}
    </Flex>
  )
}
