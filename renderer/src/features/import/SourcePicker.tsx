import { Button, Card, Code, Flex, Heading, Text } from '@radix-ui/themes'
import { PathField } from '../../components/PathField'
import { useT } from '../../i18n'
import { useImport } from './store'

/** Where each app keeps its MCP servers (a reminder: the dialog opens in the home folder, hidden files shown). */
const USUAL_PLACES: [app: string, paths: string[]][] = [
  [
    'Claude Desktop',
    [
      '~/Library/Application Support/Claude/claude_desktop_config.json',
      '%APPDATA%\\Claude\\claude_desktop_config.json',
      '~/.config/Claude/claude_desktop_config.json',
    ],
  ],
  ['Cursor', ['~/.cursor/mcp.json', '<project>/.cursor/mcp.json']],
  ['LM Studio', ['~/.lmstudio/mcp.json']],
  ['VS Code', ['<project>/.vscode/mcp.json', 'settings.json (mcp.servers)']],
  ['.env', ['<project>/.env']],
]

/** Step one: the file to read, chosen with the dialog or typed. Reading it writes nothing. */
export function SourcePicker() {
  const t = useT()
  const path = useImport((s) => s.path)
  const busy = useImport((s) => s.busy)
  const setPath = useImport((s) => s.setPath)
  const preview = useImport((s) => s.preview)
  return (
    <Card size="3">
      <Flex direction="column" gap="3">
        <Heading as="h2" size="4">
          {t('import.sourceTitle')}
        </Heading>
        <Text size="2" color="gray">
          {t('import.sourceIntro')}
        </Text>
        <PathField
          value={path}
          onChange={setPath}
          onPicked={(p) => void preview(p)}
          request={{ kind: 'open', purpose: 'config', title: t('import.pickTitle') }}
          label={t('import.file')}
          placeholder={t('import.filePlaceholder')}
          chooseLabel={t('import.choose')}
          testId="import-config-path"
        />
        <Flex>
          <Button
            variant="soft"
            loading={busy === 'preview'}
            disabled={!path.trim()}
            onClick={() => void preview()}
            data-testid="import-config-read"
          >
            {t('import.read')}
          </Button>
        </Flex>
        <details>
          <summary>
            <Text size="2">{t('import.usualPlaces')}</Text>
          </summary>
          <Flex direction="column" gap="1" mt="2">
            {USUAL_PLACES.map(([app, paths]) => (
              <Text key={app} size="1">
                <Text weight="medium">{app}</Text>:{' '}
                {paths.map((p, i) => (
                  <span key={p}>
                    {i > 0 && ', '}
                    <Code variant="ghost" size="1">
                      {p}
                    </Code>
                  </span>
                ))}
              </Text>
            ))}
          </Flex>
        </details>
      </Flex>
    </Card>
  )
}
