#!/usr/bin/env bash
# npm test: install what is missing (apt + npm), type-check every workspace, then run every suite:
# protocol, web, control plane (inside workerd), media node (against a real Janus), e2e (the whole
# stack with headless Chromium). Every suite runs even if an earlier one failed; the exit code says
# whether all passed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash infra/install.sh test || exit 1

export WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_ERROR_REPORTS=false

# Each suite's output is also kept, so the end of the run can name what failed: a CI log is often
# read from its tail only.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
run() {
  local name=$1; shift
  echo
  echo "=== $name"
  local started=$SECONDS log="$logs/$((++suites)).log"
  if "$@" 2>&1 | tee "$log"; then
    echo "=== $name: ok ($((SECONDS - started)) s)"
  else
    failed+=("$name")
    echo "=== $name: FAILED"
    # The failing tests (vitest "FAIL", node:test "not ok", tsc "error TS") and the first error line
    # after each, without colour codes; at most 12 lines a suite.
    sed 's/\x1b\[[0-9;]*m//g' "$log" \
      | awk '/^ *FAIL |^not ok |^ *not ok |error TS[0-9]+/ { print; want = 1; next }
             want && /(Error|expected|Timed out|timeout)/ { print "    " $0; want = 0 }' \
      | awk '!seen[$0]++' | head -12 > "$log.summary"
    summaries+=("$name" "$log.summary")
  fi
}
summaries=()
suites=0

for ws in protocol web control-plane media-node cli; do
  run "typecheck $ws" npx --no-install tsc -p "$ws" --noEmit
done
run "typecheck e2e+infra" npx --no-install tsc -p e2e --noEmit
run "no import circles (dpdm)" npm run --silent check:cycles
run "protocol tests" npm test --silent -w protocol
run "web tests" npm test --silent -w web
run "cli tests" npm test --silent -w cli
run "control-plane tests (workerd)" npm test --silent -w control-plane
run "media-node tests (real Janus)" npm test --silent -w media-node
run "benchmark logic (RTP loss, CPU, ramp, frame counter, join CPU)" bash -c 'cd e2e && npx --no-install vitest run --config bench/vitest.config.ts'
run "e2e tests (whole stack, Chromium)" npm test --silent -w e2e
run "platform files (media-node install, units, firewall)" bash infra/test/run.sh

echo
if [ "${#failed[@]}" -gt 0 ]; then
  for ((i = 0; i < ${#summaries[@]}; i += 2)); do
    echo "--- ${summaries[i]}:"
    cat "${summaries[i + 1]}"
  done
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All suites passed."
