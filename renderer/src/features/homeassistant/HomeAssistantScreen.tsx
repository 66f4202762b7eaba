import { useEffect, useState } from 'react'
import { Badge, Button, Callout, Card, Flex, Grid, Heading, Spinner, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { relativeTime } from '../../lib/format'
import { useNow } from '../../lib/use-now'
import { attempt, describeError, notifySuccess } from '../../lib/notify'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { InstanceDialog } from './InstanceDialog'
import { ProbeSummary } from './ProbeSummary'
import { useHomeAssistant, watchHomeAssistant, type HaInstance } from './store'

/** Home Assistant instances with their last probe; add, edit, test, delete. */
export function HomeAssistantScreen() {
  const t = useT()
  const lang = useLanguage()
  const { instances, loadError, probing } = useHomeAssistant()
  const now = useNow()
  const [editing, setEditing] = useState<HaInstance | 'new' | null>(null)
  const [deleting, setDeleting] = useState<HaInstance | null>(null)
  useEffect(() => {
    void useHomeAssistant.getState().load()
    return watchHomeAssistant()
  }, [])

  if (loadError)
    return (
      <Callout.Root color="red" role="alert">
        <Callout.Text>{describeError(loadError)}</Callout.Text>
      </Callout.Root>
    )
  if (!instances) return <Spinner aria-label={t('common.loading')} />
  return (
    <Flex direction="column" gap="4">
      <Flex justify="between" align="center">
        <Text color="gray">{t('ha.intro')}</Text>
        <Button onClick={() => setEditing('new')} data-testid="ha-add">
          + {t('ha.add')}
        </Button>
      </Flex>
      {instances.length === 0 && (
        <Callout.Root data-testid="ha-empty">
          <Callout.Text>{t('ha.empty')}</Callout.Text>
        </Callout.Root>
      )}
      <Grid columns={{ initial: '1', md: '2' }} gap="3">
        {instances.map((i) => (
          <Card key={i.id} size="2" data-testid="ha-instance">
            <Flex direction="column" gap="3">
              <Flex justify="between" align="start" gap="2">
                <div>
                  <Heading as="h2" size="4">
                    {i.name}
                  </Heading>
                  <Text size="2" color="gray">
                    {i.url}
                  </Text>
                </div>
                <Badge variant="outline">homeassistant.{i.slug}</Badge>
              </Flex>
              {i.lastProbe ? (
                <>
                  <ProbeSummary probe={i.lastProbe} />
                  <Text size="1" color="gray">
                    {t('ha.checked', { when: relativeTime(i.lastProbe.checkedAt, lang, now) })}
                  </Text>
                </>
              ) : (
                <Text size="2" color="gray">
                  {t('ha.notProbed')}
                </Text>
              )}
              <Text size="2">
                {i.allowedDomains.length === 0
                  ? t('ha.domainsAll')
                  : t('ha.domainsList', { list: i.allowedDomains.join(', ') })}
              </Text>
              <Flex gap="2">
                <Button
                  variant="soft"
                  loading={probing.includes(i.id)}
                  onClick={() => void attempt(() => useHomeAssistant.getState().probe(i.id))}
                >
                  {t('ha.test')}
                </Button>
                <Button variant="soft" onClick={() => setEditing(i)}>
                  {t('common.edit')}
                </Button>
                <Button variant="soft" color="red" onClick={() => setDeleting(i)} data-testid="ha-remove">
                  {t('common.delete')}
                </Button>
              </Flex>
            </Flex>
          </Card>
        ))}
      </Grid>
      {editing && (
        <InstanceDialog instance={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('ha.deleteTitle', { name: deleting.name })}
          description={t('ha.deleteBody')}
          confirmLabel={t('common.delete')}
          onConfirm={() =>
            attempt(async () => {
              await useHomeAssistant.getState().remove(deleting.id)
              notifySuccess(t('ha.deleted', { name: deleting.name }))
            })
          }
          onClose={() => setDeleting(null)}
        />
      )}
    </Flex>
  )
}
