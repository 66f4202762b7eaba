import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where e2e screenshots go. A normal run writes them to test-results/screenshots (gitignored), so
 * `npm test` leaves the tree clean; `npm run screenshots` sets KEYBRIDGE_SCREENSHOTS=docs to refresh
 * the README's pictures in docs/screenshots on purpose.
 */
export function screenshotDir(): string {
  const root = join(__dirname, '../../..')
  const dir =
    process.env['KEYBRIDGE_SCREENSHOTS'] === 'docs'
      ? join(root, 'docs/screenshots')
      : join(root, 'test-results/screenshots')
  mkdirSync(dir, { recursive: true })
  return dir
}
