#!/usr/bin/env bash
# A bank backend talking to vident from the shell: bash, curl, openssl (and jq to read JSON).
#
#   bash vident-example.sh demo <externalRef> <customerName>
#       creates a session, reads it back, finds it by externalRef, ends it, reads its outcome, its
#       audit trail and its evidence pack, then deletes the evidence (as on a customer's request)
#   bash vident-example.sh verify-webhook <webhook-id> <webhook-timestamp> <webhook-signature> <body-file>
#       checks one webhook delivery as your receiver would: exit 0 and "ok <type>", or exit 1
#   bash vident-example.sh vectors <protocol/test-vectors/signing.json>
#       checks this script's signing against the published test vectors
#
# Configuration (environment): VIDENT_BASE_URL (default http://127.0.0.1:8787), VIDENT_KEY_ID,
# VIDENT_SECRET, VIDENT_WEBHOOK_SECRET (whsec_<base64>). Note: openssl takes the HMAC key as a
# command-line argument, which other users of the machine can see in the process list: fine for
# trying the API out, not for a shared production host. See docs/INTEGRATION.md.
set -euo pipefail

BASE_URL="${VIDENT_BASE_URL:-http://127.0.0.1:8787}"
WEBHOOK_TOLERANCE_SECONDS=300

# hex SHA-256 of stdin (the exact bytes; an empty body hashes zero bytes).
sha256_hex() {
  openssl dgst -sha256 -hex | awk '{ print $NF }'
}

# The text the signature covers: METHOD, PATH?QUERY exactly as sent, TIMESTAMP, NONCE (only when an
# X-Vident-Nonce header is sent, else no line at all), hex(SHA-256(body)); joined by "\n", no
# trailing newline.   canonical_request METHOD PATH_WITH_QUERY TIMESTAMP NONCE-or-empty BODY
canonical_request() {
  local method=$1 path_with_query=$2 timestamp=$3 nonce=$4 body=$5
  local body_hash
  body_hash=$(printf '%s' "$body" | sha256_hex)
  if [ -n "$nonce" ]; then
    printf '%s\n%s\n%s\n%s\n%s' "${method^^}" "$path_with_query" "$timestamp" "$nonce" "$body_hash"
  else
    printf '%s\n%s\n%s\n%s' "${method^^}" "$path_with_query" "$timestamp" "$body_hash"
  fi
}

# hex HMAC-SHA256 of stdin with a text key.
hmac_sha256_hex() {
  openssl dgst -sha256 -hmac "$1" -hex | awk '{ print $NF }'
}

# The signature header value:   sign_request SECRET METHOD PATH_WITH_QUERY TIMESTAMP NONCE-or-empty BODY
sign_request() {
  local secret=$1; shift
  canonical_request "$@" | hmac_sha256_hex "$secret"
}

# One signed request: prints the answer's body; fails (exit 1) on an error answer, printing its
# { "error": { "code", "message" } }.   vident METHOD PATH_WITH_QUERY [JSON-BODY [EXTRA-HEADER]]
vident() {
  local method=$1 path_with_query=$2 body=${3:-} extra_header=${4:-}
  local timestamp nonce signature
  timestamp=$(date +%s)
  nonce=$(openssl rand -hex 16) # fresh each time: each signature is accepted once
  signature=$(sign_request "$VIDENT_SECRET" "$method" "$path_with_query" "$timestamp" "$nonce" "$body")
  local args=(-sS -X "$method" "$BASE_URL$path_with_query"
    -H "X-Vident-Key-Id: $VIDENT_KEY_ID" -H "X-Vident-Timestamp: $timestamp"
    -H "X-Vident-Nonce: $nonce" -H "X-Vident-Signature: $signature"
    -w '\n%{http_code}')
  # --data-binary sends the body byte for byte (-d would strip newlines).
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  [ -n "$extra_header" ] && args+=(-H "$extra_header")
  local answer status
  answer=$(curl "${args[@]}")
  status=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  if [ "$status" -ge 300 ]; then
    echo "vident answered $status $(jq -r '.error.code + ": " + .error.message' <<<"$answer")" >&2
    return 1
  fi
  printf '%s' "$answer"
}

require() {
  if [ "$1" != "$2" ]; then
    echo "check failed: $3 (expected '$2', got '$1')" >&2
    exit 1
  fi
}

