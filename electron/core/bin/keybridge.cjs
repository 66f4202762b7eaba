#!/usr/bin/env node
// The `keybridge` command (npm `bin`, `npx keybridge`). See launch.cjs for how it picks the build.
require('./launch.cjs').launch(require('node:path').join(__dirname, '../../..'))
