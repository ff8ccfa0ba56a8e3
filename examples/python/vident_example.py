#!/usr/bin/env python3
"""
A bank backend talking to vident, with nothing but Python 3's standard library.

    python3 vident_example.py demo <externalRef> <customerName>
        creates a session, reads it back, finds it by externalRef, ends it, reads its outcome,
        its audit trail and its evidence pack, then deletes the evidence (as on a customer's request)
    python3 vident_example.py verify-webhook <webhook-id> <webhook-timestamp> <webhook-signature> <body-file>
        checks one webhook delivery as your receiver would: exit 0 and "ok <type>", or exit 1
    python3 vident_example.py vectors <protocol/test-vectors/signing.json>
        checks this file's signing code against the published test vectors

Configuration (environment):
    VIDENT_BASE_URL        e.g. https://vident.example-bank.co.kr (default http://127.0.0.1:8787)
    VIDENT_KEY_ID          your bank API key id
    VIDENT_SECRET          its secret (keep it in your secret store, never in code)
    VIDENT_WEBHOOK_SECRET  the webhook signing secret, whsec_<base64>

See docs/INTEGRATION.md for the whole flow.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

# ---------------------------------------------------------------------------------------------
# Signing a bank API request
# ---------------------------------------------------------------------------------------------


def canonical_request(method, path_with_query, timestamp, body_bytes, nonce):
    """The text the signature covers, lines joined by "\\n" (no trailing newline):

        METHOD
        PATH?QUERY          exactly as sent on the wire (same order, same percent-encoding)
        TIMESTAMP           Unix seconds
        NONCE               only when an X-Vident-Nonce header is sent
        hex(SHA-256(body))  of the exact body bytes (an empty body hashes zero bytes)
    """
    lines = [method.upper(), path_with_query, str(timestamp)]
    if nonce is not None:
        lines.append(nonce)
    lines.append(hashlib.sha256(body_bytes).hexdigest())
    return "\n".join(lines)


def sign_request(key_id, secret, method, path_with_query, body_bytes, timestamp=None, nonce="fresh"):
    """The X-Vident-* headers for one request. By default a fresh nonce each time: the API accepts
    each signature once, and the nonce lets you send the same request twice in one second.
    (nonce=None signs without one, the older four-line form; the test vectors have such a case.)"""
    if timestamp is None:
        timestamp = int(time.time())
    if nonce == "fresh":
        nonce = secrets.token_hex(16)  # 32 of [0-9a-f]; the API takes 16..64 of [A-Za-z0-9_-]
    canonical = canonical_request(method, path_with_query, timestamp, body_bytes, nonce)
    signature = hmac.new(secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    headers = {"X-Vident-Key-Id": key_id, "X-Vident-Timestamp": str(timestamp)}
    if nonce is not None:
        headers["X-Vident-Nonce"] = nonce
    headers["X-Vident-Signature"] = signature
    return headers


# ---------------------------------------------------------------------------------------------
# Verifying a webhook (Standard Webhooks: https://www.standardwebhooks.com)
# ---------------------------------------------------------------------------------------------

WEBHOOK_TOLERANCE_SECONDS = 300


def verify_webhook(secret, webhook_id, webhook_timestamp, webhook_signature, body_bytes, now=None):
    """Answers "ok", "stale_timestamp" or "bad_signature". Run it on the raw body bytes as
    received, before any JSON parsing: re-serialized JSON would not match."""
    if now is None:
        now = int(time.time())
    # 1. Refuse old (or future) deliveries: a captured webhook cannot be replayed later.
    if not (webhook_timestamp.isascii() and webhook_timestamp.isdigit()) or abs(now - int(webhook_timestamp)) > WEBHOOK_TOLERANCE_SECONDS:
        return "stale_timestamp"
    # 2. The key is the base64 after "whsec_"; the signed content is id.timestamp.body.
    key = base64.b64decode(secret[len("whsec_"):])
    signed_content = webhook_id.encode("utf-8") + b"." + webhook_timestamp.encode("utf-8") + b"." + body_bytes
    expected = "v1," + base64.b64encode(hmac.new(key, signed_content, hashlib.sha256).digest()).decode("ascii")
    # 3. The header may carry several space-separated signatures (during a secret rotation).
    for candidate in webhook_signature.split(" "):
        if hmac.compare_digest(candidate.encode("utf-8"), expected.encode("utf-8")):
            return "ok"
    return "bad_signature"


# ---------------------------------------------------------------------------------------------
# A small signed client of the bank API
# ---------------------------------------------------------------------------------------------


class VidentError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class VidentClient:
    def __init__(self, base_url, key_id, secret):
        self.base_url = base_url.rstrip("/")
        self.key_id = key_id
        self.secret = secret

    def call(self, method, path_with_query, body=None, extra_headers=None):
        """One signed request; answers the parsed JSON, raises VidentError with the API's code."""
        # Serialize once and sign exactly these bytes: they are what goes on the wire.
        body_bytes = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = sign_request(self.key_id, self.secret, method, path_with_query, body_bytes)
        if body is not None:
            headers["Content-Type"] = "application/json"
        headers.update(extra_headers or {})
        request = urllib.request.Request(
            self.base_url + path_with_query, data=body_bytes if body is not None else None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as failure:
            # Every error answer is { "error": { "code", "message" } }: branch on the code, log the message.
            text = failure.read().decode("utf-8", "replace")
            try:
                error = json.loads(text)["error"]
                raise VidentError(failure.code, error["code"], error["message"]) from None
            except (ValueError, KeyError, TypeError):
                raise VidentError(failure.code, "unexpected_response", text[:200]) from None

    def create_session(self, request, idempotency_key):
        return self.call("POST", "/v1/sessions", request, {"Idempotency-Key": idempotency_key})

    def get_session(self, session_id):
        return self.call("GET", "/v1/sessions/" + urllib.parse.quote(session_id, safe=""))

    def find_sessions(self, external_ref):
        # The query string is part of the signature: build it once and sign what is sent.
        query = urllib.parse.urlencode({"externalRef": external_ref, "limit": "10"})
        return self.call("GET", "/v1/sessions?" + query)

    def end_session(self, session_id):
        return self.call("DELETE", "/v1/sessions/" + urllib.parse.quote(session_id, safe=""))

    def audit(self, session_id):
        return self.call("GET", "/v1/sessions/" + urllib.parse.quote(session_id, safe="") + "/audit")

    def evidence(self, session_id):
        return self.call("GET", "/v1/sessions/" + urllib.parse.quote(session_id, safe="") + "/evidence")

    def delete_evidence(self, session_id):
        return self.call("DELETE", "/v1/sessions/" + urllib.parse.quote(session_id, safe="") + "/evidence")


# ---------------------------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------------------------


def require(condition, what):
    if not condition:
        raise SystemExit(f"check failed: {what}")


def evidence_when_ready(client, session_id, attempts=15):
    """The evidence pack, asking again while it is 409 evidence_not_ready (recordings still uploading).
    In production, fetch it when the evidence.ready webhook arrives instead of polling."""
    for attempt in range(attempts):
        try:
            return client.evidence(session_id)
        except VidentError as error:
            if error.code != "evidence_not_ready" or attempt == attempts - 1:
                raise
            print("evidence not ready yet, asking again in 2 s")
            time.sleep(2)


def demo(external_ref, customer_name):
    client = VidentClient(
        os.environ.get("VIDENT_BASE_URL", "http://127.0.0.1:8787"), os.environ["VIDENT_KEY_ID"], os.environ["VIDENT_SECRET"]
    )
    metadata = {"channel": "example-python", "branch": "강남지점"}

    # 1. Create the session. Keep the idempotency key with your own record: a retry after a timeout
    #    with the same key and body answers the same session instead of creating a second one.
    created = client.create_session(
        {"externalRef": external_ref, "customerName": customer_name, "locale": "ko", "metadata": metadata},
        idempotency_key=str(uuid.uuid4()),
    )
    session_id = created["sessionId"]
    print(f"sessionId={session_id}")
    print(f"customerUrl: send this link to the customer (SMS, app push, e-mail); expires {created['expiresAt']}")

    # 2. Read it back.
    session = client.get_session(session_id)
    require(session["externalRef"] == external_ref, "externalRef read back")
    require(session["customerName"] == customer_name, "customerName read back")
    require(session["metadata"] == metadata, "metadata read back")
    require(session["state"] == "created", "state is created")
    print(f"read back: state={session['state']} customerName={session['customerName']}")

    # 3. Find it by your own reference (a signed query string).
    found = client.find_sessions(external_ref)
    require(any(s["sessionId"] == session_id for s in found["sessions"]), "listed by externalRef")
    print(f"listed by externalRef: {len(found['sessions'])} session(s)")

    # 4. End it (the customer cancelled in your app). In a real flow the agent decides and you learn
    #    it from the session.decided webhook.
    ended = client.end_session(session_id)
    require(ended["state"] == "cancelled", "state is cancelled after DELETE")

    # 5. The outcome, the audit trail and the evidence pack.
    outcome = client.get_session(session_id)["outcome"]
    require(outcome is not None and outcome["state"] == "cancelled", "outcome is cancelled")
    print(f"outcome: {json.dumps(outcome, ensure_ascii=False)}")
    trail = client.audit(session_id)
    require(len(trail["entries"]) > 0 and len(trail["head"]) == 64, "audit trail with a head")
    print(f"audit: {len(trail['entries'])} entries, head {trail['head']}")
    pack = evidence_when_ready(client, session_id)
    manifest = pack["signed"]["manifest"]
    require(manifest["sessionId"] == session_id, "evidence manifest names the session")
    print(f"evidence: {len(manifest['artifacts'])} artifact(s), signed {pack['signed']['alg']}")

    # 6. Delete the evidence (the customer's erasure request, once your own retention allows it).
    deleted = client.delete_evidence(session_id)
    print(f"evidence deleted: {len(deleted['artifacts'])} artifact(s)")
    print("done")


def verify_webhook_command(webhook_id, webhook_timestamp, webhook_signature, body_file):
    with open(body_file, "rb") as f:
        body = f.read()
    verdict = verify_webhook(os.environ["VIDENT_WEBHOOK_SECRET"], webhook_id, webhook_timestamp, webhook_signature, body)
    if verdict != "ok":
        # Answer your HTTP caller 400 (or 401) and do not act on the body.
        print(f"refused: {verdict}")
        sys.exit(1)
    event = json.loads(body.decode("utf-8"))
    # Deduplicate on webhook-id: a retried delivery carries the same id.
    print(f"ok {event['type']} {event['data']['sessionId']}")


def check_vectors(path):
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    failures = 0

    def check(name, actual, expected):
        nonlocal failures
        if actual != expected:
            failures += 1
            print(f"MISMATCH {name}: expected {expected!r}, got {actual!r}")

    for v in vectors["requestSigning"]["cases"]:
        body = v["body"].encode("utf-8")
        check(v["name"] + " bodySha256", hashlib.sha256(body).hexdigest(), v["bodySha256"])
        check(v["name"] + " canonical", canonical_request(v["method"], v["pathWithQuery"], v["timestamp"], body, v["nonce"]), v["canonical"])
        headers = sign_request(v["keyId"], v["secret"], v["method"], v["pathWithQuery"], body, v["timestamp"], v["nonce"])
        check(v["name"] + " headers", headers, v["headers"])
    for v in vectors["webhookSigning"]["cases"]:
        verdict = verify_webhook(v["secret"], v["id"], str(v["timestamp"]), v["signature"], v["body"].encode("utf-8"), now=v["timestamp"])
        check(v["name"] + " webhook signature", verdict, "ok")
    for v in vectors["webhookVerification"]["cases"]:
        h = v["headers"]
        verdict = verify_webhook(v["secret"], h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"], v["body"].encode("utf-8"), now=v["now"])
        check(v["name"] + " webhook verdict", verdict, v["expect"])

    total = sum(len(vectors[k]["cases"]) for k in ("requestSigning", "webhookSigning", "webhookVerification"))
    if failures:
        print(f"{failures} mismatch(es) in {total} vectors")
        sys.exit(1)
    print(f"all {total} vectors match")


def main(args):
    try:
        if len(args) == 3 and args[0] == "demo":
            demo(args[1], args[2])
        elif len(args) == 5 and args[0] == "verify-webhook":
            verify_webhook_command(*args[1:])
        elif len(args) == 2 and args[0] == "vectors":
            check_vectors(args[1])
        else:
            print(__doc__, file=sys.stderr)
            sys.exit(2)
    except VidentError as error:
        print(f"vident answered {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
