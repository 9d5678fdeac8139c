#!/usr/bin/env node
// Rewrites the generated key reference of docs/configuration.md from the zod schema (libs/config's
// configReference, built by `npm run build`). libs/config/src/config-reference.spec.ts fails when
// the checked-in file differs, so a schema change without `npm run docs:config` cannot land.
const fs = require('node:fs');
const path = require('node:path');

const { configReference, replaceGeneratedBlock } = require('../../libs/config/dist/config-reference.js');

const file = path.join(__dirname, '../../docs/configuration.md');
const before = fs.readFileSync(file, 'utf8');
const after = replaceGeneratedBlock(before, configReference());
if (after !== before) fs.writeFileSync(file, after);
console.log(after === before ? 'docs/configuration.md is up to date' : 'docs/configuration.md regenerated');