# The evidence pack, asking again while it is 409 evidence_not_ready (recordings still uploading).
# In production, fetch it when the evidence.ready webhook arrives instead of polling.
evidence_when_ready() {
  local session_id=$1 attempt error_file
  error_file=$(mktemp)
  for attempt in $(seq 15); do
    if vident GET "/v1/sessions/$session_id/evidence" 2>"$error_file"; then
      rm -f "$error_file"
      return 0
    fi
    if ! grep -q evidence_not_ready "$error_file" || [ "$attempt" -eq 15 ]; then
      cat "$error_file" >&2
      rm -f "$error_file"
      return 1
    fi
    echo "evidence not ready yet, asking again in 2 s" >&2
    sleep 2
  done
}

demo() {
  local external_ref=$1 customer_name=$2
  # jq builds the JSON so names with quotes or Korean text are encoded properly.
  local body
  body=$(jq -cn --arg ref "$external_ref" --arg name "$customer_name" \
    '{ externalRef: $ref, customerName: $name, locale: "ko", metadata: { channel: "example-bash", branch: "강남지점" } }')

  # 1. Create the session. Keep the idempotency key with your own record: a retry after a timeout
  #    with the same key and body answers the same session instead of creating a second one.
  local created session_id
  created=$(vident POST /v1/sessions "$body" "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)")
  session_id=$(jq -r .sessionId <<<"$created")
  echo "sessionId=$session_id"
  echo "customerUrl: send this link to the customer (SMS, app push, e-mail); expires $(jq -r .expiresAt <<<"$created")"

  # 2. Read it back.
  local session
  session=$(vident GET "/v1/sessions/$session_id")
  require "$(jq -r .externalRef <<<"$session")" "$external_ref" "externalRef read back"
  require "$(jq -r .customerName <<<"$session")" "$customer_name" "customerName read back"
  require "$(jq -c .metadata <<<"$session")" "$(jq -c .metadata <<<"$body")" "metadata read back"
  require "$(jq -r .state <<<"$session")" created "state is created"
  echo "read back: state=$(jq -r .state <<<"$session") customerName=$(jq -r .customerName <<<"$session")"

  # 3. Find it by your own reference: the query string is signed exactly as sent (jq's @uri encodes it).
  local query found
  query="externalRef=$(jq -rn --arg v "$external_ref" '$v | @uri')&limit=10"
  found=$(vident GET "/v1/sessions?$query")
  require "$(jq --arg id "$session_id" '[.sessions[] | select(.sessionId == $id)] | length' <<<"$found")" 1 "listed by externalRef"
  echo "listed by externalRef: $(jq '.sessions | length' <<<"$found") session(s)"

  # 4. End it (the customer cancelled in your app). In a real flow the agent decides and you learn
  #    it from the session.decided webhook.
  require "$(vident DELETE "/v1/sessions/$session_id" | jq -r .state)" cancelled "state is cancelled after DELETE"

  # 5. The outcome, the audit trail and the evidence pack.
  local outcome trail pack
  outcome=$(vident GET "/v1/sessions/$session_id" | jq -c .outcome)
  require "$(jq -r .state <<<"$outcome")" cancelled "outcome is cancelled"
  echo "outcome: $outcome"
  trail=$(vident GET "/v1/sessions/$session_id/audit")
  require "$(jq -r '.head | length' <<<"$trail")" 64 "audit trail with a head"
  echo "audit: $(jq '.entries | length' <<<"$trail") entries, head $(jq -r .head <<<"$trail")"
  pack=$(evidence_when_ready "$session_id")
  require "$(jq -r .signed.manifest.sessionId <<<"$pack")" "$session_id" "evidence manifest names the session"
  echo "evidence: $(jq '.signed.manifest.artifacts | length' <<<"$pack") artifact(s), signed $(jq -r .signed.alg <<<"$pack")"

  # 6. Delete the evidence (the customer's erasure request, once your own retention allows it).
  local deleted
  deleted=$(vident DELETE "/v1/sessions/$session_id/evidence")
  echo "evidence deleted: $(jq '.artifacts | length' <<<"$deleted") artifact(s)"
  echo done
}

