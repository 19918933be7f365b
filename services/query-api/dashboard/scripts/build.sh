#!/usr/bin/env bash
# npm ci from the committed lock, then the production build (codegen -> tsc -> vite -> gzip twins).
# Each step is skipped when its inputs are unchanged since it last succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "dashboard: Node.js 20+ and npm are needed to build the dashboard (apt-get install nodejs npm)" >&2
  exit 1
fi

digest() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

lock_sum=$(digest package-lock.json package.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.mauzo-lock 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.mauzo-lock
fi

inputs=$(find src scripts -type f -not -path 'src/gql/*' | LC_ALL=C sort)
# shellcheck disable=SC2086
source_sum=$(digest $inputs index.html codegen.ts vite.config.ts tsconfig.json package-lock.json ../schema.graphql)
if [ -f dist/index.html ] && [ "$(cat .build-stamp 2>/dev/null)" = "$source_sum" ]; then
  echo "dashboard: up to date"
  exit 0
fi
npm run build --silent
echo "$source_sum" > .build-stamp
