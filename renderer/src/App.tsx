import { useEffect, useState } from 'react'
import { Badge, Card, Flex, Heading, Text, Theme } from '@radix-ui/themes'
import { call, errorMessage } from './api'
import type { ChannelOutput } from '../../shared/ipc'

export function App() {
  const [info, setInfo] = useState<ChannelOutput<'app.info'> | null>(null)
  const [vault, setVault] = useState<ChannelOutput<'vault.status'> | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    Promise.all([call('app.info'), call('vault.status')])
      .then(([i, v]) => {
        setInfo(i)
        setVault(v)
      })
      .catch((e) => setError(errorMessage(e)))
  }, [])

  return (
    <Theme appearance="light" accentColor="indigo">
      <Flex direction="column" gap="4" p="6">
        <Heading size="7">Keybridge</Heading>
        {error && <Text color="red">{error}</Text>}
        {info && (
          <Card>
            <Text as="p" data-testid="app-version">
              Version {info.version} on {info.platform}
            </Text>
            <Text as="p" color="gray">
              Data folder: {info.dataDir}
            </Text>
          </Card>
        )}
        {vault && (
          <Badge data-testid="vault-state" color={vault.locked ? 'amber' : 'green'}>
            {!vault.initialized ? 'No vault yet' : vault.locked ? 'Locked' : 'Unlocked'}
          </Badge>
        )}
      </Flex>
    </Theme>
  )
}
