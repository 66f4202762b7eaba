import { z } from 'zod'
import { channel, NoInput } from './define'

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  dataDir: z.string(),
  runtime: z.enum(['electron', 'node', 'browser-harness']),
})
export type AppInfo = z.infer<typeof AppInfo>

export const appChannels = {
  'app.info': channel(NoInput, AppInfo),
}
