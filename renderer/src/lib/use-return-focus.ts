import { useCallback, useRef } from 'react'

/**
 * Radix dialogs opened from state (not from a Dialog.Trigger) drop focus on the body when they
 * close. This remembers the control focused when the dialog mounted (the button that opened it, or
 * the menu trigger a menu item handed focus back to) and puts focus back there on close.
 * Spread the result on Dialog.Content / AlertDialog.Content.
 */
export function useReturnFocus(): { onCloseAutoFocus(e: Event): void } {
  const opener = useRef<HTMLElement | null>(null)
  if (opener.current === null) opener.current = focusedOpener()
  const onCloseAutoFocus = useCallback((e: Event) => {
    const el = opener.current
    if (el && el.isConnected && el !== document.body) {
      e.preventDefault()
      el.focus()
    }
  }, [])
  return { onCloseAutoFocus }
}

/** The focused element, or for a menu item the button that opened its menu (the item goes away). */
function focusedOpener(): HTMLElement | null {
  if (typeof document === 'undefined') return null
  const el = document.activeElement
  if (!(el instanceof HTMLElement)) return null
  const menu = el.closest('[role="menu"]')
  if (menu?.id) return document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`) ?? el
  return el
}
