import { Badge, Callout, Flex, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import type { HaProbe } from './store'

/** Reachable or not, latency, version, location and entity count, plus warnings. */
export function ProbeSummary({ probe }: { probe: HaProbe }) {
  const t = useT()
  const lang = useLanguage()
  return (
    <Flex direction="column" gap="2" data-testid="probe-result">
      <Flex gap="2" wrap="wrap" align="center">
        <Badge color={probe.reachable ? 'green' : 'red'} data-testid="ha-state">
          {t(`ha.state.${probe.reason}`)}
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
          {lang === 'en' ? probe.message : t(`ha.reason.${probe.reason}`, {})}
        </Text>
      )}
      {probe.warnings.map((w) => (
        <Callout.Root key={w.code} color="amber" size="1">
          <Callout.Text>{lang === 'en' ? w.message : t(`ha.warning.${w.code}`)}</Callout.Text>
        </Callout.Root>
      ))}
      {(lang === 'en' ? probe.advice : probe.advice.length ? [t('ha.adviceHttps')] : []).map((a) => (
        <Text key={a} size="1" color="gray">
          {a}
        </Text>
      ))}
    </Flex>
  )
}
