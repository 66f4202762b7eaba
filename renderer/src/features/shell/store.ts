import { create } from 'zustand'

export const SCREENS = [
  'dashboard',
  'credentials',
  'homeassistant',
  'bridge',
  'activity',
  'settings',
] as const
/** The screens of the sidebar. */
export type NavScreen = (typeof SCREENS)[number]
/** Every screen: the sidebar's, and those reached from one of them (import, from Credentials). */
export type Screen = NavScreen | 'import' | 'playground'
/** The sidebar entry a sub-screen belongs to. */
export const NAV_PARENT: Partial<Record<Screen, NavScreen>> = { import: 'credentials', playground: 'bridge' }

export interface Toast {
  id: number
  kind: 'error' | 'success' | 'info'
  message: string
}

/** Something asked from elsewhere (the command palette) that a screen carries out when shown. */
export type Intent =
  { kind: 'createToken' | 'connectApp' | 'addCredential' } | { kind: 'openCredential'; id: string }

interface ShellState {
  screen: Screen
  toasts: Toast[]
  intent: Intent | null
  go(screen: Screen): void
  /** Goes to the screen that handles it and leaves the intent for that screen to take. */
  request(kind: Intent['kind'], id?: string): void
  takeIntent<K extends Intent['kind']>(kind: K): Extract<Intent, { kind: K }> | null
  toast(kind: Toast['kind'], message: string): void
  dismiss(id: number): void
}

let nextId = 1
const TOAST_MS = { error: 8000, success: 4000, info: 4000 }

/** Which screen is shown and the toasts on top of it. */
export const useShell = create<ShellState>((set, get) => ({
  screen: 'dashboard',
  toasts: [],
  intent: null,
  go: (screen) => set({ screen }),
  request(kind, id) {
    const intent = (kind === 'openCredential' ? { kind, id: id ?? '' } : { kind }) as Intent
    const screen = kind === 'openCredential' || kind === 'addCredential' ? 'credentials' : 'bridge'
    set({ intent, screen })
  },
  takeIntent(kind) {
    const i = get().intent
    if (!i || i.kind !== kind) return null
    set({ intent: null })
    return i as never
  },
  toast(kind, message) {
    const id = nextId++
    set({ toasts: [...get().toasts.slice(-3), { id, kind, message }] })
    setTimeout(() => get().dismiss(id), TOAST_MS[kind])
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}))
