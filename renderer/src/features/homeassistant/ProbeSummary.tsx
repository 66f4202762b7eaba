import { Badge, Callout, Flex, Text } from '@radix-ui/themes'
import { useT } from '../../i18n'
import type { HaProbe } from './store'

/** Reachable or not, latency, version, location and entity count, plus warnings. */
export function ProbeSummary({ probe }: { probe: HaProbe }) {
  const t = useT()
  return (
    <Flex direction="column" gap="2" data-testid="probe-result">
      <Flex gap="2" wrap="wrap" align="center">
        <Badge color={probe.reachable ? 'green' : 'red'}>
          {probe.reachable ? t('ha.reachable') : t('ha.unreachable')}
        </Badge>
        {probe.version && (
          <Badge variant="outline" data-testid="ha-version">
            {t('ha.version', { v: probe.version })}
          </Badge>
        )}
        {probe.latencyMs !== null && <Badge variant="outline">{Math.round(probe.latencyMs)} ms</Badge>}
        {probe.entityCount !== null && (
          <Badge variant="outline">{t('ha.entities', { n: probe.entityCount })}</Badge>
        )}
        {probe.locationName && (
          <Text size="2" color="gray">
            {probe.locationName}
          </Text>
        )}
      </Flex>
      {!probe.reachable && (
        <Text size="2" color="red" role="alert" data-testid="probe-error">
          {probe.message}
        </Text>
      )}
      {probe.warnings.map((w) => (
        <Callout.Root key={w.code} color="amber" size="1">
          <Callout.Text>{w.message}</Callout.Text>
        </Callout.Root>
      ))}
      {probe.advice.map((a) => (
        <Text key={a} size="1" color="gray">
          {a}
        </Text>
      ))}
    </Flex>
  )
}
