import { useEffect, useState } from 'react'
import { Checkbox, Flex, Grid, Spinner, Text } from '@radix-ui/themes'
import { call } from '../../api'
import type { ChannelOutput } from '../../../../shared/ipc'
import { useT } from '../../i18n'
import { describeError } from '../../lib/notify'

type DomainInfo = ChannelOutput<'homeassistant.domains'>['domains'][number]

/** Which Home Assistant domains the bridge may touch; none ticked means all of them. */
export function DomainPicker(props: { instanceId: string; value: string[]; onChange(v: string[]): void }) {
  const t = useT()
  const [domains, setDomains] = useState<DomainInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    call('homeassistant.domains', { id: props.instanceId })
      .then((r) => setDomains(r.domains))
      .catch((e) => setError(describeError(e)))
  }, [props.instanceId])

  const names = [...new Set([...(domains ?? []).map((d) => d.domain), ...props.value])].sort()
  const toggle = (d: string, on: boolean) =>
    props.onChange(on ? [...props.value, d] : props.value.filter((x) => x !== d))
  return (
    <Flex direction="column" gap="2" role="group" aria-labelledby="domains-label">
      <Text size="2" weight="bold" id="domains-label">
        {t('ha.domains')}
      </Text>
      <Text size="1" color="gray">
        {props.value.length === 0 ? t('ha.domainsAll') : t('ha.domainsSome', { n: props.value.length })}
      </Text>
      {error && (
        <Text size="2" color="red">
          {error}
        </Text>
      )}
      {!domains && !error && <Spinner />}
      <Grid columns="3" gap="2" style={{ maxHeight: 180, overflow: 'auto' }}>
        {names.map((d) => {
          const info = domains?.find((x) => x.domain === d)
          return (
            <Text as="label" size="2" key={d}>
              <Flex gap="2" align="center">
                <Checkbox checked={props.value.includes(d)} onCheckedChange={(c) => toggle(d, c === true)} />
                {d}
                {info && <Text color="gray">({info.entityCount})</Text>}
              </Flex>
            </Text>
          )
        })}
      </Grid>
    </Flex>
  )
}
