#!/usr/bin/env node
// The `nightshift` bin. It exists before the build (npm links a bin only if its file exists at
// install time), and says what to do when the CLI is not built yet instead of a module-not-found trace.
const path = require('node:path');
const main = path.join(__dirname, '..', 'dist', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write(
    `nightshift: the CLI is not built yet (${main} is missing): run "npm run build" in ${path.resolve(__dirname, '../../..')}\n`,
  );
  process.exit(2);
}
require(main);
