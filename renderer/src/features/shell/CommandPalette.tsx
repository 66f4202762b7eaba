import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { Dialog, Flex, Kbd, Text, TextField, VisuallyHidden } from '@radix-ui/themes'
import { useT, type MessageKey } from '../../i18n'
import { attempt } from '../../lib/notify'
import { useCredentials } from '../credentials/store'
import { useVault } from '../vault/store'
import { SCREENS, useShell } from './store'

interface Command {
  id: string
  label: string
  hint?: string
  run(): void
}

const isMac = typeof navigator !== 'undefined' && navigator.platform.toLowerCase().includes('mac')

/** Ctrl+K (Cmd+K on macOS) opens the palette from anywhere in the unlocked app. */
export function useCommandPaletteShortcut(open: () => void) {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((isMac ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        open()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open])
}

/**
 * One box to go anywhere: screens, credentials by name, service or account, "lock", "create a client
 * token", "connect an app", "try a tool". Arrow keys move, Enter runs, Escape closes.
 */
export function CommandPalette({ onClose }: { onClose(): void }) {
  const t = useT()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const list = useRef<HTMLDivElement>(null)
  const items = useCredentials((s) => s.items)
  useEffect(() => {
    if (!useCredentials.getState().items) void useCredentials.getState().load()
  }, [])

  const commands = useMemo<Command[]>(() => {
    const go = useShell.getState().go
    const actions: Command[] = [
      ...SCREENS.map((s) => ({
        id: `go-${s}`,
        label: t('palette.goTo', { screen: t(`nav.${s}` as MessageKey) }),
        run: () => go(s),
      })),
      { id: 'go-import', label: t('palette.goTo', { screen: t('nav.import') }), run: () => go('import') },
      {
        id: 'go-playground',
        label: t('palette.goTo', { screen: t('nav.playground') }),
        run: () => go('playground'),
      },
      {
        id: 'lock',
        label: t('shell.lockNow'),
        hint: `${isMac ? '⌘' : 'Ctrl'}+L`,
        run: () => void attempt(() => useVault.getState().lock()),
      },
      {
        id: 'create-token',
        label: t('tokens.create'),
        run: () => useShell.getState().request('createToken'),
      },
      { id: 'connect-app', label: t('connect.open'), run: () => useShell.getState().request('connectApp') },
      {
        id: 'add-credential',
        label: t('credentials.add'),
        run: () => useShell.getState().request('addCredential'),
      },
    ]
    const q = query.trim().toLowerCase()
    const matches = (s: string) => s.toLowerCase().includes(q)
    const found = q
      ? (items ?? [])
          .filter((c) => matches(c.name) || matches(c.service) || matches(c.account ?? ''))
          .slice(0, 8)
          .map((c) => ({
            id: `cred-${c.id}`,
            label: `${c.service} / ${c.name}`,
            hint: c.account ?? undefined,
            run: () => useShell.getState().request('openCredential', c.id),
          }))
      : []
    return [...actions.filter((a) => !q || matches(a.label)), ...found]
  }, [query, items, t])

  useEffect(() => setActive(0), [query])
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [active])

  function run(c: Command | undefined) {
    if (!c) return
    onClose()
    c.run()
  }
  function onKey(e: KeyboardEvent) {
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((i) => Math.min(commands.length - 1, i + 1))
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((i) => Math.max(0, i - 1))
    } else if (e.key === 'Enter') {
      e.preventDefault()
      run(commands[active])
    }
  }

  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Content maxWidth="560px" data-testid="palette" aria-describedby={undefined}>
        <VisuallyHidden>
          <Dialog.Title>{t('palette.title')}</Dialog.Title>
        </VisuallyHidden>
        <TextField.Root
          autoFocus
          size="3"
          placeholder={t('palette.placeholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={commands[active] ? `palette-${commands[active].id}` : undefined}
          aria-label={t('palette.title')}
          data-testid="palette-input"
        />
        <div
          id="palette-list"
          role="listbox"
          ref={list}
          className="kb-palette-list"
          aria-label={t('palette.title')}
        >
          {commands.length === 0 && (
            <Text size="2" color="gray" as="div" m="2">
              {t('palette.nothing')}
            </Text>
          )}
          {commands.map((c, i) => (
            <div
              key={c.id}
              id={`palette-${c.id}`}
              role="option"
              aria-selected={i === active}
              data-index={i}
              className="kb-palette-item"
              // Move, not enter: a list opening under a resting pointer must not steal the highlight.
              onMouseMove={() => active !== i && setActive(i)}
              onClick={() => run(c)}
              data-testid="palette-item"
            >
              <Flex justify="between" gap="3" align="center">
                <Text size="2" truncate>
                  {c.label}
                </Text>
                {c.hint && (
                  <Text size="1" color="gray" truncate>
                    {c.hint.includes('+') ? <Kbd>{c.hint}</Kbd> : c.hint}
                  </Text>
                )}
              </Flex>
            </div>
          ))}
        </div>
      </Dialog.Content>
    </Dialog.Root>
  )
}
