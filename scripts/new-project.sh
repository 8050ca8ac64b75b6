#!/usr/bin/env bash
# Scaffolds an app or lib with the workspace's layout: new-project.sh lib|app NAME "one-line purpose" [dep ...]
set -euo pipefail
kind=$1 name=$2 purpose=$3; shift 3
dir=${kind}s/$name
mkdir -p "$dir/src"
deps=""; refs=""
for d in "$@"; do deps="$deps\"@omega/$d\": \"*\","; refs="$refs{ \"path\": \"../../libs/$d\" },"; done
deps=${deps%,}; refs=${refs%,}
cat > "$dir/package.json" <<JSON
{
  "name": "@omega/$name",
  "version": "0.1.0",
  "private": true,
  "description": "$purpose",
  "type": "commonjs",
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "@omega/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "dependencies": { $deps }
}
JSON
tag="type:$kind"
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$( [ "$kind" = app ] && echo application || echo library )",
  "tags": ["$tag"],
  "targets": {
    "build": { "command": "tsc -b $dir" },
    "test": { "command": "jest -c $dir/jest.config.cjs" },
    "lint": { "command": "eslint $dir" }
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/tsconfig.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts"],
  "references": [ $refs ]
}
JSON
cat > "$dir/jest.config.cjs" <<'JS'
module.exports = require('../../jest.preset.cjs')(__dirname);
JS
