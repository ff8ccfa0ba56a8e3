#!/usr/bin/env bash
# npm start: install what is missing, then run the whole stack in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/install.sh start
exec node_modules/.bin/tsx infra/start-stack.ts
