import { useState } from 'react'
import { Button, Flex, TextField } from '@radix-ui/themes'
import type { ChannelInput } from '../../../shared/ipc'
import { call } from '../api'
import { useT } from '../i18n'
import { attempt } from '../lib/notify'

export type PickRequest = ChannelInput<'app.pickPath'>

/** Asks the desktop's file dialog; null when the user cancels (a failure is shown as a toast). */
export async function pickPath(request: PickRequest): Promise<string | null> {
  const r = await attempt(() => call('app.pickPath', request))
  return r?.path ?? null
}

/**
 * A path typed by hand (the fallback) or chosen with the native dialog ("Choose…").
 * onPicked runs only after a choice in the dialog, for forms that act on it at once.
 */
export function PathField(props: {
  value: string
  onChange(path: string): void
  onPicked?(path: string): void
  request: PickRequest
  label: string
  placeholder?: string
  testId: string
  chooseLabel?: string
}) {
  const t = useT()
  const [picking, setPicking] = useState(false)
  async function choose() {
    setPicking(true)
    try {
      const path = await pickPath(props.request)
      if (path) {
        props.onChange(path)
        props.onPicked?.(path)
      }
    } finally {
      setPicking(false)
    }
  }
  return (
    <Flex gap="2" align="center">
      <TextField.Root
        style={{ flex: 1 }}
        value={props.value}
        placeholder={props.placeholder}
        aria-label={props.label}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      />
      <Button
        type="button"
        variant="soft"
        loading={picking}
        onClick={() => void choose()}
        data-testid={`${props.testId}-choose`}
      >
        {props.chooseLabel ?? t('common.choose')}
      </Button>
    </Flex>
  )
}
