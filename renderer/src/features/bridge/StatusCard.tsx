import { useState } from 'react'
import { Badge, Button, Card, Code, Flex, Heading, Switch, Text, TextField } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { attempt, notifySuccess } from '../../lib/notify'
import { call } from '../../api'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useBridge } from './store'

/** On/off, where it listens, and the port. */
export function StatusCard() {
  const t = useT()
  const status = useBridge((s) => s.status)
  const config = useBridge((s) => s.config)
  const [port, setPort] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [exposing, setExposing] = useState<string | null>(null)
  if (!status || !config) return null
  const portValue = port ?? String(config.port)
  const portNumber = Number(portValue)
  const portValid = Number.isInteger(portNumber) && portNumber >= 0 && portNumber <= 65535

  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Flex justify="between" align="center">
          <Heading as="h2" size="4">
            {t('bridge.title')}
          </Heading>
          <Flex gap="2" align="center">
            <Badge color={status.running ? 'green' : 'gray'} data-testid="bridge-state">
              {status.running ? t('bridge.running') : t('bridge.stopped')}
            </Badge>
            <Switch
              checked={status.running}
              disabled={busy}
              aria-label={t('bridge.toggle')}
              data-testid="bridge-toggle"
              onCheckedChange={async (on) => {
                setBusy(true)
                await attempt(() => useBridge.getState().setRunning(on))
                setBusy(false)
              }}
            />
          </Flex>
        </Flex>
        <Text size="2" color="gray">
          {t('bridge.intro')}
        </Text>
        {status.running && status.url && (
          <Text>
            {t('bridge.url')}: <Code data-testid="bridge-url">{status.url}</Code>
            {status.exposed && status.address && (
              <Badge color="red" ml="2" data-testid="bridge-exposed">
                {t('bridge.exposed', { address: status.address })}
              </Badge>
            )}
          </Text>
        )}
        {status.running && status.exposureHeldBack && (
          <Flex gap="2" align="center" data-testid="bridge-held-back">
            <Text size="2" color="amber">
              {t('bridge.heldBack', { host: status.exposureHeldBack, address: status.address ?? '' })}
            </Text>
            <Button size="1" variant="soft" color="red" onClick={() => setExposing(status.exposureHeldBack)}>
              {t('bridge.expose')}
            </Button>
          </Flex>
        )}
        {exposing && (
          <ConfirmDialog
            title={t('bridge.exposeTitle', { host: exposing })}
            description={t('bridge.exposeBody')}
            confirmLabel={t('bridge.expose')}
            onConfirm={() =>
              attempt(async () => {
                await call('bridge.expose', { host: exposing })
                await useBridge.getState().load()
              })
            }
            onClose={() => setExposing(null)}
          />
        )}
        {status.running && (
          <Text size="2" color="gray">
            {t('bridge.counts', {
              tools: status.tools,
              sessions: status.sessions,
              pending: status.pendingApprovals,
            })}
          </Text>
        )}
        <Flex gap="2" align="end">
          <label>
            <Text as="div" size="2" mb="1">
              {t('bridge.port')}
            </Text>
            <TextField.Root
              value={portValue}
              onChange={(e) => setPort(e.target.value)}
              inputMode="numeric"
              style={{ width: 120 }}
              data-testid="bridge-port"
            />
          </label>
          <Button
            variant="soft"
            disabled={!portValid || portNumber === config.port}
            onClick={() =>
              void attempt(async () => {
                await useBridge.getState().saveConfig({ port: portNumber })
                setPort(null)
                notifySuccess(t('bridge.portSaved'))
              })
            }
          >
            {t('common.save')}
          </Button>
          <Text size="1" color="gray">
            {t('bridge.portHelp')}
          </Text>
        </Flex>
      </Flex>
    </Card>
  )
}
