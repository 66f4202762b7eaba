import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { assertChromium } from './chromium'

export default function globalSetup(): void {
  assertChromium()
  if (!existsSync(join(__dirname, '../../../out/renderer/index.html'))) {
    throw new Error(
      'The renderer is not built: run "npm run build:renderer" (npm run test:e2e does it for you).',
    )
  }
}
