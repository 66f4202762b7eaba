import { useEffect } from 'react'
import { Callout, Flex, Spinner } from '@radix-ui/themes'
import { useT } from '../../i18n'
import { describeError } from '../../lib/notify'
import { StatusCard } from './StatusCard'
import { TokensCard } from './TokensCard'
import { ToolsCard } from './ToolsCard'
import { UpstreamsCard } from './UpstreamsCard'
import { UsageCard } from './UsageCard'
import { useBridge } from './store'

export function BridgeScreen() {
  const t = useT()
  const status = useBridge((s) => s.status)
  const loadError = useBridge((s) => s.loadError)
  useEffect(() => void useBridge.getState().load(), [])
  if (loadError && !status)
    return (
      <Callout.Root color="red" role="alert">
        <Callout.Text>{describeError(loadError)}</Callout.Text>
      </Callout.Root>
    )
  if (!status) return <Spinner aria-label={t('common.loading')} />
  return (
    <Flex direction="column" gap="4" maxWidth="1100px">
      <StatusCard />
      <TokensCard />
      <UsageCard />
      <ToolsCard />
      <UpstreamsCard />
    </Flex>
  )
}
