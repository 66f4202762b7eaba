import { Button, Flex, Text } from '@radix-ui/themes'
import { useLanguage, useT } from '../../i18n'
import { importNoteText } from '../../lib/import-note-text'
import type { Problem } from './edits'

/** Why a name cannot be used, and the free name the core suggests when it clashes. */
export function ProblemText(props: {
  problem: Problem | null
  suggested: string | null
  onUse(name: string): void
}) {
  const t = useT()
  const lang = useLanguage()
  const { problem, suggested } = props
  if (!problem) return null
  return (
    <Flex direction="column" gap="1" align="start" mt="1">
      <Text size="1" color="red" role="alert">
        {problem.kind === 'duplicate'
          ? t('import.duplicateName', { name: problem.name })
          : problem.kind === 'conflict' && problem.note
            ? importNoteText(problem.note, t, lang)
            : problem.kind === 'invalid' && lang !== 'en'
              ? // The schema's sentence is English: other languages state the rule in their words.
                t(
                  problem.field === 'credential'
                    ? 'import.invalidCredentialName'
                    : 'import.invalidServerName',
                )
              : problem.message}
      </Text>
      {problem.kind === 'conflict' && suggested && (
        <Button size="1" variant="soft" onClick={() => props.onUse(suggested)} data-testid="use-suggested">
          {t('import.useSuggested', { name: suggested })}
        </Button>
      )}
    </Flex>
  )
}
