import { create } from 'zustand'
import { call } from '../../api'
import type { ChannelOutput } from '../../../../shared/ipc'
import { NO_EDITS, toApplyEdits, type Edits, type ItemEdit } from './edits'

export type ImportPlan = ChannelOutput<'importConfig.preview'>
export type ImportOutcome = ChannelOutput<'importConfig.apply'>

interface ImportState {
  /** The file, typed or chosen with the dialog. */
  path: string
  plan: ImportPlan | null
  /** The user's changes to the plan; the effective items are derived (edits.ts), never stored. */
  edits: Edits
  rewrite: boolean
  busy: 'preview' | 'apply' | null
  error: unknown
  result: ImportOutcome | null
  setPath(path: string): void
  preview(path?: string): Promise<void>
  editCredential(id: string, patch: ItemEdit): void
  editServer(id: string, patch: ItemEdit): void
  setRewrite(rewrite: boolean): void
  apply(): Promise<ImportOutcome | null>
  reset(): void
}

const START = {
  path: '',
  plan: null,
  edits: NO_EDITS,
  rewrite: false,
  busy: null,
  error: null,
  result: null,
} as const

/** "Import from an app": a file read into a plan (nothing written), edited, then applied once. */
export const useImport = create<ImportState>((set, get) => ({
  ...START,
  setPath: (path) => set({ path }),
  async preview(path = get().path) {
    set({ path, busy: 'preview', error: null, result: null })
    try {
      const plan = await call('importConfig.preview', { path: path.trim() })
      set({ plan, edits: NO_EDITS, rewrite: false })
    } catch (e) {
      set({ plan: null, error: e })
    } finally {
      set({ busy: null })
    }
  },
  editCredential: (id, patch) =>
    set(({ edits }) => ({
      edits: {
        ...edits,
        credentials: { ...edits.credentials, [id]: { ...edits.credentials[id], ...patch } },
      },
    })),
  editServer: (id, patch) =>
    set(({ edits }) => ({
      edits: { ...edits, servers: { ...edits.servers, [id]: { ...edits.servers[id], ...patch } } },
    })),
  setRewrite: (rewrite) => set({ rewrite }),
  async apply() {
    const { plan, edits, rewrite } = get()
    if (!plan) return null
    set({ busy: 'apply', error: null })
    try {
      const result = await call('importConfig.apply', {
        path: plan.path,
        fingerprint: plan.fingerprint,
        edits: toApplyEdits(plan, edits),
        rewrite: rewrite && plan.rewrite.possible,
      })
      set({ result })
      return result
    } catch (e) {
      set({ error: e })
      return null
    } finally {
      set({ busy: null })
    }
  },
  reset: () => set(START),
}))
