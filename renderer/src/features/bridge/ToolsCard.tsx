import { useMemo } from 'react'
import { Badge, Card, Checkbox, Flex, Heading, Select, Table, Text } from '@radix-ui/themes'
import { PermissionLevel } from '../../../../shared/ipc/bridge'
import { useLanguage, useT } from '../../i18n'
import { toolText } from '../../i18n/tool-text'
import { attempt } from '../../lib/notify'
import { useBridge, type Tool } from './store'

type Level = Tool['level']
const MIXED = '__mixed'

/** Tool × level matrix, grouped by source, with one bulk control per source. */
export function ToolsCard() {
  const t = useT()
  const lang = useLanguage()
  const tools = useBridge((s) => s.tools)
  const bySource = useMemo(() => {
    const m = new Map<string, Tool[]>()
    for (const tool of tools ?? []) {
      const list = m.get(tool.source)
      if (list) list.push(tool)
      else m.set(tool.source, [tool])
    }
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b))
  }, [tools])

  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Heading as="h2" size="4">
          {t('tools.title')}
        </Heading>
        <Text size="2" color="gray">
          {t('tools.intro')}
        </Text>
        {bySource.length === 0 && (
          <Text size="2" color="gray" data-testid="tools-empty">
            {t('tools.empty')}
          </Text>
        )}
        {bySource.map(([source, list]) => {
          const levels = new Set(list.map((x) => x.level))
          const bulk = levels.size === 1 ? list[0].level : MIXED
          const allAsk = list.every((x) => x.ask)
          return (
            <Flex direction="column" gap="2" key={source} data-testid={`tool-source-${source}`}>
              <Flex align="center" gap="3" wrap="wrap">
                <Heading as="h3" size="3">
                  {source}
                </Heading>
                <Text size="1" color="gray">
                  {t('tools.count', { n: list.length })}
                </Text>
                <Flex align="center" gap="2" ml="auto">
                  <Text size="2">{t('tools.allTo')}</Text>
                  <LevelSelect
                    value={bulk}
                    label={t('tools.bulkLevel', { source })}
                    onChange={(level) => void attempt(() => useBridge.getState().setBulk({ source, level }))}
                  />
                  <Text as="label" size="2">
                    <Flex gap="1" align="center">
                      <Checkbox
                        checked={allAsk ? true : list.some((x) => x.ask) ? 'indeterminate' : false}
                        onCheckedChange={(c) =>
                          void attempt(() =>
                            useBridge.getState().setBulk({
                              source,
                              level: bulk === MIXED ? list[0].level : bulk,
                              ask: c === true,
                            }),
                          )
                        }
                      />
                      {t('tools.askAll')}
                    </Flex>
                  </Text>
                </Flex>
              </Flex>
              <Table.Root size="1" variant="surface">
                <Table.Header>
                  <Table.Row>
                    <Table.ColumnHeaderCell>{t('tools.tool')}</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>{t('tools.needs')}</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>{t('tools.level')}</Table.ColumnHeaderCell>
                    <Table.ColumnHeaderCell>{t('tools.ask')}</Table.ColumnHeaderCell>
                  </Table.Row>
                </Table.Header>
                <Table.Body>
                  {list.map((tool) => (
                    <Table.Row key={tool.name} data-testid="tool-row" data-tool={tool.name}>
                      <Table.RowHeaderCell>
                        <Text as="div" weight="medium">
                          {tool.title ? toolText(tool.title, lang) : tool.name}
                          {!tool.available && (
                            <Badge ml="2" color="gray">
                              {t('tools.unavailable')}
                            </Badge>
                          )}
                        </Text>
                        <Text
                          as="div"
                          size="1"
                          color="gray"
                          truncate
                          style={{ maxWidth: 420 }}
                          title={toolText(tool.description, lang)}
                        >
                          {tool.name} — {toolText(tool.description, lang)}
                        </Text>
                      </Table.RowHeaderCell>
                      <Table.Cell>
                        <Badge variant="outline">{t(`level.${tool.requiredLevel}`)}</Badge>
                      </Table.Cell>
                      <Table.Cell>
                        <LevelSelect
                          value={tool.level}
                          label={t('tools.levelFor', { tool: tool.name })}
                          onChange={(level) =>
                            void attempt(() =>
                              useBridge.getState().setTool({ tool: tool.name, level, ask: tool.ask }),
                            )
                          }
                        />
                      </Table.Cell>
                      <Table.Cell>
                        <Checkbox
                          checked={tool.ask}
                          aria-label={t('tools.askFor', { tool: tool.name })}
                          data-testid="tool-ask"
                          onCheckedChange={(c) =>
                            void attempt(() =>
                              useBridge
                                .getState()
                                .setTool({ tool: tool.name, level: tool.level, ask: c === true }),
                            )
                          }
                        />
                      </Table.Cell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table.Root>
            </Flex>
          )
        })}
      </Flex>
    </Card>
  )
}

function LevelSelect(props: { value: Level | typeof MIXED; label: string; onChange(level: Level): void }) {
  const t = useT()
  return (
    <Select.Root
      size="1"
      value={props.value}
      onValueChange={(v) => v !== MIXED && props.onChange(PermissionLevel.parse(v))}
    >
      <Select.Trigger aria-label={props.label} data-testid="level-select" />
      <Select.Content>
        {props.value === MIXED && (
          <Select.Item value={MIXED} disabled>
            {t('tools.mixed')}
          </Select.Item>
        )}
        {PermissionLevel.options.map((l) => (
          <Select.Item key={l} value={l}>
            {t(`level.${l}`)}
          </Select.Item>
        ))}
      </Select.Content>
    </Select.Root>
  )
}