# Standard Webhooks (https://www.standardwebhooks.com). Prints ok, stale_timestamp or bad_signature.
#   webhook_verdict SECRET ID TIMESTAMP SIGNATURE-HEADER BODY-FILE NOW
# Run it on the raw body bytes as received, before parsing the JSON.
webhook_verdict() {
  local secret=$1 id=$2 timestamp=$3 signature_header=$4 body_file=$5 now=$6
  # 1. Refuse old (or future) deliveries, so a captured webhook cannot be replayed later.
  if ! [[ "$timestamp" =~ ^[0-9]{1,12}$ ]]; then
    echo stale_timestamp
    return
  fi
  local age=$((now - 10#$timestamp)) # 10#: decimal even with leading zeros (bash reads 0123 as octal)
  if [ "${age#-}" -gt "$WEBHOOK_TOLERANCE_SECONDS" ]; then
    echo stale_timestamp
    return
  fi
  # 2. The key is the base64 after "whsec_" (binary bytes: handed to openssl as hex); the signed
  #    content is id.timestamp.body.
  local key_hex expected candidate candidates
  key_hex=$(printf '%s' "${secret#whsec_}" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \n')
  expected="v1,$({ printf '%s.%s.' "$id" "$timestamp"; cat "$body_file"; } \
    | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | openssl base64 -A)"
  # 3. Several space-separated signatures may come during a secret rotation: one valid is enough.
  #    (A plain string comparison: in a long-running server, compare in constant time.)
  read -ra candidates <<<"$signature_header"
  for candidate in "${candidates[@]}"; do
    if [ "$candidate" = "$expected" ]; then
      echo ok
      return
    fi
  done
  echo bad_signature
}

verify_webhook() {
  local verdict
  verdict=$(webhook_verdict "$VIDENT_WEBHOOK_SECRET" "$1" "$2" "$3" "$4" "$(date +%s)")
  if [ "$verdict" != ok ]; then
    echo "refused: $verdict" # answer your HTTP caller 400 (or 401) and do not act on the body
    exit 1
  fi
  # Deduplicate on webhook-id: a retried delivery carries the same id.
  echo "ok $(jq -r '.type + " " + .data.sessionId' "$4")"
}

check_vectors() {
  local file=$1 mismatches=0 total=0 v name body tmp
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' RETURN
  mismatch() {
    echo "MISMATCH $1: expected $2, got $3"
    mismatches=$((mismatches + 1))
  }
  while IFS= read -r v; do
    total=$((total + 1))
    name=$(jq -r .name <<<"$v")
    body=$(jq -j .body <<<"$v")
    local method path ts nonce canonical signature
    method=$(jq -r .method <<<"$v") path=$(jq -r .pathWithQuery <<<"$v") ts=$(jq -r .timestamp <<<"$v")
    nonce=$(jq -r '.nonce // ""' <<<"$v")
    canonical=$(canonical_request "$method" "$path" "$ts" "$nonce" "$body")
    [ "$canonical" = "$(jq -r .canonical <<<"$v")" ] || mismatch "$name canonical" "$(jq .canonical <<<"$v")" "$(printf '%s' "$canonical" | jq -Rs .)"
    signature=$(sign_request "$(jq -r .secret <<<"$v")" "$method" "$path" "$ts" "$nonce" "$body")
    [ "$signature" = "$(jq -r '.headers["X-Vident-Signature"]' <<<"$v")" ] || mismatch "$name signature" "$(jq -r .signature <<<"$v")" "$signature"
  done < <(jq -c '.requestSigning.cases[]' "$file")
  while IFS= read -r v; do
    total=$((total + 1))
    jq -j .body <<<"$v" >"$tmp"
    local verdict
    verdict=$(webhook_verdict "$(jq -r .secret <<<"$v")" "$(jq -r .id <<<"$v")" "$(jq -r .timestamp <<<"$v")" \
      "$(jq -r .signature <<<"$v")" "$tmp" "$(jq -r .timestamp <<<"$v")")
    [ "$verdict" = ok ] || mismatch "$(jq -r .name <<<"$v") webhook signature" ok "$verdict"
  done < <(jq -c '.webhookSigning.cases[]' "$file")
  while IFS= read -r v; do
    total=$((total + 1))
    jq -j .body <<<"$v" >"$tmp"
    local verdict
    verdict=$(webhook_verdict "$(jq -r .secret <<<"$v")" "$(jq -r '.headers["webhook-id"]' <<<"$v")" \
      "$(jq -r '.headers["webhook-timestamp"]' <<<"$v")" "$(jq -r '.headers["webhook-signature"]' <<<"$v")" "$tmp" "$(jq -r .now <<<"$v")")
    [ "$verdict" = "$(jq -r .expect <<<"$v")" ] || mismatch "$(jq -r .name <<<"$v") webhook verdict" "$(jq -r .expect <<<"$v")" "$verdict"
  done < <(jq -c '.webhookVerification.cases[]' "$file")
  if [ "$mismatches" -gt 0 ]; then
    echo "$mismatches mismatch(es) in $total vectors"
    return 1
  fi
  echo "all $total vectors match"
}

case "${1:-} $#" in
  "demo 3") demo "$2" "$3" ;;
  "verify-webhook 5") verify_webhook "$2" "$3" "$4" "$5" ;;
  "vectors 2") check_vectors "$2" ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
