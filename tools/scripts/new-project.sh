#!/usr/bin/env bash
# Scaffolds a workspace project: tools/scripts/new-project.sh libs|apps NAME "scope" [dep ...]
set -euo pipefail
kind=$1 name=$2 scope=$3; shift 3
dir="$kind/$name"; mkdir -p "$dir/src"
type=$([ "$kind" = libs ] && echo lib || echo app)
deps=""; refs=""
for d in "$@"; do deps="$deps\"@nightshift/$d\": \"*\","; refs="$refs{ \"path\": \"../../libs/$d\" },"; done
deps=${deps%,}; refs=${refs%,}
cat > "$dir/package.json" <<JSON
{
  "name": "@nightshift/$name",
  "version": "0.1.0",
  "private": true,
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": { "@nightshift/source": "./src/index.ts", "types": "./dist/index.d.ts", "default": "./dist/index.js" }
  },
  "dependencies": { $deps },
  "nx": { "name": "$name", "tags": ["type:$type", "scope:$scope"] }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/tsconfig.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts"],
  "references": [$refs]
}
JSON
cat > "$dir/jest.config.cjs" <<JS
module.exports = require('../../jest.preset.cjs')(__dirname, '$name');
JS
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
