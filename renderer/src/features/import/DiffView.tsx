import { Box } from '@radix-ui/themes'

// Step-12 text on the tinted rows and step-11 for headers: 4.5:1 in light and dark, on a page or in a dialog.
const LINE_STYLE = {
  add: { color: 'var(--green-12)', background: 'var(--green-a3)' },
  del: { color: 'var(--red-12)', background: 'var(--red-a3)' },
  hunk: { color: 'var(--gray-11)' },
  same: {},
} as const

function kindOf(line: string): keyof typeof LINE_STYLE {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('@@')) return 'hunk'
  if (line.startsWith('+')) return 'add'
  if (line.startsWith('-')) return 'del'
  return 'same'
}

/** A unified diff (secrets already masked by the core), one coloured line per line. */
export function DiffView({ diff, testId }: { diff: string; testId?: string }) {
  return (
    <Box
      asChild
      p="2"
      style={{
        margin: 0,
        maxHeight: 320,
        overflow: 'auto',
        fontFamily: 'var(--code-font-family)',
        fontSize: 'var(--font-size-1)',
        border: '1px solid var(--gray-a5)',
        borderRadius: 'var(--radius-2)',
        background: 'var(--gray-a2)',
      }}
    >
      <pre data-testid={testId} tabIndex={0}>
        {diff
          .replace(/\n$/, '')
          .split('\n')
          .map((line, i) => (
            <div key={i} style={LINE_STYLE[kindOf(line)]}>
              {line || ' '}
            </div>
          ))}
      </pre>
    </Box>
  )
}
