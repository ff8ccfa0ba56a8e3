#!/usr/bin/env bash
# npm run bench: install what is missing (as for the tests), then run the bounded benchmarks and
# write docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/install.sh test
export WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_ERROR_REPORTS=false
exec node_modules/.bin/tsx e2e/bench/run.ts
