import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  globalSetup: './test/e2e/support/global-setup.ts',
  use: { viewport: { width: 1280, height: 800 } },
})
