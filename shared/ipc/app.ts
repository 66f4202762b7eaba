import { z } from 'zod'
import { AbsolutePath } from './backup'
import { channel, NoInput } from './define'

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  dataDir: z.string(),
  runtime: z.enum(['electron', 'node', 'browser-harness']),
})
export type AppInfo = z.infer<typeof AppInfo>

/** save: a new file; open: an existing file; folder: an existing (or new) folder. */
export const PickKind = z.enum(['save', 'open', 'folder'])
export type PickKind = z.infer<typeof PickKind>

/** What the file is for: it decides the dialog's file filters (backup files, MCP configs and .env files). */
export const PickPurpose = z.enum(['backup', 'config'])
export type PickPurpose = z.infer<typeof PickPurpose>

export const PickPathInput = z.object({
  kind: PickKind,
  purpose: PickPurpose,
  /** The dialog's title in the user's language (a default one otherwise). */
  title: z.string().trim().min(1).max(200).optional(),
  /** A file name the save dialog proposes: a name, not a path. */
  defaultName: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\\]+$/, 'Give a file name, not a path.')
    .optional(),
})
export type PickPathInput = z.infer<typeof PickPathInput>

export const appChannels = {
  'app.info': channel(NoInput, AppInfo),
  /** Asks the desktop's native file dialog for a path; null when the user cancels. */
  'app.pickPath': channel(PickPathInput, z.object({ path: AbsolutePath.nullable() })),
}
