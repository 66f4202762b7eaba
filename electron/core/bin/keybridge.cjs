#!/usr/bin/env node
// Launcher for the headless `keybridge` command. In a clone it runs the TypeScript sources
// through tsx, so it never lags behind them; a packaged app ships the bundled out/main/cli.js.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const bundled = join(__dirname, '../../../out/main/cli.js')
if (process.env.KEYBRIDGE_CLI_BUNDLED === '1' && existsSync(bundled)) {
  require(bundled)
} else {
  require('tsx/cjs')
  require('../cli.ts')
}
